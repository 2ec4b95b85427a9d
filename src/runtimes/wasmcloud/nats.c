/*
 * nats: the parser and the blocking client declared in nats.h.  The client
 * keeps one growable input buffer (hard limit: a line plus the largest
 * payload); a frame is handled before its bytes are dropped from the buffer,
 * so a frame never outlives the bytes it points into.
 */
#include "runtimes/wasmcloud/nats.h"
#include "sys/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_LIMIT (EB_NATS_MAX_PAYLOAD + EB_NATS_MAX_LINE + 4)

/* ---- the parser --------------------------------------------------------- */

/* a strict decimal count: digits only, no sign, no overflow */
static int parse_count(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 19)
		return -EPROTO;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EPROTO;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* split line[0..len) at spaces/tabs into at most cap tokens; -EPROTO when more */
static int tokens(const char *line, size_t len, const char **tok, size_t *tlen, int cap)
{
	int n = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (n == cap)
			return -EPROTO;
		tok[n] = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		tlen[n] = (size_t)(line + i - tok[n]);
		n++;
	}
	return n;
}

static int op_is(const char *line, size_t len, const char *op)
{
	size_t k = strlen(op);
	return len >= k && strncasecmp(line, op, k) == 0 &&
	       (len == k || line[k] == ' ' || line[k] == '\t');
}

/* "NATS/1.0 503 ..." -> 503; "NATS/1.0" -> 0 */
static int header_status(const char *h, size_t len, int *status)
{
	if (len < 8 || memcmp(h, "NATS/1.0", 8) != 0)
		return -EPROTO;
	*status = 0;
	size_t i = 8;
	while (i < len && h[i] == ' ')
		i++;
	int v = 0, digits = 0;
	while (i < len && h[i] >= '0' && h[i] <= '9' && digits < 3) {
		v = v * 10 + (h[i++] - '0');
		digits++;
	}
	if (digits == 3)
		*status = v;
	return 0;
}

/* MSG subject sid [reply] size / HMSG subject sid [reply] hsize size */
static ssize_t parse_msg(const char *buf, size_t len, size_t eol, int with_headers, struct eb_nats_frame *f)
{
	const char *tok[7];
	size_t tl[7];
	int nt = tokens(buf, eol, tok, tl, 7);
	int want = with_headers ? 5 : 4;
	if (nt != want && nt != want + 1)
		return -EPROTO;
	uint64_t total, hsize = 0;
	if (parse_count(tok[nt - 1], tl[nt - 1], &total) < 0 || parse_count(tok[2], tl[2], &f->sid) < 0)
		return -EPROTO;
	if (with_headers && parse_count(tok[nt - 2], tl[nt - 2], &hsize) < 0)
		return -EPROTO;
	if (total > EB_NATS_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (hsize > total)
		return -EPROTO;
	f->kind = EB_NATS_MSG;
	f->subject = tok[1];
	f->subject_len = tl[1];
	f->reply = nt == want + 1 ? tok[3] : NULL;
	f->reply_len = nt == want + 1 ? tl[3] : 0;
	size_t body = eol + 2, end = body + (size_t)total;
	if (len < end + 2)
		return 0;
	if (buf[end] != '\r' || buf[end + 1] != '\n')
		return -EPROTO;
	f->headers = hsize ? buf + body : NULL;
	f->headers_len = (size_t)hsize;
	f->status = 0;
	if (hsize && header_status(buf + body, (size_t)hsize, &f->status) < 0)
		return -EPROTO;
	f->payload = buf + body + hsize;
	f->payload_len = (size_t)(total - hsize);
	return (ssize_t)(end + 2);
}

ssize_t eb_nats_parse(const char *buf, size_t len, struct eb_nats_frame *f)
{
	memset(f, 0, sizeof(*f));
	size_t scan = len < EB_NATS_MAX_LINE + 2 ? len : EB_NATS_MAX_LINE + 2, eol = 0;
	while (eol + 1 < scan && !(buf[eol] == '\r' && buf[eol + 1] == '\n'))
		eol++;
	if (eol + 1 >= scan)
		return len >= EB_NATS_MAX_LINE + 2 ? -EMSGSIZE : 0;
	ssize_t line = (ssize_t)eol + 2;
	if (op_is(buf, eol, "MSG"))
		return parse_msg(buf, len, eol, 0, f);
	if (op_is(buf, eol, "HMSG"))
		return parse_msg(buf, len, eol, 1, f);
	if (op_is(buf, eol, "PING") && eol == 4) {
		f->kind = EB_NATS_PING;
		return line;
	}
	if (op_is(buf, eol, "PONG") && eol == 4) {
		f->kind = EB_NATS_PONG;
		return line;
	}
	if (op_is(buf, eol, "+OK") && eol == 3) {
		f->kind = EB_NATS_OK;
		return line;
	}
	if (op_is(buf, eol, "INFO") || op_is(buf, eol, "-ERR")) {
		f->kind = buf[0] == '-' ? EB_NATS_ERR : EB_NATS_INFO;
		size_t i = 4, e = eol;   /* both ops are four characters */
		while (i < e && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (f->kind == EB_NATS_ERR && e - i >= 2 && buf[i] == '\'' && buf[e - 1] == '\'') {
			i++;
			e--;
		}
		f->payload = buf + i;
		f->payload_len = e - i;
		return line;
	}
	return -EPROTO;
}

/* ---- the client --------------------------------------------------------- */

__attribute__((format(printf, 2, 3)))
static void fail(struct eb_nats *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(n->err, sizeof(n->err), fmt, ap);
	va_end(ap);
}

void eb_nats_msg_free(struct eb_nats_msg *m)
{
	if (!m)
		return;
	free(m->data);
	m->data = NULL;
	m->len = 0;
}

/* wait for events on fd until deadline: 1 ready, -ETIMEDOUT */
static int wait_fd(int fd, short events, uint64_t deadline_ns)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int r = eb_poll_deadline(&p, 1, deadline_ns, 100000000ull);
		if (r > 0)
			return 1;
		if (r < 0)
			return r;
	}
}

