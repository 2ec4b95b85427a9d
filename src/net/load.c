/*
 * load: connection state machine over edge-triggered epoll.
 *
 *   CONNECTING --(writable)--> send request --> READING --(complete)--+
 *        ^                                                            |
 *        +---- close mode, server "Connection: close", error ---------+
 *                                   keep-alive: send next request ----+
 *
 * A request that fails (connect, read, write, parse, timeout) counts as an
 * attempt, so "-n N" always ends after N attempts.
 */
#include "net/load.h"
#include "sys/clock.h"
#include "net/netpath.h"
#include "sys/proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RBUF_CAP 65536

enum conn_state { C_IDLE, C_CONNECTING, C_WRITING, C_READING };

struct lconn {
	int fd;
	enum conn_state state;
	size_t woff;
	const char *req;      /* the request in flight (l->req, or one of the mix) */
	size_t req_len;
	size_t rlen;
	uint64_t start_ns;
	char *rbuf;
};

struct loader {
	const struct eb_load_config *cfg;
	struct eb_hist *hist;
	struct eb_load_result *res;
	struct sockaddr_in sa;
	int ep;
	char req[1200];
	size_t req_len;
	char *mix_buf;        /* every mix request, formatted once */
	const char **mix_req;
	size_t *mix_len;
	uint64_t issued;      /* attempts started */
	uint64_t finished;    /* attempts ended, ok or not */
	uint64_t t0;
	uint64_t last_done_ns;   /* last response completed */
	int stopping;
	struct lconn *conns;
	/* open loop */
	int open_loop;
	uint64_t interval_ns;     /* between due times */
	uint64_t next_due_ns;     /* due time of the next request to send */
	int starved;              /* the oldest due request is waiting for a busy connection */
	uint64_t deadline;        /* no request due at or after this is sent */
	uint64_t server_wait_upto;   /* requests due by this time waited behind a busy server */
};

static int may_issue(struct loader *l)
{
	if (l->stopping)
		return 0;
	return l->cfg->requests == 0 || l->issued < l->cfg->requests;
}

static void conn_drop(struct loader *l, struct lconn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(l->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->state = C_IDLE;
	c->rlen = 0;
	c->woff = 0;
}

static int conn_write(struct loader *l, struct lconn *c);

/* Open a connection; c->start_ns is set by the caller. */
static int conn_open(struct loader *l, struct lconn *c)
{
	int fd = eb_netpath_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->rlen = c->woff = 0;
	l->res->connects++;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET,
				  .data.ptr = c };
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = -errno;
		close(fd);
		c->fd = -1;
		return e;
	}
	if (connect(fd, (struct sockaddr *)&l->sa, sizeof(l->sa)) < 0 && errno != EINPROGRESS) {
		conn_drop(l, c);
		return 1;   /* connect error, counted by caller */
	}
	c->state = C_CONNECTING;
	return 0;
}

/* Account for a failed attempt and get the connection going again. */
static void attempt_failed(struct loader *l, struct lconn *c, uint64_t *counter);

static int dispatch(struct loader *l, uint64_t now);

/*
 * Send a request on c (idle, open or not); its latency counts from
 * start_ns (now in the closed loop, its due time in the open loop).
 * Returns 0 when under way, 1 when the connect failed at once (the attempt
 * is counted and c stays free), or a negative errno.
 */
static int start_request(struct loader *l, struct lconn *c, uint64_t start_ns)
{
	if (l->cfg->n_mix) {
		size_t k = (size_t)(l->issued % l->cfg->n_mix);
		c->req = l->mix_req[k];
		c->req_len = l->mix_len[k];
	} else {
		c->req = l->req;
		c->req_len = l->req_len;
	}
	l->issued++;
	c->start_ns = start_ns;
	if (c->fd < 0) {
		int rc = conn_open(l, c);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			l->finished++;
			l->res->err_connect++;
			return 1;
		}
		return 0;   /* the request goes out once connected */
	}
	c->state = C_WRITING;
	c->woff = 0;
	return conn_write(l, c);
}

