/*
 * http (client parser, URL) and hh_core (the server's request handling).
 * Inputs are placed against a guard page, picohttpparser-style, so any read
 * past the end of the input crashes the test instead of passing silently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "hh_core.h"
#include "net/http.h"

static char *guard_region;
static size_t page;

static const char *guarded(const char *s, size_t len)
{
	assert_true(len <= 4 * page);
	char *end = guard_region + 4 * page;
	memcpy(end - len, s, len);
	return end - len;
}

static int setup(void **state)
{
	(void)state;
	page = (size_t)sysconf(_SC_PAGESIZE);
	guard_region = mmap(NULL, 5 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_region == MAP_FAILED)
		return -1;
	return mprotect(guard_region + 4 * page, page, PROT_NONE);
}

static int teardown(void **state)
{
	(void)state;
	munmap(guard_region, 5 * page);
	return 0;
}

static long parse(const char *s, size_t len, int at_eof, struct eb_http_response *r)
{
	return eb_http_parse_response(guarded(s, len), len, 0, at_eof, r);
}

static void test_response_content_length(void **state)
{
	(void)state;
	const char *msg = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
	size_t len = strlen(msg);
	struct eb_http_response r;
	assert_int_equal(parse(msg, len, 0, &r), (long)len);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.minor_version, 1);
	assert_int_equal(r.body_len, 5);
	assert_false(r.close);
	/* every strict prefix is incomplete, never an error or a crash */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(parse(msg, i, 0, &r), EB_HTTP_INCOMPLETE);
	/* a second response after the first is not consumed */
	char two[256];
	snprintf(two, sizeof(two), "%s%s", msg, msg);
	assert_int_equal(parse(two, strlen(two), 0, &r), (long)len);
}

static void test_response_header(void **state)
{
	(void)state;
	static const char resp[] = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
				   "X-Edgebench-DB-Open-NS:  1234 \r\ncontent-length: 2\r\n\r\n{}";
	struct eb_http_response r;
	assert_int_equal(eb_http_parse_response(resp, sizeof(resp) - 1, 0, 0, &r), (long)(sizeof(resp) - 1));
	const char *v;
	size_t n;
	assert_int_equal(eb_http_header(&r, "x-edgebench-db-open-ns", &v, &n), 1);
	assert_int_equal(n, 4);
	assert_memory_equal(v, "1234", 4);
	assert_int_equal(eb_http_header(&r, "content-type", &v, &n), 1);
	assert_int_equal(n, 16);
	assert_int_equal(eb_http_header(&r, "content", &v, &n), 0);   /* a prefix is not a name */
	assert_int_equal(eb_http_header(&r, "x-missing", &v, &n), 0);
	/* the body is not searched */
	static const char body[] = "HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nx-a: b\r\n\r\n";
	assert_true(eb_http_parse_response(body, sizeof(body) - 1, 0, 0, &r) > 0);
	assert_int_equal(eb_http_header(&r, "x-a", &v, &n), 0);
}

static void test_response_variants(void **state)
{
	(void)state;
	struct eb_http_response r;
	const char *lf = "HTTP/1.0 404 Not Found\nContent-Length: 0\n\n";
	assert_int_equal(parse(lf, strlen(lf), 0, &r), (long)strlen(lf));
	assert_int_equal(r.status, 404);
	assert_true(r.close);   /* HTTP/1.0 without keep-alive */
	const char *closing = "HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 2\r\n\r\nok";
	assert_int_equal(parse(closing, strlen(closing), 0, &r), (long)strlen(closing));
	assert_true(r.close);
	const char *noreason = "HTTP/1.1 204\r\n\r\n";
	assert_int_equal(parse(noreason, strlen(noreason), 0, &r), (long)strlen(noreason));
	assert_int_equal(r.status, 204);
	const char *eofbody = "HTTP/1.1 200 OK\r\n\r\nuntil close";
	assert_int_equal(parse(eofbody, strlen(eofbody), 0, &r), EB_HTTP_INCOMPLETE);
	assert_int_equal(parse(eofbody, strlen(eofbody), 1, &r), (long)strlen(eofbody));
	assert_int_equal(r.body_len, 11);
}