static int send_all(struct eb_nats *n, const char *data, size_t len)
{
	/* control lines and our payloads are small: a full socket buffer means a
	 * server that stopped reading, so a short deadline is enough */
	uint64_t deadline = eb_now_ns() + 5000000000ull;
	while (len) {
		ssize_t w = send(n->fd, data, len, MSG_NOSIGNAL);
		if (w > 0) {
			data += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int rc = wait_fd(n->fd, POLLOUT, deadline);
			if (rc < 0) {
				fail(n, "NATS: the server does not take our bytes (%s)", strerror(-rc));
				return rc;
			}
			continue;
		}
		int e = w < 0 ? errno : EPIPE;
		fail(n, "NATS: send: %s", strerror(e));
		return -e;
	}
	return 0;
}

/* read what is there (wait until deadline when nothing is); 0, -ETIMEDOUT, -EPIPE */
static int read_more(struct eb_nats *n, uint64_t deadline_ns, int wait)
{
	if (n->cap - n->len < 4096) {
		size_t cap = n->cap ? n->cap * 2 : 16384;
		if (cap > BUF_LIMIT)
			cap = BUF_LIMIT;
		if (cap - n->len == 0) {
			fail(n, "NATS: a frame larger than %u bytes", (unsigned)BUF_LIMIT);
			return -EMSGSIZE;
		}
		char *nb = realloc(n->buf, cap);
		if (!nb)
			return -ENOMEM;
		n->buf = nb;
		n->cap = cap;
	}
	for (;;) {
		ssize_t r = recv(n->fd, n->buf + n->len, n->cap - n->len, 0);
		if (r > 0) {
			n->len += (size_t)r;
			return 0;
		}
		if (r == 0) {
			fail(n, "NATS: the server closed the connection");
			return -EPIPE;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			int e = errno;
			fail(n, "NATS: recv: %s", strerror(e));
			return -e;
		}
		if (!wait)
			return -EAGAIN;
		int rc = wait_fd(n->fd, POLLIN, deadline_ns);
		if (rc < 0)
			return rc;
	}
}

static void consume(struct eb_nats *n, size_t k)
{
	memmove(n->buf, n->buf + k, n->len - k);
	n->len -= k;
}

