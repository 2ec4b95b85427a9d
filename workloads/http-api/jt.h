/*
 * jt: a strict RFC 8259 parser into a flat token array (in the manner of
 * jsmn), with no allocation and no stdio, so every build of http-api (native,
 * wasm32-wasi, a wasi:http component) parses alike.  Strings are checked
 * (escapes, \\u pairs, no control characters, valid UTF-8), numbers follow
 * the grammar, nesting is bounded.  Fuzzed by tests/fuzz/fuzz_api.c.
 */
#ifndef EB_JT_H
#define EB_JT_H

#include <stddef.h>

#define JT_MAX_DEPTH 16

enum jt_type { JT_OBJECT, JT_ARRAY, JT_STRING, JT_NUMBER, JT_TRUE, JT_FALSE, JT_NULL };

struct jt_tok {
	enum jt_type type;
	size_t start, end;       /* the token's text in the input; a string without its quotes */
	unsigned size;           /* object: members; array: elements */
	unsigned next;           /* index of the token after this one and everything inside it */
};

/*
 * Parse the whole of in[0..len) as one JSON value into tok[0..cap).
 * Returns the number of tokens, or -1 with a short reason in *why (a
 * constant) and the byte offset in *at.  An object's tokens are key,
 * value, key, value...
 */
int jt_parse(const char *in, size_t len, struct jt_tok *tok, unsigned cap, const char **why, size_t *at);

/*
 * Decode a string token's text (escapes resolved, UTF-8 out) into
 * out[0..cap); returns the length, or -1 when it does not fit.
 */
int jt_unescape(const char *in, const struct jt_tok *t, char *out, size_t cap);

/* Does string token t equal the plain ASCII s (no escapes compared)? */
int jt_eq(const char *in, const struct jt_tok *t, const char *s);

/* s[0..n) as a JSON string literal, quotes included, into out; returns the length or -1. */
int jt_quote(const char *s, size_t n, char *out, size_t cap);

#endif
