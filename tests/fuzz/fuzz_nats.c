/*
 * nats: the frame parser fed as a client buffer is, bytes arriving in
 * arbitrary fragments (the first input byte seeds their sizes), frames
 * consumed from the front as they complete.  Invariants: a frame never
 * claims more bytes than are buffered, its pointers stay inside them, an
 * incomplete frame stays incomplete until more bytes come, and whatever
 * the split, the frames are the same as when the input is parsed whole.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtimes/wasmcloud/nats.h"

#define CAP (EB_NATS_MAX_LINE + 70000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const char *p, size_t n, const char *buf, size_t len)
{
	return !p || (p >= buf && p + n <= buf + len);
}

/* parse buf whole; kinds of the frames into kinds (at most cap); count, stop reason */
static size_t whole(const char *buf, size_t len, int *kinds, size_t cap, ssize_t *stop)
{
	size_t off = 0, n = 0;
	for (;;) {
		struct eb_nats_frame f;
		ssize_t k = eb_nats_parse(buf + off, len - off, &f);
		if (k <= 0) {
			*stop = k;
			return n;
		}
		assert((size_t)k <= len - off);
		assert(inside(f.payload, f.payload_len, buf + off, (size_t)k));
		assert(inside(f.subject, f.subject_len, buf + off, (size_t)k));
		assert(inside(f.reply, f.reply_len, buf + off, (size_t)k));
		if (n < cap)
			kinds[n] = (int)f.kind;
		n++;
		off += (size_t)k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[CAP];
	if (size < 1 || size - 1 > CAP)
		return 0;
	unsigned seed = data[0];
	const char *in = (const char *)data + 1;
	size -= 1;
	int kinds[256];
	ssize_t stop;
	size_t nwhole = whole(in, size, kinds, 256, &stop);
	/* the same bytes in fragments */
	size_t len = 0, pos = 0, n = 0;
	for (;;) {
		struct eb_nats_frame f;
		ssize_t k = eb_nats_parse(buf, len, &f);
		if (k > 0) {
			assert((size_t)k <= len);
			if (n < 256)
				assert((int)f.kind == kinds[n]);
			n++;
			memmove(buf, buf + k, len - (size_t)k);
			len -= (size_t)k;
			continue;
		}
		if (k < 0 || pos == size)
			break;
		seed = seed * 1103515245u + 12345u;
		size_t frag = 1 + (seed >> 16) % 64;
		if (frag > size - pos)
			frag = size - pos;
		memcpy(buf + len, in + pos, frag);
		len += frag;
		pos += frag;
	}
	assert(n == nwhole);
	return 0;
}
