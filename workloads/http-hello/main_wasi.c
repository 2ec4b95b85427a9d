/*
 * main_wasi: http-hello as a WASI preview1 module for runtimes that give a
 * guest its own sockets through extension imports (WAMR).  The request
 * handling is hh_core, as in every other build; only the listener and the
 * event loop differ: preview1 has accept/recv/send/poll but no
 * socket/bind/listen, so the listener comes from the runtime's imports.
 *
 * Built twice: -DEB_SOCK_WAMR (http-hello.wamr.wasm) and -DEB_SOCK_WASMEDGE
 * (http-hello.wasmedge.wasm).  WAMR's extension (module
 * "wasi_snapshot_preview1"), declared here from its documented ABI:
 *   sock_open(poolfd, address_family, socktype, *fd) -> errno
 *   sock_bind(fd, *addr) -> errno       addr: {kind, {ip4 n0..n3, port (host order)}}
 *   sock_listen(fd, backlog) -> errno
 *   sock_set_reuse_addr(fd, on), sock_set_linger(fd, on, seconds) -> errno
 * iwasm must be started with --addr-pool=127.0.0.1/32.  WasmEdge's:
 *   sock_open(address_family (1: inet4), socktype (2: stream), *fd) -> errno
 *   sock_bind(fd, *{buf, buf_len}, port) -> errno   buf: 4 address bytes
 *   sock_listen(fd, backlog), sock_setsockopt(fd, level, name, *flag, size)
 *
 * Usage: http-hello.wamr.wasm --port N [--idle-timeout-ms MS]
 *
 * Built with -DEB_HTTP_API it is http-api's module (http-api.wamr.wasm,
 * http-api.wasmedge.wasm): the same loop around api_core's router and a
 * database opened before it listens (--db PATH, a preopened directory).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server_build.h"


#define MAX_CONNS 64
#define IN_CAP (HH_MAX_HEAD + MAX_BODY + 1)

#if defined(EB_SOCK_WAMR)
struct wamr_addr {
	int32_t kind;              /* 0: IPv4 */
	struct {
		uint8_t n0, n1, n2, n3;
		uint16_t port;     /* host byte order */
	} ip4;
	uint8_t pad[12];           /* room for the IPv6 member of the union */
};

int32_t eb_wamr_sock_open(int32_t poolfd, int32_t af, int32_t socktype, int32_t fd_out)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_open")));
int32_t eb_wamr_sock_bind(int32_t fd, int32_t addr)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_bind")));
int32_t eb_wamr_sock_listen(int32_t fd, int32_t backlog)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_listen")));
int32_t eb_wamr_sock_set_reuse_addr(int32_t fd, int32_t reuse)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_set_reuse_addr")));
int32_t eb_wamr_sock_set_linger(int32_t fd, int32_t enabled, int32_t seconds)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_set_linger")));

