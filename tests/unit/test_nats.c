/*
 * nats: the parser on bytes a real nats-server v2.11.3 sent beside a
 * `wash host` 2.10.3 (tests/fixtures/nats/, recorded by capture.py there),
 * whole and cut at every offset, with every frame placed against a guard
 * page; malformed frames; and the client against a scripted server on
 * loopback that replays those bytes in odd-sized pieces.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/clock.h"
#include "runtimes/wasmcloud/nats.h"

static char *guard_region;
static size_t page;
#define GUARD_PAGES 8

/* s copied so that its last byte sits just before an inaccessible page */
static const char *guarded(const char *s, size_t len)
{
	assert_true(len <= GUARD_PAGES * page);
	char *end = guard_region + GUARD_PAGES * page;
	memcpy(end - len, s, len);
	return end - len;
}

static int setup(void **state)
{
	(void)state;
	page = (size_t)sysconf(_SC_PAGESIZE);
	guard_region = mmap(NULL, (GUARD_PAGES + 1) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_region == MAP_FAILED)
		return -1;
	return mprotect(guard_region + GUARD_PAGES * page, page, PROT_NONE);
}

static int teardown(void **state)
{
	(void)state;
	munmap(guard_region, (GUARD_PAGES + 1) * page);
	return 0;
}

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/nats/%s", FIXTURES, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 16);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

struct seen {
	enum eb_nats_kind kind;
	uint64_t sid;
	int status;
	size_t payload_len;
	char subject[128];
	char head[48];       /* the payload's first bytes */
};

/* parse buf whole into frames; returns how many, asserts every byte is used */
static size_t parse_all(const char *buf, size_t len, struct seen *out, size_t cap)
{
	size_t off = 0, n = 0;
	while (off < len) {
		struct eb_nats_frame f;
		ssize_t k = eb_nats_parse(buf + off, len - off, &f);
		assert_true(k > 0);
		assert_true(n < cap);
		out[n].kind = f.kind;
		out[n].sid = f.sid;
		out[n].status = f.status;
		out[n].payload_len = f.payload_len;
		snprintf(out[n].subject, sizeof(out[n].subject), "%.*s", (int)f.subject_len, f.subject ? f.subject : "");
		snprintf(out[n].head, sizeof(out[n].head), "%.*s", (int)(f.payload_len < 40 ? f.payload_len : 40),
			 f.payload ? f.payload : "");
		n++;
		off += (size_t)k;
	}
	return n;
}

static void test_captured_session(void **state)
{
	(void)state;
	size_t len;
	char *buf = slurp("session.bin", &len);
	struct seen s[16];
	size_t n = parse_all(buf, len, s, 16);
	/* INFO, PONG, the server's PING, a heartbeat, the status reply, no responders */
	assert_int_equal(n, 6);
	assert_int_equal(s[0].kind, EB_NATS_INFO);
	assert_memory_equal(s[0].head, "{\"server_id\":", 13);
	assert_int_equal(s[1].kind, EB_NATS_PONG);
	assert_int_equal(s[2].kind, EB_NATS_PING);
	assert_int_equal(s[3].kind, EB_NATS_MSG);
	assert_int_equal(s[3].sid, 1);
	assert_memory_equal(s[3].subject, "runtime.operator.heartbeat.", 27);
	assert_memory_equal(s[3].head, "{\"id\":\"", 7);
	assert_true(s[3].payload_len > 1000);
	assert_int_equal(s[4].kind, EB_NATS_MSG);
	assert_int_equal(s[4].sid, 2);
	assert_string_equal(s[4].subject, "_INBOX.cap.1");
	assert_int_equal(s[4].status, 0);
	assert_int_equal(s[5].kind, EB_NATS_MSG);
	assert_int_equal(s[5].sid, 3);
	assert_int_equal(s[5].status, 503);
	assert_int_equal(s[5].payload_len, 0);
	free(buf);
}

