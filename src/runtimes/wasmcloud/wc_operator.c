/*
 * wc_operator: see wc_operator.h.  One process, one poll loop over a
 * signalfd, the children's pidfds and the NATS socket (the server PINGs an
 * idle client and drops one that does not answer).
 */
#include "runtimes/wasmcloud/wc_operator.h"
#include "sys/clock.h"
#include "sys/fsutil.h"
#include "runtimes/wasmcloud/nats.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_STAGE_TIMEOUT_NS 60000000000ull
#define STOP_GRACE_NS 5000000000ull
#define STATUS_POLL_NS 2000000ull        /* workload.status while waiting for a state */
#define CONNECT_RETRY_NS 1000000ull      /* nats-server not accepting yet */
#define WAIT_SLICE_NS 20000000ull        /* a wait on NATS between looks at signals and children */

/* ---- messages ------------------------------------------------------------ */

char *eb_wc_start_request(const char *workload_id, const char *image, const char *vhost)
{
	json_t *req = json_pack(
		"{s:s, s:{s:s, s:s, s:{}, s:{s:[{s:s, s:s}], s:[{s:s, s:s, s:s, s:[s], s:{s:s}}]}, s:[]}}",
		"workloadId", workload_id,
		"workload",
		"namespace", "edgebench", "name", "http-hello", "annotations",
		"witWorld",
		"components", "name", "http-hello", "image", image,
		"hostInterfaces", "namespace", "wasi", "package", "http", "version", "0.2.0",
		"interfaces", "incoming-handler", "config", "host", vhost,
		"volumes");
	if (!req)
		return NULL;
	char *s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	return s;
}

char *eb_wc_id_request(const char *workload_id)
{
	json_t *req = json_pack("{s:s}", "workloadId", workload_id);
	if (!req)
		return NULL;
	char *s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	return s;
}

int eb_wc_heartbeat_id(const char *json, char *id, size_t cap)
{
	json_t *doc = json_loads(json, 0, NULL);
	const char *s = doc ? json_string_value(json_object_get(doc, "id")) : NULL;
	int rc = s && *s && strlen(s) < cap && !strpbrk(s, " \t\r\n.*>") ? 0 : -EPROTO;
	if (rc == 0)
		snprintf(id, cap, "%s", s);
	json_decref(doc);
	return rc;
}

int eb_wc_workload_status(const char *json, enum eb_wc_state *state, char *msg, size_t cap)
{
	static const struct { const char *name; enum eb_wc_state st; } states[] = {
		{ "WORKLOAD_STATE_STARTING", EB_WC_STARTING }, { "WORKLOAD_STATE_RUNNING", EB_WC_RUNNING },
		{ "WORKLOAD_STATE_COMPLETED", EB_WC_COMPLETED }, { "WORKLOAD_STATE_STOPPING", EB_WC_STOPPING },
		{ "WORKLOAD_STATE_ERROR", EB_WC_ERROR }, { "WORKLOAD_STATE_NOT_FOUND", EB_WC_NOT_FOUND },
	};
	json_t *doc = json_loads(json, 0, NULL);
	json_t *ws = doc ? json_object_get(doc, "workloadStatus") : NULL;
	const char *name = json_string_value(json_object_get(ws, "workloadState"));
	const char *m = json_string_value(json_object_get(ws, "message"));
	int rc = -EPROTO;
	for (size_t i = 0; name && i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(name, states[i].name)) {
			*state = states[i].st;
			rc = 0;
		}
	if (cap)
		snprintf(msg, cap, "%s", m ? m : "");
	json_decref(doc);
	return rc;
}

/* ---- the process ----------------------------------------------------------- */

struct child {
	const char *name;
	pid_t pid;
	int pidfd;
	int status;
	int exited;
};

struct op {
	const struct eb_wc_operator_args *a;
	FILE *phases;
	struct child nats, host;
	struct eb_nats nc;
	int sfd;
	char host_id[128];
	char vhost[64];
	unsigned deploys;
	char workload_id[32];
	uint64_t stage_ns;
	char *err;
	size_t cap;
};

