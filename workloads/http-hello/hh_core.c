/*
 * hh_core: HTTP/1.x request parsing and routing for http-hello.  Strict
 * enough to reject garbage with 400, lenient about what real clients send
 * (bare LF line ends, header case, HTTP/1.0).
 */
#include "hh_core.h"

#include <stdio.h>
#include <string.h>

const char *hh_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 500: return "Internal Server Error";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

size_t hh_u64_to_dec(uint64_t v, char out[21])
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

/* Copy a constant body; no stdio, so a wasi:http build needs no WASI preview1. */
static size_t put(char *body, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap)
		n = cap ? cap - 1 : 0;
	memcpy(body, s, n);
	if (cap)
		body[n] = '\0';
	return n;
}

/* The value of query parameter `name` in q[0..len) ("?a=1&b=2"); 1 when present. */
static int query_param(const char *q, size_t len, const char *name, const char **v, size_t *vlen)
{
	size_t nl = strlen(name), i = 0;
	if (len && q[0] == '?')
		i = 1;
	while (i < len && q[i] != '#') {
		size_t start = i;
		while (i < len && q[i] != '&' && q[i] != '#')
			i++;
		if (i - start > nl && q[start + nl] == '=' && memcmp(q + start, name, nl) == 0) {
			*v = q + start + nl + 1;
			*vlen = i - start - nl - 1;
			return 1;
		}
		if (i < len && q[i] == '&')
			i++;
	}
	return 0;
}

/* GET /work?us=N&how=cpu|wait */
static int work(struct hh_state *st, const char *q, size_t len, char *body, size_t body_cap, size_t *body_len)
{
	const char *v, *how;
	size_t vl, hl;
	uint64_t us = 0;
	if (!st->work) {
		*body_len = put(body, body_cap, "no clock in this build");
		return 501;
	}
	if (!query_param(q, len, "us", &v, &vl) || vl == 0 || vl > 12) {
		*body_len = put(body, body_cap, "work needs us=MICROSECONDS");
		return 400;
	}
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9') {
			*body_len = put(body, body_cap, "us is not a whole number");
			return 400;
		}
		us = us * 10 + (uint64_t)(v[i] - '0');
	}
	int spin = 0;
	if (query_param(q, len, "how", &how, &hl)) {
		if (hl == 3 && memcmp(how, "cpu", 3) == 0)
			spin = 1;
		else if (!(hl == 4 && memcmp(how, "wait", 4) == 0)) {
			*body_len = put(body, body_cap, "how is cpu or wait");
			return 400;
		}
	}
	if (us > HH_MAX_WORK_US) {
		*body_len = put(body, body_cap, "us above 600000000");
		return 400;
	}
	st->work(us, spin);
	char num[21];
	size_t n = put(body, body_cap, "worked ");
	hh_u64_to_dec(us, num);
	*body_len = n + put(body + n, body_cap - n, num);
	return 200;
}

int hh_route(struct hh_state *st, const char *method, size_t method_len,
	     const char *target, size_t target_len,
	     char *body, size_t body_cap, size_t *body_len)
{
	size_t path_len = 0;
	while (path_len < target_len && target[path_len] != '?' && target[path_len] != '#')
		path_len++;
	int is_get = method_len == 3 && memcmp(method, "GET", 3) == 0;
	if (is_get && path_len == 1 && target[0] == '/') {
		*body_len = put(body, body_cap, "hello");
		return 200;
	}
	if (is_get && path_len == 6 && memcmp(target, "/state", 6) == 0) {
		char num[21];
		st->counter++;
		hh_u64_to_dec(st->counter, num);
		*body_len = put(body, body_cap, num);
		return 200;
	}
	if (is_get && path_len == 5 && memcmp(target, "/work", 5) == 0)
		return work(st, target + path_len, target_len - path_len, body, body_cap, body_len);
	*body_len = put(body, body_cap, "not found");
	return 404;
}

