/*
 * probe: one attempt = socket, connect, send, read until the response is
 * complete or the attempt's slice of the deadline runs out.  On loopback a
 * refused connect is immediate, so the retry spacing sets the resolution.
 */
#include "net/probe.h"
#include "sys/clock.h"
#include "net/http.h"
#include "net/netpath.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Wait for fd to become ready for events until deadline; 1 ready, 0 timeout. */
static int wait_fd(int fd, short events, uint64_t deadline_ns, struct eb_proc *proc)
{
	for (;;) {
		if (eb_interrupted)
			return -EINTR;
		struct pollfd pfd = { .fd = fd, .events = events };
		int n = eb_poll_deadline(&pfd, 1, deadline_ns, 50000000ull);
		if (n > 0)
			return 1;
		if (n == -ETIMEDOUT)
			return 0;
		if (n < 0)
			return n;
		if (proc && eb_proc_exited(proc))
			return -ECHILD;
	}
}

static int attempt(uint32_t ip_be, uint16_t port, const char *req, size_t req_len,
		   uint64_t deadline_ns, struct eb_proc *proc, int *status)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = ip_be };
	int rc, fd = eb_netpath_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS) {
			rc = -errno;
			goto out;
		}
		rc = wait_fd(fd, POLLOUT, deadline_ns, proc);
		if (rc <= 0) {
			rc = rc ? rc : -ETIMEDOUT;
			goto out;
		}
		int err = 0;
		socklen_t el = sizeof(err);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			rc = -err;
			goto out;
		}
	}
	if (send(fd, req, req_len, MSG_NOSIGNAL) != (ssize_t)req_len) {
		rc = -errno;
		goto out;
	}
	char buf[8192];
	size_t len = 0;
	for (;;) {
		ssize_t n = recv(fd, buf + len, sizeof(buf) - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			rc = wait_fd(fd, POLLIN, deadline_ns, proc);
			if (rc <= 0) {
				rc = rc ? rc : -ETIMEDOUT;
				goto out;
			}
			continue;
		}
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		len += (size_t)n;
		struct eb_http_response resp;
		long r = eb_http_parse_response(buf, len, 0, n == 0, &resp);
		/* ready means a complete 200; a response larger than our buffer
		 * counts by its status line, one cut off by the peer's close does not */
		if (r > 0 || (r == EB_HTTP_INCOMPLETE && resp.status && len == sizeof(buf))) {
			*status = resp.status;
			rc = resp.status == 200 ? 0 : -EAGAIN;
			goto out;
		}
		if (r == EB_HTTP_INCOMPLETE && resp.status && n == 0) {
			rc = -EPROTO;   /* truncated: the server closed mid-response */
			goto out;
		}
		if (r == EB_HTTP_MALFORMED) {
			rc = -EPROTO;
			goto out;
		}
		if (n == 0) {
			rc = -ECONNRESET;
			goto out;
		}
	}
out:
	close(fd);
	return rc;
}

int eb_probe_once(uint32_t ip_be, uint16_t port, const char *path, struct eb_proc *proc,
		  uint64_t deadline_ns, int *status)
{
	char req[1200], host[INET_ADDRSTRLEN];
	struct in_addr a = { .s_addr = ip_be };
	inet_ntop(AF_INET, &a, host, sizeof(host));
	int req_len = eb_http_format_get(req, sizeof(req), host, port, path, 1);
	if (req_len < 0)
		return req_len;
	*status = 0;
	return attempt(ip_be, port, req, (size_t)req_len, deadline_ns, proc, status);
}

int eb_probe_until_ok(uint32_t ip_be, uint16_t port, const char *path,
		      struct eb_proc *proc, uint64_t deadline_ns, uint64_t spacing_ns,
		      struct eb_probe_result *out)
{
	char req[1200];
	char host[INET_ADDRSTRLEN];
	struct in_addr a = { .s_addr = ip_be };
	inet_ntop(AF_INET, &a, host, sizeof(host));
	/* keep-alive: we close first, so TIME_WAIT lands on our ephemeral port and
	 * never on the server's (a server without SO_REUSEADDR could not rebind) */
	int req_len = eb_http_format_get(req, sizeof(req), host, port, path, 1);
	if (req_len < 0)
		return req_len;
	memset(out, 0, sizeof(*out));
	for (;;) {
		if (eb_interrupted)
			return -EINTR;
		if (proc && eb_proc_exited(proc))
			return -ECHILD;
		if (eb_now_ns() >= deadline_ns)
			return -ETIMEDOUT;
		int status = 0;
		out->attempts++;
		int rc = attempt(ip_be, port, req, (size_t)req_len, deadline_ns, proc, &status);
		if (rc == 0) {
			out->ready_ns = eb_now_ns();
			out->last_status = status;
			return 0;
		}
		if (rc == -EINTR || rc == -ECHILD)
			return rc;
		out->last_error = -rc;
		if (status)
			out->last_status = status;
		eb_sleep_ns(spacing_ns);
	}
}

int eb_port_in_use(uint32_t ip_be, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = ip_be };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* With SO_REUSEADDR, bind fails only while something listens there
	 * (TIME_WAIT leftovers of earlier trials do not count, as for the server). */
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? (errno == EADDRINUSE ? 1 : -errno) : 0;
	close(fd);
	return rc;
}

int eb_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		rc = -errno;
	else
		rc = ntohs(sa.sin_port);
	close(fd);
	return rc;
}
