/*
 * http: the client side of HTTP/1.1 that edgebench needs, in the manner of
 * picohttpparser: no allocation, caller-owned buffers, return values
 * "bytes consumed / -1 malformed / -2 incomplete".
 */
#ifndef EB_HTTP_H
#define EB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define EB_HTTP_MALFORMED (-1)
#define EB_HTTP_INCOMPLETE (-2)

struct eb_http_response {
	int status;          /* 100..999 */
	int minor_version;   /* HTTP/1.x */
	int close;           /* server will close after this response */
	int chunked;
	size_t head_len;     /* status line + headers + blank line */
	size_t body_len;     /* payload bytes (decoded when chunked) */
	const char *body;    /* payload start when not chunked, else NULL */
	const char *head;    /* the status line and headers, head_len bytes */
};

/* The value of header name (case-insensitive) in r's head, trimmed; 1 when found, else 0. */
int eb_http_header(const struct eb_http_response *r, const char *name, const char **val, size_t *len);

/*
 * Parse one response at the start of buf[0..len).  Returns the size of the
 * whole message (head and framed body) when complete, EB_HTTP_INCOMPLETE
 * when more bytes are needed, EB_HTTP_MALFORMED on a protocol error.  A
 * body delimited by connection close is complete only when at_eof is set.
 * head_only: the request was HEAD (no body follows whatever the headers say).
 */
long eb_http_parse_response(const char *buf, size_t len, int head_only, int at_eof,
			    struct eb_http_response *out);

struct eb_url {
	char host[64];       /* numeric IPv4, or "localhost" resolved to 127.0.0.1 */
	uint16_t port;
	char path[1024];
	uint32_t ipv4_be;    /* network byte order */
};

/*
 * Parse "http://HOST[:PORT][/PATH]".  Only loopback targets are accepted
 * (127.0.0.0/8 or "localhost"): returns 0, -EINVAL (not a URL we take) or
 * -EPERM (not a loopback address).
 */
__attribute__((warn_unused_result))
int eb_url_parse(const char *s, struct eb_url *out);

/* A POST of body[0..body_len) with its Content-Type and Content-Length; the length, or -ENOSPC. */
__attribute__((warn_unused_result))
int eb_http_format_post(char *buf, size_t cap, const char *host, uint16_t port, const char *path,
			const char *content_type, const char *body, size_t body_len, int keepalive);

/* Format a GET request (Host: host:port, or host alone for port 0); returns its length or -ENOSPC. */
__attribute__((warn_unused_result))
int eb_http_format_get(char *buf, size_t cap, const char *host, uint16_t port,
		       const char *path, int keepalive);

#endif
