/*
 * http-hello: the networked workload, a single-threaded epoll HTTP/1.1
 * server around hh_core.  It listens on --addr (default 127.0.0.1) and
 * --port, keeps connections alive unless asked not to, answers pipelined
 * requests in order and drops connections that stay idle or half-sent for
 * longer than --idle-timeout-ms (default 10000), so a slow or silent client
 * costs one slot for a bounded time and never memory growth.
 *
 * SIGTERM/SIGINT end it with status 0.
 *
 * Built with -DEB_HTTP_API it is http-api's server (workloads/http-api):
 * the same loop around api_core's router, a database opened before it
 * listens (--db PATH), and `--init PATH --items N` to write a seeded
 * database and exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server_build.h"


#define MAX_CONNS 1024
#define IN_CAP (HH_MAX_HEAD + MAX_BODY + 1)
#define OUT_CAP (MAX_RESPONSE * 2)

struct conn {
	int fd;
	size_t in_len;
	size_t out_len, out_off;
	int close_after;
	int draining;            /* response sent, write side shut, discarding input */
	long long last_ms;       /* last readiness event */
	long long req_start_ms;  /* first byte of the pending partial request */
	char in[IN_CAP];
	char out[OUT_CAP];
};

static volatile sig_atomic_t stop;
static struct conn *conns[MAX_CONNS];
#ifdef EB_HTTP_API
static struct api state;
static char scratch[API_MAX_RESPONSE];
static int handle(const char *in, size_t len, char *out, size_t out_cap, size_t *out_len, size_t *consumed,
		  int *close_after)
{
	return hh_serve(api_route, &state, API_MAX_BODY, scratch, sizeof(scratch), in, len, out, out_cap, out_len,
			consumed, close_after);
}
#else
static struct hh_state state = { .work = hh_work_clock };
static int handle(const char *in, size_t len, char *out, size_t out_cap, size_t *out_len, size_t *consumed,
		  int *close_after)
{
	return hh_handle(&state, in, len, out, out_cap, out_len, consumed, close_after);
}
#endif

/*
 * Test-only faults, from EDGEBENCH_HH_FAULT (edgebench never sets it; the
 * fault and load tests do): "kill-after=N" dies by SIGKILL instead of
 * answering request N+1; "stall=MS/N" pauses MS milliseconds before
 * answering every N-th request, a server that stalls.
 */
static unsigned long long fault_kill_after, fault_stall_every, fault_stall_ms, requests_seen;
static int fault_kill;

static void fault_parse(const char *spec)
{
	if (!spec)
		return;
	if (sscanf(spec, "kill-after=%llu", &fault_kill_after) == 1) {
		fault_kill = 1;
		return;
	}
	if (sscanf(spec, "stall=%llu/%llu", &fault_stall_ms, &fault_stall_every) != 2)
		fault_stall_every = 0;
}