__attribute__((format(printf, 2, 3)))
static int failf(struct op *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->err, o->cap, fmt, ap);
	va_end(ap);
	return -1;
}

static void mark(struct op *o, const char *name)
{
	fprintf(o->phases, "%s %llu\n", name, (unsigned long long)eb_now_ns());
	fflush(o->phases);
}

/*
 * Start a child in our process group (so whoever stops our group stops it
 * too), signals back to default and unblocked, stdout+stderr to log.
 */
static int spawn_child(struct op *o, struct child *c, char *const argv[], char *const envp[], const char *log)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGHUP);
	sigaddset(&deflt, SIGUSR1);
	sigaddset(&deflt, SIGCHLD);
	sigaddset(&deflt, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int rc = posix_spawn(&c->pid, argv[0], &fa, &attr, argv, envp ? envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		c->pid = 0;
		return failf(o, "cannot start %s (%s): %s", c->name, argv[0], strerror(rc));
	}
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0)
		return failf(o, "pidfd_open(%s): %s", c->name, strerror(errno));
	return 0;
}

/* reaped when it exited: 1 exited (status described in why), 0 running */
static int child_gone(struct child *c, char *why, size_t cap)
{
	if (!c->pid)
		return 0;
	if (!c->exited) {
		int st;
		pid_t r = waitpid(c->pid, &st, WNOHANG);
		if (r != c->pid)
			return 0;
		c->exited = 1;
		c->status = st;
	}
	if (WIFSIGNALED(c->status))
		snprintf(why, cap, "%s was killed by signal %d", c->name, WTERMSIG(c->status));
	else
		snprintf(why, cap, "%s exited with status %d", c->name, WEXITSTATUS(c->status));
	return 1;
}

static void stop_child(struct child *c)
{
	if (!c->pid)
		return;
	if (!c->exited) {
		kill(c->pid, SIGTERM);
		uint64_t end = eb_now_ns() + STOP_GRACE_NS;
		while (!c->exited && eb_now_ns() < end) {
			struct pollfd p = { .fd = c->pidfd, .events = POLLIN };
			if (c->pidfd >= 0)
				(void)eb_poll_deadline(&p, 1, end, 20000000ull);
			char why[8];
			(void)child_gone(c, why, sizeof(why));
		}
		if (!c->exited) {
			kill(c->pid, SIGKILL);
			if (waitpid(c->pid, &c->status, 0) == c->pid)
				c->exited = 1;
		}
	}
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
}

/* the last line of a child's log, for an error message */
static void log_tail(const struct op *o, const char *file, char *out, size_t cap)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", o->a->work, file);
	eb_last_line(path, out, cap);
}

/* A stop signal or a dead child while waiting?  1 (with err set, or a stop request in *stop), 0 */
static int interrupted(struct op *o, int *stop)
{
	struct signalfd_siginfo si;
	while (read(o->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT || si.ssi_signo == SIGHUP) {
			*stop = 1;
			return 1;
		}
		/* SIGUSR1 while starting: nothing deployed yet to redeploy, ignored */
	}
	char why[200], tail[320];
	struct child *cs[] = { &o->nats, &o->host };
	for (size_t i = 0; i < 2; i++)
		if (child_gone(cs[i], why, sizeof(why))) {
			log_tail(o, cs[i] == &o->nats ? "nats-server.log" : "wash-host.log", tail, sizeof(tail));
			failf(o, "%s%s%s", why, tail[0] ? ": " : "", tail);
			return 1;
		}
	return 0;
}

/* workload.<verb> request/reply, the reply's state into *state */
static int workload_call(struct op *o, const char *verb, const char *body, enum eb_wc_state *state, char *msg, size_t cap)
{
	char subject[256];
	snprintf(subject, sizeof(subject), "runtime.host.%s.workload.%s", o->host_id, verb);
	struct eb_nats_msg r;
	int rc = eb_nats_request(&o->nc, subject, body, strlen(body), eb_now_ns() + o->stage_ns, &r);
	if (rc < 0)
		return failf(o, "workload.%s: %s", verb, o->nc.err);
	rc = eb_wc_workload_status(r.data, state, msg, cap);
	if (rc < 0)
		failf(o, "workload.%s: a reply of another shape: %.200s", verb, r.data);
	eb_nats_msg_free(&r);
	return rc < 0 ? -1 : 0;
}

