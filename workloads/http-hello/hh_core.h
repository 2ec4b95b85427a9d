/*
 * hh_core: the request handling of the http-hello workload, free of I/O.
 *
 * Every http-hello variant (the native epoll server, the WASI builds, a
 * wasi:http component) feeds bytes or a parsed method/path to these two
 * functions, so all of them answer identically:
 *
 *   GET /       -> 200 "hello"
 *   GET /state  -> 200 "<counter after increment>"
 *   GET /work?us=N&how=cpu|wait -> 200 "worked N" after N microseconds of
 *               work (trace replay): "cpu" spins on the monotonic clock,
 *               "wait" sleeps (an I/O-bound function); 501 in a build
 *               without a clock, 400 for a bad query
 *   anything else -> 404, a malformed request -> 400, an oversized request
 *   line or header block -> 431, a request body we do not take -> 413/501.
 *
 * The caller owns all buffers; nothing here allocates.  hh_route() and
 * hh_u64_to_dec() use no stdio (hh_handle() does, for the native server).
 */
#ifndef HH_CORE_H
#define HH_CORE_H

#include <stddef.h>
#include <stdint.h>

#define HH_MAX_LINE 4096     /* request line limit, bytes */
#define HH_MAX_HEAD 8192     /* request line + headers limit, bytes */
#define HH_MAX_BODY 4096     /* request bodies above this are refused (413) */
#define HH_MAX_RESPONSE 512  /* out_cap that is always enough */

#define HH_MAX_WORK_US 600000000ull  /* /work takes at most 10 minutes */

struct hh_state {
	uint64_t counter;        /* /state value */
	/* /work: spend us microseconds, spinning (spin) or sleeping; NULL: 501 */
	void (*work)(uint64_t us, int spin);
};

/*
 * Route a parsed request.  Writes the body into body[0..body_cap) and its
 * length to *body_len, returns the HTTP status.  /state increments the
 * counter only for a 200.
 */
int hh_route(struct hh_state *st, const char *method, size_t method_len,
	     const char *target, size_t target_len,
	     char *body, size_t body_cap, size_t *body_len);

/* Decimal digits of v into out (NUL-terminated); returns the length.
 * (No stdio: the wasi:http build stays free of WASI preview1 imports.) */
size_t hh_u64_to_dec(uint64_t v, char out[21]);

/* Reason phrase for the statuses we produce ("Unknown" otherwise). */
const char *hh_reason(int status);

enum {
	HH_INCOMPLETE = 0,   /* need more bytes; nothing written */
	HH_RESPONSE = 1,     /* a response is in out[0..*out_len) */
};

/*
 * Look at the buffered bytes in[0..len).  When they hold a whole request, or
 * enough to know the request is bad, write the full HTTP/1.1 response into
 * out (out_cap >= HH_MAX_RESPONSE), set *consumed to the request's size in
 * bytes, *close_after to 1 when the connection must close after the
 * response, and return HH_RESPONSE.  Otherwise return HH_INCOMPLETE.
 * After an error response *close_after is always 1.
 */
int hh_handle(struct hh_state *st, const char *in, size_t len,
	      char *out, size_t out_cap, size_t *out_len,
	      size_t *consumed, int *close_after);

/* A parsed request, as hh_serve hands it to a router. */
struct hh_request {
	const char *method;
	size_t method_len;
	const char *target;      /* path and query */
	size_t target_len;
	const char *body;        /* Content-Length bytes */
	size_t body_len;
};

/*
 * A router writes its response body into body[0..cap), its length into
 * *body_len, may point *content_type at a constant (default text/plain),
 * and returns the HTTP status.
 */
typedef int (*hh_router_fn)(void *ctx, const struct hh_request *rq, char *body, size_t cap, size_t *body_len,
			    const char **content_type);

/*
 * hh_handle's HTTP/1.x framing for any router (http-hello's and http-api's
 * share it): request bodies up to max_body bytes (more: 413), the router's
 * body built in scratch[0..scratch_cap).  out_cap must hold the head
 * (~160 bytes) plus the largest body.  Same results as hh_handle.
 */
int hh_serve(hh_router_fn route, void *ctx, size_t max_body, char *scratch, size_t scratch_cap,
	     const char *in, size_t len, char *out, size_t out_cap, size_t *out_len,
	     size_t *consumed, int *close_after);

#endif
