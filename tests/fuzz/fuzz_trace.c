/*
 * Invocation traces (plan/trace.c) from untrusted files, in every format:
 * no crash, no leak; what parses is sorted from 0 with every invocation's
 * function inside the function table; what does not says why in one line.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "plan/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 65536)
		return 0;
	/* the first byte picks the format (and a duration file from the rest, for azure2019) */
	enum eb_trace_format f = (enum eb_trace_format)(data[0] % 4);
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	const char *dur = NULL;
	size_t dlen = 0;
	const char *split = f == EB_TRACE_AZURE2019 ? memchr(text, '\f', len) : NULL;
	if (split) {
		dur = split + 1;
		dlen = len - (size_t)(dur - text);
		len = (size_t)(split - text);
	}
	struct eb_trace t;
	char err[256];
	int rc = eb_trace_parse("fuzz", text, len, f, 7, dur, dlen, &t, err, sizeof(err));
	if (rc < 0) {
		assert(strchr(err, '\n') == NULL && err[0]);
		assert(t.inv == NULL);
		return 0;
	}
	assert(t.n > 0 && t.inv[0].at_ns == 0);
	for (size_t i = 0; i < t.n; i++) {
		assert(t.inv[i].function < t.n_functions);
		if (i)
			assert(t.inv[i].at_ns >= t.inv[i - 1].at_ns);
	}
	eb_trace_free(&t);
	return 0;
}