/*
 * Begin the next request on c if the plan allows; returns <0 on fatal
 * error.  In the open loop c just becomes free, and whatever is due goes
 * out on the free connections.
 */
static int conn_next(struct loader *l, struct lconn *c)
{
	if (l->open_loop) {
		if (c->fd >= 0 && (!l->cfg->keepalive || !may_issue(l)))
			conn_drop(l, c);
		c->state = C_IDLE;
		return dispatch(l, eb_now_ns());
	}
	while (may_issue(l)) {
		int rc = start_request(l, c, eb_now_ns());
		if (rc != 1)
			return rc;
		/* the connect failed at once (counted): the next attempt */
	}
	if (c->fd >= 0)
		conn_drop(l, c);
	return 0;
}


/*
 * Open loop: send every request that is due by now on a free connection,
 * oldest first; with none free, the rest wait (and their latency grows).
 */
static int dispatch(struct loader *l, uint64_t now)
{
	while (may_issue(l) && l->next_due_ns <= now && l->next_due_ns < l->deadline) {
		struct lconn *free_c = NULL;
		for (unsigned i = 0; i < l->cfg->connections; i++) {
			struct lconn *c = &l->conns[i];
			if (c->state != C_IDLE)
				continue;
			if (c->fd >= 0) {        /* an open keep-alive connection first */
				free_c = c;
				break;
			}
			if (!free_c)
				free_c = c;
		}
		if (!free_c) {
			if (!l->starved)
				l->res->queued++;   /* counted once per request that found no connection */
			l->starved = 1;
			return 0;
		}
		uint64_t late = now - l->next_due_ns;
		if (late > l->res->late_max_ns)
			l->res->late_max_ns = late;
		if (l->starved) {
			l->starved = 0;   /* it, and every request due by now, waited for the server */
			l->server_wait_upto = now;
		} else if (late > EB_LOAD_LATE_BOUND_NS && l->next_due_ns > l->server_wait_upto) {
			l->res->gen_late_count++;
			if (late > l->res->gen_late_max_ns)
				l->res->gen_late_max_ns = late;
		}
		uint64_t due = l->next_due_ns;
		l->next_due_ns += l->interval_ns;
		int rc = start_request(l, free_c, due);
		if (rc < 0)
			return rc;   /* 1: the connect failed at once; the next due request tries again */
	}
	return 0;
}

static int conn_write(struct loader *l, struct lconn *c)
{
	while (c->woff < c->req_len) {
		ssize_t n = send(c->fd, c->req + c->woff, c->req_len - c->woff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			attempt_failed(l, c, &l->res->err_write);
			return 0;
		}
		c->woff += (size_t)n;
	}
	c->state = C_READING;
	return 0;
}

static void attempt_failed(struct loader *l, struct lconn *c, uint64_t *counter)
{
	(*counter)++;
	l->finished++;
	conn_drop(l, c);
	(void)conn_next(l, c);
}

static void count_status(struct eb_load_result *res, const struct eb_http_response *r)
{
	res->completed++;
	if (r->status >= 200 && r->status < 300)
		res->status_2xx++;
	else if (r->status >= 300 && r->status < 400)
		res->status_3xx++;
	else if (r->status >= 400 && r->status < 500)
		res->status_4xx++;
	else if (r->status >= 500 && r->status < 600)
		res->status_5xx++;
	else
		res->status_other++;
}