static int listen_loopback(uint16_t port)
{
	int32_t fd = -1;
	int32_t rc = eb_wamr_sock_open(-1, 0 /* INET4 */, 1 /* SOCKET_STREAM */, (int32_t)(uintptr_t)&fd);
	if (rc != 0) {
		fprintf(stderr, NAME ": sock_open: errno %d\n", (int)rc);
		return -1;
	}
	/*
	 * WAMR opens sockets with SO_LINGER {on, 0} (close() sends RST, which
	 * can destroy a response in flight) and without SO_REUSEADDR (our
	 * TIME_WAIT would then block the next start on this port).  Accepted
	 * sockets inherit both settings from the listener.
	 */
	if ((rc = eb_wamr_sock_set_linger(fd, 0, 0)) != 0 || (rc = eb_wamr_sock_set_reuse_addr(fd, 1)) != 0)
		fprintf(stderr, NAME ": socket options: errno %d (continuing)\n", (int)rc);
	struct wamr_addr a;
	memset(&a, 0, sizeof(a));
	a.ip4.n0 = 127;
	a.ip4.n3 = 1;
	a.ip4.port = port;
	if ((rc = eb_wamr_sock_bind(fd, (int32_t)(uintptr_t)&a)) != 0) {
		fprintf(stderr, NAME ": bind 127.0.0.1:%u: errno %d (is --addr-pool=127.0.0.1/32 given?)\n",
			(unsigned)port, (int)rc);
		return -1;
	}
	if ((rc = eb_wamr_sock_listen(fd, 128)) != 0) {
		fprintf(stderr, NAME ": listen: errno %d\n", (int)rc);
		return -1;
	}
	return fd;
}
#elif defined(EB_SOCK_WASMEDGE)
int32_t eb_we_sock_open(int32_t af, int32_t socktype, int32_t fd_out)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_open")));
int32_t eb_we_sock_bind(int32_t fd, int32_t addr, int32_t port)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_bind")));
int32_t eb_we_sock_listen(int32_t fd, int32_t backlog)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_listen")));
int32_t eb_we_sock_setsockopt(int32_t fd, int32_t level, int32_t name, int32_t flag, int32_t size)
	__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("sock_setsockopt")));

static int listen_loopback(uint16_t port)
{
	int32_t fd = -1;
	int32_t rc = eb_we_sock_open(1 /* inet4 */, 2 /* stream */, (int32_t)(uintptr_t)&fd);
	if (rc != 0) {
		fprintf(stderr, NAME ": sock_open: errno %d\n", (int)rc);
		return -1;
	}
	int32_t one = 1;
	/* SO_REUSEADDR (level sol_socket 0, option 0), as the native server */
	if ((rc = eb_we_sock_setsockopt(fd, 0, 0, (int32_t)(uintptr_t)&one, sizeof(one))) != 0)
		fprintf(stderr, NAME ": SO_REUSEADDR: errno %d (continuing)\n", (int)rc);
	static uint8_t ip[4] = { 127, 0, 0, 1 };
	struct {
		uint32_t buf;
		uint32_t buf_len;
	} addr = { (uint32_t)(uintptr_t)ip, 4 };
	if ((rc = eb_we_sock_bind(fd, (int32_t)(uintptr_t)&addr, port)) != 0) {
		fprintf(stderr, NAME ": bind 127.0.0.1:%u: errno %d\n", (unsigned)port, (int)rc);
		return -1;
	}
	if ((rc = eb_we_sock_listen(fd, 128)) != 0) {
		fprintf(stderr, NAME ": listen: errno %d\n", (int)rc);
		return -1;
	}
	return fd;
}
#else
#error "build with -DEB_SOCK_WAMR or -DEB_SOCK_WASMEDGE"
#endif

struct conn {
	int fd;
	int draining;      /* last response sent: discard input until the peer's EOF */
	size_t in_len;
	long long last_ms;
	char in[IN_CAP];
};

static struct conn *conns[MAX_CONNS];
static char out[MAX_RESPONSE];

#ifdef EB_HTTP_API
static struct api state;
static char scratch[API_MAX_RESPONSE];
static int handle(const char *in, size_t len, size_t *out_len, size_t *consumed, int *close_after)
{
	return hh_serve(api_route, &state, API_MAX_BODY, scratch, sizeof(scratch), in, len, out, sizeof(out), out_len,
			consumed, close_after);
}
#else
static struct hh_state state = { .work = hh_work_clock };
static int handle(const char *in, size_t len, size_t *out_len, size_t *consumed, int *close_after)
{
	return hh_handle(&state, in, len, out, sizeof(out), out_len, consumed, close_after);
}
#endif

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop(int i)
{
	close(conns[i]->fd);
	free(conns[i]);
	conns[i] = NULL;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Read what is there, answer every complete request; -1: close.
 *
 * Closing after "Connection: close" or an error response is a lingering
 * close: shut our write side, then discard input until the peer's EOF (or
 * 2 s), so unread input never turns our close into a reset.
 */