/*
 * Handle the frames in the buffer.  A MSG for `sid` goes to out (when out is
 * given) and ends the scan with 1; a PING is answered; -ERR ends it with
 * -EPROTO.  Returns 0 when the buffer holds no complete frame any more.
 */
static int handle_frames(struct eb_nats *n, uint64_t sid, struct eb_nats_msg *out, enum eb_nats_kind *seen)
{
	for (;;) {
		struct eb_nats_frame f;
		ssize_t k = eb_nats_parse(n->buf, n->len, &f);
		if (k == 0)
			return 0;
		if (k < 0) {
			fail(n, "NATS: malformed frame from the server (%s)", strerror((int)-k));
			return (int)k;
		}
		if (seen)
			*seen = f.kind;
		int rc = 0;
		switch (f.kind) {
		case EB_NATS_PING:
			rc = send_all(n, "PONG\r\n", 6);
			break;
		case EB_NATS_ERR:
			fail(n, "NATS server: %.*s", (int)(f.payload_len > 200 ? 200 : f.payload_len), f.payload);
			rc = -EPROTO;
			break;
		case EB_NATS_MSG:
			if (out && f.sid == sid) {
				out->data = malloc(f.payload_len + 1);
				if (!out->data) {
					rc = -ENOMEM;
					break;
				}
				memcpy(out->data, f.payload, f.payload_len);
				out->data[f.payload_len] = '\0';
				out->len = f.payload_len;
				out->sid = f.sid;
				out->status = f.status;
				snprintf(out->subject, sizeof(out->subject), "%.*s",
					 (int)(f.subject_len > 255 ? 255 : f.subject_len), f.subject);
				rc = 1;
			} else {
				n->dropped++;
			}
			break;
		default:
			break;
		}
		consume(n, (size_t)k);
		if (rc != 0)
			return rc;
		if (seen && (f.kind == EB_NATS_PONG || f.kind == EB_NATS_INFO))
			return 2;
	}
}

/* handle frames until one of `kind` was seen (INFO, PONG) */
static int wait_kind(struct eb_nats *n, enum eb_nats_kind kind, uint64_t deadline_ns)
{
	for (;;) {
		enum eb_nats_kind seen = 0;
		int rc = handle_frames(n, 0, NULL, &seen);
		if (rc < 0)
			return rc;
		if (seen == kind)
			return 0;
		if (rc == 2)
			continue;   /* another INFO/PONG: there may be more frames buffered */
		if ((rc = read_more(n, deadline_ns, 1)) < 0)
			return rc;
	}
}