static void conn_read(struct loader *l, struct lconn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, RBUF_CAP - c->rlen, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			attempt_failed(l, c, &l->res->err_read);
			return;
		}
		if (c->state != C_READING) {
			/* bytes (or EOF) while no request is out: the server closed
			 * an idle keep-alive connection, or sent garbage */
			conn_drop(l, c);
			if (n > 0)
				l->res->err_parse++;
			return;
		}
		c->rlen += (size_t)n;
		l->res->bytes_read += (uint64_t)n;
		struct eb_http_response resp;
		long r = eb_http_parse_response(c->rbuf, c->rlen, 0, n == 0, &resp);
		if (r == EB_HTTP_INCOMPLETE) {
			if (n == 0) {
				attempt_failed(l, c, &l->res->err_read);
				return;
			}
			if (c->rlen == RBUF_CAP) {
				attempt_failed(l, c, &l->res->err_parse);
				return;
			}
			if ((size_t)n < RBUF_CAP - (c->rlen - (size_t)n))
				return;   /* drained; wait for the next edge */
			continue;
		}
		if (r == EB_HTTP_MALFORMED) {
			attempt_failed(l, c, &l->res->err_parse);
			return;
		}
		uint64_t now = eb_now_ns();
		uint64_t lat = now - c->start_ns;
		count_status(l->res, &resp);
		l->last_done_ns = now;
		eb_hist_record(l->hist, lat);
		const struct eb_load_config *cfg = l->cfg;
		if (cfg->samples && l->res->samples_len < cfg->samples_cap)
			cfg->samples[l->res->samples_len++] = (double)lat;
		if (cfg->windows && cfg->window_ns) {
			size_t w = (size_t)((now - l->t0) / cfg->window_ns);
			if (w < cfg->windows_cap) {
				cfg->windows[w]++;
				if (w + 1 > l->res->windows_len)
					l->res->windows_len = w + 1;
			}
		}
		if (cfg->on_response)
			cfg->on_response(cfg->response_arg, &resp);
		l->finished++;
		c->rlen = 0;   /* no pipelining: nothing follows the response */
		c->state = C_IDLE;
		if (!cfg->keepalive || resp.close || n == 0)
			conn_drop(l, c);
		(void)conn_next(l, c);
		return;
	}
}

static void on_event(struct loader *l, struct lconn *c, uint32_t events)
{
	if (c->fd < 0)
		return;
	if (c->state == C_CONNECTING) {
		if (events & (EPOLLERR | EPOLLHUP)) {
			attempt_failed(l, c, &l->res->err_connect);
			return;
		}
		if (!(events & EPOLLOUT))
			return;
		int err = 0;
		socklen_t el = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			attempt_failed(l, c, &l->res->err_connect);
			return;
		}
		c->state = C_WRITING;
		c->woff = 0;
		(void)conn_write(l, c);
		return;
	}
	if (c->state == C_WRITING && (events & EPOLLOUT))
		(void)conn_write(l, c);
	if (c->fd >= 0 && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		conn_read(l, c);
}

static void check_timeouts(struct loader *l, uint64_t now, uint64_t timeout_ns)
{
	unsigned n = l->cfg->connections;
	for (unsigned i = 0; i < n; i++) {
		struct lconn *c = &l->conns[i];
		if (c->fd >= 0 && c->state != C_IDLE && now - c->start_ns > timeout_ns)
			attempt_failed(l, c, &l->res->timeouts);
	}
}

int eb_load_run(const struct eb_load_config *cfg, struct eb_hist *hist,
		struct eb_load_result *out)
{
	if (cfg->connections == 0 || cfg->connections > 10000 ||
	    (cfg->requests == 0 && cfg->duration_ns == 0) || (!cfg->path && !cfg->n_mix))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (cfg->windows)
		memset(cfg->windows, 0, cfg->windows_cap * sizeof(cfg->windows[0]));