/* every cut point: a prefix parses to the complete frames before it and then 0 */
static void test_split_everywhere(void **state)
{
	(void)state;
	size_t len;
	char *buf = slurp("session.bin", &len);
	struct seen whole[16];
	size_t nwhole = parse_all(buf, len, whole, 16);
	for (size_t cut = 0; cut <= len; cut++) {
		const char *g = guarded(buf, cut);
		size_t off = 0, n = 0;
		for (;;) {
			struct eb_nats_frame f;
			ssize_t k = eb_nats_parse(g + off, cut - off, &f);
			assert_true(k >= 0);
			if (k == 0)
				break;
			assert_int_equal(f.kind, whole[n].kind);
			assert_int_equal(f.payload_len, whole[n].payload_len);
			n++;
			off += (size_t)k;
		}
		assert_true(n <= nwhole);
		if (cut == len)
			assert_int_equal(n, nwhole);
	}
	free(buf);
}

static void test_captured_err(void **state)
{
	(void)state;
	size_t len;
	char *buf = slurp("err.bin", &len);
	const char *g = guarded(buf, len);
	size_t off = 0;
	int saw_err = 0;
	while (off < len) {
		struct eb_nats_frame f;
		ssize_t k = eb_nats_parse(g + off, len - off, &f);
		assert_true(k > 0);
		if (f.kind == EB_NATS_ERR) {
			saw_err = 1;
			/* the quotes are stripped */
			assert_int_equal(f.payload_len, strlen("Invalid Publish Subject"));
			assert_memory_equal(f.payload, "Invalid Publish Subject", f.payload_len);
		}
		off += (size_t)k;
	}
	assert_true(saw_err);
	free(buf);
}

static ssize_t parse_str(const char *s, struct eb_nats_frame *f)
{
	return eb_nats_parse(guarded(s, strlen(s)), strlen(s), f);
}

static void test_malformed(void **state)
{
	(void)state;
	struct eb_nats_frame f;
	assert_int_equal(parse_str("MSG a 1 5\r\nhelloXX", &f), -EPROTO);        /* payload not followed by CRLF */
	assert_int_equal(parse_str("MSG a x 5\r\nhello\r\n", &f), -EPROTO);      /* sid not a number */
	assert_int_equal(parse_str("MSG a 1 -5\r\n", &f), -EPROTO);
	assert_int_equal(parse_str("MSG a 1\r\n", &f), -EPROTO);                 /* too few fields */
	assert_int_equal(parse_str("MSG a 1 r x 5\r\n", &f), -EPROTO);           /* too many */
	assert_int_equal(parse_str("MSG a 1 999999999\r\n", &f), -EMSGSIZE);
	assert_int_equal(parse_str("MSG a 1 99999999999999999999\r\n", &f), -EPROTO); /* overflow */
	assert_int_equal(parse_str("HMSG a 1 20 10\r\n", &f), -EPROTO);          /* headers longer than all */
	assert_int_equal(parse_str("HMSG a 1 4 4\r\nXXXX\r\n", &f), -EPROTO);     /* not NATS/1.0 */
	assert_int_equal(parse_str("FOO bar\r\n", &f), -EPROTO);
	assert_int_equal(parse_str("PINGX\r\n", &f), -EPROTO);
	/* incomplete, not an error */
	assert_int_equal(parse_str("MS", &f), 0);
	assert_int_equal(parse_str("MSG a 1 5\r\nhel", &f), 0);
	assert_int_equal(parse_str("MSG a 1 5\r\nhello\r", &f), 0);
	assert_int_equal(parse_str("PING\r", &f), 0);
	/* a line longer than the limit without its end */
	char *big = malloc(EB_NATS_MAX_LINE + 10);
	assert_non_null(big);
	memset(big, 'a', EB_NATS_MAX_LINE + 10);
	memcpy(big, "INFO ", 5);
	assert_int_equal(eb_nats_parse(guarded(big, EB_NATS_MAX_LINE + 10), EB_NATS_MAX_LINE + 10, &f), -EMSGSIZE);
	free(big);
	/* well-formed variants: reply subject, lower case, tabs, empty payload */
	assert_int_equal(parse_str("msg a.b\t7 _INBOX.x 0\r\n\r\n", &f), 24);
	assert_int_equal(f.kind, EB_NATS_MSG);
	assert_int_equal(f.sid, 7);
	assert_int_equal(f.reply_len, 8);
	assert_memory_equal(f.reply, "_INBOX.x", 8);
	assert_int_equal(f.payload_len, 0);
	assert_int_equal(parse_str("HMSG a 2 20 22\r\nNATS/1.0\r\nX-A: 1\r\n\r\nhi\r\n", &f), 40);
	assert_int_equal(f.status, 0);
	assert_int_equal(f.payload_len, 2);
	assert_memory_equal(f.payload, "hi", 2);
	assert_int_equal(parse_str("+OK\r\n", &f), 5);
	assert_int_equal(f.kind, EB_NATS_OK);
}