static void fault_before_request(void)
{
	requests_seen++;
	if (fault_kill && requests_seen > fault_kill_after)
		raise(SIGKILL);
	if (fault_stall_every && requests_seen % fault_stall_every == 0) {
		struct timespec ts = { (time_t)(fault_stall_ms / 1000), (long)(fault_stall_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void conn_close(int ep, int slot)
{
	struct conn *c = conns[slot];
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
	conns[slot] = NULL;
}

/* Write pending output; returns -1 when the connection must go. */
static int conn_flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	if (c->close_after && !c->draining) {
		/*
		 * Lingering close: closing with unread input would send RST and
		 * could destroy the response in flight (a 431 to a client still
		 * sending headers).  Shut our side and discard until the peer
		 * closes or the drain times out.
		 */
		shutdown(c->fd, SHUT_WR);
		c->draining = 1;
		c->in_len = 0;
	}
	return 0;
}

/*
 * Answer every complete request buffered on c, as long as the responses fit
 * the output buffer; returns -1 when the connection must go.
 */
static int conn_process(struct conn *c)
{
	size_t off = 0;
	while (!c->close_after && OUT_CAP - c->out_len >= MAX_RESPONSE && off < c->in_len) {
		size_t out_len = 0, consumed = 0;
		int close_after = 0;
		int r = handle(c->in + off, c->in_len - off, c->out + c->out_len, OUT_CAP - c->out_len, &out_len,
			       &consumed, &close_after);
		if (r == HH_INCOMPLETE)
			break;
		if (fault_kill || fault_stall_every)
			fault_before_request();   /* a whole request, not yet answered */
		c->out_len += out_len;
		c->close_after = close_after;
		off += consumed;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return conn_flush(c);
}

static int conn_read(struct conn *c)
{
	while (c->draining) {
		char sink[4096];
		ssize_t n = recv(c->fd, sink, sizeof(sink), 0);
		if (n > 0 || (n < 0 && errno == EINTR))
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;   /* EOF or error: done */
	}
	for (;;) {
		if (c->in_len == IN_CAP) {
			if (conn_process(c) < 0)
				return -1;   /* hh_handle answered 431/413 */
			if (c->draining)
				return conn_read(c);
			if (c->in_len == IN_CAP)
				return 0;    /* output backed up; EPOLLOUT resumes us */
			continue;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return conn_process(c);
			return -1;
		}
		if (n == 0)
			return -1;
		c->in_len += (size_t)n;
		if (conn_process(c) < 0)
			return -1;
		if (c->draining)
			return conn_read(c);
	}
}

static void accept_all(int ep, int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;  /* EAGAIN, or EMFILE and friends: try again later */
		}
		int slot = -1;
		for (int i = 0; i < MAX_CONNS; i++)
			if (!conns[i]) {
				slot = i;
				break;
			}
		struct conn *c = slot >= 0 ? malloc(sizeof(*c)) : NULL;
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->in_len = c->out_len = c->out_off = 0;
		c->close_after = c->draining = 0;
		c->last_ms = c->req_start_ms = now_ms();
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP,
					  .data.u32 = (uint32_t)slot + 1 };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		conns[slot] = c;
	}
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	long port = -1, idle_ms = 10000;
#ifdef EB_HTTP_API
	const char *db = NULL, *init = NULL;
	long items = 10000;
#endif
	for (int i = 1; i < argc; i++) {
#ifdef EB_HTTP_API
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			db = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--init") && i + 1 < argc) {
			init = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--items") && i + 1 < argc) {
			if (parse_num(argv[++i], 0, 10000000, &items) < 0) {
				fprintf(stderr, NAME ": bad item count '%s'\n", argv[i]);
				return 2;
			}
			continue;
		}
#endif
		if (!strcmp(argv[i], "--addr") && i + 1 < argc) {
			addr = argv[++i];
		} else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
			if (parse_num(argv[++i], 0, 65535, &port) < 0) {
				fprintf(stderr, NAME ": bad port '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--idle-timeout-ms") && i + 1 < argc) {
			if (parse_num(argv[++i], 1, 3600000, &idle_ms) < 0) {
				fprintf(stderr, NAME ": bad idle timeout '%s'\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "usage: " NAME " [--addr 127.0.0.1] --port N [--idle-timeout-ms MS]%s\n",
#ifdef EB_HTTP_API
				" --db PATH (or: --init PATH [--items N])"
#else
				""
#endif
			);
			return 2;
		}
	}
#ifdef EB_HTTP_API
	if (init) {   /* a seeded database, then exit */
		if (api_open(&state, init) < 0 || api_seed(&state, (unsigned)items) < 0) {
			fprintf(stderr, NAME ": %s\n", state.err);
			return 1;
		}
		api_close(&state);
		return 0;
	}
	if (!db) {
		fprintf(stderr, NAME ": --db is required\n");
		return 2;
	}
#endif
	if (port < 0) {
		fprintf(stderr, NAME ": --port is required\n");
		return 2;
	}
	fault_parse(getenv("EDGEBENCH_HH_FAULT"));
#ifdef EB_HTTP_API
	/* the database first: a cold start includes opening it */
	if (api_open(&state, db) < 0) {
		fprintf(stderr, NAME ": %s\n", state.err);
		return 1;
	}
#endif
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, NAME ": bad IPv4 address '%s'\n", addr);
		return 2;
	}

	struct sigaction sig = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sig, NULL);
	sigaction(SIGINT, &sig, NULL);
	signal(SIGPIPE, SIG_IGN);

	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror(NAME ": socket");
		return 1;
	}
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, NAME ": bind %s:%ld: %s\n", addr, port, strerror(errno));
		return 1;
	}
	if (listen(lfd, 1024) < 0) {
		perror(NAME ": listen");
		return 1;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = { .events = EPOLLIN, .data.u32 = 0 };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) < 0) {
		perror(NAME ": epoll");
		return 1;
	}

	struct epoll_event evs[128];
	long long last_sweep = now_ms();
	while (!stop) {
		int n = epoll_wait(ep, evs, 128, 1000);
		if (n < 0 && errno != EINTR) {
			perror(NAME ": epoll_wait");
			return 1;
		}
		long long now = now_ms();
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u32 == 0) {
				accept_all(ep, lfd);
				continue;
			}
			int slot = (int)evs[i].data.u32 - 1;
			struct conn *c = conns[slot];
			if (!c)
				continue;
			c->last_ms = now;
			size_t had = c->in_len;
			if (conn_flush(c) < 0 || conn_read(c) < 0) {
				conn_close(ep, slot);
				continue;
			}
			if (had == 0 && c->in_len > 0)
				c->req_start_ms = now;
		}
		if (now - last_sweep >= 250) {
			last_sweep = now;
			for (int s = 0; s < MAX_CONNS; s++)
				if (conns[s] && (now - conns[s]->last_ms > idle_ms ||
						 (conns[s]->draining && now - conns[s]->last_ms > 2000) ||
						 (conns[s]->in_len && now - conns[s]->req_start_ms > idle_ms)))
					conn_close(ep, s);
		}
	}
	for (int s = 0; s < MAX_CONNS; s++)
		if (conns[s])
			conn_close(ep, s);
	close(ep);
	close(lfd);
#ifdef EB_HTTP_API
	api_close(&state);
#endif
	return 0;
}
