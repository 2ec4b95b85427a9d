/*
 * suite: the scenarios, in the order a user would run them by hand.
 */
#include "suite.h"
#include "clock.h"
#include "footprint.h"
#include "hist.h"
#include "load.h"
#include "probe.h"
#include "proc.h"
#include "sha256.h"

#include "buildinfo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define progress(plan, ...)                        \
	do {                                       \
		if ((plan)->progress)              \
			(plan)->progress(__VA_ARGS__); \
	} while (0)

void eb_plan_defaults(struct eb_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->artifact_dir = EB_NATIVE_DIR;
	p->wasm_dir = EB_WASM_DIR;
	p->cold_trials = 20;
	p->warmup_requests = 5;
	p->warm_requests = 50;
	p->burst_requests = 200;
	p->burst_concurrency = 10;
	p->bursts = 5;
	p->sustained_ns = 3000000000ull;
	p->sustained_connections = 10;
	p->start_timeout_ns = 10000000000ull;
	p->probe_spacing_ns = 200000ull;
	p->iterations = 2000000ull;
	p->hash_runs = 10;
	p->full_cold_trials = 3;
	p->density_instances = 10;
	p->hello_runs = 50;
	p->batch_timeout_ns = 600000000000ull;
}

struct cellctx {
	const struct eb_plan *plan;
	const struct eb_runtime *rt;
	const char *mode;
	const struct eb_workload *w;
	struct eb_results *res;
	json_t *cell;
	char *err;
	size_t errcap;
	struct eb_launch_ctx lctx;
	struct eb_argv argv;
	int stderr_fd;
	char stderr_path[1200];
	uint32_t ip_be;
};

static void warn(struct cellctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct cellctx *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(json_object_get(c->cell, "warnings"), json_string(buf));
}

/* Last non-empty line of the workload's stderr log, for error messages. */
static void last_stderr_line(struct cellctx *c, char *out, size_t cap)
{
	out[0] = '\0';
	int fd = open(c->stderr_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[2048];
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, from);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	char *nl = strrchr(buf, '\n');
	const char *last = nl ? nl + 1 : buf;
	size_t ll = strlen(last);
	if (ll >= cap)
		ll = cap - 1;
	memcpy(out, last, ll);
	out[ll] = '\0';
}

static unsigned launch_seq;

/* Build the command for a fresh instance name and start it. */
static int launch(struct cellctx *c, int capture, struct eb_instance *in)
{
	memset(in, 0, sizeof(*in));
	in->proc.pid = -1;
	in->proc.pidfd = in->proc.stdout_fd = -1;
	snprintf(c->lctx.instance, sizeof(c->lctx.instance), "edgebench-%d-%u", (int)getpid(), ++launch_seq);
	snprintf(in->name, sizeof(in->name), "%s", c->lctx.instance);
	int rc = c->rt->command(&c->lctx, c->mode, c->w, &c->argv);
	if (rc < 0) {
		if (rc == -ENOTSUP && c->argv.why[0])
			snprintf(c->err, c->errcap, "%s", c->argv.why);
		else
			snprintf(c->err, c->errcap, "%s cannot run %s (%s)", c->rt->name, c->w->name, strerror(-rc));
		return rc;
	}
	struct eb_spawn_opts o = { .capture_stdout = capture, .stderr_fd = c->stderr_fd };
	rc = eb_spawn(c->argv.argv, &o, &in->proc);
	if (rc < 0)
		snprintf(c->err, c->errcap, "cannot launch %s: %s", c->argv.argv[0], strerror(-rc));
	return rc;
}

static void stop_instance(struct cellctx *c, struct eb_instance *in)
{
	if (c->rt->stop)
		c->rt->stop(in);
	else
		eb_proc_stop(&in->proc, 2000000000ull);
}

static int sample_instance(struct cellctx *c, struct eb_instance *in, struct eb_sample *out)
{
	return c->rt->sample ? c->rt->sample(in, out) : eb_sample_process_tree(in, out);
}

static int add_series(struct cellctx *c, const char *name, const char *unit,
		      const char *desc, const double *v, size_t n)
{
	char hdr[1400];
	char cmd[1200];
	eb_argv_join(&c->argv, cmd, sizeof(cmd));
	snprintf(hdr, sizeof(hdr), "# command: %s\n", cmd);
	int rc = eb_results_add_series(c->res, c->cell, name, unit, desc, v, n, hdr);
	if (rc < 0)
		snprintf(c->err, c->errcap, "cannot write results to %s: %s", c->res->dir, strerror(-rc));
	return rc;
}

