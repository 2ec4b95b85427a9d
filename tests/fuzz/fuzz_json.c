/*
 * http-api's JSON parser (workloads/http-api/jt.c), which every build of
 * the workload runs on untrusted request bodies.  Invariants: every token
 * lies inside the input and its children inside it; what the parser
 * accepts, jansson accepts too (and what jansson accepts, the parser
 * accepts unless it is over our own depth or token bounds, and jansson
 * refuses only what it cannot hold: a number out of its range, a NUL in a key); every string token unescapes, quotes back and
 * parses again to the same bytes.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jt_tok tok[CAP];
	const char *in = (const char *)data;
	const char *why = NULL;
	size_t at = 0;
	int n = jt_parse(in, size, tok, CAP, &why, &at);
	json_error_t jerr;
	json_t *j = json_loadb(in, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (n < 0) {
		assert(why && at <= size);
		/* only our own bounds may refuse what jansson takes (which also stops reading at a NUL byte) */
		if (j)
			assert(!strcmp(why, "too many values") || !strcmp(why, "nested too deeply") || memchr(in, 0, size));
		json_decref(j);
		return 0;
	}
	assert(n >= 1 && n <= CAP);
	/* what JSON allows and jansson cannot hold: a number past its range, a NUL in an object key */
	if (!j)
		assert(strstr(jerr.text, "overflow") || strstr(jerr.text, "too big") || strstr(jerr.text, "NUL byte in object key"));
	json_decref(j);
	assert(tok[0].next == (unsigned)n);
	for (int i = 0; i < n; i++) {
		const struct jt_tok *t = &tok[i];
		assert(t->start <= t->end && t->end <= size);
		assert(t->next > (unsigned)i && t->next <= (unsigned)n);
		for (unsigned k = (unsigned)i + 1; k < t->next; k++)
			assert(tok[k].start >= t->start && tok[k].end <= t->end);
		if (t->type != JT_STRING)
			continue;
		static char raw[4096], quoted[4096 * 6 + 3];
		int len = jt_unescape(in, t, raw, sizeof(raw));
		if (len < 0)
			continue;   /* longer than our buffer */
		int q = jt_quote(raw, (size_t)len, quoted, sizeof(quoted));
		assert(q >= 2);
		struct jt_tok t2[1];
		const char *why2;
		size_t at2;
		assert(jt_parse(quoted, (size_t)q, t2, 1, &why2, &at2) == 1 && t2[0].type == JT_STRING);
		static char raw2[4096];
		int len2 = jt_unescape(quoted, &t2[0], raw2, sizeof(raw2));
		assert(len2 == len && memcmp(raw, raw2, (size_t)len) == 0);
	}
	return 0;
}