static void test_response_chunked(void **state)
{
	(void)state;
	const char *msg = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n";
	size_t len = strlen(msg);
	struct eb_http_response r;
	assert_int_equal(parse(msg, len, 0, &r), (long)len);
	assert_true(r.chunked);
	assert_int_equal(r.body_len, 11);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(parse(msg, i, 0, &r), EB_HTTP_INCOMPLETE);
	const char *bad = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
	assert_int_equal(parse(bad, strlen(bad), 0, &r), EB_HTTP_MALFORMED);
}

static void test_response_malformed(void **state)
{
	(void)state;
	struct eb_http_response r;
	const char *bad[] = {
		"HTTP/2.0 200 OK\r\n\r\n",
		"HTTX/1.1 200 OK\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 099 Low\r\n\r\n",
		"HTTP/1.1 200OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
		"garbage\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], strlen(bad[i]), 0, &r), EB_HTTP_MALFORMED);
}

static void test_url(void **state)
{
	(void)state;
	struct eb_url u;
	assert_int_equal(eb_url_parse("http://127.0.0.1:8080/state", &u), 0);
	assert_int_equal(u.port, 8080);
	assert_string_equal(u.path, "/state");
	assert_int_equal(ntohl(u.ipv4_be), 0x7f000001);
	assert_int_equal(eb_url_parse("http://localhost", &u), 0);
	assert_int_equal(u.port, 80);
	assert_string_equal(u.path, "/");
	assert_int_equal(eb_url_parse("http://127.1.2.3:9/?q=1", &u), 0);
	assert_string_equal(u.path, "/?q=1");
	assert_int_equal(eb_url_parse("http://8.8.8.8/", &u), -EPERM);
	assert_int_equal(eb_url_parse("http://198.51.100.7/", &u), -EPERM);   /* parsed only: nothing is sent */
	assert_int_equal(eb_url_parse("https://127.0.0.1/", &u), -EINVAL);
	assert_int_equal(eb_url_parse("http://127.0.0.1:0/", &u), -EINVAL);
	assert_int_equal(eb_url_parse("http://127.0.0.1:70000/", &u), -EINVAL);
	assert_int_equal(eb_url_parse("http://example.com/", &u), -EINVAL);
	assert_int_equal(eb_url_parse("http://127.0.0.1:80x/", &u), -EINVAL);
}

struct served {
	int rc;
	int status;
	int close_after;
	size_t consumed;
	char out[HH_MAX_RESPONSE];
	size_t out_len;
};

static struct served serve(struct hh_state *st, const char *req, size_t len)
{
	struct served s = { 0 };
	s.rc = hh_handle(st, guarded(req, len), len, s.out, sizeof(s.out), &s.out_len, &s.consumed, &s.close_after);
	if (s.rc == HH_RESPONSE) {
		struct eb_http_response r;
		/* every response the server writes must parse, with Content-Length */
		int head_only = len >= 4 && memcmp(req, "HEAD", 4) == 0;
		assert_int_equal(eb_http_parse_response(s.out, s.out_len, head_only, 0, &r), (long)s.out_len);
		assert_non_null(strstr(s.out, "Content-Length: "));
		s.status = r.status;
	}
	return s;
}

static void test_server_routes(void **state)
{
	(void)state;
	struct hh_state st = { 0 };
	const char *get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct served s = serve(&st, get, strlen(get));
	assert_int_equal(s.rc, HH_RESPONSE);
	assert_int_equal(s.status, 200);
	assert_int_equal(s.consumed, strlen(get));
	assert_false(s.close_after);
	assert_non_null(strstr(s.out, "\r\n\r\nhello"));
	for (int i = 1; i <= 3; i++) {
		const char *req = "GET /state?x=1 HTTP/1.1\r\n\r\n";
		s = serve(&st, req, strlen(req));
		char want[32];
		snprintf(want, sizeof(want), "\r\n\r\n%d", i);
		assert_int_equal(s.status, 200);
		assert_non_null(strstr(s.out, want));
	}
	const char *nf = "GET /nope HTTP/1.1\r\n\r\n";
	assert_int_equal(serve(&st, nf, strlen(nf)).status, 404);
	const char *post = "POST /state HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
	s = serve(&st, post, strlen(post));
	assert_int_equal(s.status, 404);
	assert_int_equal(s.consumed, strlen(post));
	assert_int_equal(st.counter, 3);   /* only GET /state counts */
	/* HEAD: same status and Content-Length, no body */
	const char *head = "HEAD / HTTP/1.1\r\n\r\n";
	s = serve(&st, head, strlen(head));
	assert_int_equal(s.rc, HH_RESPONSE);
	assert_non_null(strstr(s.out, "Content-Length: 9\r\n"));
	assert_true(s.out_len >= 4 && memcmp(s.out + s.out_len - 4, "\r\n\r\n", 4) == 0);
	/* every prefix of a request is incomplete */
	for (size_t i = 0; i < strlen(get); i++)
		assert_int_equal(serve(&st, get, i).rc, HH_INCOMPLETE);
}

static void test_server_connection(void **state)
{
	(void)state;
	struct hh_state st = { 0 };
	const char *close = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
	struct served s = serve(&st, close, strlen(close));
	assert_true(s.close_after);
	assert_non_null(strstr(s.out, "Connection: close"));
	const char *h10 = "GET / HTTP/1.0\r\n\r\n";
	assert_true(serve(&st, h10, strlen(h10)).close_after);
	const char *h10ka = "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
	s = serve(&st, h10ka, strlen(h10ka));
	assert_false(s.close_after);
	assert_non_null(strstr(s.out, "Connection: keep-alive"));
	const char *pipelined = "GET / HTTP/1.1\r\n\r\nGET /state HTTP/1.1\r\n\r\n";
	s = serve(&st, pipelined, strlen(pipelined));
	assert_int_equal(s.consumed, strlen("GET / HTTP/1.1\r\n\r\n"));
}

static void test_server_errors(void **state)
{
	(void)state;
	struct hh_state st = { 0 };
	const char *bad[] = {
		"GET\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "GET nopath HTTP/1.1\r\n\r\n",
		"GET / FTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n", "GET / HTTP/1.1\r\n: x\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct served s = serve(&st, bad[i], strlen(bad[i]));
		assert_int_equal(s.rc, HH_RESPONSE);
		assert_int_equal(s.status, 400);
		assert_true(s.close_after);
	}
	const char *v2 = "GET / HTTP/2.0\r\n\r\n";
	assert_int_equal(serve(&st, v2, strlen(v2)).status, 505);
	const char *te = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
	assert_int_equal(serve(&st, te, strlen(te)).status, 501);
	const char *big = "POST / HTTP/1.1\r\nContent-Length: 999999\r\n\r\n";
	assert_int_equal(serve(&st, big, strlen(big)).status, 413);

	/* a request line longer than the limit, still without its end: 431 */
	static char line[HH_MAX_LINE + 100];
	memset(line, 'a', sizeof(line));
	memcpy(line, "GET /", 5);
	struct served s = serve(&st, line, sizeof(line));
	assert_int_equal(s.status, 431);
	assert_true(s.close_after);
	/* headers beyond the limit: 431 */
	static char head[HH_MAX_HEAD + 200];
	size_t n = (size_t)snprintf(head, sizeof(head), "GET / HTTP/1.1\r\n");
	while (n + 20 < sizeof(head))
		n += (size_t)snprintf(head + n, sizeof(head) - n, "X-Pad: 0123456789\r\n");
	assert_int_equal(serve(&st, head, n).status, 431);
	assert_int_equal(st.counter, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response_content_length),
		cmocka_unit_test(test_response_header),
		cmocka_unit_test(test_response_variants),
		cmocka_unit_test(test_response_chunked),
		cmocka_unit_test(test_response_malformed),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_server_routes),
		cmocka_unit_test(test_server_connection),
		cmocka_unit_test(test_server_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