/* poll workload.status until the state is `want` (or an error state) */
static int wait_state(struct op *o, enum eb_wc_state want, int *stop)
{
	char *body = eb_wc_id_request(o->workload_id);
	if (!body)
		return failf(o, "out of memory");
	uint64_t end = eb_now_ns() + o->stage_ns;
	int rc = -1;
	for (;;) {
		enum eb_wc_state st;
		char msg[256];
		if (workload_call(o, "status", body, &st, msg, sizeof(msg)) < 0)
			break;
		if (st == want) {
			rc = 0;
			break;
		}
		if (st == EB_WC_ERROR || (want == EB_WC_RUNNING && st == EB_WC_NOT_FOUND)) {
			failf(o, "workload %s: %s", o->workload_id, msg);
			break;
		}
		if (eb_now_ns() > end) {
			failf(o, "workload %s not in the expected state within %.0f s (last: %s)", o->workload_id,
			      (double)o->stage_ns / 1e9, msg);
			break;
		}
		if (interrupted(o, stop))
			break;
		eb_sleep_ns(STATUS_POLL_NS);
	}
	free(body);
	return rc;
}

static int deploy(struct op *o, int *stop)
{
	snprintf(o->workload_id, sizeof(o->workload_id), "edgebench-%u", ++o->deploys);
	char *body = eb_wc_start_request(o->workload_id, o->a->image, o->vhost);
	if (!body)
		return failf(o, "out of memory");
	enum eb_wc_state st;
	char msg[256];
	int rc = workload_call(o, "start", body, &st, msg, sizeof(msg));
	free(body);
	if (rc < 0)
		return rc;
	if (st == EB_WC_RUNNING)
		return 0;
	if (st != EB_WC_STARTING)
		return failf(o, "workload.start: %s", msg[0] ? msg : "not started");
	return wait_state(o, EB_WC_RUNNING, stop);
}

static int undeploy(struct op *o, int *stop)
{
	char *body = eb_wc_id_request(o->workload_id);
	if (!body)
		return failf(o, "out of memory");
	enum eb_wc_state st;
	char msg[256];
	int rc = workload_call(o, "stop", body, &st, msg, sizeof(msg));
	free(body);
	if (rc < 0)
		return rc;
	if (st == EB_WC_ERROR)
		return failf(o, "workload.stop: %s", msg);
	return st == EB_WC_NOT_FOUND ? 0 : wait_state(o, EB_WC_NOT_FOUND, stop);
}