int eb_nats_connect(struct eb_nats *n, uint32_t ip_be, uint16_t port, uint64_t deadline_ns)
{
	memset(n, 0, sizeof(*n));
	n->fd = -1;
	n->next_sid = 1;
	snprintf(n->inbox, sizeof(n->inbox), "_INBOX.eb%d_%llx", (int)getpid(), (unsigned long long)eb_now_ns());
	int rc;
	n->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (n->fd < 0) {
		rc = -errno;
		fail(n, "NATS: socket: %s", strerror(-rc));
		return rc;
	}
	int one = 1;
	(void)setsockopt(n->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = ip_be };
	if (connect(n->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS) {
			rc = -errno;
			goto out;
		}
		if ((rc = wait_fd(n->fd, POLLOUT, deadline_ns)) < 0)
			goto out;
		int err = 0;
		socklen_t el = sizeof(err);
		if (getsockopt(n->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
			rc = -(err ? err : errno);
			goto out;
		}
	}
	/* INFO first */
	if ((rc = wait_kind(n, EB_NATS_INFO, deadline_ns)) < 0)
		goto out;
	static const char hello[] =
		"CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,"
		"\"lang\":\"c\",\"version\":\"edgebench\",\"name\":\"edgebench\",\"protocol\":1}\r\nPING\r\n";
	if ((rc = send_all(n, hello, sizeof(hello) - 1)) < 0)
		goto out;
	if ((rc = wait_kind(n, EB_NATS_PONG, deadline_ns)) < 0)
		goto out;
	return 0;
out:
	if (!n->err[0])
		fail(n, "NATS: cannot connect to port %u: %s", (unsigned)port, strerror(-rc));
	close(n->fd);
	n->fd = -1;
	free(n->buf);
	n->buf = NULL;
	return rc;
}

static int send_line(struct eb_nats *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int send_line(struct eb_nats *n, const char *fmt, ...)
{
	char line[EB_NATS_MAX_LINE];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof(line)) {
		fail(n, "NATS: a control line over %d bytes", EB_NATS_MAX_LINE);
		return -EMSGSIZE;
	}
	return send_all(n, line, (size_t)k);
}

/* a subject: non-empty, no whitespace (it is one token of a control line) */
static int bad_subject(struct eb_nats *n, const char *s)
{
	if (!s || !*s || strpbrk(s, " \t\r\n")) {
		fail(n, "NATS: invalid subject \"%.100s\"", s ? s : "");
		return -EINVAL;
	}
	return 0;
}

int eb_nats_sub(struct eb_nats *n, const char *subject, uint64_t *sid)
{
	int rc = bad_subject(n, subject);
	if (rc < 0)
		return rc;
	*sid = n->next_sid++;
	return send_line(n, "SUB %s %llu\r\n", subject, (unsigned long long)*sid);
}

int eb_nats_unsub(struct eb_nats *n, uint64_t sid)
{
	return send_line(n, "UNSUB %llu\r\n", (unsigned long long)sid);
}

int eb_nats_pub(struct eb_nats *n, const char *subject, const char *reply, const void *data, size_t len)
{
	int rc = bad_subject(n, subject);
	if (rc < 0 || (reply && (rc = bad_subject(n, reply)) < 0))
		return rc;
	if (len > EB_NATS_MAX_PAYLOAD) {
		fail(n, "NATS: a payload of %zu bytes", len);
		return -EMSGSIZE;
	}
	rc = reply ? send_line(n, "PUB %s %s %zu\r\n", subject, reply, len) : send_line(n, "PUB %s %zu\r\n", subject, len);
	return rc ?: send_all(n, data, len) ?: send_all(n, "\r\n", 2);
}

int eb_nats_next(struct eb_nats *n, uint64_t sid, uint64_t deadline_ns, struct eb_nats_msg *out)
{
	memset(out, 0, sizeof(*out));
	for (;;) {
		int rc = handle_frames(n, sid, out, NULL);
		if (rc == 1)
			return 0;
		if (rc < 0)
			return rc;
		if ((rc = read_more(n, deadline_ns, 1)) < 0) {
			if (rc == -ETIMEDOUT)
				fail(n, "NATS: no message within the deadline");
			return rc;
		}
	}
}

int eb_nats_request(struct eb_nats *n, const char *subject, const void *data, size_t len,
		    uint64_t deadline_ns, struct eb_nats_msg *reply)
{
	char inbox[96];
	uint64_t sid;
	snprintf(inbox, sizeof(inbox), "%s.%llu", n->inbox, (unsigned long long)n->next_sid);
	int rc = eb_nats_sub(n, inbox, &sid);
	if (rc < 0)
		return rc;
	if ((rc = eb_nats_pub(n, subject, inbox, data, len)) == 0) {
		rc = eb_nats_next(n, sid, deadline_ns, reply);
		if (rc == -ETIMEDOUT)
			fail(n, "NATS: no reply on %.100s within the deadline", subject);
		if (rc == 0 && reply->status == 503) {
			fail(n, "NATS: no one subscribes to %.100s", subject);
			eb_nats_msg_free(reply);
			rc = -EHOSTUNREACH;
		}
	}
	int urc = eb_nats_unsub(n, sid);
	return rc ?: urc;
}

int eb_nats_service(struct eb_nats *n)
{
	for (;;) {
		int rc = handle_frames(n, 0, NULL, NULL);
		if (rc < 0)
			return rc;
		rc = read_more(n, 0, 0);
		if (rc == -EAGAIN)
			return 0;
		if (rc < 0)
			return rc;
	}
}

void eb_nats_close(struct eb_nats *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	free(n->buf);
	n->buf = NULL;
	n->len = n->cap = 0;
}
