/*
 * http: status line, header fields we act on (Content-Length,
 * Transfer-Encoding, Connection), and the three body framings.  Tolerates
 * bare LF line ends the way browsers and curl do.
 */
#include "net/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq_n(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int contains_token(const char *v, size_t n, const char *tok)
{
	size_t t = strlen(tok);
	for (size_t i = 0; i + t <= n; i++) {
		if ((i == 0 || v[i - 1] == ' ' || v[i - 1] == ',' || v[i - 1] == '\t') &&
		    ieq_n(v + i, t, tok) &&
		    (i + t == n || v[i + t] == ',' || v[i + t] == ' ' || v[i + t] == '\t'))
			return 1;
	}
	return 0;
}

/* Index just past the next '\n' at or after from, or 0 when none. */
static size_t next_line(const char *buf, size_t from, size_t len)
{
	const char *p = memchr(buf + from, '\n', len - from);
	return p ? (size_t)(p - buf) + 1 : 0;
}

static size_t trim_eol(const char *buf, size_t start, size_t next)
{
	size_t end = next - 1;   /* at '\n' */
	if (end > start && buf[end - 1] == '\r')
		end--;
	return end;
}

/* Walk a chunked body starting at pos; returns total message size or -1/-2. */
static long parse_chunked(const char *buf, size_t len, size_t pos, size_t *body_len)
{
	size_t body = 0;
	for (;;) {
		size_t nl = next_line(buf, pos, len);
		if (!nl)
			return len - pos > 1024 ? EB_HTTP_MALFORMED : EB_HTTP_INCOMPLETE;
		size_t end = trim_eol(buf, pos, nl);
		uint64_t size = 0;
		size_t i = pos, digits = 0;
		for (; i < end; i++, digits++) {
			int c = lower((unsigned char)buf[i]);
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (d < 0)
				break;
			if (size >> 56)
				return EB_HTTP_MALFORMED;
			size = size * 16 + (uint64_t)d;
		}
		if (digits == 0 || (i < end && buf[i] != ';' && buf[i] != ' ' && buf[i] != '\t'))
			return EB_HTTP_MALFORMED;
		pos = nl;
		if (size == 0) {
			/* trailer fields until an empty line */
			for (;;) {
				size_t tl = next_line(buf, pos, len);
				if (!tl)
					return EB_HTTP_INCOMPLETE;
				int empty = trim_eol(buf, pos, tl) == pos;
				pos = tl;
				if (empty)
					break;
			}
			*body_len = body;
			return (long)pos;
		}
		if (len - pos < size + 1)
			return EB_HTTP_INCOMPLETE;
		pos += size;
		body += size;
		if (buf[pos] == '\r') {
			if (len - pos < 2)
				return EB_HTTP_INCOMPLETE;
			if (buf[pos + 1] != '\n')
				return EB_HTTP_MALFORMED;
			pos += 2;
		} else if (buf[pos] == '\n') {
			pos += 1;
		} else {
			return EB_HTTP_MALFORMED;
		}
	}
}

long eb_http_parse_response(const char *buf, size_t len, int head_only, int at_eof,
			    struct eb_http_response *out)
{
	memset(out, 0, sizeof(*out));
	size_t nl = next_line(buf, 0, len);
	if (!nl)
		return len > 8192 ? EB_HTTP_MALFORMED : EB_HTTP_INCOMPLETE;
	size_t end = trim_eol(buf, 0, nl);
	/* "HTTP/1.x SSS[ reason]" */
	if (end < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') ||
	    buf[8] != ' ')
		return EB_HTTP_MALFORMED;
	out->minor_version = buf[7] - '0';
	int status = 0;
	for (int i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return EB_HTTP_MALFORMED;
		status = status * 10 + (buf[i] - '0');
	}
	if (status < 100 || (end > 12 && buf[12] != ' '))
		return EB_HTTP_MALFORMED;
	out->status = status;