/* ---- the client against a scripted server ------------------------------ */

struct script {
	int lfd;
	uint16_t port;
	const char *session;     /* captured bytes */
	size_t session_len;
	char client_said[8192];  /* everything the client sent */
	size_t said;
	int mode;                /* 0: the captured session; 1: -ERR after CONNECT; 2: silent after PONG */
};

static void read_until(int fd, struct script *s, const char *needle)
{
	while (!memmem(s->client_said, s->said, needle, strlen(needle))) {
		ssize_t r = recv(fd, s->client_said + s->said, sizeof(s->client_said) - 1 - s->said, 0);
		if (r <= 0)
			return;
		s->said += (size_t)r;
	}
}

/* send in pieces of 1, 2, 3, ... 7 bytes so frames split everywhere */
static void trickle(int fd, const char *p, size_t len)
{
	size_t step = 1;
	while (len) {
		size_t k = step < len ? step : len;
		if (send(fd, p, k, MSG_NOSIGNAL) < 0)
			return;
		p += k;
		len -= k;
		step = step % 7 + 1;
	}
}

/* the captured frame starting with `prefix`, whole */
static const char *frame(const struct script *s, const char *prefix, size_t *len)
{
	const char *p = memmem(s->session, s->session_len, prefix, strlen(prefix));
	assert_non_null(p);
	struct eb_nats_frame f;
	ssize_t k = eb_nats_parse(p, s->session_len - (size_t)(p - s->session), &f);
	assert_true(k > 0);
	*len = (size_t)k;
	return p;
}

static void *server(void *arg)
{
	struct script *s = arg;
	int fd = accept(s->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	size_t len;
	const char *info = frame(s, "INFO ", &len);
	trickle(fd, info, len);
	read_until(fd, s, "PING\r\n");
	if (s->mode == 1) {
		trickle(fd, "-ERR 'Authorization Violation'\r\n", 32);
		close(fd);
		return NULL;
	}
	trickle(fd, "PONG\r\n", 6);
	if (s->mode == 2) {
		read_until(fd, s, "never");   /* until the client closes */
		close(fd);
		return NULL;
	}
	/* the client subscribes to heartbeats: a PING of ours, then the captured heartbeat */
	read_until(fd, s, "SUB runtime.operator.heartbeat.* 1\r\n");
	trickle(fd, "PING\r\n", 6);
	const char *hb = frame(s, "MSG runtime.operator.heartbeat.", &len);
	trickle(fd, hb, len);
	read_until(fd, s, "PONG\r\n");
	/* a request: answer with the captured no-responders HMSG, renumbered to the client's sid */
	read_until(fd, s, "PUB nobody ");
	const char *sub = memmem(s->client_said, s->said, "SUB _INBOX.", 11);
	char inbox[128];
	unsigned sid = 0;
	if (sub && sscanf(sub, "SUB %127s %u", inbox, &sid) == 2) {
		char head[200];
		int k = snprintf(head, sizeof(head), "HMSG %s %u 16 16\r\nNATS/1.0 503\r\n\r\n\r\n", inbox, sid);
		trickle(fd, head, (size_t)k);
	}
	read_until(fd, s, "UNSUB");
	/* then a reply to a second request, captured workload.status JSON */
	read_until(fd, s, "PUB runtime.host.h1.workload.status ");
	const char *sub2 = NULL;
	for (const char *p = s->client_said; (p = memmem(p, s->said - (size_t)(p - s->client_said), "SUB _INBOX.", 11)); p++)
		sub2 = p;
	if (sub2 && sscanf(sub2, "SUB %127s %u", inbox, &sid) == 2) {
		const char *st = frame(s, "MSG _INBOX.cap.1 ", &len);
		const char *body = strstr(st, "\r\n") + 2;
		size_t blen = len - (size_t)(body - st) - 2;
		char head[200];
		int k = snprintf(head, sizeof(head), "MSG %s %u %zu\r\n", inbox, sid, blen);
		trickle(fd, head, (size_t)k);
		trickle(fd, body, blen + 2);
	}
	read_until(fd, s, "never");
	close(fd);
	return NULL;
}

static void start_server(struct script *s, int mode, pthread_t *th)
{
	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->session = slurp("session.bin", &s->session_len);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	socklen_t sl = sizeof(sa);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &sl), 0);
	assert_int_equal(listen(s->lfd, 1), 0);
	s->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(th, NULL, server, s), 0);
}