	struct loader l;
	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.hist = hist;
	l.res = out;
	l.sa.sin_family = AF_INET;
	l.sa.sin_port = htons(cfg->port);
	l.sa.sin_addr.s_addr = cfg->ip_be;
	char host[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &l.sa.sin_addr, host, sizeof(host));
	int rc = 0;
	if (cfg->n_mix) {
		size_t total = 0;
		for (size_t i = 0; i < cfg->n_mix; i++)
			total += 1200 + cfg->mix[i].body_len;
		l.mix_buf = malloc(total);
		l.mix_req = calloc(cfg->n_mix, sizeof(*l.mix_req));
		l.mix_len = calloc(cfg->n_mix, sizeof(*l.mix_len));
		if (!l.mix_buf || !l.mix_req || !l.mix_len) {
			rc = -ENOMEM;
			goto out_mix;
		}
		size_t off = 0;
		for (size_t i = 0; i < cfg->n_mix && rc >= 0; i++) {
			const struct eb_load_request *q = &cfg->mix[i];
			rc = q->body ? eb_http_format_post(l.mix_buf + off, 1200 + q->body_len, host, cfg->port, q->path,
							   q->content_type ? q->content_type : "application/json",
							   q->body, q->body_len, cfg->keepalive)
				     : eb_http_format_get(l.mix_buf + off, 1200, host, cfg->port, q->path, cfg->keepalive);
			if (rc >= 0) {
				l.mix_req[i] = l.mix_buf + off;
				l.mix_len[i] = (size_t)rc;
				off += (size_t)rc;
			}
		}
		if (rc < 0) {
			rc = -EINVAL;
			goto out_mix;
		}
	} else {
		rc = eb_http_format_get(l.req, sizeof(l.req), host, cfg->port, cfg->path, cfg->keepalive);
		if (rc < 0)
			return -EINVAL;
		l.req_len = (size_t)rc;
	}
	uint64_t timeout_ns = cfg->timeout_ns ? cfg->timeout_ns : 2000000000ull;