static int serve(struct conn *c)
{
	if (c->draining) {
		char sink[512];
		return recv(c->fd, sink, sizeof(sink), 0) > 0 ? 0 : -1;
	}
	ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
	if (n <= 0)
		return -1;
	c->in_len += (size_t)n;
	size_t off = 0;
	while (off < c->in_len) {
		size_t out_len = 0, used = 0;
		int close_after = 0;
		if (handle(c->in + off, c->in_len - off, &out_len, &used, &close_after) == HH_INCOMPLETE)
			break;
		if (send_all(c->fd, out, out_len) < 0)
			return -1;
		if (close_after) {
			shutdown(c->fd, SHUT_WR);
			c->draining = 1;
			c->in_len = 0;
			return 0;
		}
		off += used;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return 0;
}

int main(int argc, char **argv)
{
	long port = -1, idle_ms = 10000;
#ifdef EB_HTTP_API
	const char *db = NULL;
#endif
	for (int i = 1; i < argc; i++) {
#ifdef EB_HTTP_API
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			db = argv[++i];
			continue;
		}
#endif
		if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--idle-timeout-ms") && i + 1 < argc)
			idle_ms = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--addr") && i + 1 < argc && !strcmp(argv[i + 1], "127.0.0.1"))
			i++;   /* the only address this build binds */
		else {
			fprintf(stderr, "usage: " NAME ".wasm [--addr 127.0.0.1] --port N [--idle-timeout-ms MS]\n");
			return 2;
		}
	}
	if (port <= 0 || port > 65535 || idle_ms <= 0) {
		fprintf(stderr, NAME ": --port 1..65535 is required\n");
		return 2;
	}
#ifdef EB_HTTP_API
	/* the database first: a cold start includes opening it */
	if (!db) {
		fprintf(stderr, NAME ": --db is required\n");
		return 2;
	}
	if (api_open(&state, db) < 0) {
		fprintf(stderr, NAME ": %s\n", state.err);
		return 1;
	}
#endif
	int lfd = listen_loopback((uint16_t)port);
	if (lfd < 0)
		return 1;
	struct pollfd pfd[MAX_CONNS + 1];
	int idx[MAX_CONNS + 1];
	for (;;) {
		int n = 0;
		pfd[n].fd = lfd;
		pfd[n].events = POLLIN;
		idx[n++] = -1;
		for (int i = 0; i < MAX_CONNS; i++)
			if (conns[i]) {
				pfd[n].fd = conns[i]->fd;
				pfd[n].events = POLLIN;
				idx[n++] = i;
			}
		int r = poll(pfd, (nfds_t)n, 250);
		if (r < 0 && errno != EINTR) {
			perror(NAME ": poll");
			return 1;
		}
		long long now = now_ms();
		for (int k = 1; k < n && r > 0; k++) {
			if (!pfd[k].revents)
				continue;
			struct conn *c = conns[idx[k]];
			c->last_ms = now;
			if (serve(c) < 0)
				drop(idx[k]);
		}
		if (r > 0 && (pfd[0].revents & POLLIN)) {
			struct sockaddr_storage ss;   /* this wasi-libc writes through addr even when NULL */
			socklen_t sl = sizeof(ss);
			int fd = accept(lfd, (struct sockaddr *)&ss, &sl);
			if (fd >= 0) {
				int slot = -1;
				for (int i = 0; i < MAX_CONNS && slot < 0; i++)
					if (!conns[i])
						slot = i;
				struct conn *c = slot >= 0 ? malloc(sizeof(*c)) : NULL;
				if (!c) {
					close(fd);
				} else {
					c->fd = fd;
					c->draining = 0;
					c->in_len = 0;
					c->last_ms = now;
					conns[slot] = c;
				}
			}
		}
		for (int i = 0; i < MAX_CONNS; i++)
			if (conns[i] && now - conns[i]->last_ms > (conns[i]->draining ? 2000 : idle_ms))
				drop(i);
	}
}