static void stop_server(struct script *s, pthread_t th)
{
	pthread_join(th, NULL);
	close(s->lfd);
	free((void *)s->session);
}

static void test_client_session(void **state)
{
	(void)state;
	struct script s;
	pthread_t th;
	start_server(&s, 0, &th);
	struct eb_nats n;
	uint64_t dl = eb_now_ns() + 5000000000ull;
	assert_int_equal(eb_nats_connect(&n, htonl(INADDR_LOOPBACK), s.port, dl), 0);
	/* CONNECT asks for headers and no_responders (the 503 below depends on it) */
	assert_non_null(memmem(s.client_said, s.said, "\"no_responders\":true", 20));
	uint64_t sid;
	assert_int_equal(eb_nats_sub(&n, "runtime.operator.heartbeat.*", &sid), 0);
	assert_int_equal(sid, 1);
	struct eb_nats_msg m;
	assert_int_equal(eb_nats_next(&n, sid, dl, &m), 0);
	assert_memory_equal(m.subject, "runtime.operator.heartbeat.", 27);
	assert_true(m.len > 1000);
	assert_int_equal(m.data[m.len], '\0');
	assert_memory_equal(m.data, "{\"id\":", 6);
	eb_nats_msg_free(&m);
	/* no responders is an error of its own, not a timeout */
	assert_int_equal(eb_nats_request(&n, "nobody", "x", 1, dl, &m), -EHOSTUNREACH);
	assert_non_null(strstr(n.err, "no one subscribes"));
	assert_int_equal(eb_nats_request(&n, "runtime.host.h1.workload.status", "{}", 2, dl, &m), 0);
	assert_non_null(strstr(m.data, "WORKLOAD_STATE_NOT_FOUND"));
	eb_nats_msg_free(&m);
	/* the server's PING was answered while we waited */
	assert_non_null(memmem(s.client_said, s.said, "PONG\r\n", 6));
	/* bad subjects never reach the wire */
	assert_int_equal(eb_nats_pub(&n, "a b", NULL, "", 0), -EINVAL);
	eb_nats_close(&n);
	stop_server(&s, th);
}

static void test_client_err_and_timeout(void **state)
{
	(void)state;
	struct script s;
	pthread_t th;
	start_server(&s, 1, &th);
	struct eb_nats n;
	assert_int_equal(eb_nats_connect(&n, htonl(INADDR_LOOPBACK), s.port, eb_now_ns() + 5000000000ull), -EPROTO);
	assert_non_null(strstr(n.err, "Authorization Violation"));
	stop_server(&s, th);

	start_server(&s, 2, &th);
	assert_int_equal(eb_nats_connect(&n, htonl(INADDR_LOOPBACK), s.port, eb_now_ns() + 5000000000ull), 0);
	struct eb_nats_msg m;
	uint64_t t0 = eb_now_ns();
	assert_int_equal(eb_nats_request(&n, "runtime.host.x.workload.start", "{}", 2, t0 + 100000000ull, &m), -ETIMEDOUT);
	assert_true(eb_now_ns() - t0 >= 100000000ull);
	assert_non_null(strstr(n.err, "no reply"));
	assert_int_equal(eb_nats_service(&n), 0);
	eb_nats_close(&n);
	stop_server(&s, th);

	/* nothing listens: refused at once */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	assert_int_equal(eb_nats_connect(&n, htonl(INADDR_LOOPBACK), ntohs(sa.sin_port), eb_now_ns() + 1000000000ull),
			 -ECONNREFUSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_session),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_captured_err),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_client_session),
		cmocka_unit_test(test_client_err_and_timeout),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
