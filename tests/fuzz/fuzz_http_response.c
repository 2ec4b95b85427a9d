/*
 * edgebench's HTTP response parser, on arbitrary bytes, whole and cut at
 * every length the first byte picks: a complete parse consumes no more than
 * it was given and its body lies inside the buffer; a prefix of a complete
 * message is never malformed (bytes that arrive later cannot make earlier
 * ones wrong).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int flags = data[0];
	data++;
	size--;
	/* an exact-size copy: any read past the end is an ASan error */
	char *buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct eb_http_response r;
	long whole = eb_http_parse_response(buf, size, flags & 1, (flags >> 1) & 1, &r);
	assert(whole == EB_HTTP_MALFORMED || whole == EB_HTTP_INCOMPLETE || (whole > 0 && (size_t)whole <= size));
	if (whole > 0) {
		assert(r.head_len <= (size_t)whole);
		assert(r.status >= 100 && r.status <= 999);
		if (r.body)
			assert(r.body >= buf && r.body + r.body_len <= buf + whole);
		/* every strict prefix is incomplete, never malformed */
		for (size_t cut = 0; cut < (size_t)whole; cut += 1 + cut / 8) {
			struct eb_http_response p;
			long pr = eb_http_parse_response(buf, cut, flags & 1, 0, &p);
			assert(pr == EB_HTTP_INCOMPLETE);
		}
	}
	free(buf);
	return 0;
}
