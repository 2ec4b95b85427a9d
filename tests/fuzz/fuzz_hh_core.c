/*
 * hh_core, the request handling every http-hello build shares, fed the way
 * the epoll server feeds it: bytes arriving in arbitrary fragments (the
 * first input byte seeds the fragment sizes) into a bounded buffer,
 * pipelined requests answered in order.  Invariants: consumed never
 * exceeds what is buffered, a response fits out_cap and is an HTTP/1.1
 * status line, and a protocol error (400, 413, 431, 505) closes.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hh_core.h"

#define IN_CAP (HH_MAX_HEAD + HH_MAX_BODY + 1)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char in[IN_CAP];
	char out[HH_MAX_RESPONSE];
	struct hh_state st = { 0 };
	if (size == 0)
		return 0;
	unsigned seed = data[0];
	data++;
	size--;
	size_t len = 0, pos = 0;
	while (pos < size || len > 0) {
		/* next fragment: 1..64 bytes, or all that is left */
		seed = seed * 1103515245u + 12345u;
		size_t frag = 1 + (seed >> 16) % 64;
		if (frag > size - pos)
			frag = size - pos;
		if (frag > IN_CAP - len)
			frag = IN_CAP - len;
		memcpy(in + len, data + pos, frag);
		len += frag;
		pos += frag;
		int progressed = 0;
		for (;;) {
			size_t out_len = 0, consumed = 0;
			int close_after = 0;
			int r = hh_handle(&st, in, len, out, sizeof(out), &out_len, &consumed, &close_after);
			if (r == HH_INCOMPLETE)
				break;
			assert(r == HH_RESPONSE);
			assert(consumed <= len);
			assert(out_len > 12 && out_len <= sizeof(out));
			assert(memcmp(out, "HTTP/1.1 ", 9) == 0);
			int status = (out[9] - '0') * 100 + (out[10] - '0') * 10 + (out[11] - '0');
			assert(status >= 200 && status <= 599);
			/* a request we could not read (as opposed to one routed to a 404) closes */
			if (status == 400 || status == 413 || status == 431 || status == 505)
				assert(close_after);
			memmove(in, in + consumed, len - consumed);
			len -= consumed;
			progressed = 1;
			if (close_after)
				return 0;   /* the server closes the connection here */
			if (consumed == 0)
				break;
		}
		if (pos >= size && !progressed)
			break;          /* nothing more will come: an incomplete request */
		if (len == IN_CAP)
			return 0;       /* the server answers 431/413 by size; hh_handle must have */
	}
	return 0;
}