	l.ep = epoll_create1(EPOLL_CLOEXEC);
	if (l.ep < 0)
		return -errno;
	l.conns = calloc(cfg->connections, sizeof(*l.conns));
	char *rbufs = malloc((size_t)cfg->connections * RBUF_CAP);
	struct epoll_event *evs = calloc(cfg->connections + 1, sizeof(*evs));
	if (!l.conns || !rbufs || !evs) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < cfg->connections; i++) {
		l.conns[i].fd = -1;
		l.conns[i].rbuf = rbufs + (size_t)i * RBUF_CAP;
	}

	if (cfg->server && cfg->server->pidfd >= 0) {
		/* the loader itself marks the server's pidfd among the connections */
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &l };
		if (epoll_ctl(l.ep, EPOLL_CTL_ADD, cfg->server->pidfd, &ev) < 0) {
			rc = -errno;
			goto out;
		}
	}
	if (cfg->rate_per_s < 0 || cfg->rate_per_s > 1e7) {
		rc = -EINVAL;
		goto out;
	}
	l.open_loop = cfg->rate_per_s > 0;
	l.interval_ns = l.open_loop ? (uint64_t)(1e9 / cfg->rate_per_s) : 0;
	if (l.open_loop && l.interval_ns == 0)
		l.interval_ns = 1;
	/* the client side of a veth cell: one switch for the whole run, none per connection */
	if ((rc = eb_netpath_enter()) < 0)
		goto out;
	l.t0 = eb_now_ns();
	l.next_due_ns = l.t0;
	uint64_t deadline = cfg->duration_ns ? l.t0 + cfg->duration_ns : UINT64_MAX;
	l.deadline = deadline;
	uint64_t next_tick = cfg->on_tick && cfg->tick_ns ? l.t0 + cfg->tick_ns : UINT64_MAX;
	uint64_t next_timeout_check = l.t0 + 10000000ull;
	for (unsigned i = 0; i < cfg->connections && !l.open_loop; i++) {
		rc = conn_next(&l, &l.conns[i]);
		if (rc < 0)
			goto out;
	}
	if (l.open_loop && (rc = dispatch(&l, l.t0)) < 0)
		goto out;
	l.last_done_ns = l.t0;
	for (;;) {
		if (eb_interrupted) {
			out->interrupted = 1;
			break;
		}
		uint64_t now = eb_now_ns();
		if (now >= deadline)
			break;
		if (cfg->requests && l.finished >= cfg->requests)
			break;
		uint64_t wake = deadline < next_tick ? deadline : next_tick;
		if (next_timeout_check < wake)
			wake = next_timeout_check;
		if (l.open_loop && may_issue(&l) && l.next_due_ns < wake)
			wake = l.next_due_ns;
		int n;
		if (wake <= now) {
			n = epoll_wait(l.ep, evs, (int)cfg->connections + 1, 0);
		} else if (l.open_loop) {
			/* sub-millisecond due times: epoll_pwait2 takes a timespec */
			struct timespec ts = { (time_t)((wake - now) / 1000000000ull), (long)((wake - now) % 1000000000ull) };
			n = epoll_pwait2(l.ep, evs, (int)cfg->connections + 1, &ts, NULL);
			if (n < 0 && errno == ENOSYS)   /* before Linux 5.11: whole milliseconds */
				n = epoll_wait(l.ep, evs, (int)cfg->connections + 1, (int)((wake - now + 999999) / 1000000));
		} else {
			n = epoll_wait(l.ep, evs, (int)cfg->connections + 1, (int)((wake - now + 999999) / 1000000));
		}
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &l) {
				if (eb_proc_exited(cfg->server)) {
					out->server_exited = 1;
					out->server_exit_after_ns = eb_now_ns() - l.t0;
				}
				continue;
			}
			on_event(&l, evs[i].data.ptr, evs[i].events);
		}
		if (out->server_exited)
			break;
		now = eb_now_ns();
		if (l.open_loop && (rc = dispatch(&l, now)) < 0)
			goto out;
		if (now >= next_tick) {
			eb_netpath_leave();   /* the sampler may start a tool: in our namespace */
			cfg->on_tick(cfg->tick_arg);
			if ((rc = eb_netpath_enter()) < 0)
				goto out;
			next_tick += cfg->tick_ns;
			if (next_tick <= now)
				next_tick = now + cfg->tick_ns;
		}
		if (now >= next_timeout_check) {
			check_timeouts(&l, now, timeout_ns);
			next_timeout_check = now + 10000000ull;
		}
		/* every connection idle and nothing left to issue: done */
		if (!may_issue(&l) && l.finished >= l.issued)
			break;
	}
	uint64_t end = eb_now_ns();
	if (cfg->duration_ns && end > deadline)
		end = deadline;
	/* duration runs span the whole window; count runs end at the last response */
	out->elapsed_ns = (cfg->duration_ns ? end : l.last_done_ns) - l.t0;
	out->unanswered_at_end = l.issued - l.finished;
	if (l.open_loop) {
		/* due times t0, t0 + interval, ... up to the end of the window (the end itself excluded) */
		uint64_t due = end > l.t0 ? (end - l.t0 - 1) / l.interval_ns + 1 : 1;
		if (!cfg->duration_ns || out->interrupted || out->server_exited)
			due = l.issued + (l.next_due_ns <= end && may_issue(&l) ? (end - l.next_due_ns) / l.interval_ns + 1 : 0);
		if (cfg->requests && due > cfg->requests)
			due = cfg->requests;
		if (due < l.issued)
			due = l.issued;
		out->due = due;
		out->unsent = due - l.issued;
		out->in_flight_at_end = l.issued - l.finished;
	}
	rc = 0;
out:
	eb_netpath_leave();
	if (l.conns)
		for (unsigned i = 0; i < cfg->connections; i++)
			if (l.conns[i].fd >= 0)
				close(l.conns[i].fd);
	free(evs);
	free(rbufs);
	free(l.conns);
	close(l.ep);
out_mix:
	free(l.mix_buf);
	free(l.mix_req);
	free(l.mix_len);
	return rc;
}