static int bring_up(struct op *o, int *stop)
{
	const struct eb_wc_operator_args *a = o->a;
	char port[16], url[64], http[96], home[600], cache[600], log[600];
	snprintf(port, sizeof(port), "%u", (unsigned)a->nats_port);
	snprintf(url, sizeof(url), "nats://127.0.0.1:%u", (unsigned)a->nats_port);
	snprintf(http, sizeof(http), "%s:%u", a->http_addr, (unsigned)a->http_port);

	/* 1. NATS (core NATS is all a 2.x host and its operator use here) */
	snprintf(log, sizeof(log), "%s/nats-server.log", a->work);
	char *nargv[] = { (char *)a->nats_server, "-a", "127.0.0.1", "-p", port, NULL };
	if (spawn_child(o, &o->nats, nargv, NULL, log) < 0)
		return -1;
	uint64_t end = eb_now_ns() + o->stage_ns;
	for (;;) {
		int rc = eb_nats_connect(&o->nc, htonl(0x7f000001u), a->nats_port, end);
		if (rc == 0)
			break;
		if (rc != -ECONNREFUSED || eb_now_ns() > end)
			return failf(o, "nats-server on port %u: %s", (unsigned)a->nats_port, o->nc.err);
		if (interrupted(o, stop))
			return -1;
		eb_sleep_ns(CONNECT_RETRY_NS);
	}
	mark(o, "nats_accepting");

	/* 2. the host; subscribed first so its first heartbeat (sent at start) is not missed */
	uint64_t hb;
	if (eb_nats_sub(&o->nc, "runtime.operator.heartbeat.*", &hb) < 0)
		return failf(o, "%s", o->nc.err);
	snprintf(home, sizeof(home), "HOME=%s/home", a->work);
	snprintf(cache, sizeof(cache), "%s/oci", a->work);
	snprintf(log, sizeof(log), "%s/wash-host.log", a->work);
	char *hargv[] = { (char *)a->wash, "host", "--non-interactive", "--http-addr", http,
			  "--scheduler-nats-url", url, "--data-nats-url", url,
			  "--allow-insecure-registries", "--oci-cache-dir", cache, NULL };
	size_t ne = 0;
	while (environ[ne])
		ne++;
	char **envp = calloc(ne + 2, sizeof(char *));
	if (!envp)
		return failf(o, "out of memory");
	size_t k = 0;
	for (size_t i = 0; i < ne; i++)
		if (strncmp(environ[i], "HOME=", 5))
			envp[k++] = environ[i];
	envp[k++] = home;
	int rc = spawn_child(o, &o->host, hargv, envp, log);
	free(envp);
	if (rc < 0)
		return -1;
	end = eb_now_ns() + o->stage_ns;
	for (;;) {
		struct eb_nats_msg m;
		rc = eb_nats_next(&o->nc, hb, eb_now_ns() + WAIT_SLICE_NS, &m);
		if (rc == 0) {
			rc = eb_wc_heartbeat_id(m.data, o->host_id, sizeof(o->host_id));
			eb_nats_msg_free(&m);
			if (rc < 0)
				return failf(o, "a heartbeat without a host id");
			break;
		}
		if (rc != -ETIMEDOUT)
			return failf(o, "waiting for the host's heartbeat: %s", o->nc.err);
		if (interrupted(o, stop))
			return -1;
		if (eb_now_ns() > end)
			return failf(o, "no heartbeat from wash host within %.0f s", (double)o->stage_ns / 1e9);
	}
	if (eb_nats_unsub(&o->nc, hb) < 0)
		return failf(o, "%s", o->nc.err);
	mark(o, "host_heartbeat");
	fprintf(o->phases, "# host %s\n", o->host_id);

	/* 3. the workload */
	if (deploy(o, stop) < 0)
		return -1;
	mark(o, "workload_running");
	return 0;
}

/* up: answer NATS PINGs, redeploy on SIGUSR1, return on a stop signal or a loss */
/* One control command ("start ID VHOST" / "stop ID"), answered on stdout; -1 only when stopping. */
static int command(struct op *o, char *line, int *stop)
{
	char verb[8], id[32], vhost[64];
	int n = sscanf(line, "%7s %31s %63s", verb, id, vhost);
	char keep_id[32], keep_vhost[64];
	snprintf(keep_id, sizeof(keep_id), "%s", o->workload_id);
	snprintf(keep_vhost, sizeof(keep_vhost), "%s", o->vhost);
	int rc;
	o->err[0] = '\0';
	if (n == 3 && !strcmp(verb, "start")) {
		snprintf(o->vhost, sizeof(o->vhost), "%s", vhost);
		char *body = eb_wc_start_request(id, o->a->image, o->vhost);
		enum eb_wc_state st;
		char msg[256];
		snprintf(o->workload_id, sizeof(o->workload_id), "%s", id);
		rc = body ? workload_call(o, "start", body, &st, msg, sizeof(msg)) : failf(o, "out of memory");
		free(body);
		if (rc == 0 && st != EB_WC_RUNNING)
			rc = st == EB_WC_STARTING ? wait_state(o, EB_WC_RUNNING, stop) :
			     failf(o, "workload.start: %s", msg[0] ? msg : "not started");
	} else if (n >= 2 && !strcmp(verb, "stop")) {
		snprintf(o->workload_id, sizeof(o->workload_id), "%s", id);
		rc = undeploy(o, stop);
	} else {
		rc = failf(o, "not a command: %.60s", line);
		snprintf(id, sizeof(id), "-");
	}
	snprintf(o->workload_id, sizeof(o->workload_id), "%s", keep_id);
	snprintf(o->vhost, sizeof(o->vhost), "%s", keep_vhost);
	if (*stop)
		return -1;
	if (rc == 0)
		dprintf(STDOUT_FILENO, "ok %s\n", id);
	else
		dprintf(STDOUT_FILENO, "err %s %s\n", id, o->err);
	o->err[0] = '\0';
	return 0;
}

