/*
 * load: edgebench's HTTP load generator, in-process and single-threaded on
 * epoll, the way wrk drives connections: each connection sends a request,
 * reads the whole response, and sends the next (keep-alive), or opens a new
 * connection per request (close mode).
 *
 * Closed loop (wrk): latency of a request is measured from the moment its
 * first byte is written (keep-alive) or its connect starts (close mode) to
 * the moment its response is complete.  Open loop (wrk2, --rate): from the
 * moment the request was due by the schedule.  Nothing is allocated per request: buffers are sized
 * at start and samples go to caller-provided arrays.
 */
#ifndef EB_LOAD_H
#define EB_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "net/hist.h"
#include "net/http.h"
#include "sys/proc.h"

/* One request of a mix: a GET (body NULL) or a POST of body. */
struct eb_load_request {
	const char *path;
	const char *body;          /* NULL: GET */
	size_t body_len;
	const char *content_type;  /* POST: default application/json */
};

struct eb_load_config {
	uint32_t ip_be;
	uint16_t port;
	const char *path;          /* every request is GET path, unless mix is given */
	/* optional: request k (in the order they are sent) is mix[k % n_mix] */
	const struct eb_load_request *mix;
	size_t n_mix;
	unsigned connections;
	uint64_t requests;         /* stop after this many attempts; 0: use duration */
	uint64_t duration_ns;      /* stop issuing after this; 0: use requests */
	int keepalive;             /* 0: a new connection per request */
	uint64_t timeout_ns;       /* per request; 0: 2 s */
	/*
	 * 0: closed loop (each connection sends its next request when the last
	 * returns).  > 0: open loop at this many requests per second: request
	 * k is due at start + k/rate whatever the server does, goes out on an
	 * idle connection (a new one is opened while fewer than `connections`
	 * exist), and its latency runs from when it was due, so a stall shows in
	 * every request scheduled during it (no coordinated omission, as wrk2).
	 */
	double rate_per_s;

	double *samples;           /* optional: every latency in ns, in completion order */
	size_t samples_cap;

	uint64_t window_ns;        /* optional: completions per window of this size */
	uint64_t *windows;
	size_t windows_cap;

	/* optional: called every tick_ns (e.g. to sample memory) */
	void (*on_tick)(void *arg);
	void *tick_arg;
	uint64_t tick_ns;

	/* optional: the server under load; its exit (pidfd readable) ends the
	 * run at once with server_exited set, so no figure is measured
	 * against a dead server */
	struct eb_proc *server;

	/* optional: called with every complete response (for content checks) */
	void (*on_response)(void *arg, const struct eb_http_response *r);
	void *response_arg;
};

struct eb_load_result {
	uint64_t completed;        /* responses received, any status */
	uint64_t status_2xx, status_3xx, status_4xx, status_5xx, status_other;
	uint64_t err_connect, err_read, err_write, err_parse, timeouts;
	uint64_t bytes_read;
	uint64_t connects;         /* connections opened */
	uint64_t late_max_ns;      /* open loop: the longest a due request waited to be sent (any cause) */
	/*
	 * Open loop, what the generator could not do.  due: requests whose due
	 * time fell inside the run; unsent: of those, never sent by the end
	 * (latency unknown: not in the samples); in_flight_at_end: sent but
	 * unanswered at the end (also not in the samples).  queued: times the
	 * oldest due request found every connection busy (the server held them
	 * all; it and the requests due while it waited are the server's delay).
	 * A request that found a connection free but went out more than
	 * EB_LOAD_LATE_BOUND_NS after it was due waited for the generator
	 * itself (gen_late_count, gen_late_max_ns).
	 */
	uint64_t due, unsent, in_flight_at_end, queued;
	uint64_t gen_late_count, gen_late_max_ns;
	uint64_t elapsed_ns;
	uint64_t unanswered_at_end;   /* requests sent whose response had not come when the run ended (either loop) */
	size_t samples_len;
	size_t windows_len;
	int interrupted;
	int server_exited;         /* cfg->server exited during the run (reaped: see its wait_status) */
	uint64_t server_exit_after_ns;   /* ... this long after the run started */
};

/* An open-loop request sent this long after it was due, with a connection free, was late by the generator's fault. */
#define EB_LOAD_LATE_BOUND_NS 1000000ull

/*
 * Did the generator, not the server, limit an open-loop run?  Yes when it
 * achieved under 95% of the offered rate while no request ever waited for a
 * busy connection (the server kept up), or when more than 1% of the requests
 * it sent went out later than EB_LOAD_LATE_BOUND_NS with a connection free.
 * achieved_per_s: completed / elapsed.
 */
static inline int eb_load_generator_bound(const struct eb_load_result *r, double offered_per_s, double achieved_per_s)
{
	uint64_t sent = r->due - r->unsent;
	return (achieved_per_s < 0.95 * offered_per_s && r->queued == 0) ||
	       (sent > 0 && (double)r->gen_late_count > 0.01 * (double)sent);
}

static inline uint64_t eb_load_errors(const struct eb_load_result *r)
{
	return r->err_connect + r->err_read + r->err_write + r->err_parse + r->timeouts;
}

/*
 * Run the load.  hist (required) receives every latency.  Returns 0 (even
 * when requests failed: see the counters), -EINVAL for a bad config, or a
 * negative errno when the generator itself could not run.
 */
__attribute__((warn_unused_result))
int eb_load_run(const struct eb_load_config *cfg, struct eb_hist *hist,
		struct eb_load_result *out);

#endif