/* Start a server instance and wait for its first 200; *ready_ns on success. */
static int start_server(struct cellctx *c, struct eb_instance *in, uint64_t *ready_ns)
{
	int busy = eb_port_in_use(c->ip_be, c->lctx.port);
	if (busy != 0) {
		snprintf(c->err, c->errcap, "port 127.0.0.1:%u is busy (another server listens there); pick another with --port",
			 (unsigned)c->lctx.port);
		return -EADDRINUSE;
	}
	int rc = launch(c, 0, in);
	if (rc < 0)
		return rc;
	struct eb_proc *p = &in->proc;
	struct eb_probe_result pr;
	rc = eb_probe_until_ok(c->ip_be, c->lctx.port, "/", p,
			       p->launch_ns + c->plan->start_timeout_ns, c->plan->probe_spacing_ns, &pr);
	if (rc == 0) {
		*ready_ns = pr.ready_ns - p->launch_ns;
		return 0;
	}
	char line[300], st[96];
	if (rc == -ECHILD) {
		eb_describe_status(p->wait_status, st, sizeof(st));
		last_stderr_line(c, line, sizeof(line));
		snprintf(c->err, c->errcap, "%s/%s/%s: server exited (%s) before answering%s%s",
			 c->rt->name, c->mode, c->w->name, st, line[0] ? ": " : "", line);
	} else if (rc == -ETIMEDOUT) {
		char last[64];
		if (pr.last_status)
			snprintf(last, sizeof(last), "HTTP %d", pr.last_status);
		else
			snprintf(last, sizeof(last), "%s", strerror(pr.last_error));
		snprintf(c->err, c->errcap, "%s/%s/%s: no HTTP 200 from 127.0.0.1:%u within %.1f s (%u attempts, last: %s)",
			 c->rt->name, c->mode, c->w->name, (unsigned)c->lctx.port,
			 (double)c->plan->start_timeout_ns / 1e9, pr.attempts, last);
	} else if (rc != -EINTR) {
		snprintf(c->err, c->errcap, "probing 127.0.0.1:%u: %s", (unsigned)c->lctx.port, strerror(-rc));
	}
	stop_instance(c, in);
	return rc;
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

/* Footprint samples of one instance (or of a runtime's shared daemon). */
struct fp_sampler {
	struct cellctx *c;
	struct eb_instance *in;        /* NULL: the runtime's shared_sample */
	size_t n, cap;
	const char *names[EB_MAX_METRICS];
	const char *descs[EB_MAX_METRICS];
	size_t n_metrics;
	double *v[EB_MAX_METRICS];     /* v[metric][sample] */
	int failed;
};

static int sampler_init(struct fp_sampler *s, struct cellctx *c, struct eb_instance *in, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->in = in;
	s->cap = cap;
	for (size_t i = 0; i < EB_MAX_METRICS; i++)
		if (!(s->v[i] = malloc(cap * sizeof(double))))
			return -ENOMEM;
	return 0;
}

static void sampler_free(struct fp_sampler *s)
{
	for (size_t i = 0; i < EB_MAX_METRICS; i++)
		free(s->v[i]);
}

static void sample_footprint(void *arg)
{
	struct fp_sampler *s = arg;
	struct eb_sample smp;
	int rc = s->in ? sample_instance(s->c, s->in, &smp) : s->c->rt->shared_sample(&smp);
	if (rc < 0 || s->n >= s->cap) {
		s->failed = rc < 0;
		return;
	}
	s->n_metrics = smp.n_mem;
	for (size_t i = 0; i < smp.n_mem; i++) {
		s->names[i] = smp.mem[i].name;
		s->descs[i] = smp.mem[i].description;
		s->v[i][s->n] = smp.mem[i].bytes;
	}
	s->n++;
}

/* One series per metric: "<prefix><metric>". */
static int sampler_series(struct cellctx *c, struct fp_sampler *s, const char *prefix, const char *when);

static void note_load_errors(struct cellctx *c, const char *phase, const struct eb_load_result *lr)
{
	uint64_t errs = eb_load_errors(lr);
	uint64_t bad = lr->completed - lr->status_2xx;
	char key[96];
	snprintf(key, sizeof(key), "%s_errors", phase);
	json_object_set_new(json_object_get(c->cell, "values"), key,
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				      "completed", (json_int_t)lr->completed,
				      "non_2xx", (json_int_t)bad,
				      "connect", (json_int_t)lr->err_connect,
				      "read", (json_int_t)lr->err_read,
				      "write", (json_int_t)lr->err_write,
				      "parse", (json_int_t)lr->err_parse,
				      "timeout", (json_int_t)lr->timeouts));
	if (errs || bad) {
		warn(c, "%s: %llu errors (connect %llu, read %llu, write %llu, parse %llu, timeout %llu) and %llu non-2xx responses",
		     phase, (unsigned long long)errs, (unsigned long long)lr->err_connect,
		     (unsigned long long)lr->err_read, (unsigned long long)lr->err_write,
		     (unsigned long long)lr->err_parse, (unsigned long long)lr->timeouts,
		     (unsigned long long)bad);
		json_object_set_new(json_object_get(c->cell, "checks"), "zero_errors", json_false());
	}
}

