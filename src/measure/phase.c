/*
 * phase: what one cell does, as a table.  A cell is one (runtime, mode,
 * workload) with its launch context, its warm instance and the samples it
 * has collected; each phase runs one trial of one kind of measurement on
 * it.  The scheduler (suite.c) decides when.  Nothing here prints.
 */
#include "measure/phase.h"
#include "sys/fsutil.h"
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "sys/footprint.h"
#include "net/load.h"
#include "net/probe.h"
#include "sys/proc.h"
#include "catalog/series.h"
#include "data/stats.h"
#include "measure/study.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THROUGHPUT_WINDOW_NS 250000000ull        /* sustained throughput windows */
#define FOOTPRINT_TICK_NS   100000000ull         /* memory sampled under load */
#define AFTER_WARMUP_SAMPLES 5u
#define AFTER_WARMUP_GAP_NS 20000000ull
#define MAX_FOOTPRINT_SAMPLES 4096u

#define progress(c, ...)                                   \
	do {                                               \
		if ((c)->plan->progress)                   \
			(c)->plan->progress(__VA_ARGS__);  \
	} while (0)

static void warn(struct eb_cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct eb_cell *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(json_object_get(c->json, "warnings"), json_string(buf));
}

/* A one-line reason for the cell's failure, prefixed with the cell's name. */
static int fail(struct eb_cell *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct eb_cell *c, int rc, const char *fmt, ...)
{
	int n = snprintf(c->err, sizeof(c->err), "%s/%s/%s: ", c->rt->name, c->mode, c->w->name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + n, sizeof(c->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

/* what measures the runtime rather than the path runs on the default path only (loopback, no firewall) */
static int default_path(const struct eb_cell *c) { return c->network == EB_NET_LOOPBACK && !c->firewall; }

/* a mode whose instance is a whole deployment (wasmcloud lattice) is not started many times side by side */
static int deployment(const struct eb_cell *c)
{
	for (const char *const *m = c->rt->deployment_modes; m && *m; m++)
		if (!strcmp(*m, c->mode))
			return 1;
	return 0;
}

static json_t *values(struct eb_cell *c)
{
	return json_object_get(c->json, "values");
}

static json_t *checks(struct eb_cell *c)
{
	return json_object_get(c->json, "checks");
}

/* pattern with its one "%s" replaced by fill (no printf on data). */
static void fill_pattern(char *out, size_t cap, const char *pattern, const char *fill)
{
	const char *pct = strstr(pattern, "%s");
	if (!pct)
		snprintf(out, cap, "%s", pattern);
	else
		snprintf(out, cap, "%.*s%s%s", (int)(pct - pattern), pattern, fill, pct + 2);
}

/*
 * The collector of a catalogued series (created on first use).  figure_desc
 * fills the "%s" of a pattern entry's description.  NULL when out of
 * memory; a name missing from the catalogue is a bug (assert).
 */
static struct eb_acc *acc_get(struct eb_cell *c, const char *name, const char *figure_desc)
{
	for (size_t i = 0; i < c->n_acc; i++)
		if (!strcmp(c->acc[i].name, name))
			return &c->acc[i];
	const struct eb_series_def *def = eb_series_find(name, NULL, 0);
	assert(def && "every series is declared in series.c");
	if (!def)
		return NULL;
	struct eb_acc *na = realloc(c->acc, (c->n_acc + 1) * sizeof(*na));
	if (!na)
		return NULL;
	c->acc = na;
	struct eb_acc *a = &c->acc[c->n_acc++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->def = def;
	a->paired = (def->flags & EB_SERIES_PAIRED) != 0;
	fill_pattern(a->description, sizeof(a->description), def->description, figure_desc ? figure_desc : "");
	return a;
}

static int acc_add(struct eb_acc *a, double v, int32_t trial)
{
	if (!a)
		return -ENOMEM;
	if (a->n == a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 64;
		double *nv = realloc(a->v, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		a->v = nv;
		int32_t *nt = realloc(a->trial, ncap * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		a->trial = nt;
		a->cap = ncap;
	}
	a->v[a->n] = v;
	a->trial[a->n] = trial;
	a->n++;
	return 0;
}

/* Add samples of a catalogued series; -ENOMEM sets the cell's error. */
static int add(struct eb_cell *c, const char *name, const char *figure_desc, const double *v, size_t n, int32_t trial)
{
	struct eb_acc *a = acc_get(c, name, figure_desc);
	for (size_t i = 0; i < n; i++)
		if (acc_add(a, v[i], trial) < 0)
			return fail(c, -ENOMEM, "out of memory collecting %s", name);
	return 0;
}

/* Write every collected series of the cell to the results, then forget them. */
int eb_cell_flush(struct eb_cell *c)
{
	int rc = 0;
	char hdr[1400], cmd[1200];
	eb_argv_join(&c->argv, cmd, sizeof(cmd));
	snprintf(hdr, sizeof(hdr), "# command: %s\n", cmd);
	for (size_t i = 0; i < c->n_acc; i++) {
		struct eb_acc *a = &c->acc[i];
		if (rc == 0 && a->n > 0) {
			rc = eb_results_add_series(c->ws->res, c->json, a->name, a->def->unit, a->description,
						   a->v, a->n, a->trial, hdr);
			if (rc < 0)
				snprintf(c->err, sizeof(c->err), "cannot write results to %s: %s",
					 c->ws->res->dir, strerror(-rc));
		}
		free(a->v);
		free(a->trial);
	}
	free(c->acc);
	c->acc = NULL;
	c->n_acc = 0;
	return rc;
}

/* ---- instances ------------------------------------------------------ */

/* Last non-empty line of the workload's stderr log, for error messages. */
static void last_stderr_line(struct eb_cell *c, char *out, size_t cap)
{
	eb_last_line(c->stderr_path, out, cap);
}

static unsigned launch_seq;

/*
 * An instance killed by a signal is a crash: the cell says so as data
 * (`crash`: the phase and the signal), beside its one-line error.
 */
static void note_crash(struct eb_cell *c, const char *phase, int wait_status)
{
	if (c->json && WIFSIGNALED(wait_status))
		json_object_set_new(c->json, "crash", json_pack("{s:s, s:i}", "phase", phase, "signal", WTERMSIG(wait_status)));
}

/* Build the command for a fresh instance name and start it. */
static int launch(struct eb_cell *c, int capture, struct eb_instance *in)
{
	memset(in, 0, sizeof(*in));
	in->proc.pid = -1;
	in->proc.pidfd = in->proc.stdout_fd = -1;
	snprintf(c->lctx.instance, sizeof(c->lctx.instance), "edgebench-%d-%u", (int)getpid(), ++launch_seq);
	snprintf(in->name, sizeof(in->name), "%s", c->lctx.instance);
	int rc = c->rt->command(&c->lctx, c->mode, c->w, &c->argv);
	if (rc < 0) {
		if (rc == -ENOTSUP && c->argv.why[0])
			snprintf(c->err, sizeof(c->err), "%s", c->argv.why);
		else
			fail(c, rc, "%s cannot run %s (%s)", c->rt->name, c->w->name, strerror(-rc));
		return rc;
	}
	struct eb_spawn_opts o = { .capture_stdout = capture, .stderr_fd = c->stderr_fd };
	/* a runtime that does not join the cgroup itself is born in it */
	int entered = c->cg && !c->rt->joins_cgroup_parent && eb_cgroup_enter(c->cg) == 0;
	rc = eb_spawn(c->argv.argv, &o, &in->proc);
	if (entered)
		eb_cgroup_leave(c->cg);
	if (rc < 0)
		fail(c, rc, "cannot launch %s: %s", c->argv.argv[0], strerror(-rc));
	return rc;
}

static void stop_instance(struct eb_cell *c, struct eb_instance *in)
{
	eb_rt_stop(c->rt, in);
}

static int sample_instance(struct eb_cell *c, struct eb_instance *in, struct eb_sample *out)
{
	return eb_rt_sample(c->rt, in, out);
}

/*
 * How long a start may take: --start-timeout, and for a whole deployment at
 * least 90 s (a wasmCloud lattice can wait for its host's first heartbeat,
 * 30 s after the host starts).
 */
#define DEPLOYMENT_START_TIMEOUT_NS 90000000000ull
static uint64_t start_timeout(const struct eb_cell *c)
{
	uint64_t t = c->plan->start_timeout_ns;
	return deployment(c) && t < DEPLOYMENT_START_TIMEOUT_NS ? DEPLOYMENT_START_TIMEOUT_NS : t;
}

/* Start a server instance and wait for its first 200; *ready_ns on success. */
static int start_server(struct eb_cell *c, struct eb_instance *in, uint64_t *ready_ns)
{
	int busy = eb_port_in_use(c->ip_be, c->lctx.port);
	if (busy != 0)
		return fail(c, -EADDRINUSE, "port %s:%u is busy (another server listens there); pick another with --port", c->lctx.addr,
			    (unsigned)c->lctx.port);
	int rc = launch(c, 0, in);
	if (rc < 0)
		return rc;
	struct eb_proc *p = &in->proc;
	struct eb_probe_result pr;
	rc = eb_probe_until_ok(c->ip_be, c->lctx.port, "/", p,
			       p->launch_ns + start_timeout(c), c->plan->probe_spacing_ns, &pr);
	if (rc == 0) {
		*ready_ns = pr.ready_ns - p->launch_ns;
		return 0;
	}
	char line[300], st[96];
	if (rc == -ECHILD) {
		eb_describe_status(p->wait_status, st, sizeof(st));
		last_stderr_line(c, line, sizeof(line));
		fail(c, rc, "server exited (%s) before answering%s%s", st, line[0] ? ": " : "", line);
		note_crash(c, "start", p->wait_status);
	} else if (rc == -ETIMEDOUT) {
		char last[64];
		if (pr.last_status)
			snprintf(last, sizeof(last), "HTTP %d", pr.last_status);
		else
			snprintf(last, sizeof(last), "%s", strerror(pr.last_error));
		fail(c, rc, "no HTTP 200 from %s:%u within %.1f s (%u attempts, last: %s)", c->lctx.addr,
		     (unsigned)c->lctx.port, (double)start_timeout(c) / 1e9, pr.attempts, last);
	} else if (rc != -EINTR) {
		fail(c, rc, "probing %s:%u: %s", c->lctx.addr, (unsigned)c->lctx.port, strerror(-rc));
	}
	stop_instance(c, in);
	return rc;
}

/* The cell's long-lived instance, started (and attached) once. */
int eb_cell_ensure_instance(struct eb_cell *c)
{
	if (c->in_up)
		return 0;
	uint64_t ready;
	int rc = start_server(c, &c->in, &ready);
	if (rc < 0)
		return rc;
	c->in_up = 1;
	if ((rc = eb_rt_attach(c->rt, &c->in, c->err, sizeof(c->err))) < 0 && !c->err[0])
		fail(c, rc, "cannot attach to the instance");
	return rc;
}

void eb_cell_drop_instance(struct eb_cell *c)
{
	if (c->in_up)
		stop_instance(c, &c->in);
	c->in_up = 0;
}

/* ---- load ----------------------------------------------------------- */

/* Errors of a load phase accumulate in values.<phase>_errors; any is a warning. */
static void note_load_errors(struct eb_cell *c, const char *phase, const struct eb_load_result *lr)
{
	uint64_t errs = eb_load_errors(lr);
	uint64_t bad = lr->completed - lr->status_2xx;
	char key[96];
	snprintf(key, sizeof(key), "%s_errors", phase);
	json_t *o = json_object_get(values(c), key);
	if (!o) {
		o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "completed", (json_int_t)0, "non_2xx", (json_int_t)0,
			      "connect", (json_int_t)0, "read", (json_int_t)0, "write", (json_int_t)0,
			      "parse", (json_int_t)0, "timeout", (json_int_t)0);
		json_object_set_new(values(c), key, o);
	}
	const struct { const char *k; uint64_t v; } add_[] = {
		{ "completed", lr->completed }, { "non_2xx", bad }, { "connect", lr->err_connect },
		{ "read", lr->err_read }, { "write", lr->err_write }, { "parse", lr->err_parse },
		{ "timeout", lr->timeouts },
	};
	for (size_t i = 0; i < sizeof(add_) / sizeof(add_[0]); i++)
		json_object_set_new(o, add_[i].k, json_integer(json_integer_value(json_object_get(o, add_[i].k)) +
							       (json_int_t)add_[i].v));
	if (errs || bad) {
		warn(c, "%s: %llu errors (connect %llu, read %llu, write %llu, parse %llu, timeout %llu) and %llu non-2xx responses",
		     phase, (unsigned long long)errs, (unsigned long long)lr->err_connect,
		     (unsigned long long)lr->err_read, (unsigned long long)lr->err_write,
		     (unsigned long long)lr->err_parse, (unsigned long long)lr->timeouts,
		     (unsigned long long)bad);
		json_object_set_new(checks(c), "zero_errors", json_false());
	}
}

/*
 * The warm instance exited while it was being measured: the cell fails
 * (never a warning with figures measured against a dead server).  after_ns:
 * how far into the phase.
 */
static int instance_died(struct eb_cell *c, const char *what, uint64_t after_ns)
{
	char st[96];
	eb_proc_exited(&c->in.proc);
	eb_describe_status(c->in.proc.wait_status, st, sizeof(st));
	uint64_t since = c->in.proc.exit_ns > c->in.proc.launch_ns ? c->in.proc.exit_ns - c->in.proc.launch_ns : 0;
	note_crash(c, what, c->in.proc.wait_status);
	return fail(c, -ECHILD, "the instance exited (%s) during %s, %.3f s into it and %.3f s after its launch",
		    st, what, (double)after_ns / 1e9, (double)since / 1e9);
}

int eb_cell_check_instance(struct eb_cell *c, const char *what)
{
	if (!c->in_up || !eb_proc_exited(&c->in.proc))
		return 0;
	return instance_died(c, what, 0);
}

/* Load on the cell's warm instance, watched: its exit ends the load and fails the cell. */
static int run_load(struct eb_cell *c, const char *what, struct eb_load_config *cfg, struct eb_load_result *lr)
{
	cfg->ip_be = c->ip_be;
	cfg->port = c->lctx.port;
	cfg->server = c->in_up ? &c->in.proc : NULL;
	eb_hist_reset(c->ws->h);
	int rc = eb_load_run(cfg, c->ws->h, lr);
	if (rc < 0)
		return fail(c, rc, "load generator: %s", strerror(-rc));
	if (lr->server_exited)
		return instance_died(c, what, lr->server_exit_after_ns);
	return lr->interrupted ? -EINTR : 0;
}

/* Footprint samples of one instance (or of a runtime's shared daemon). */
struct fp_sampler {
	struct eb_cell *c;
	struct eb_instance *in;        /* NULL: the runtime's shared_sample */
	size_t n;
	const char *names[EB_MAX_METRICS];
	const char *descs[EB_MAX_METRICS];
	size_t n_metrics;
	double v[EB_MAX_METRICS][MAX_FOOTPRINT_SAMPLES];
};

static void sample_footprint(void *arg)
{
	struct fp_sampler *s = arg;
	struct eb_sample smp;
	int rc = s->in ? sample_instance(s->c, s->in, &smp) : s->c->rt->shared_sample(&smp);
	if (rc < 0 || s->n >= MAX_FOOTPRINT_SAMPLES)
		return;
	s->n_metrics = smp.n_mem;
	for (size_t i = 0; i < smp.n_mem; i++) {
		s->names[i] = smp.mem[i].name;
		s->descs[i] = smp.mem[i].description;
		s->v[i][s->n] = smp.mem[i].bytes;
	}
	s->n++;
}

/* One series per footprint figure: printf(pattern, figure). */
static int sampler_series(struct eb_cell *c, struct fp_sampler *s, const char *pattern, int32_t trial)
{
	for (size_t i = 0; i < s->n_metrics; i++) {
		char name[96];
		fill_pattern(name, sizeof(name), pattern, s->names[i]);
		int rc = add(c, name, s->descs[i], s->v[i], s->n, trial);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- the study's instrument (--method study) -------------------------- */

static void study_url(const struct eb_cell *c, char *url, size_t cap)
{
	snprintf(url, cap, "http://%s:%u/", c->lctx.addr, (unsigned)c->lctx.port);
}

/* cold start as the study timed it: curl every 10 ms until a 200 */
static int ph_study_cold(struct eb_cell *c, unsigned t)
{
	struct eb_instance in;
	int rc = eb_port_in_use(c->ip_be, c->lctx.port);
	if (rc != 0)
		return fail(c, -EADDRINUSE, "port %s:%u is busy", c->lctx.addr, (unsigned)c->lctx.port);
	if ((rc = launch(c, 0, &in)) < 0)
		return rc;
	char url[96];
	study_url(c, url, sizeof(url));
	uint64_t ready;
	unsigned attempts;
	rc = eb_study_poll(url, &in.proc, in.proc.launch_ns + c->plan->start_timeout_ns, &ready, &attempts);
	stop_instance(c, &in);
	if (rc == -ENOENT)
		return fail(c, rc, "--method study needs curl on PATH (apt-get install curl)");
	if (rc == -ECHILD)
		return fail(c, rc, "server exited before curl got a 200 (study method)");
	if (rc == -ETIMEDOUT)
		return fail(c, rc, "curl got no 200 within %.1f s (%u attempts, study method)", (double)c->plan->start_timeout_ns / 1e9, attempts);
	if (rc < 0)
		return rc == -EINTR ? rc : fail(c, rc, "study method: %s", strerror(-rc));
	double v = (double)ready, a = attempts;
	return add(c, "study_cold_start", NULL, &v, 1, (int32_t)t) ?: add(c, "study_cold_start_attempts", NULL, &a, 1, (int32_t)t);
}

/* warm latency and throughput as the study timed them: a curl process per request */
static int ph_study_requests(struct eb_cell *c, unsigned t)
{
	(void)t;
	const struct eb_plan *pl = c->plan;
	char url[96];
	study_url(c, url, sizeof(url));
	int rc = 0;
	for (unsigned i = 0; i < pl->warmup_requests + pl->warm_requests && rc == 0; i++) {
		struct eb_study_get g;
		if ((rc = eb_study_get(url, 10000000000ull, &g)) < 0)
			return rc == -EINTR ? rc : fail(c, rc, "study method: curl: %s", strerror(-rc));
		if (g.status != 200)
			return fail(c, -EPROTO, "study method: curl got HTTP %d", g.status);
		if (i < pl->warmup_requests)
			continue;
		double wall = (double)g.wall_ns, tt = g.time_total_s * 1e9;
		rc = add(c, "study_latency", NULL, &wall, 1, -1) ?: add(c, "study_curl_time_total", NULL, &tt, 1, -1);
	}
	for (unsigned b = 0; b < pl->bursts && rc == 0; b++) {
		uint64_t el;
		unsigned ok;
		if ((rc = eb_study_burst(url, pl->burst_requests, pl->burst_concurrency, 120000000000ull, &el, &ok)) < 0)
			return rc == -EINTR ? rc : fail(c, rc, "study method: curl burst: %s", strerror(-rc));
		if (ok != pl->burst_requests)
			return fail(c, -EPROTO, "study method: %u of %u curl requests got 200", ok, pl->burst_requests);
		double v = el > 0 ? (double)pl->burst_requests * 1e9 / (double)el : 0;
		rc = add(c, "study_throughput", NULL, &v, 1, (int32_t)b);
	}
	return rc;
}

/*
 * What a process of a deployment is, from its name: a 1.x host starts the
 * HTTP server provider from a file it names after the archive's path, so
 * its comm is a truncated path ("_var_cache_edge"), not a name a reader knows.
 */
static const char *process_role(const char *comm)
{
	static const struct { const char *prefix, *role; } roles[] = {
		{ "nats-server", "NATS server (JetStream)" },
		{ "wasmcloud-host", "wasmCloud 1.x host" },
		{ "wadm", "wadm (the deployment manager)" },
		{ "eb-wasmcloud1", "edgebench's lattice supervisor" },
		{ "http-server", "HTTP server provider" },
		{ "_var_cache_", "HTTP server provider (started by the host from its archive)" },
		{ "_tmp_", "HTTP server provider (started by the host from its archive)" },
		{ "wash", "wash host (wasmCloud 2.x)" },
		{ "edgebench", "edgebench's wasmCloud operator" },
	};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strncmp(comm, roles[i].prefix, strlen(roles[i].prefix)))
			return roles[i].role;
	return comm;
}

static void note_process(void *arg, pid_t pid, const char *comm, uint64_t rss_bytes, uint64_t pss_bytes)
{
	json_array_append_new((json_t *)arg, json_pack("{s:s, s:s, s:i, s:I, s:I}", "name", comm, "role", process_role(comm),
						      "pid", (int)pid, "rss_bytes", (json_int_t)rss_bytes,
						      "pss_bytes", (json_int_t)pss_bytes));
}

/* How many "undeployed" marks the running deployment has reported, and the last one's time. */
static unsigned undeploy_marks(struct eb_cell *c, uint64_t *last_ns)
{
	struct eb_mark marks[32];
	size_t n = eb_rt_start_marks(c->rt, &c->in, marks, sizeof(marks) / sizeof(marks[0]));
	unsigned k = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(marks[i].name, "undeployed")) {
			k++;
			*last_ns = marks[i].at_ns;
		}
	return k;
}

/*
 * deploy cold start (a deployment mode): on the running lattice, the
 * application undeployed and deployed again (the supervisor does it on
 * SIGUSR1 and marks when the old provider stopped listening); from that
 * mark to the first 200 is what a running platform pays per new application.
 */
static int ph_deploy_cold(struct eb_cell *c, unsigned t)
{
	uint64_t at = 0;
	unsigned before = undeploy_marks(c, &at);
	if (kill(c->in.proc.pid, SIGUSR1) < 0)
		return fail(c, -errno, "cannot signal the deployment: %s", strerror(errno));
	uint64_t deadline = eb_now_ns() + DEPLOYMENT_START_TIMEOUT_NS;
	while (undeploy_marks(c, &at) == before) {
		if (eb_interrupted)
			return -EINTR;
		if (eb_proc_exited(&c->in.proc))
			return fail(c, -ECHILD, "the deployment exited while its application was undeployed");
		if (eb_now_ns() > deadline)
			return fail(c, -ETIMEDOUT, "the deployment did not undeploy its application within %.0f s",
				    (double)DEPLOYMENT_START_TIMEOUT_NS / 1e9);
		eb_sleep_ns(2000000ull);
	}
	struct eb_probe_result pr;
	int rc = eb_probe_until_ok(c->ip_be, c->lctx.port, "/", &c->in.proc, at + DEPLOYMENT_START_TIMEOUT_NS,
				   c->plan->probe_spacing_ns, &pr);
	if (rc < 0)
		return rc == -EINTR ? rc : fail(c, rc, "no HTTP 200 after the redeploy (%s)", strerror(-rc));
	double v = (double)(pr.ready_ns - at);
	return add(c, "deploy_cold_start", NULL, &v, 1, (int32_t)t);
}

/* ---- the phases ----------------------------------------------------- */

/* 0. one unmeasured start: page cache, and the runtime's compilation cache
 * in modes that keep one (the "warm" in cache-warm) */
static int ph_prime(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_instance in;
	uint64_t ready;
	int rc = start_server(c, &in, &ready);
	if (rc == 0)
		stop_instance(c, &in);
	return rc;
}

/* cold start: a fresh instance per trial */
static int ph_cold_start(struct eb_cell *c, unsigned t)
{
	struct eb_instance in;
	uint64_t ready;
	int rc = start_server(c, &in, &ready);
	if (rc < 0)
		return rc;
	/* the stages a multi-process deployment reported, from the same launch */
	struct eb_mark marks[16];
	size_t nm = eb_rt_start_marks(c->rt, &in, marks, sizeof(marks) / sizeof(marks[0]));
	stop_instance(c, &in);
	double v = (double)ready;
	rc = add(c, "cold_start", NULL, &v, 1, (int32_t)t);
	for (size_t i = 0; i < nm && rc == 0; i++) {
		if (marks[i].at_ns == 0 && marks[i].note[0]) {
			/* a note about this start, by trial: values.start_notes.<name>[] */
			json_t *notes = json_object_get(values(c), "start_notes");
			if (!notes)
				json_object_set_new(values(c), "start_notes", notes = json_object());
			json_t *list = json_object_get(notes, marks[i].name);
			if (!list)
				json_object_set_new(notes, marks[i].name, list = json_array());
			json_array_append_new(list, json_string(marks[i].note));
			continue;
		}
		if (marks[i].at_ns < in.proc.launch_ns)
			continue;
		char name[80];
		snprintf(name, sizeof(name), "cold_start_phase_%.31s", marks[i].name);
		double d = (double)(marks[i].at_ns - in.proc.launch_ns);
		rc = add(c, name, marks[i].name, &d, 1, (int32_t)t);
	}
	return rc;
}

/* full cold: the deployable artifact rebuilt from source before the start */
static int ph_full_cold(struct eb_cell *c, unsigned t)
{
	uint64_t b0 = eb_now_ns();
	int rc = c->rt->rebuild(&c->lctx, c->mode, c->err, sizeof(c->err));
	if (rc < 0)
		return c->err[0] ? rc : fail(c, rc, "rebuild failed");
	uint64_t build = eb_now_ns() - b0, ready;
	if (eb_interrupted)
		return -EINTR;
	struct eb_instance in;
	if ((rc = start_server(c, &in, &ready)) < 0)
		return rc;
	stop_instance(c, &in);
	double b = (double)build, r = (double)ready, tot = (double)(build + ready);
	return add(c, "full_cold_build", NULL, &b, 1, (int32_t)t) ?: add(c, "full_cold_start", NULL, &r, 1, (int32_t)t) ?:
	       add(c, "full_cold_total", NULL, &tot, 1, (int32_t)t);
}

/* warm-up requests, then the footprint of the warm instance (and the
 * runtime's shared daemons, when it has them) */
static int ph_warmup(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/", .connections = 1, .requests = c->plan->warmup_requests, .keepalive = 1 };
	int rc;
	if (c->plan->warmup_requests) {
		if ((rc = run_load(c, "warm-up", &cfg, &lr)) < 0)
			return rc;
		note_load_errors(c, "warmup", &lr);
	}
	struct fp_sampler *fs = calloc(1, sizeof(*fs)), *shared = calloc(1, sizeof(*shared));
	if (!fs || !shared) {
		free(fs);
		free(shared);
		return fail(c, -ENOMEM, "out of memory");
	}
	fs->c = shared->c = c;
	fs->in = &c->in;
	for (unsigned i = 0; i < AFTER_WARMUP_SAMPLES; i++) {
		sample_footprint(fs);
		if (c->rt->shared_sample)
			sample_footprint(shared);
		eb_sleep_ns(AFTER_WARMUP_GAP_NS);
	}
	if (fs->n == 0)
		rc = fail(c, -EIO, "cannot sample the instance's footprint");
	else
		rc = sampler_series(c, fs, "%s_after_warmup", -1) ?:
		     (shared->n ? sampler_series(c, shared, "shared_%s_after_warmup", -1) : 0);
	free(fs);
	free(shared);
	/* a deployment of several processes: each one apart (the study summed them) */
	if (rc == 0 && deployment(c)) {
		json_t *procs = json_array();
		struct eb_footprint sum;
		if (eb_footprint_tree_each("/proc", c->in.proc.pid, &sum, note_process, procs) == 0)
			json_object_set_new(values(c), "processes", procs);
		else
			json_decref(procs);
	}
	return rc;
}

/* warm latency, sequential on one keep-alive connection */
static int ph_sequential(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/", .connections = 1, .requests = c->plan->warm_requests,
				      .keepalive = 1, .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX };
	int rc = run_load(c, "sequential GET /", &cfg, &lr);
	if (rc < 0)
		return rc;
	note_load_errors(c, "warm", &lr);
	return add(c, "warm_latency", NULL, c->ws->scratch, lr.samples_len, -1);
}

struct state_check {
	json_t *seen;         /* every /state body as a number (-1: not a number) */
	uint64_t expect;      /* next value /state should return */
	uint64_t mismatches;
	char first_bad[64];
	uint64_t first_expected;
};

static void check_state(void *arg, const struct eb_http_response *r)
{
	struct state_check *s = arg;
	long long got = -1;
	if (r->status == 200 && r->body && r->body_len > 0 && r->body_len < 20) {
		got = 0;
		for (size_t i = 0; i < r->body_len && got >= 0; i++)
			got = r->body[i] >= '0' && r->body[i] <= '9' ? got * 10 + (r->body[i] - '0') : -1;
	}
	json_array_append_new(s->seen, json_integer(got));
	char want[32];
	int n = snprintf(want, sizeof(want), "%llu", (unsigned long long)s->expect);
	if (r->status != 200 || !r->body || r->body_len != (size_t)n || memcmp(r->body, want, (size_t)n) != 0) {
		if (s->mismatches++ == 0) {
			snprintf(s->first_bad, sizeof(s->first_bad), "%d %.*s", r->status,
				 r->body ? (int)(r->body_len > 32 ? 32 : r->body_len) : 0, r->body ? r->body : "");
			s->first_expected = s->expect;
		}
	}
	s->expect++;
}

/* /state: counts up by exactly one per request on the same instance */
static int ph_state(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct state_check sc = { .expect = 1, .seen = json_array() };
	json_object_set_new(values(c), "state_responses", sc.seen);   /* the cell owns it; sc borrows */
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/state", .connections = 1, .requests = c->plan->warm_requests,
				      .keepalive = 1, .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX,
				      .on_response = check_state, .response_arg = &sc };
	int rc = run_load(c, "sequential GET /state", &cfg, &lr);
	if (rc < 0)
		return rc;
	note_load_errors(c, "state", &lr);
	json_object_set_new(checks(c), "state_counts_exactly",
			    json_boolean(sc.mismatches == 0 && lr.completed == c->plan->warm_requests));
	if (sc.mismatches)
		warn(c, "/state did not count up by one per request: %llu of %llu responses differed, first: expected %llu, got \"%s\"",
		     (unsigned long long)sc.mismatches, (unsigned long long)lr.completed,
		     (unsigned long long)sc.first_expected, sc.first_bad);
	return add(c, "state_latency", NULL, c->ws->scratch, lr.samples_len, -1);
}

/* bursts: the study's 200 requests at concurrency 10, one per trial */
static int ph_burst(struct eb_cell *c, unsigned t)
{
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/", .connections = c->plan->burst_concurrency,
				      .requests = c->plan->burst_requests, .keepalive = 1,
				      .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX };
	char what[64];
	snprintf(what, sizeof(what), "burst %u", t + 1);
	int rc = run_load(c, what, &cfg, &lr);
	if (rc < 0)
		return rc;
	note_load_errors(c, "burst", &lr);
	double rps = lr.elapsed_ns ? (double)lr.completed * 1e9 / (double)lr.elapsed_ns : 0;
	return add(c, "burst_latency", NULL, c->ws->scratch, lr.samples_len, (int32_t)t) ?:
	       add(c, "burst_throughput", NULL, &rps, 1, (int32_t)t);
}

/*
 * One round of sustained load: a fresh instance, warmed up, then
 * keep-alive and connection-per-request for sustained_ns / rounds each,
 * with the footprint sampled every 100 ms and the instance's CPU time
 * before and after.  A fresh instance per round keeps instances of other
 * cells from idling next to the one under load.
 */
static int ph_sustained(struct eb_cell *c, unsigned t)
{
	const struct eb_plan *pl = c->plan;
	int rc = eb_cell_ensure_instance(c);
	if (rc < 0)
		return rc;
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/", .connections = 1, .requests = pl->warmup_requests, .keepalive = 1 };
	char what[96];
	snprintf(what, sizeof(what), "the warm-up of sustained round %u", t + 1);
	if (pl->warmup_requests && (rc = run_load(c, what, &cfg, &lr)) < 0)
		goto out;
	struct fp_sampler *fs = calloc(1, sizeof(*fs));
	if (!fs) {
		rc = fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	uint64_t dur = pl->sustained_ns / (pl->sustained_rounds ? pl->sustained_rounds : 1);
	for (int m = 0; m < 2 && rc == 0; m++) {
		const char *tag = m == 0 ? "keepalive" : "close";
		progress(c, "%s/%s/%s: sustained %s, round %u/%u", c->rt->name, c->mode, c->w->name, tag, t + 1, pl->sustained_rounds);
		struct eb_sample s0, s1;
		int cpu_ok = sample_instance(c, &c->in, &s0) == 0 && s0.has_cpu;
		memset(fs, 0, sizeof(*fs));
		fs->c = c;
		fs->in = &c->in;
		cfg = (struct eb_load_config){ .path = "/", .connections = pl->sustained_connections,
					       .duration_ns = dur, .keepalive = m == 0,
					       .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX,
					       .window_ns = THROUGHPUT_WINDOW_NS, .windows = c->ws->windows, .windows_cap = EB_WINDOWS_MAX,
					       .on_tick = sample_footprint, .tick_arg = fs, .tick_ns = FOOTPRINT_TICK_NS };
		snprintf(what, sizeof(what), "sustained %s load, round %u", tag, t + 1);
		if ((rc = run_load(c, what, &cfg, &lr)) < 0)
			break;
		cpu_ok = cpu_ok && sample_instance(c, &c->in, &s1) == 0 && s1.has_cpu;
		char phase[64], name[96];
		snprintf(phase, sizeof(phase), "sustained_%s", tag);
		note_load_errors(c, phase, &lr);
		if (lr.samples_len < lr.completed)
			warn(c, "%s round %u: kept %zu of %llu latency samples (cap)", phase, t + 1, lr.samples_len,
			     (unsigned long long)lr.completed);
		snprintf(name, sizeof(name), "sustained_%s_latency", tag);
		if ((rc = add(c, name, NULL, c->ws->scratch, lr.samples_len, (int32_t)t)) < 0)
			break;
		/* this round's p50 and p99, a figure per trial that pairs across cells */
		if (lr.samples_len > 0) {
			eb_sort_doubles(c->ws->scratch, lr.samples_len);
			static const double pct[] = { 50, 99 };
			for (int k = 0; k < 2 && rc == 0; k++) {
				double v = eb_percentile(c->ws->scratch, lr.samples_len, pct[k]);
				snprintf(name, sizeof(name), "sustained_%s_p%.0f", tag, pct[k]);
				rc = add(c, name, NULL, &v, 1, (int32_t)t);
			}
			if (rc < 0)
				break;
		}
		/* throughput per window; the last, partial window is dropped */
		size_t nw = lr.windows_len > 1 ? lr.windows_len - 1 : lr.windows_len;
		snprintf(name, sizeof(name), "sustained_%s_throughput", tag);
		for (size_t i = 0; i < nw && rc == 0; i++) {
			double v = (double)c->ws->windows[i] * (1e9 / (double)THROUGHPUT_WINDOW_NS);
			rc = add(c, name, NULL, &v, 1, (int32_t)t);
		}
		snprintf(name, sizeof(name), "sustained_%s_%%s", tag);
		if (rc < 0 || (rc = sampler_series(c, fs, name, (int32_t)t)) < 0)
			break;
		c->sus[m].requests += lr.completed;
		c->sus[m].elapsed_ns += lr.elapsed_ns;
		if (t == 0)
			c->sus[m].cpu_ok = 1;
		c->sus[m].cpu_ok &= cpu_ok;
		if (cpu_ok) {
			c->sus[m].user_ns += s1.cpu_user_ns - s0.cpu_user_ns;
			c->sus[m].sys_ns += s1.cpu_sys_ns - s0.cpu_sys_ns;
			c->sus[m].cpu_source = s1.cpu_source;
		}
	}
	free(fs);
out:
	eb_cell_drop_instance(c);
	return rc;
}

/*
 * One point of the latency curve: a fresh instance, warmed up, then an open
 * loop at curve_pct[t]% of the cell's closed-loop keep-alive throughput
 * (the sustained rounds' total), latency from each request's due time.
 * Its percentiles and the rate achieved go to values.latency_curve.
 */
static int ph_curve(struct eb_cell *c, unsigned t)
{
	const struct eb_plan *pl = c->plan;
	if (!c->sus[0].elapsed_ns || !c->sus[0].requests)
		return fail(c, -ENODATA, "no closed-loop throughput to take the latency curve's rates from");
	double max_rps = (double)c->sus[0].requests * 1e9 / (double)c->sus[0].elapsed_ns;
	double rate = max_rps * pl->curve_pct[t] / 100.0;
	if (rate < 1)
		rate = 1;
	int rc = eb_cell_ensure_instance(c);
	if (rc < 0)
		return rc;
	char what[96];
	snprintf(what, sizeof(what), "the warm-up of the latency curve at %u%%", pl->curve_pct[t]);
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/", .connections = 1, .requests = pl->warmup_requests, .keepalive = 1 };
	if (pl->warmup_requests && (rc = run_load(c, what, &cfg, &lr)) < 0)
		goto out;
	progress(c, "%s/%s/%s: open loop at %u%% (%.0f req/s)", c->rt->name, c->mode, c->w->name, pl->curve_pct[t], rate);
	snprintf(what, sizeof(what), "open-loop load at %u%% of its throughput", pl->curve_pct[t]);
	cfg = (struct eb_load_config){ .path = "/", .connections = pl->curve_connections, .duration_ns = pl->curve_ns,
				       .keepalive = 1, .rate_per_s = rate, .samples = c->ws->scratch,
				       .samples_cap = EB_LOAD_SAMPLES_MAX };
	if ((rc = run_load(c, what, &cfg, &lr)) < 0)
		goto out;
	note_load_errors(c, "curve", &lr);
	char name[64];
	snprintf(name, sizeof(name), "curve_%upct_latency", pl->curve_pct[t]);
	if ((rc = add(c, name, NULL, c->ws->scratch, lr.samples_len, (int32_t)t)) < 0)
		goto out;
	struct eb_summary sum;
	json_t *curve = json_object_get(values(c), "latency_curve");
	if (!curve) {
		curve = json_array();
		json_object_set_new(values(c), "latency_curve", curve);
	}
	json_t *pt = json_pack("{s:i, s:f, s:f, s:I}", "percent", (int)pl->curve_pct[t], "offered_per_s", rate,
			       "achieved_per_s", lr.elapsed_ns ? (double)lr.completed * 1e9 / (double)lr.elapsed_ns : 0.0,
			       "requests", (json_int_t)lr.completed);
	/* what the generator could not do: never sent, unanswered at the end, late by its own fault */
	double achieved = lr.elapsed_ns ? (double)lr.completed * 1e9 / (double)lr.elapsed_ns : 0.0;
	json_object_set_new(pt, "due", json_integer((json_int_t)lr.due));
	json_object_set_new(pt, "unsent", json_integer((json_int_t)lr.unsent));
	json_object_set_new(pt, "in_flight_at_end", json_integer((json_int_t)lr.in_flight_at_end));
	json_object_set_new(pt, "queued", json_integer((json_int_t)lr.queued));
	json_object_set_new(pt, "generator_late", json_integer((json_int_t)lr.gen_late_count));
	json_object_set_new(pt, "generator_late_max_ns", json_integer((json_int_t)lr.gen_late_max_ns));
	json_object_set_new(pt, "generator_bound", json_boolean(eb_load_generator_bound(&lr, rate, achieved)));
	if (lr.samples_len && eb_summarize(c->ws->scratch, lr.samples_len, &sum) == 0) {
		json_object_set_new(pt, "p50_ns", json_real(sum.median));
		json_object_set_new(pt, "p90_ns", json_real(sum.p90));
		json_object_set_new(pt, "p99_ns", json_real(sum.p99));
		json_object_set_new(pt, "p999_ns", json_real(sum.p999));
	}
	json_array_append_new(curve, pt);
out:
	eb_cell_drop_instance(c);
	return rc;
}

/*
 * Scale from zero: burst_sizes[t] instances launched back to back (each
 * on its own port), then probed in turn until every one answers 200.
 * Per instance: its own launch -> first 200; for the burst: first launch
 * -> the last instance ready.  Runtimes behind one daemon (Docker, gVisor)
 * show here whether their control plane serialises starts.  A probe pass
 * over N instances costs about N x 0.1 ms, the resolution of the figures.
 */
static int ph_coldburst(struct eb_cell *c, unsigned t)
{
	unsigned n = c->plan->burst_sizes[t];
	struct eb_instance *ins = calloc(n, sizeof(*ins));
	uint16_t *ports = calloc(n, sizeof(*ports));
	uint64_t *ready = calloc(n, sizeof(*ready));
	double *start = calloc(n, sizeof(*start));
	uint16_t saved_port = c->lctx.port;
	unsigned launched = 0, up = 0;
	int rc = 0;
	if (!ins || !ports || !ready || !start) {
		rc = fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		int port = eb_free_port();
		if (port < 0) {
			rc = fail(c, port, "cannot find a free loopback port: %s", strerror(-port));
			goto out;
		}
		ports[i] = (uint16_t)port;
	}
	progress(c, "%s/%s/%s: %u instances at once", c->rt->name, c->mode, c->w->name, n);
	for (; launched < n; launched++) {
		c->lctx.port = ports[launched];
		if ((rc = launch(c, 0, &ins[launched])) < 0)
			goto out;
	}
	uint64_t t0 = ins[0].proc.launch_ns, deadline = t0 + c->plan->start_timeout_ns;
	while (up < n) {
		int progressed = 0;
		for (unsigned i = 0; i < n; i++) {
			if (ready[i])
				continue;
			if (eb_interrupted) {
				rc = -EINTR;
				goto out;
			}
			uint64_t now = eb_now_ns();
			if (now >= deadline) {
				rc = fail(c, -ETIMEDOUT, "scale from zero: %u of %u instances answered within %.1f s",
					  up, n, (double)c->plan->start_timeout_ns / 1e9);
				goto out;
			}
			int status;
			rc = eb_probe_once(c->ip_be, ports[i], "/", &ins[i].proc,
					   now + 200000000ull < deadline ? now + 200000000ull : deadline, &status);
			if (rc == 0) {
				ready[i] = eb_now_ns();
				up++;
				progressed = 1;
			} else if (rc == -ECHILD) {
				char st[96], line[300];
				eb_describe_status(ins[i].proc.wait_status, st, sizeof(st));
				last_stderr_line(c, line, sizeof(line));
				rc = fail(c, rc, "scale from zero: instance %u of %u exited (%s) before answering%s%s",
					  i + 1, n, st, line[0] ? ": " : "", line);
				note_crash(c, "scale from zero", ins[i].proc.wait_status);
				goto out;
			} else if (rc == -EINTR) {
				goto out;
			}
			rc = 0;
		}
		if (!progressed && up < n)
			eb_sleep_ns(c->plan->probe_spacing_ns);
	}
	uint64_t last = 0;
	for (unsigned i = 0; i < n; i++) {
		start[i] = (double)(ready[i] - ins[i].proc.launch_ns);
		if (ready[i] > last)
			last = ready[i];
	}
	char name[64];
	snprintf(name, sizeof(name), "coldburst_n%u_start", n);
	if ((rc = add(c, name, NULL, start, n, (int32_t)t)) < 0)
		goto out;
	json_t *arr = json_object_get(values(c), "scale_from_zero");
	if (!arr) {
		arr = json_array();
		json_object_set_new(values(c), "scale_from_zero", arr);
	}
	json_array_append_new(arr, json_pack("{s:i, s:f, s:f}", "instances", (int)n,
					     "all_ready_ns", (double)(last - t0),
					     "launch_spread_ns", (double)(ins[n - 1].proc.launch_ns - t0)));
out:
	for (unsigned i = 0; i < launched; i++)
		stop_instance(c, &ins[i]);
	c->lctx.port = saved_port;
	free(ins);
	free(ports);
	free(ready);
	free(start);
	return rc;
}

/* The sustained totals over every round, as values.sustained_<mode>. */
static void sustained_values(struct eb_cell *c)
{
	for (int m = 0; m < 2; m++) {
		if (!c->sus[m].elapsed_ns)
			continue;
		double secs = (double)c->sus[m].elapsed_ns / 1e9;
		json_t *o = json_pack("{s:I, s:f, s:f, s:i}", "requests", (json_int_t)c->sus[m].requests, "seconds", secs,
				      "requests_per_second", (double)c->sus[m].requests / secs,
				      "rounds", (int)c->plan->sustained_rounds);
		if (c->sus[m].cpu_ok) {
			double user_ms = (double)c->sus[m].user_ns / 1e6, sys_ms = (double)c->sus[m].sys_ns / 1e6;
			double per1k = c->sus[m].requests ? 1000.0 / (double)c->sus[m].requests : 0;
			json_object_set_new(o, "cpu_user_ms", json_real(user_ms));
			json_object_set_new(o, "cpu_sys_ms", json_real(sys_ms));
			json_object_set_new(o, "cpu_user_ms_per_1k_requests", json_real(user_ms * per1k));
			json_object_set_new(o, "cpu_sys_ms_per_1k_requests", json_real(sys_ms * per1k));
			json_object_set_new(o, "cpu_source", json_string(c->sus[m].cpu_source));
		}
		json_object_set_new(values(c), m == 0 ? "sustained_keepalive" : "sustained_close", o);
	}
}

/*
 * Density to the limit: instances started one after another, each on its
 * own port and in a memory cgroup of ours, each start timed while the
 * earlier ones run, until the cgroup's usage reaches the budget, a start
 * fails, an earlier instance stops answering, or the count or time cap is
 * hit (the reason is recorded).  Per step: the newest instance's additive
 * figure (PSS: it falls as pages are shared) and the cgroup's usage.  At
 * the end every instance is checked to answer and sampled: the sum of the
 * additive figures gives the extrapolated instances per GiB, the cgroup's
 * usage the measured one.  Shared daemons are reported once, elsewhere.
 */
static unsigned density_seq;

static int ph_density(struct eb_cell *c, unsigned t)
{
	(void)t;
	const struct eb_plan *pl = c->plan;
	unsigned max = pl->density_max;
	struct eb_instance *ins = calloc(max, sizeof(*ins));
	double *start = calloc(max, sizeof(double)), *addv = calloc(max, sizeof(double));
	double *newest = calloc(max, sizeof(double)), *usage = calloc(max, sizeof(double));
	uint16_t *ports = calloc(max, sizeof(*ports));
	uint16_t saved_port = c->lctx.port;
	unsigned up = 0;
	int rc = 0, have_cg = 0;
	const char *add_name = NULL, *add_desc = NULL, *stopped_by = "the count cap (--density-max)";
	char why[600] = "", tag[32];
	struct eb_cgroup cg;
	uint64_t used = 0, t0 = eb_now_ns();
	if (!ins || !start || !addv || !newest || !usage || !ports) {
		rc = fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	snprintf(tag, sizeof(tag), "density%u", ++density_seq);
	char cgerr[300];
	if (eb_cgroup_create(tag, &cg, cgerr, sizeof(cgerr)) == 0) {
		have_cg = 1;
		c->lctx.cgroup_parent = cg.rel;
		c->cg = &cg;
	} else {
		warn(c, "density: %s; the sweep stops at its caps only and no usage is measured", cgerr);
	}
	for (; up < max; up++) {
		if (eb_now_ns() - t0 >= pl->density_time_ns) {
			stopped_by = "the time cap (--density-time)";
			break;
		}
		progress(c, "%s/%s/%s: density %u (%.0f MiB)", c->rt->name, c->mode, c->w->name, up + 1, (double)used / 1048576.0);
		int port = eb_free_port();
		if (port < 0) {
			rc = fail(c, port, "cannot find a free loopback port: %s", strerror(-port));
			goto out;
		}
		c->lctx.port = ports[up] = (uint16_t)port;
		uint64_t ready;
		if ((rc = start_server(c, &ins[up], &ready)) < 0) {
			if (rc == -EINTR || up == 0)
				goto out;
			/* a start that fails with others running is where density ends */
			snprintf(why, sizeof(why), "%.500s", c->err);
			c->err[0] = '\0';
			stopped_by = "a start failed";
			rc = 0;
			break;
		}
		start[up] = (double)ready;
		if ((rc = eb_rt_attach(c->rt, &ins[up], c->err, sizeof(c->err))) < 0) {
			up++;
			goto out;
		}
		struct eb_sample smp;
		if (sample_instance(c, &ins[up], &smp) == 0 && smp.additive >= 0)
			newest[up] = smp.mem[smp.additive].bytes;
		if (have_cg && eb_cgroup_usage(&cg, &used) == 0)
			usage[up] = (double)used;
		/* every tenth start, the earlier instances must all still answer */
		if ((up + 1) % 10 == 0) {
			for (unsigned i = 0; i < up; i++) {
				int status;
				if (eb_probe_once(c->ip_be, ports[i], "/", &ins[i].proc, eb_now_ns() + pl->start_timeout_ns, &status) < 0) {
					snprintf(why, sizeof(why), "instance %u stopped answering with %u running", i + 1, up + 1);
					stopped_by = "an earlier instance stopped answering";
					up++;
					goto sample;
				}
			}
		}
		if (have_cg && used >= pl->density_budget_bytes) {
			stopped_by = "the memory budget (--density-budget)";
			up++;
			break;
		}
	}
sample:
	/* all of them up at once: each still answers, then the footprint */
	for (unsigned i = 0; i < up; i++) {
		struct eb_probe_result pr;
		struct eb_sample smp;
		rc = eb_probe_until_ok(c->ip_be, ports[i], "/", &ins[i].proc, eb_now_ns() + pl->start_timeout_ns,
				       pl->probe_spacing_ns, &pr);
		if (rc < 0) {
			fail(c, rc, "density: instance %u of %u (port %u) stopped answering: %s",
			     i + 1, up, (unsigned)ports[i], strerror(-rc));
			goto out;
		}
		if ((rc = sample_instance(c, &ins[i], &smp)) < 0) {
			fail(c, rc, "density: cannot sample instance %u of %u", i + 1, up);
			goto out;
		}
		if (smp.additive >= 0) {
			add_name = smp.mem[smp.additive].name;
			add_desc = smp.mem[smp.additive].description;
			addv[i] = smp.mem[smp.additive].bytes;
		}
	}
	if (have_cg && eb_cgroup_usage(&cg, &used) < 0)
		used = 0;
	rc = add(c, "density_start", NULL, start, up, -1);
	if (rc == 0 && have_cg)
		rc = add(c, "density_cgroup_usage", NULL, usage, up, -1);
	if (rc == 0 && add_name) {
		char name[96];
		snprintf(name, sizeof(name), "density_%s", add_name);
		rc = add(c, name, add_desc, addv, up, -1);
		snprintf(name, sizeof(name), "density_newest_%s", add_name);
		rc = rc ?: add(c, name, add_desc, newest, up, -1);
		double sum = 0;
		for (unsigned i = 0; i < up; i++)
			sum += addv[i];
		json_t *d = json_pack("{s:i, s:s, s:f, s:f, s:s, s:I, s:f}", "instances", (int)up, "figure", add_name,
				      "total_bytes", sum, "instances_per_gib", sum > 0 ? (double)up * 1073741824.0 / sum : 0.0,
				      "stopped_by", stopped_by, "max", (json_int_t)pl->density_max,
				      "budget_bytes", (double)pl->density_budget_bytes);
		if (why[0])
			json_object_set_new(d, "stop_reason", json_string(why));
		if (have_cg) {
			json_object_set_new(d, "cgroup_bytes", json_real((double)used));
			json_object_set_new(d, "instances_per_gib_measured",
					    json_real(used > 0 ? (double)up * 1073741824.0 / (double)used : 0.0));
		}
		json_object_set_new(values(c), "density", d);
	}
out:
	for (unsigned i = 0; i < up; i++)
		stop_instance(c, &ins[i]);
	if (have_cg)
		eb_cgroup_remove(&cg);
	c->lctx.cgroup_parent = NULL;
	c->cg = NULL;
	c->lctx.port = saved_port;
	free(ins);
	free(start);
	free(addv);
	free(newest);
	free(usage);
	free(ports);
	return rc;
}

/* One run of a batch workload: launch -> exit, output checked. */
static int batch_once(struct eb_cell *c, unsigned t, uint64_t *elapsed, struct eb_wl_output *o)
{
	struct eb_instance in;
	struct eb_proc *pp = &in.proc;
	int rc = launch(c, 1, &in);
	if (rc < 0)
		return rc;
	char out[4096];
	size_t out_len = 0;
	rc = eb_proc_wait(pp, c->plan->batch_timeout_ns, out, sizeof(out), &out_len);
	if (rc < 0) {
		if (rc == -ETIMEDOUT)
			fail(c, rc, "run %u did not finish within %.0f s", t, (double)c->plan->batch_timeout_ns / 1e9);
		stop_instance(c, &in);
		return rc;
	}
	*elapsed = pp->exit_ns - pp->launch_ns;
	int st = pp->wait_status;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		eb_proc_stop(pp, 0);   /* already gone: release fds */
	else
		stop_instance(c, &in);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char sd[96], line[300];
		eb_describe_status(st, sd, sizeof(sd));
		last_stderr_line(c, line, sizeof(line));
		return fail(c, -EIO, "run %u failed (%s)%s%s", t, sd, line[0] ? ": " : "", line);
	}
	char why[300];
	memset(o, 0, sizeof(*o));
	if (c->w->check && (rc = c->w->check(&c->expect, out, o, why, sizeof(why))) < 0)
		return fail(c, rc, "run %u %s", t, why);
	return 0;
}

/* run 0: unmeasured (page cache, runtime caches); its time refines the ETA */
static int ph_batch_warmup(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_wl_output o;
	uint64_t elapsed;
	int rc = batch_once(c, 0, &elapsed, &o);
	if (rc == 0)
		c->run_est_ns = elapsed;
	return rc;
}

static int ph_batch_run(struct eb_cell *c, unsigned t)
{
	struct eb_wl_output o;
	uint64_t elapsed;
	int rc = batch_once(c, t + 1, &elapsed, &o);
	if (rc < 0)
		return rc;
	c->batch_spent_ns += elapsed;
	c->runs_done++;
	double v = (double)elapsed;
	if ((rc = add(c, "run", NULL, &v, 1, (int32_t)t)) < 0 || !o.has_compute)
		return rc;
	double over = v - o.compute_ns;
	return add(c, "compute", NULL, &o.compute_ns, 1, (int32_t)t) ?:
	       add(c, "startup_overhead", NULL, &over, 1, (int32_t)t);
}

/* ---- the phase table ------------------------------------------------ */

static unsigned tr_one(const struct eb_cell *c) { (void)c; return 1; }
/* a whole deployment per start (NATS, wadm, host, provider: ~0.4 s once wadm knows the host first) */
#define DEPLOYMENT_COLD_TRIALS 10u
static unsigned tr_cold(const struct eb_cell *c)
{
	return deployment(c) && c->plan->cold_trials > DEPLOYMENT_COLD_TRIALS ? DEPLOYMENT_COLD_TRIALS : c->plan->cold_trials;
}
static unsigned tr_full_cold(const struct eb_cell *c) { return c->rt->rebuild && default_path(c) ? c->plan->full_cold_trials : 0; }
static unsigned tr_bursts(const struct eb_cell *c) { return c->plan->bursts; }
static unsigned tr_study_cold(const struct eb_cell *c) { return c->plan->study_method && default_path(c) && !deployment(c) ? c->plan->cold_trials : 0; }
static unsigned tr_deploy(const struct eb_cell *c) { return deployment(c) && default_path(c) ? 3 : 0; }
static unsigned tr_study(const struct eb_cell *c) { return c->plan->study_method && default_path(c) && !deployment(c) ? 1 : 0; }
static unsigned tr_rounds(const struct eb_cell *c) { return c->plan->sustained_rounds; }
static unsigned tr_curve(const struct eb_cell *c) { return default_path(c) ? c->plan->n_curve : 0; }
static unsigned tr_coldburst(const struct eb_cell *c) { return default_path(c) && !deployment(c) ? c->plan->n_burst_sizes : 0; }
static unsigned tr_density(const struct eb_cell *c) { return c->plan->density_max && default_path(c) && !deployment(c) ? 1 : 0; }
static unsigned tr_runs(const struct eb_cell *c) { return c->plan->runs[eb_workload_index(c->w)]; }

/* Rough costs, for the estimate and the ETA only. */
static uint64_t est_start(const struct eb_cell *c) { return deployment(c) ? 2000000000ull : 250000000ull; }
static uint64_t est_full_cold(const struct eb_cell *c) { (void)c; return 2500000000ull; }
static uint64_t est_study_cold(const struct eb_cell *c) { (void)c; return 300000000ull; }
static uint64_t est_study(const struct eb_cell *c)
{
	return (uint64_t)(c->plan->warmup_requests + c->plan->warm_requests) * 8000000ull +
	       (uint64_t)c->plan->bursts * c->plan->burst_requests * 4000000ull;
}
static uint64_t est_short(const struct eb_cell *c) { (void)c; return 150000000ull; }
static uint64_t est_sustained(const struct eb_cell *c)
{
	return 2 * c->plan->sustained_ns / (c->plan->sustained_rounds ? c->plan->sustained_rounds : 1) + 400000000ull;
}
static uint64_t est_curve(const struct eb_cell *c) { return c->plan->curve_ns + 400000000ull; }
static uint64_t est_coldburst(const struct eb_cell *c)
{
	unsigned sum = 0;
	for (unsigned i = 0; i < c->plan->n_burst_sizes; i++)
		sum += c->plan->burst_sizes[i];
	return c->plan->n_burst_sizes ? (uint64_t)sum * 300000000ull / c->plan->n_burst_sizes : 0;
}
static uint64_t est_density(const struct eb_cell *c) { return c->plan->density_max * 200000000ull; }
static uint64_t est_run(const struct eb_cell *c)
{
	if (c->run_est_ns)
		return c->run_est_ns;
	/* before the warm-up run: ~0.45 us per SHA-256 round, else a short program */
	return c->w->args == EB_WL_ARGS_ITERATIONS ? c->plan->iterations * 450ull + 20000000ull : 20000000ull;
}

const struct eb_phase eb_phases[] = {
	{ "prime", EB_WL_SERVER, 0, 0, tr_one, ph_prime, est_start, 0, 0 },
	{ "cold_start", EB_WL_SERVER, 1, 0, tr_cold, ph_cold_start, est_start, 0, 0 },
	{ "study_cold_start", EB_WL_SERVER, 1, 0, tr_study_cold, ph_study_cold, est_study_cold, 0, 0 },
	{ "full_cold", EB_WL_SERVER, 1, 0, tr_full_cold, ph_full_cold, est_full_cold, 0, 0 },
	{ "warmup", EB_WL_SERVER, 0, 1, tr_one, ph_warmup, est_start, 0, 0 },
	{ "sequential", EB_WL_SERVER, 0, 1, tr_one, ph_sequential, est_short, 0, 0 },
	{ "state", EB_WL_SERVER, 0, 1, tr_one, ph_state, est_short, 0, 0 },
	{ "bursts", EB_WL_SERVER, 0, 1, tr_bursts, ph_burst, est_short, 0, 0 },
	{ "study_requests", EB_WL_SERVER, 0, 1, tr_study, ph_study_requests, est_study, 0, 0 },
	{ "deploy_cold_start", EB_WL_SERVER, 0, 1, tr_deploy, ph_deploy_cold, est_start, 0, 0 },
	{ "sustained", EB_WL_SERVER, 1, 0, tr_rounds, ph_sustained, est_sustained, 0, 0 },
	{ "latency_curve", EB_WL_SERVER, 1, 0, tr_curve, ph_curve, est_curve, 0, 0 },
	{ "scale_from_zero", EB_WL_SERVER, 1, 0, tr_coldburst, ph_coldburst, est_coldburst, 0, 0 },
	{ "density", EB_WL_SERVER, 0, 0, tr_density, ph_density, est_density, 0, 0 },
	{ "batch_warmup", EB_WL_BATCH, 0, 0, tr_one, ph_batch_warmup, est_run, .budgeted = 0, .refines_estimate = 1 },
	{ "batch_run", EB_WL_BATCH, 1, 0, tr_runs, ph_batch_run, est_run, .budgeted = 1, .refines_estimate = 0 },
};
const size_t eb_phase_count = sizeof(eb_phases) / sizeof(eb_phases[0]);

/* The end of a cell: failed, unsupported or interrupted, with its reason. */
void eb_cell_done(struct eb_cell *c, const char *status, const char *why)
{
	eb_cell_drop_instance(c);
	c->done = 1;
	json_object_set_new(c->json, "status", json_string(status));
	json_object_set_new(c->json, "error", json_string(why));
	if (strcmp(status, "failed") == 0 && c->plan->note)
		c->plan->note("edgebench run: %s", why);
}

/* Set up a cell: its port, log file and command; -ENOTSUP when it cannot run. */
int eb_cell_init(struct eb_cell *c, struct eb_workspace *ws, const struct eb_plan *plan, const struct eb_cell_spec *spec)
{
	memset(c, 0, sizeof(*c));
	c->ws = ws;
	c->plan = plan;
	c->rt = spec->rt;
	c->mode = spec->mode;
	c->w = spec->w;
	c->json = spec->json;
	c->stderr_fd = -1;
	c->network = spec->network;
	c->firewall = spec->firewall;
	c->ip_be = htonl(INADDR_LOOPBACK);
	c->lctx.addr = "127.0.0.1";
	if (c->network == EB_NET_VETH) {
		if (!plan->net || !plan->net->up)
			return fail(c, -ENETDOWN, "the veth path is not set up");
		c->ip_be = plan->net->server_ip_be;
		c->lctx.addr = plan->net->server_ip;
	}
	c->lctx.artifact_dir = plan->artifact_dir;
	c->lctx.wasm_dir = plan->wasm_dir;
	c->lctx.iterations = plan->iterations;
	int port = plan->port;
	if (!port && c->w->kind == EB_WL_SERVER) {
		port = eb_free_port();
		if (port < 0)
			return fail(c, port, "cannot find a free loopback port: %s", strerror(-port));
	}
	c->lctx.port = (uint16_t)port;
	if (c->network == EB_NET_VETH && port)
		eb_netpath_allow_port(plan->net, (uint16_t)port);
	snprintf(c->lctx.instance, sizeof(c->lctx.instance), "edgebench-%d-N", (int)getpid());
	int rc = c->rt->command(&c->lctx, c->mode, c->w, &c->argv);
	if (rc < 0) {
		if (rc == -ENOTSUP && c->argv.why[0])
			snprintf(c->err, sizeof(c->err), "%s", c->argv.why);
		else if (rc == -ENOTSUP && c->rt->unsupported)
			snprintf(c->err, sizeof(c->err), "%s", c->rt->unsupported);
		else
			fail(c, rc, "%s cannot run %s (%s)", c->rt->name, c->w->name, strerror(-rc));
		return rc;
	}
	char cmd[1200];
	eb_argv_join(&c->argv, cmd, sizeof(cmd));
	json_object_set_new(c->json, "command", json_string(cmd));
	if (c->rt->mode_notes)
		for (size_t i = 0; c->rt->modes[i] && c->rt->mode_notes[i]; i++)
			if (!strcmp(c->rt->modes[i], c->mode))
				json_object_set_new(c->json, "mode_note", json_string(c->rt->mode_notes[i]));
	if (c->w->kind == EB_WL_SERVER)
		json_object_set_new(c->json, "port", json_integer(port));
	if (c->w->expect) {
		/* worked out once per workload (2M SHA-256 rounds take a while) */
		static struct { const struct eb_workload *w; uint64_t iterations; struct eb_wl_expect e; } known[EB_MAX_WORKLOADS];
		unsigned wi = eb_workload_index(c->w);
		if (known[wi].w != c->w || known[wi].iterations != plan->iterations) {
			c->w->expect(plan->iterations, &known[wi].e);
			known[wi].w = c->w;
			known[wi].iterations = plan->iterations;
		}
		c->expect = known[wi].e;
		if (c->w->args == EB_WL_ARGS_ITERATIONS) {
			json_object_set_new(values(c), "expected_digest", json_string(c->expect.text));
			json_object_set_new(values(c), "iterations", json_integer((json_int_t)plan->iterations));
		}
	}
	/* a cell of another network condition has its own log */
	snprintf(c->stderr_path, sizeof(c->stderr_path), "%s/%s-%s-%s%s%s%s.stderr", plan->log_dir, c->rt->name,
		 c->mode, c->w->name, default_path(c) ? "" : "@", default_path(c) ? "" : eb_network_name(c->network),
		 c->firewall ? "-firewall-on" : "");
	c->stderr_fd = open(c->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (c->stderr_fd < 0)
		return fail(c, -errno, "cannot open %s: %s", c->stderr_path, strerror(errno));
	return 0;
}

int eb_cell_over_budget(struct eb_cell *c, unsigned t)
{
	if (t < EB_MIN_RUNS || c->batch_spent_ns < c->plan->cell_budget_ns)
		return 0;
	c->budget_stopped = 1;
	return 1;
}

/* What a finished cell says about itself: run counts, budget, zero_errors. */
void eb_cell_finish(struct eb_cell *c)
{
	if (c->w->kind == EB_WL_BATCH) {
		unsigned planned = tr_runs(c);
		json_object_set_new(values(c), "runs", json_pack("{s:i, s:i, s:f, s:b}", "planned", (int)planned,
			"done", (int)c->runs_done, "budget_seconds", (double)c->plan->cell_budget_ns / 1e9,
			"stopped_by_budget", c->budget_stopped));
		if (c->budget_stopped)
			warn(c, "stopped after %u of %u runs: the cell's time budget of %.0f s was spent (--cell-budget)",
			     c->runs_done, planned, (double)c->plan->cell_budget_ns / 1e9);
	} else {
		sustained_values(c);
		if (!c->done && !json_object_get(checks(c), "zero_errors"))
			json_object_set_new(checks(c), "zero_errors", json_true());
	}
	if (c->stderr_fd >= 0)
		close(c->stderr_fd);
	c->stderr_fd = -1;
}

int eb_suite_serve(const struct eb_plan *plan, const struct eb_runtime *rt, const char *mode,
		   const struct eb_workload *w, uint16_t port,
		   void (*on_ready)(void *arg, uint64_t ready_ns, const char *command), void *arg,
		   char *err, size_t errcap)
{
	struct eb_cell c = { .plan = plan, .rt = rt, .mode = mode, .w = w, .stderr_fd = STDERR_FILENO };
	c.ip_be = htonl(INADDR_LOOPBACK);
	c.lctx.artifact_dir = plan->artifact_dir;
	c.lctx.wasm_dir = plan->wasm_dir;
	c.lctx.port = port;
	snprintf(c.stderr_path, sizeof(c.stderr_path), "/dev/null");
	struct eb_instance in;
	uint64_t ready;
	int rc = start_server(&c, &in, &ready);
	if (rc < 0) {
		snprintf(err, errcap, "%s", c.err);
		return rc;
	}
	char cmd[1200];
	eb_argv_join(&c.argv, cmd, sizeof(cmd));
	on_ready(arg, ready, cmd);
	while (!eb_interrupted) {
		struct pollfd pfd = { .fd = in.proc.pidfd, .events = POLLIN };
		if (poll(&pfd, 1, 1000) > 0 && eb_proc_exited(&in.proc)) {
			char st[96];
			eb_describe_status(in.proc.wait_status, st, sizeof(st));
			snprintf(err, errcap, "the %s instance exited (%s)", rt->name, st);
			rc = -ECHILD;
			break;
		}
	}
	stop_instance(&c, &in);
	return rc;
}