static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Does the comma-separated token list v contain tok (case-insensitive)? */
static int has_token(const char *v, size_t vlen, const char *tok)
{
	size_t i = 0;
	while (i < vlen) {
		while (i < vlen && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t start = i;
		while (i < vlen && v[i] != ',')
			i++;
		size_t end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (end > start && ieq(v + start, end - start, tok))
			return 1;
	}
	return 0;
}

/* Find the end of the line starting at p; returns the index of '\n' or -1. */
static long find_lf(const char *in, size_t from, size_t len)
{
	const char *p = memchr(in + from, '\n', len - from);
	return p ? (long)(p - in) : -1;
}

static size_t write_response(char *out, size_t out_cap, int status, const char *content_type,
			     const char *body, size_t body_len,
			     int close_after, int http10_keepalive)
{
	int n = snprintf(out, out_cap,
			 "HTTP/1.1 %d %s\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n"
			 "%s"
			 "\r\n",
			 status, hh_reason(status), content_type, body_len,
			 close_after ? "Connection: close\r\n" :
			 http10_keepalive ? "Connection: keep-alive\r\n" : "");
	if (n < 0 || (size_t)n >= out_cap)
		return 0;
	size_t head = (size_t)n;
	if (body_len > out_cap - head)
		body_len = out_cap - head;
	memcpy(out + head, body, body_len);
	return head + body_len;
}

static int error_response(int status, char *out, size_t out_cap, size_t *out_len,
			  size_t *consumed, size_t len, int *close_after)
{
	const char *body = hh_reason(status);
	*out_len = write_response(out, out_cap, status, "text/plain", body, strlen(body), 1, 0);
	*consumed = len;
	*close_after = 1;
	return HH_RESPONSE;
}

int hh_serve(hh_router_fn route, void *ctx, size_t max_body, char *scratch, size_t scratch_cap,
	     const char *in, size_t len, char *out, size_t out_cap, size_t *out_len,
	     size_t *consumed, int *close_after)
{
	/* Request line. */
	long lf = find_lf(in, 0, len);
	if (lf < 0) {
		if (len > HH_MAX_LINE)
			return error_response(431, out, out_cap, out_len, consumed, len, close_after);
		return HH_INCOMPLETE;
	}
	if ((size_t)lf > HH_MAX_LINE)
		return error_response(431, out, out_cap, out_len, consumed, len, close_after);
	size_t line_end = (size_t)lf;
	if (line_end > 0 && in[line_end - 1] == '\r')
		line_end--;

	size_t i = 0;
	while (i < line_end && is_tchar((unsigned char)in[i]))
		i++;
	size_t method_len = i;
	if (method_len == 0 || i >= line_end || in[i] != ' ')
		return error_response(400, out, out_cap, out_len, consumed, len, close_after);
	size_t target_start = ++i;
	while (i < line_end && in[i] > ' ' && in[i] != 0x7f)
		i++;
	size_t target_len = i - target_start;
	if (target_len == 0 || i >= line_end || in[i] != ' ' ||
	    (in[target_start] != '/' && !(target_len == 1 && in[target_start] == '*')))
		return error_response(400, out, out_cap, out_len, consumed, len, close_after);
	i++;
	size_t ver_len = line_end - i;
	int minor;
	if (ver_len == 8 && memcmp(in + i, "HTTP/1.", 7) == 0 && (in[i + 7] == '0' || in[i + 7] == '1'))
		minor = in[i + 7] - '0';
	else if (ver_len == 8 && memcmp(in + i, "HTTP/", 5) == 0 &&
		 in[i + 5] >= '0' && in[i + 5] <= '9' && in[i + 6] == '.' &&
		 in[i + 7] >= '0' && in[i + 7] <= '9')
		return error_response(505, out, out_cap, out_len, consumed, len, close_after);
	else
		return error_response(400, out, out_cap, out_len, consumed, len, close_after);

	/* Header fields. */
	int conn_close = 0, conn_keepalive = 0, has_te = 0, has_cl = 0;
	unsigned long long content_length = 0;
	size_t pos = (size_t)lf + 1;
	for (;;) {
		long hl = find_lf(in, pos, len);
		if (hl < 0) {
			if (len > HH_MAX_HEAD)
				return error_response(431, out, out_cap, out_len, consumed, len, close_after);
			return HH_INCOMPLETE;
		}
		if ((size_t)hl + 1 > HH_MAX_HEAD)
			return error_response(431, out, out_cap, out_len, consumed, len, close_after);
		size_t he = (size_t)hl;
		if (he > pos && in[he - 1] == '\r')
			he--;
		if (he == pos) {          /* empty line: end of head */
			pos = (size_t)hl + 1;
			break;
		}
		size_t n = pos;
		while (n < he && is_tchar((unsigned char)in[n]))
			n++;
		if (n == pos || n >= he || in[n] != ':')
			return error_response(400, out, out_cap, out_len, consumed, len, close_after);
		const char *name = in + pos;
		size_t name_len = n - pos;
		size_t v = n + 1;
		while (v < he && (in[v] == ' ' || in[v] == '\t'))
			v++;
		size_t ve = he;
		while (ve > v && (in[ve - 1] == ' ' || in[ve - 1] == '\t'))
			ve--;
		for (size_t c = v; c < ve; c++)
			if ((unsigned char)in[c] < 0x20 && in[c] != '\t')
				return error_response(400, out, out_cap, out_len, consumed, len, close_after);
		if (ieq(name, name_len, "connection")) {
			if (has_token(in + v, ve - v, "close"))
				conn_close = 1;
			if (has_token(in + v, ve - v, "keep-alive"))
				conn_keepalive = 1;
		} else if (ieq(name, name_len, "transfer-encoding")) {
			has_te = 1;
		} else if (ieq(name, name_len, "content-length")) {
			unsigned long long cl = 0;
			if (ve == v)
				return error_response(400, out, out_cap, out_len, consumed, len, close_after);
			for (size_t c = v; c < ve; c++) {
				if (in[c] < '0' || in[c] > '9' || cl > 1000000000ull)
					return error_response(400, out, out_cap, out_len, consumed, len, close_after);
				cl = cl * 10 + (unsigned)(in[c] - '0');
			}
			if (has_cl && cl != content_length)
				return error_response(400, out, out_cap, out_len, consumed, len, close_after);
			has_cl = 1;
			content_length = cl;
		}
		pos = (size_t)hl + 1;
	}
	if (has_te)
		return error_response(501, out, out_cap, out_len, consumed, len, close_after);
	if (content_length > max_body)
		return error_response(413, out, out_cap, out_len, consumed, len, close_after);
	if (len - pos < content_length)
		return HH_INCOMPLETE;

	struct hh_request rq = { in, method_len, in + target_start, target_len, in + pos, (size_t)content_length };
	size_t body_len = 0;
	const char *ctype = "text/plain";
	int status = route(ctx, &rq, scratch, scratch_cap, &body_len, &ctype);
	const char *body = scratch;
	int keep = minor == 1 ? !conn_close : (conn_keepalive && !conn_close);
	*close_after = !keep;
	*out_len = write_response(out, out_cap, status, ctype, body, body_len, !keep,
				  keep && minor == 0);
	/* HEAD: the same head (Content-Length included), no body (RFC 9110 9.3.2) */
	if (method_len == 4 && memcmp(in, "HEAD", 4) == 0 && *out_len >= body_len)
		*out_len -= body_len;
	*consumed = pos + (size_t)content_length;
	return HH_RESPONSE;
}

static int hello_router(void *ctx, const struct hh_request *rq, char *body, size_t cap, size_t *body_len,
			const char **content_type)
{
	(void)content_type;
	return hh_route(ctx, rq->method, rq->method_len, rq->target, rq->target_len, body, cap, body_len);
}

int hh_handle(struct hh_state *st, const char *in, size_t len,
	      char *out, size_t out_cap, size_t *out_len,
	      size_t *consumed, int *close_after)
{
	char body[64];
	return hh_serve(hello_router, st, HH_MAX_BODY, body, sizeof(body), in, len, out, out_cap, out_len,
			consumed, close_after);
}