	int has_cl = 0, keepalive = 0, close = 0;
	uint64_t cl = 0;
	size_t pos = nl;
	for (;;) {
		size_t hl = next_line(buf, pos, len);
		if (!hl)
			return len > 65536 ? EB_HTTP_MALFORMED : EB_HTTP_INCOMPLETE;
		size_t he = trim_eol(buf, pos, hl);
		if (he == pos) {
			pos = hl;
			break;
		}
		const char *colon = memchr(buf + pos, ':', he - pos);
		if (!colon || colon == buf + pos)
			return EB_HTTP_MALFORMED;
		size_t name_len = (size_t)(colon - (buf + pos));
		size_t v = (size_t)(colon - buf) + 1;
		while (v < he && (buf[v] == ' ' || buf[v] == '\t'))
			v++;
		size_t ve = he;
		while (ve > v && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t'))
			ve--;
		const char *name = buf + pos;
		if (ieq_n(name, name_len, "content-length")) {
			uint64_t x = 0;
			if (ve == v)
				return EB_HTTP_MALFORMED;
			for (size_t i = v; i < ve; i++) {
				if (buf[i] < '0' || buf[i] > '9' || x > (1ull << 40))
					return EB_HTTP_MALFORMED;
				x = x * 10 + (uint64_t)(buf[i] - '0');
			}
			if (has_cl && x != cl)
				return EB_HTTP_MALFORMED;
			has_cl = 1;
			cl = x;
		} else if (ieq_n(name, name_len, "transfer-encoding")) {
			if (contains_token(buf + v, ve - v, "chunked"))
				out->chunked = 1;
		} else if (ieq_n(name, name_len, "connection")) {
			if (contains_token(buf + v, ve - v, "close"))
				close = 1;
			if (contains_token(buf + v, ve - v, "keep-alive"))
				keepalive = 1;
		}
		pos = hl;
	}
	out->head_len = pos;
	out->head = buf;
	out->close = close || (out->minor_version == 0 && !keepalive);

	if (head_only || status < 200 || status == 204 || status == 304)
		return (long)pos;
	if (out->chunked) {
		size_t body_len = 0;
		long r = parse_chunked(buf, len, pos, &body_len);
		if (r > 0)
			out->body_len = body_len;
		return r;
	}
	if (has_cl) {
		if (len - pos < cl)
			return EB_HTTP_INCOMPLETE;
		out->body = buf + pos;
		out->body_len = (size_t)cl;
		return (long)(pos + cl);
	}
	/* delimited by close */
	out->close = 1;
	if (!at_eof)
		return EB_HTTP_INCOMPLETE;
	out->body = buf + pos;
	out->body_len = len - pos;
	return (long)len;
}

int eb_url_parse(const char *s, struct eb_url *out)
{
	memset(out, 0, sizeof(*out));
	if (strncmp(s, "http://", 7) != 0)
		return -EINVAL;
	const char *h = s + 7;
	size_t hl = strcspn(h, ":/?#");
	if (hl == 0 || hl >= sizeof(out->host))
		return -EINVAL;
	memcpy(out->host, h, hl);
	const char *p = h + hl;
	unsigned long port = 80;
	if (*p == ':') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		port = 0;
		while (*p >= '0' && *p <= '9') {
			port = port * 10 + (unsigned long)(*p - '0');
			if (port > 65535)
				return -EINVAL;
			p++;
		}
		if (port == 0)
			return -EINVAL;
	}
	if (*p && *p != '/' && *p != '?')
		return -EINVAL;
	const char *path = *p ? p : "/";
	if (strlen(path) + 2 > sizeof(out->path))
		return -EINVAL;
	if (*path == '?')
		snprintf(out->path, sizeof(out->path), "/%s", path);
	else
		snprintf(out->path, sizeof(out->path), "%s", path);
	for (const char *c = out->path; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -EINVAL;
	out->port = (uint16_t)port;

	struct in_addr a;
	if (strcmp(out->host, "localhost") == 0) {
		a.s_addr = htonl(0x7f000001u);
	} else if (inet_pton(AF_INET, out->host, &a) != 1) {
		return -EINVAL;
	}
	if ((ntohl(a.s_addr) >> 24) != 127)
		return -EPERM;
	out->ipv4_be = a.s_addr;
	return 0;
}

int eb_http_format_post(char *buf, size_t cap, const char *host, uint16_t port, const char *path,
			const char *content_type, const char *body, size_t body_len, int keepalive)
{
	int n = snprintf(buf, cap, "POST %s HTTP/1.1\r\nHost: %s:%u\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
			 path, host, (unsigned)port, content_type, body_len, keepalive ? "" : "Connection: close\r\n");
	if (n < 0 || (size_t)n + body_len >= cap)
		return -ENOSPC;
	memcpy(buf + n, body, body_len);
	return n + (int)body_len;
}

int eb_http_format_get(char *buf, size_t cap, const char *host, uint16_t port,
		       const char *path, int keepalive)
{
	char port_s[8] = "";
	if (port)
		snprintf(port_s, sizeof(port_s), ":%u", (unsigned)port);
	int n = snprintf(buf, cap, "GET %s HTTP/1.1\r\nHost: %s%s\r\n%s\r\n",
			 path, host, port_s, keepalive ? "" : "Connection: close\r\n");
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

int eb_http_header(const struct eb_http_response *r, const char *name, const char **val, size_t *len)
{
	size_t n = strlen(name);
	if (!r->head)
		return 0;
	for (size_t pos = 0; pos < r->head_len;) {
		const char *nl = memchr(r->head + pos, '\n', r->head_len - pos);
		size_t end = nl ? (size_t)(nl - r->head) : r->head_len;
		if (end - pos > n && r->head[pos + n] == ':' && !strncasecmp(r->head + pos, name, n)) {
			size_t v = pos + n + 1, e = end;
			while (v < e && (r->head[v] == ' ' || r->head[v] == '\t'))
				v++;
			while (e > v && (r->head[e - 1] == '\r' || r->head[e - 1] == ' ' || r->head[e - 1] == '\t'))
				e--;
			*val = r->head + v;
			*len = e - v;
			return 1;
		}
		pos = end + 1;
	}
	return 0;
}