static int run_load(struct cellctx *c, struct eb_load_config *cfg, struct eb_hist *h,
		    struct eb_load_result *lr)
{
	cfg->ip_be = c->ip_be;
	cfg->port = c->lctx.port;
	eb_hist_reset(h);
	int rc = eb_load_run(cfg, h, lr);
	if (rc < 0) {
		snprintf(c->err, c->errcap, "load generator: %s", strerror(-rc));
		return rc;
	}
	return lr->interrupted ? -EINTR : 0;
}

/*
 * Density: density_instances instances side by side, each on its own port,
 * started one after the other (each start timed while the others run),
 * each checked to answer 200, then each one's footprint sampled.  The
 * runtime's additive figure (PSS) per instance is what a host of a given
 * size can fit; shared daemons are reported once, elsewhere.
 */
static int density(struct cellctx *c)
{
	unsigned n = c->plan->density_instances;
	if (n == 0)
		return 0;
	struct eb_instance *ins = calloc(n, sizeof(*ins));
	double *start = calloc(n, sizeof(double)), *add = calloc(n, sizeof(double));
	uint16_t *ports = calloc(n, sizeof(*ports));
	uint16_t saved_port = c->lctx.port;
	unsigned up = 0;
	int rc = 0;
	const char *add_name = NULL;
	if (!ins || !start || !add || !ports) {
		snprintf(c->err, c->errcap, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (; up < n; up++) {
		progress(c->plan, "%s/%s/%s: density %u/%u", c->rt->name, c->mode, c->w->name, up + 1, n);
		int port = eb_free_port();
		if (port < 0) {
			snprintf(c->err, c->errcap, "cannot find a free loopback port: %s", strerror(-port));
			rc = port;
			goto out;
		}
		c->lctx.port = ports[up] = (uint16_t)port;
		uint64_t ready;
		if ((rc = start_server(c, &ins[up], &ready)) < 0)
			goto out;
		start[up] = (double)ready;
		if (c->rt->attach && (rc = c->rt->attach(&ins[up], c->err, c->errcap)) < 0) {
			up++;
			goto out;
		}
	}
	/* all of them up at once: each still answers, then the footprint */
	for (unsigned i = 0; i < n; i++) {
		struct eb_probe_result pr;
		struct eb_sample smp;
		rc = eb_probe_until_ok(c->ip_be, ports[i], "/", &ins[i].proc, eb_now_ns() + c->plan->start_timeout_ns,
				       c->plan->probe_spacing_ns, &pr);
		if (rc < 0) {
			snprintf(c->err, c->errcap, "density: instance %u of %u (port %u) stopped answering: %s",
				 i + 1, n, (unsigned)ports[i], strerror(-rc));
			goto out;
		}
		if ((rc = sample_instance(c, &ins[i], &smp)) < 0) {
			snprintf(c->err, c->errcap, "density: cannot sample instance %u of %u", i + 1, n);
			goto out;
		}
		if (smp.additive >= 0) {
			add_name = smp.mem[smp.additive].name;
			add[i] = smp.mem[smp.additive].bytes;
		}
	}
out:
	if (rc == 0 && up == n) {
		rc = add_series(c, "density_start", "ns", "launch -> first 200 of each instance while the earlier ones keep running", start, n);
		if (rc == 0 && add_name) {
			char name[64], desc[200];
			snprintf(name, sizeof(name), "density_%s", add_name);
			snprintf(desc, sizeof(desc), "%s of each of %u instances running side by side", add_name, n);
			rc = add_series(c, name, "bytes", desc, add, n);
			double sum = 0;
			for (unsigned i = 0; i < n; i++)
				sum += add[i];
			json_object_set_new(json_object_get(c->cell, "values"), "density",
					    json_pack("{s:i, s:s, s:f, s:f}", "instances", n, "figure", add_name,
						      "total_bytes", sum, "instances_per_gib",
						      sum > 0 ? (double)n * 1073741824.0 / sum : 0.0));
		}
	}
	for (unsigned i = 0; i < up; i++)
		stop_instance(c, &ins[i]);
	c->lctx.port = saved_port;
	free(ins);
	free(start);
	free(add);
	free(ports);
	return rc;
}

static int server_cell(struct cellctx *c)
{
	const struct eb_plan *pl = c->plan;
	int rc = 0;
	struct eb_instance in = { .proc = { .pid = -1, .pidfd = -1, .stdout_fd = -1 } };
	struct eb_hist *h = NULL;
	double *v = NULL, *v2 = NULL, *v3 = NULL;
	uint64_t *windows = NULL;
	size_t max_samples = 4000000;
	struct fp_sampler fs, shared;
	json_t *values = json_object_get(c->cell, "values");
	json_t *checks = json_object_get(c->cell, "checks");

	memset(&fs, 0, sizeof(fs));
	memset(&shared, 0, sizeof(shared));
	if ((rc = eb_hist_new(&h)) < 0)
		goto oom;
	v = malloc(max_samples * sizeof(*v));
	v2 = malloc(max_samples * sizeof(*v2));
	v3 = malloc(4096 * sizeof(*v3));
	windows = calloc(4096, sizeof(*windows));
	if (!v || !v2 || !v3 || !windows || sampler_init(&fs, c, &in, 4096) < 0 ||
	    sampler_init(&shared, c, NULL, 16) < 0)
		goto oom;

	/* 0. one unmeasured start: page cache, and the runtime's compilation
	 * cache in modes that keep one (the "warm" in cache-warm) */
	progress(c->plan, "%s/%s/%s: priming start", c->rt->name, c->mode, c->w->name);
	uint64_t primed;
	if ((rc = start_server(c, &in, &primed)) < 0)
		goto out;
	stop_instance(c, &in);

	/* 1. cold start: a fresh instance per trial */
	for (unsigned t = 0; t < pl->cold_trials; t++) {
		progress(c->plan, "%s/%s/%s: cold start %u/%u", c->rt->name, c->mode, c->w->name, t + 1, pl->cold_trials);
		uint64_t ready;
		if ((rc = start_server(c, &in, &ready)) < 0)
			goto out;
		v[t] = (double)ready;
		stop_instance(c, &in);
	}
	if ((rc = add_series(c, "cold_start", "ns", "launch -> first HTTP 200 on GET /, fresh instance per trial (artifact present, after one unmeasured priming start)",
			     v, pl->cold_trials)) < 0)
		goto out;

	/* 1b. full cold: the deployable artifact rebuilt from source before each start */
	if (c->rt->rebuild && pl->full_cold_trials) {
		unsigned nf = pl->full_cold_trials < 4096 ? pl->full_cold_trials : 4096;
		for (unsigned t = 0; t < nf; t++) {
			progress(c->plan, "%s/%s/%s: full cold %u/%u", c->rt->name, c->mode, c->w->name, t + 1, nf);
			uint64_t b0 = eb_now_ns();
			if ((rc = c->rt->rebuild(&c->lctx, c->mode, c->err, c->errcap)) < 0)
				goto out;
			uint64_t build = eb_now_ns() - b0, ready;
			if (eb_interrupted) {
				rc = -EINTR;
				goto out;
			}
			if ((rc = start_server(c, &in, &ready)) < 0)
				goto out;
			stop_instance(c, &in);
			v2[t] = (double)build;
			v3[t] = (double)ready;
			v[t] = (double)(build + ready);
		}
		if ((rc = add_series(c, "full_cold_build", "ns", "rebuild of the deployable artifact from source (compile + package)", v2, nf)) < 0 ||
		    (rc = add_series(c, "full_cold_start", "ns", "launch -> first HTTP 200 right after the rebuild", v3, nf)) < 0 ||
		    (rc = add_series(c, "full_cold_total", "ns", "build + start", v, nf)) < 0)
			goto out;
	}

	/* 2. one warm instance for everything else */
	progress(c->plan, "%s/%s/%s: warm instance", c->rt->name, c->mode, c->w->name);
	uint64_t ready;
	if ((rc = start_server(c, &in, &ready)) < 0)
		goto out;
	if (c->rt->attach && (rc = c->rt->attach(&in, c->err, c->errcap)) < 0)
		goto out;
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/", .connections = 1, .requests = pl->warmup_requests,
				      .keepalive = 1 };
	if (pl->warmup_requests && (rc = run_load(c, &cfg, h, &lr)) < 0)
		goto out;
	if (pl->warmup_requests)
		note_load_errors(c, "warmup", &lr);

	/* footprint after warm-up, and the runtime's shared cost if it has one */
	for (int i = 0; i < 5; i++) {
		sample_footprint(&fs);
		if (c->rt->shared_sample)
			sample_footprint(&shared);
		eb_sleep_ns(20000000ull);
	}
	if (fs.n == 0) {
		snprintf(c->err, c->errcap, "%s/%s/%s: cannot sample the instance's footprint", c->rt->name, c->mode, c->w->name);
		rc = -EIO;
		goto out;
	}
	if ((rc = sampler_series(c, &fs, "", "after_warmup")) < 0)
		goto out;
	if (shared.n && (rc = sampler_series(c, &shared, "shared_", "after_warmup")) < 0)
		goto out;

	/* warm latency, sequential on one keep-alive connection */
	cfg = (struct eb_load_config){ .path = "/", .connections = 1, .requests = pl->warm_requests,
				       .keepalive = 1, .samples = v, .samples_cap = max_samples };
	if ((rc = run_load(c, &cfg, h, &lr)) < 0)
		goto out;
	note_load_errors(c, "warm", &lr);
	if ((rc = add_series(c, "warm_latency", "ns", "sequential GET / on one keep-alive connection, after warm-up",
			     v, lr.samples_len)) < 0)
		goto out;

	/* /state: counts up by exactly one per request */
	struct state_check sc = { .expect = 1, .seen = json_array() };
	json_object_set_new(values, "state_responses", sc.seen);   /* the cell owns it; sc borrows */
	cfg = (struct eb_load_config){ .path = "/state", .connections = 1, .requests = pl->warm_requests,
				       .keepalive = 1, .samples = v, .samples_cap = max_samples,
				       .on_response = check_state, .response_arg = &sc };
	if ((rc = run_load(c, &cfg, h, &lr)) < 0)
		goto out;
	note_load_errors(c, "state", &lr);
	if ((rc = add_series(c, "state_latency", "ns", "sequential GET /state on one keep-alive connection",
			     v, lr.samples_len)) < 0)
		goto out;
	json_object_set_new(checks, "state_counts_exactly", json_boolean(sc.mismatches == 0 && lr.completed == pl->warm_requests));
	if (sc.mismatches)
		warn(c, "/state did not count up by one per request: %llu of %llu responses differed, first: expected %llu, got \"%s\"",
		     (unsigned long long)sc.mismatches, (unsigned long long)lr.completed,
		     (unsigned long long)sc.first_expected, sc.first_bad);

	/* bursts: the study's 200 requests at concurrency 10, repeated */
	size_t nb = 0;
	double burst_rps[256];
	for (unsigned b = 0; b < pl->bursts && b < 256; b++) {
		progress(c->plan, "%s/%s/%s: burst %u/%u", c->rt->name, c->mode, c->w->name, b + 1, pl->bursts);
		cfg = (struct eb_load_config){ .path = "/", .connections = pl->burst_concurrency,
					       .requests = pl->burst_requests, .keepalive = 1,
					       .samples = v + nb, .samples_cap = max_samples - nb };
		if ((rc = run_load(c, &cfg, h, &lr)) < 0)
			goto out;
		note_load_errors(c, "burst", &lr);
		nb += lr.samples_len;
		burst_rps[b] = lr.elapsed_ns ? (double)lr.completed * 1e9 / (double)lr.elapsed_ns : 0;
	}
	if ((rc = add_series(c, "burst_latency", "ns", "GET / latencies of every burst (burst_requests at burst_concurrency, keep-alive)", v, nb)) < 0 ||
	    (rc = add_series(c, "burst_throughput", "req/s", "requests per second of each burst, first request to last response", burst_rps, pl->bursts)) < 0)
		goto out;

	/* sustained load, keep-alive then connection per request */
	for (int mode = 0; mode < 2; mode++) {
		const char *tag = mode == 0 ? "keepalive" : "close";
		progress(c->plan, "%s/%s/%s: sustained %s %.1fs", c->rt->name, c->mode, c->w->name, tag, (double)pl->sustained_ns / 1e9);
		struct eb_sample s0, s1;
		int cpu_ok = sample_instance(c, &in, &s0) == 0 && s0.has_cpu;
		fs.n = 0;
		cfg = (struct eb_load_config){ .path = "/", .connections = pl->sustained_connections,
					       .duration_ns = pl->sustained_ns, .keepalive = mode == 0,
					       .samples = v, .samples_cap = max_samples,
					       .window_ns = 250000000ull, .windows = windows, .windows_cap = 4096,
					       .on_tick = sample_footprint, .tick_arg = &fs, .tick_ns = 100000000ull };
		if ((rc = run_load(c, &cfg, h, &lr)) < 0)
			goto out;
		cpu_ok = cpu_ok && sample_instance(c, &in, &s1) == 0 && s1.has_cpu;
		note_load_errors(c, mode == 0 ? "sustained_keepalive" : "sustained_close", &lr);
		char name[64], desc[256];
		snprintf(name, sizeof(name), "sustained_%s_latency", tag);
		snprintf(desc, sizeof(desc), "GET / latency under %u connections for %.1f s (%s)",
			 pl->sustained_connections, (double)pl->sustained_ns / 1e9,
			 mode == 0 ? "keep-alive" : "new connection per request, connect included");
		if ((rc = add_series(c, name, "ns", desc, v, lr.samples_len)) < 0)
			goto out;
		if (lr.samples_len < lr.completed)
			warn(c, "%s: kept %zu of %llu latency samples (cap)", name, lr.samples_len, (unsigned long long)lr.completed);
		/* throughput per 250 ms window (the last, partial window is dropped) */
		size_t nw = lr.windows_len > 1 ? lr.windows_len - 1 : lr.windows_len;
		for (size_t i = 0; i < nw; i++)
			v2[i] = (double)windows[i] * 4.0;
		snprintf(name, sizeof(name), "sustained_%s_throughput", tag);
		if ((rc = add_series(c, name, "req/s", "completed requests per 250 ms window, scaled to per second", v2, nw)) < 0)
			goto out;
		snprintf(name, sizeof(name), "sustained_%s_", tag);
		if ((rc = sampler_series(c, &fs, name, "under_load")) < 0)
			goto out;
		double secs = (double)lr.elapsed_ns / 1e9;
		json_t *o = json_pack("{s:I, s:f, s:f}", "requests", (json_int_t)lr.completed, "seconds", secs,
				      "requests_per_second", secs > 0 ? (double)lr.completed / secs : 0.0);
		if (cpu_ok) {
			double user_ms = (double)(s1.cpu_user_ns - s0.cpu_user_ns) / 1e6;
			double sys_ms = (double)(s1.cpu_sys_ns - s0.cpu_sys_ns) / 1e6;
			double per1k = lr.completed ? 1000.0 / (double)lr.completed : 0;
			json_object_set_new(o, "cpu_user_ms", json_real(user_ms));
			json_object_set_new(o, "cpu_sys_ms", json_real(sys_ms));
			json_object_set_new(o, "cpu_user_ms_per_1k_requests", json_real(user_ms * per1k));
			json_object_set_new(o, "cpu_sys_ms_per_1k_requests", json_real(sys_ms * per1k));
			json_object_set_new(o, "cpu_source", json_string(s1.cpu_source));
		}
		snprintf(name, sizeof(name), "sustained_%s", tag);
		json_object_set_new(values, name, o);
	}
	stop_instance(c, &in);
	if ((rc = density(c)) < 0)
		goto out;
	if (!json_object_get(checks, "zero_errors"))
		json_object_set_new(checks, "zero_errors", json_true());
	json_object_set_new(checks, "every_cold_start_answered_200", json_true());
	rc = 0;
	goto out;
oom:
	snprintf(c->err, c->errcap, "out of memory");
	rc = -ENOMEM;
out:
	if (in.proc.pid > 0)
		stop_instance(c, &in);
	eb_hist_free(h);
	free(v);
	free(v2);
	free(v3);
	free(windows);
	sampler_free(&fs);
	sampler_free(&shared);
	return rc;
}

static int sampler_series(struct cellctx *c, struct fp_sampler *s, const char *prefix, const char *when)
{
	for (size_t i = 0; i < s->n_metrics; i++) {
		char name[96], desc[300];
		if (!strcmp(when, "after_warmup"))
			snprintf(name, sizeof(name), "%s%s_after_warmup", prefix, s->names[i]);
		else
			snprintf(name, sizeof(name), "%s%s", prefix, s->names[i]);
		snprintf(desc, sizeof(desc), "%s, %s", s->descs[i],
			 !strcmp(when, "after_warmup") ? "after warm-up (5 samples, 20 ms apart)" : "sampled every 100 ms under load");
		int rc = add_series(c, name, "bytes", desc, s->v[i], s->n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Pull "key=<digits or hex>" out of a workload's output line. */
static int kv(const char *out, const char *key, char *val, size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = out; (p = strstr(p, key)); p++) {
		if ((p == out || p[-1] == ' ') && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " \n");
			if (n == 0 || n >= cap)
				return -1;
			memcpy(val, p + kl + 1, n);
			val[n] = '\0';
			return 0;
		}
	}
	return -1;
}

static int batch_cell(struct cellctx *c)
{
	const struct eb_plan *pl = c->plan;
	int is_hash = !strcmp(c->w->name, "cpu-hash");
	unsigned runs = is_hash ? pl->hash_runs : pl->hello_runs;
	double *wall = calloc(runs + 1, sizeof(double));
	double *compute = calloc(runs + 1, sizeof(double));
	double *overhead = calloc(runs + 1, sizeof(double));
	char expect_hex[65] = "";
	int rc = 0;
	if (!wall || !compute || !overhead) {
		snprintf(c->err, c->errcap, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	if (is_hash) {
		uint8_t d[SHA256_DIGEST_BYTES];
		progress(c->plan, "cpu-hash: computing the expected digest in-process");
		sha256_chain(pl->iterations, d);
		sha256_hex(d, expect_hex);
		json_object_set_new(json_object_get(c->cell, "values"), "expected_digest", json_string(expect_hex));
		json_object_set_new(json_object_get(c->cell, "values"), "iterations", json_integer((json_int_t)pl->iterations));
	}
	/* run 0 is an unmeasured warm-up (page cache, runtime caches) */
	for (unsigned t = 0; t <= runs; t++) {
		progress(c->plan, "%s/%s/%s: run %u/%u%s", c->rt->name, c->mode, c->w->name, t, runs, t ? "" : " (warm-up)");
		struct eb_instance in;
		struct eb_proc *pp = &in.proc;
		if ((rc = launch(c, 1, &in)) < 0)
			goto out;
		char out[4096];
		size_t out_len = 0;
		rc = eb_proc_wait(pp, pl->batch_timeout_ns, out, sizeof(out), &out_len);
		if (rc < 0) {
			if (rc == -ETIMEDOUT)
				snprintf(c->err, c->errcap, "%s/%s/%s: run %u did not finish within %.0f s",
					 c->rt->name, c->mode, c->w->name, t, (double)pl->batch_timeout_ns / 1e9);
			stop_instance(c, &in);
			goto out;
		}
		uint64_t elapsed = pp->exit_ns - pp->launch_ns;
		int st = pp->wait_status;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			eb_proc_stop(pp, 0);   /* already gone: release fds */
		else
			stop_instance(c, &in);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			char sd[96], line[300];
			eb_describe_status(st, sd, sizeof(sd));
			last_stderr_line(c, line, sizeof(line));
			snprintf(c->err, c->errcap, "%s/%s/%s: run %u failed (%s)%s%s", c->rt->name, c->mode,
				 c->w->name, t, sd, line[0] ? ": " : "", line);
			rc = -EIO;
			goto out;
		}
		if (is_hash) {
			char dig[80], ns[32];
			if (kv(out, "digest", dig, sizeof(dig)) < 0 || kv(out, "compute_ns", ns, sizeof(ns)) < 0) {
				snprintf(c->err, c->errcap, "%s/%s/cpu-hash: run %u printed no digest/compute_ns: \"%.80s\"",
					 c->rt->name, c->mode, t, out);
				rc = -EPROTO;
				goto out;
			}
			if (strcmp(dig, expect_hex) != 0) {
				snprintf(c->err, c->errcap, "%s/%s/cpu-hash: run %u digest %s differs from the expected %s",
					 c->rt->name, c->mode, t, dig, expect_hex);
				rc = -EPROTO;
				goto out;
			}
			if (t > 0) {
				compute[t - 1] = strtod(ns, NULL);
				overhead[t - 1] = (double)elapsed - compute[t - 1];
			}
		} else if (strcmp(out, "hello from edgebench\n") != 0) {
			snprintf(c->err, c->errcap, "%s/%s/hello: run %u printed \"%.80s\", not the expected line",
				 c->rt->name, c->mode, t, out);
			rc = -EPROTO;
			goto out;
		}
		if (t > 0)
			wall[t - 1] = (double)elapsed;
	}
	if ((rc = add_series(c, "run", "ns", "launch -> exit of a fresh process (after one unmeasured warm-up run)", wall, runs)) < 0)
		goto out;
	if (is_hash) {
		if ((rc = add_series(c, "compute", "ns", "the workload's own CLOCK_MONOTONIC time around the hash loop", compute, runs)) < 0 ||
		    (rc = add_series(c, "startup_overhead", "ns", "run minus compute: launch, runtime start-up, exit", overhead, runs)) < 0)
			goto out;
		json_object_set_new(json_object_get(c->cell, "checks"), "digest_matches_every_run", json_true());
	} else {
		json_object_set_new(json_object_get(c->cell, "checks"), "output_matches_every_run", json_true());
	}
	json_object_set_new(json_object_get(c->cell, "checks"), "exit_zero_every_run", json_true());
out:
	free(wall);
	free(compute);
	free(overhead);
	return rc;
}

int eb_suite_run_cell(const struct eb_plan *plan, const struct eb_runtime *rt,
		      const char *mode, const struct eb_workload *w,
		      struct eb_results *res, json_t *cell, char *err, size_t errcap)
{
	struct cellctx c = { .plan = plan, .rt = rt, .mode = mode, .w = w, .res = res,
			     .cell = cell, .err = err, .errcap = errcap, .stderr_fd = -1 };
	c.ip_be = htonl(INADDR_LOOPBACK);
	c.lctx.artifact_dir = plan->artifact_dir;
	c.lctx.wasm_dir = plan->wasm_dir;
	c.lctx.iterations = plan->iterations;
	int port = plan->port;
	if (!port && w->kind == EB_WL_SERVER) {
		port = eb_free_port();
		if (port < 0) {
			snprintf(err, errcap, "cannot find a free loopback port: %s", strerror(-port));
			return port;
		}
	}
	c.lctx.port = (uint16_t)port;
	snprintf(c.lctx.instance, sizeof(c.lctx.instance), "edgebench-%d-N", (int)getpid());
	int rc = rt->command(&c.lctx, mode, w, &c.argv);
	if (rc < 0) {
		if (rc == -ENOTSUP && c.argv.why[0])
			snprintf(err, errcap, "%s", c.argv.why);
		else if (rc == -ENOTSUP && rt->unsupported)
			snprintf(err, errcap, "%s", rt->unsupported);
		else
			snprintf(err, errcap, "%s cannot run %s (%s)", rt->name, w->name, strerror(-rc));
		return rc;
	}
	char cmd[1200];
	eb_argv_join(&c.argv, cmd, sizeof(cmd));
	json_object_set_new(cell, "command", json_string(cmd));
	if (rt->mode_notes)
		for (size_t i = 0; rt->modes[i] && rt->mode_notes[i]; i++)
			if (!strcmp(rt->modes[i], mode))
				json_object_set_new(cell, "mode_note", json_string(rt->mode_notes[i]));
	if (w->kind == EB_WL_SERVER)
		json_object_set_new(cell, "port", json_integer(port));

	snprintf(c.stderr_path, sizeof(c.stderr_path), "%s/%s-%s-%s.stderr", plan->log_dir, rt->name, mode, w->name);
	c.stderr_fd = open(c.stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (c.stderr_fd < 0) {
		snprintf(err, errcap, "cannot open %s: %s", c.stderr_path, strerror(errno));
		return -errno;
	}
	rc = w->kind == EB_WL_SERVER ? server_cell(&c) : batch_cell(&c);
	close(c.stderr_fd);
	return rc;
}

int eb_suite_serve(const struct eb_plan *plan, const struct eb_runtime *rt, const char *mode,
		   const struct eb_workload *w, uint16_t port,
		   void (*on_ready)(void *arg, uint64_t ready_ns, const char *command), void *arg,
		   char *err, size_t errcap)
{
	struct cellctx c = { .plan = plan, .rt = rt, .mode = mode, .w = w, .err = err,
			     .errcap = errcap, .stderr_fd = STDERR_FILENO };
	c.ip_be = htonl(INADDR_LOOPBACK);
	c.lctx.artifact_dir = plan->artifact_dir;
	c.lctx.wasm_dir = plan->wasm_dir;
	c.lctx.port = port;
	snprintf(c.stderr_path, sizeof(c.stderr_path), "/dev/null");
	struct eb_instance in;
	uint64_t ready;
	int rc = start_server(&c, &in, &ready);
	if (rc < 0)
		return rc;
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
