/*
 * jt: strict parsing into tokens; see jt.h.
 */
#include "jt.h"

#include <string.h>

struct parser {
	const char *in;
	size_t len, pos;
	struct jt_tok *tok;
	unsigned cap, n;
	const char *why;
};

static int fail(struct parser *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return -1;
}

static void ws(struct parser *p)
{
	while (p->pos < p->len && (p->in[p->pos] == ' ' || p->in[p->pos] == '\t' || p->in[p->pos] == '\n' ||
				   p->in[p->pos] == '\r'))
		p->pos++;
}

static int new_tok(struct parser *p, enum jt_type type, size_t start)
{
	if (p->n >= p->cap)
		return fail(p, "too many values");
	p->tok[p->n] = (struct jt_tok){ type, start, start, 0, 0 };
	return (int)p->n++;
}

static int hex4(const char *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d > 15)
			return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t k = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	if (!k || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (k == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;   /* overlong, or a surrogate */
	if (k == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;   /* overlong, or above U+10FFFF */
	return k;
}

static int string(struct parser *p)
{
	int t = new_tok(p, JT_STRING, p->pos + 1);
	if (t < 0)
		return -1;
	p->pos++;   /* the opening quote */
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->in[p->pos];
		if (c == '"') {
			p->tok[t].end = p->pos++;
			p->tok[t].next = p->n;
			return 0;
		}
		if (c < 0x20)
			return fail(p, "control character in a string");
		if (c == '\\') {
			if (p->pos + 1 >= p->len)
				break;
			char e = p->in[p->pos + 1];
			if (e == 'u') {
				unsigned v, w;
				if (p->pos + 6 > p->len || hex4(p->in + p->pos + 2, &v) < 0)
					return fail(p, "bad \\u escape");
				p->pos += 6;
				if (v >= 0xdc00 && v <= 0xdfff)
					return fail(p, "lone low surrogate");
				if (v >= 0xd800 && v <= 0xdbff) {
					if (p->pos + 6 > p->len || p->in[p->pos] != '\\' || p->in[p->pos + 1] != 'u' ||
					    hex4(p->in + p->pos + 2, &w) < 0 || w < 0xdc00 || w > 0xdfff)
						return fail(p, "lone high surrogate");
					p->pos += 6;
				}
				continue;
			}
			if (!strchr("\"\\/bfnrt", e) || !e)
				return fail(p, "bad escape");
			p->pos += 2;
			continue;
		}
		size_t k = utf8_len((const unsigned char *)p->in + p->pos, p->len - p->pos);
		if (!k)
			return fail(p, "invalid UTF-8");
		p->pos += k;
	}
	return fail(p, "unterminated string");
}

static int digits(struct parser *p)
{
	size_t s = p->pos;
	while (p->pos < p->len && p->in[p->pos] >= '0' && p->in[p->pos] <= '9')
		p->pos++;
	return p->pos > s ? 0 : -1;
}

static int number(struct parser *p)
{
	int t = new_tok(p, JT_NUMBER, p->pos);
	if (t < 0)
		return -1;
	if (p->in[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->in[p->pos] == '0')
		p->pos++;
	else if (digits(p) < 0)
		return fail(p, "bad number");
	if (p->pos < p->len && p->in[p->pos] == '.') {
		p->pos++;
		if (digits(p) < 0)
			return fail(p, "bad number");
	}
	if (p->pos < p->len && (p->in[p->pos] == 'e' || p->in[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->in[p->pos] == '+' || p->in[p->pos] == '-'))
			p->pos++;
		if (digits(p) < 0)
			return fail(p, "bad number");
	}
	p->tok[t].end = p->pos;
	p->tok[t].next = p->n;
	return 0;
}

static int literal(struct parser *p, const char *word, enum jt_type type)
{
	size_t n = strlen(word);
	if (p->len - p->pos < n || memcmp(p->in + p->pos, word, n) != 0)
		return fail(p, "unexpected character");
	int t = new_tok(p, type, p->pos);
	if (t < 0)
		return -1;
	p->pos += n;
	p->tok[t].end = p->pos;
	p->tok[t].next = p->n;
	return 0;
}

static int value(struct parser *p, unsigned depth);

static int container(struct parser *p, unsigned depth, int object)
{
	if (depth >= JT_MAX_DEPTH)
		return fail(p, "nested too deeply");
	int t = new_tok(p, object ? JT_OBJECT : JT_ARRAY, p->pos);
	if (t < 0)
		return -1;
	p->pos++;
	ws(p);
	char close = object ? '}' : ']';
	if (p->pos < p->len && p->in[p->pos] == close) {
		p->pos++;
		p->tok[t].end = p->pos;
		p->tok[t].next = p->n;
		return 0;
	}
	for (;;) {
		if (object) {
			ws(p);
			if (p->pos >= p->len || p->in[p->pos] != '"')
				return fail(p, "expected a member name");
			if (string(p) < 0)
				return -1;
			ws(p);
			if (p->pos >= p->len || p->in[p->pos] != ':')
				return fail(p, "expected ':'");
			p->pos++;
		}
		if (value(p, depth + 1) < 0)
			return -1;
		p->tok[t].size++;
		ws(p);
		if (p->pos >= p->len)
			return fail(p, object ? "unterminated object" : "unterminated array");
		if (p->in[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->in[p->pos] == close) {
			p->pos++;
			p->tok[t].end = p->pos;
			p->tok[t].next = p->n;
			return 0;
		}
		return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int value(struct parser *p, unsigned depth)
{
	ws(p);
	if (p->pos >= p->len)
		return fail(p, "expected a value");
	switch (p->in[p->pos]) {
	case '{': return container(p, depth, 1);
	case '[': return container(p, depth, 0);
	case '"': return string(p);
	case 't': return literal(p, "true", JT_TRUE);
	case 'f': return literal(p, "false", JT_FALSE);
	case 'n': return literal(p, "null", JT_NULL);
	default:
		if (p->in[p->pos] == '-' || (p->in[p->pos] >= '0' && p->in[p->pos] <= '9'))
			return number(p);
		return fail(p, "unexpected character");
	}
}

int jt_parse(const char *in, size_t len, struct jt_tok *tok, unsigned cap, const char **why, size_t *at)
{
	struct parser p = { in, len, 0, tok, cap, 0, NULL };
	if (value(&p, 0) == 0) {
		ws(&p);
		if (p.pos == len)
			return (int)p.n;
		fail(&p, "trailing characters");
	}
	*why = p.why ? p.why : "malformed";
	*at = p.pos;
	return -1;
}

static size_t put_utf8(unsigned v, char *o)
{
	if (v < 0x80) {
		o[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		o[0] = (char)(0xc0 | (v >> 6));
		o[1] = (char)(0x80 | (v & 0x3f));
		return 2;
	}
	if (v < 0x10000) {
		o[0] = (char)(0xe0 | (v >> 12));
		o[1] = (char)(0x80 | ((v >> 6) & 0x3f));
		o[2] = (char)(0x80 | (v & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (v >> 18));
	o[1] = (char)(0x80 | ((v >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((v >> 6) & 0x3f));
	o[3] = (char)(0x80 | (v & 0x3f));
	return 4;
}

int jt_unescape(const char *in, const struct jt_tok *t, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = t->start; i < t->end;) {
		char u[4];
		size_t n = 0;
		if (in[i] != '\\') {
			u[0] = in[i++];
			n = 1;
		} else {
			char e = in[i + 1];
			i += 2;
			switch (e) {
			case 'b': u[0] = '\b'; n = 1; break;
			case 'f': u[0] = '\f'; n = 1; break;
			case 'n': u[0] = '\n'; n = 1; break;
			case 'r': u[0] = '\r'; n = 1; break;
			case 't': u[0] = '\t'; n = 1; break;
			case 'u': {
				unsigned v, w;
				(void)hex4(in + i, &v);
				i += 4;
				if (v >= 0xd800 && v <= 0xdbff) {   /* jt_parse checked the pair */
					(void)hex4(in + i + 2, &w);
					i += 6;
					v = 0x10000 + ((v - 0xd800) << 10) + (w - 0xdc00);
				}
				n = put_utf8(v, u);
				break;
			}
			default: u[0] = e; n = 1; break;   /* " \ / */
			}
		}
		if (o + n >= cap)
			return -1;
		memcpy(out + o, u, n);
		o += n;
	}
	out[o] = 0;
	return (int)o;
}

int jt_eq(const char *in, const struct jt_tok *t, const char *s)
{
	size_t n = strlen(s);
	return t->type == JT_STRING && t->end - t->start == n && memcmp(in + t->start, s, n) == 0;
}

int jt_quote(const char *s, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	if (cap < 3)
		return -1;
	out[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t k = 0;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = 2;
		} else if (c < 0x20) {
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			k = 6;
		} else {
			esc[0] = (char)c;
			k = 1;
		}
		if (o + k + 2 > cap)
			return -1;
		memcpy(out + o, esc, k);
		o += k;
	}
	out[o++] = '"';
	out[o] = 0;
	return (int)o;
}