static int serve(struct op *o)
{
	char in[4096];
	size_t have = 0;
	int in_open = o->a->control;
	for (;;) {
		struct pollfd p[5] = {
			{ .fd = o->sfd, .events = POLLIN }, { .fd = o->nc.fd, .events = POLLIN },
			{ .fd = o->nats.pidfd, .events = POLLIN }, { .fd = o->host.pidfd, .events = POLLIN },
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		int r = eb_poll_deadline(p, 5, UINT64_MAX, 1000000000ull);
		if (r < 0)
			return failf(o, "poll: %s", strerror(-r));
		if (p[1].revents && eb_nats_service(&o->nc) < 0)
			return failf(o, "lost NATS: %s", o->nc.err);
		if (p[4].revents) {
			ssize_t got = read(STDIN_FILENO, in + have, sizeof(in) - 1 - have);
			if (got <= 0) {
				in_open = 0;   /* the driver is gone: keep serving until a signal, as without control */
			} else {
				have += (size_t)got;
				in[have] = '\0';
				char *nl;
				while ((nl = memchr(in, '\n', have))) {
					*nl = '\0';
					int stop = 0;
					if (command(o, in, &stop) < 0)
						return stop ? 0 : -1;
					size_t used = (size_t)(nl + 1 - in);
					memmove(in, nl + 1, have - used);
					have -= used;
				}
				if (have == sizeof(in) - 1)
					have = 0;   /* a line too long to be a command */
			}
		}
		struct signalfd_siginfo si;
		while (read(o->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo != SIGUSR1)
				return 0;
			int stop = 0;
			if (undeploy(o, &stop) < 0)
				return stop ? 0 : -1;
			/* a new application is not in the host's pull cache */
			char cache[600];
			snprintf(cache, sizeof(cache), "%s/oci", o->a->work);
			eb_rm_tree(cache);
			mark(o, "undeployed");
			if (deploy(o, &stop) < 0)
				return stop ? 0 : -1;
			mark(o, "redeployed");
		}
		int stop = 0;
		if (interrupted(o, &stop))
			return stop ? 0 : -1;
	}
}

int eb_wc_operator_run(const struct eb_wc_operator_args *a, char *err, size_t errcap)
{
	struct op o = { .a = a, .err = err, .cap = errcap, .sfd = -1,
			.nats = { .name = "nats-server", .pidfd = -1 }, .host = { .name = "wash host", .pidfd = -1 } };
	o.nc.fd = -1;
	o.stage_ns = a->stage_timeout_ns ? a->stage_timeout_ns : DEFAULT_STAGE_TIMEOUT_NS;
	err[0] = '\0';
	/* the Host the workload is bound to: the serving address (port stripped by the router) */
	snprintf(o.vhost, sizeof(o.vhost), "%s", a->http_addr);
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGPIPE);
	int status = 1;
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 || (o.sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		failf(&o, "signalfd: %s", strerror(errno));
		return 1;
	}
	char path[600];
	if (eb_mkdirs(a->work) < 0) {
		failf(&o, "cannot create %s: %s", a->work, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/phases", a->work);
	o.phases = fopen(path, "we");
	if (!o.phases) {
		failf(&o, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	mark(&o, "launched");
	int stop = 0;
	if (bring_up(&o, &stop) == 0)
		status = serve(&o) < 0;
	else
		status = !stop;
out:
	eb_nats_close(&o.nc);
	stop_child(&o.host);
	stop_child(&o.nats);
	if (o.phases)
		fclose(o.phases);
	if (o.sfd >= 0)
		close(o.sfd);
	eb_rm_tree(a->work);
	if (status == 0)
		err[0] = '\0';
	return status;
}
