/*
 * cell: the cell: its helpers, accumulators, the instance lifecycle (launch, first 200, attach, stop),
 * load and footprint sampling, init/done/finish, and `serve`.
 */
#include "measure/phase.h"
#include "measure/dataset.h"
#include "api_item.h"
#include "measure/phases.h"
#include "measure/study.h"
#include "catalog/series.h"
#include "data/stats.h"
#include "net/load.h"
#include "net/netpath.h"
#include "net/probe.h"
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "sys/footprint.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void mc_warn(struct eb_cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mc_warn(struct eb_cell *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(json_object_get(c->json, "warnings"), json_string(buf));
}

/* A one-line reason for the cell's failure, prefixed with the cell's name. */
int mc_fail(struct eb_cell *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mc_fail(struct eb_cell *c, int rc, const char *fmt, ...)
{
	int n = snprintf(c->err, sizeof(c->err), "%s/%s/%s: ", c->rt->name, c->mode, c->w->name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + n, sizeof(c->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

/* what measures the runtime rather than the path runs on the default path only (loopback, no firewall) */
int mc_default_path(const struct eb_cell *c) { return c->network == EB_NET_LOOPBACK && !c->firewall; }

/* a mode whose instance is a whole deployment (wasmcloud lattice) is not started many times side by side */
int mc_deployment(const struct eb_cell *c)
{
	const struct eb_rt_mode *m = eb_rt_mode_find(c->rt, c->mode);
	return m && (m->flags & EB_MODE_DEPLOYMENT);
}

json_t *mc_values(struct eb_cell *c)
{
	return json_object_get(c->json, "values");
}

json_t *mc_checks(struct eb_cell *c)
{
	return json_object_get(c->json, "checks");
}

/* pattern with its one "%s" replaced by fill (no printf on data). */
void mc_fill_pattern(char *out, size_t cap, const char *pattern, const char *fill)
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
struct eb_acc *mc_acc_get(struct eb_cell *c, const char *name, const char *figure_desc)
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
	mc_fill_pattern(a->description, sizeof(a->description), def->description, figure_desc ? figure_desc : "");
	return a;
}

int mc_acc_add(struct eb_acc *a, double v, int32_t trial)
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
int mc_add(struct eb_cell *c, const char *name, const char *figure_desc, const double *v, size_t n, int32_t trial)
{
	struct eb_acc *a = mc_acc_get(c, name, figure_desc);
	for (size_t i = 0; i < n; i++)
		if (mc_acc_add(a, v[i], trial) < 0)
			return mc_fail(c, -ENOMEM, "out of memory collecting %s", name);
	return 0;
}

/* Write every collected series of the cell to the results, then forget them. */
int eb_cell_flush(struct eb_cell *c)
{
	int rc = 0;
	char hdr[1400], cmd[1200];
	eb_argv_join(&c->lx.argv, cmd, sizeof(cmd));
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
void mc_last_stderr_line(struct eb_cell *c, char *out, size_t cap)
{
	eb_instance_last_line(&c->lx, out, cap);
}

/*
 * An instance killed by a signal is a crash: the cell says so as data
 * (`crash`: the phase and the signal), beside its one-line error.
 */
void mc_note_crash(struct eb_cell *c, const char *phase, int wait_status)
{
	if (c->json && WIFSIGNALED(wait_status))
		json_object_set_new(c->json, "crash", json_pack("{s:s, s:i}", "phase", phase, "signal", WTERMSIG(wait_status)));
}

/* Build the command for a fresh instance name and start it. */
int mc_launch(struct eb_cell *c, int capture, struct eb_instance *in)
{
	return eb_instance_launch(&c->lx, capture, in);
}

void mc_stop_instance(struct eb_cell *c, struct eb_instance *in)
{
	eb_instance_stop(&c->lx, in);
}

int mc_sample_instance(struct eb_cell *c, struct eb_instance *in, struct eb_sample *out)
{
	return eb_rt_sample(c->rt, in, out);
}

/*
 * How long a start may take: --start-timeout, and for a whole deployment at
 * least 90 s (a wasmCloud lattice can wait for its host's first heartbeat,
 * 30 s after the host starts).
 */
uint64_t mc_start_timeout(const struct eb_cell *c)
{
	uint64_t t = c->plan->start_timeout_ns;
	return mc_deployment(c) && t < DEPLOYMENT_START_TIMEOUT_NS ? DEPLOYMENT_START_TIMEOUT_NS : t;
}

/* Start a server instance and wait for its first 200; *ready_ns on success. */
int mc_start_server(struct eb_cell *c, struct eb_instance *in, uint64_t *ready_ns)
{
	int rc = eb_instance_start_server(&c->lx, in, ready_ns);
	if (rc == -ECHILD)
		mc_note_crash(c, "start", in->proc.wait_status);
	return rc;
}

/* The cell's long-lived instance, started (and attached) once. */
int eb_cell_ensure_instance(struct eb_cell *c)
{
	if (c->in_up)
		return 0;
	uint64_t ready;
	int rc = mc_start_server(c, &c->in, &ready);
	if (rc < 0)
		return rc;
	c->in_up = 1;
	if ((rc = eb_rt_attach(c->rt, &c->in, c->err, sizeof(c->err))) < 0 && !c->err[0])
		mc_fail(c, rc, "cannot attach to the instance");
	return rc;
}

void eb_cell_drop_instance(struct eb_cell *c)
{
	if (c->in_up)
		mc_stop_instance(c, &c->in);
	c->in_up = 0;
}

/* ---- load ----------------------------------------------------------- */

/* Errors of a load phase accumulate in values.<phase>_errors; any is a warning. */
void mc_note_load_errors(struct eb_cell *c, const char *phase, const struct eb_load_result *lr)
{
	uint64_t errs = eb_load_errors(lr);
	uint64_t bad = lr->completed - lr->status_2xx;
	char key[96];
	snprintf(key, sizeof(key), "%s_errors", phase);
	json_t *o = json_object_get(mc_values(c), key);
	if (!o) {
		o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "completed", (json_int_t)0, "non_2xx", (json_int_t)0,
			      "connect", (json_int_t)0, "read", (json_int_t)0, "write", (json_int_t)0,
			      "parse", (json_int_t)0, "timeout", (json_int_t)0);
		json_object_set_new(mc_values(c), key, o);
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
		mc_warn(c, "%s: %llu errors (connect %llu, read %llu, write %llu, parse %llu, timeout %llu) and %llu non-2xx responses",
		     phase, (unsigned long long)errs, (unsigned long long)lr->err_connect,
		     (unsigned long long)lr->err_read, (unsigned long long)lr->err_write,
		     (unsigned long long)lr->err_parse, (unsigned long long)lr->timeouts,
		     (unsigned long long)bad);
		json_object_set_new(mc_checks(c), "zero_errors", json_false());
	}
}

/*
 * The warm instance exited while it was being measured: the cell fails
 * (never a warning with figures measured against a dead server).  after_ns:
 * how far into the phase.
 */
int mc_instance_died(struct eb_cell *c, const char *what, uint64_t after_ns)
{
	char st[96];
	eb_proc_exited(&c->in.proc);
	eb_describe_status(c->in.proc.wait_status, st, sizeof(st));
	uint64_t since = c->in.proc.exit_ns > c->in.proc.launch_ns ? c->in.proc.exit_ns - c->in.proc.launch_ns : 0;
	mc_note_crash(c, what, c->in.proc.wait_status);
	return mc_fail(c, -ECHILD, "the instance exited (%s) during %s, %.3f s into it and %.3f s after its launch",
		    st, what, (double)after_ns / 1e9, (double)since / 1e9);
}

int eb_cell_check_instance(struct eb_cell *c, const char *what)
{
	if (!c->in_up || !eb_proc_exited(&c->in.proc))
		return 0;
	return mc_instance_died(c, what, 0);
}

/* Load on the cell's warm instance, watched: its exit ends the load and fails the cell. */
int mc_run_load(struct eb_cell *c, const char *what, struct eb_load_config *cfg, struct eb_load_result *lr)
{
	/* no target given: the workload's reads */
	if (!cfg->path && !cfg->n_mix) {
		if (c->w->flags & EB_WL_DATABASE) {
			cfg->mix = c->read_mix;
			cfg->n_mix = EB_READ_MIX;
		} else {
			cfg->path = c->w->path;
		}
	}
	cfg->ip_be = c->lx.ip_be;
	cfg->port = c->lx.lctx.port;
	cfg->server = c->in_up ? &c->in.proc : NULL;
	eb_hist_reset(c->ws->h);
	int rc = eb_load_run(cfg, c->ws->h, lr);
	if (rc < 0)
		return mc_fail(c, rc, "load generator: %s", strerror(-rc));
	if (lr->server_exited)
		return mc_instance_died(c, what, lr->server_exit_after_ns);
	return lr->interrupted ? -EINTR : 0;
}


void mc_sample_footprint(void *arg)
{
	struct fp_sampler *s = arg;
	struct eb_sample smp;
	int rc = s->in ? mc_sample_instance(s->c, s->in, &smp) : eb_rt_shared_sample(s->c->rt, &smp);
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
int mc_sampler_series(struct eb_cell *c, struct fp_sampler *s, const char *pattern, int32_t trial)
{
	for (size_t i = 0; i < s->n_metrics; i++) {
		char name[96];
		mc_fill_pattern(name, sizeof(name), pattern, s->names[i]);
		int rc = mc_add(c, name, s->descs[i], s->v[i], s->n, trial);
		if (rc < 0)
			return rc;
	}
	return 0;
}

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

/*
 * A database workload's cell: the seeded database its instances copy, the
 * reads (GET /items/N, N spread over the data set) and the 90/10 mix.
 */
int mc_database_init(struct eb_cell *c)
{
	char why[800];
	int rc = eb_dataset_seed(c->plan->artifact_dir, c->w, c->seed, sizeof(c->seed), why, sizeof(why));
	if (rc < 0)
		return mc_fail(c, rc, "%s", why);
	c->lx.seed = c->seed;
	for (unsigned i = 0; i < EB_READ_MIX; i++) {
		unsigned id = 1 + (unsigned)(((uint64_t)i * 7919u + 13u) % EB_WL_SEED_ITEMS);
		snprintf(c->read_paths[i], sizeof(c->read_paths[i]), "/items/%u", id);
		c->read_mix[i] = (struct eb_load_request){ .path = c->read_paths[i] };
	}
	for (unsigned p = 0; p < EB_RW_POSTS; p++) {
		int n = api_item_json(EB_WL_SEED_ITEMS + 1 + p, c->post_bodies[p], sizeof(c->post_bodies[p]));
		if (n < 0)
			return mc_fail(c, -EOVERFLOW, "a generated item does not fit");
	}
	for (unsigned i = 0; i < EB_RW_MIX; i++) {
		unsigned per = EB_RW_MIX / EB_RW_POSTS;
		if (i % per == per - 1) {
			const char *b = c->post_bodies[i / per];
			c->rw_mix[i] = (struct eb_load_request){ .path = "/items", .body = b, .body_len = strlen(b) };
		} else {
			c->rw_mix[i] = c->read_mix[(i * 5u) % EB_READ_MIX];
		}
	}
	json_t *dp = json_pack("{s:s, s:s, s:i, s:s}", "seed", c->seed, "filesystem", eb_dataset_filesystem(),
			       "items", (int)EB_WL_SEED_ITEMS, "per_instance", "a copy of the seed in a directory of its own");
	if (c->rt->data_path)
		json_object_set_new(dp, "how", json_string(c->rt->data_path));
	const struct eb_rt_mode *m = eb_rt_mode_find(c->rt, c->mode);
	json_object_set_new(dp, "database_opened", json_string(m && (m->flags & EB_MODE_INSTANCE_PER_REQUEST)
							       ? "per request (a fresh guest instance per request)"
							       : "once per instance"));
	json_object_set_new(mc_values(c), "data_path", dp);
	if ((c->rt->flags & EB_RT_REBUILDS) && !(c->w->flags & EB_WL_REBUILDABLE))
		json_object_set_new(mc_values(c), "full_cold", json_string("not measured for this workload: its rebuild compiles "
									      "SQLite's amalgamation (tens of seconds a trial); "
									      "http-hello's full cold measures the runtime's build step"));
	return 0;
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
	c->lx.rt = spec->rt;
	c->lx.mode = spec->mode;
	c->lx.w = spec->w;
	c->lx.err = c->err;
	c->lx.errcap = sizeof(c->err);
	c->lx.stderr_fd = -1;
	c->lx.probe_spacing_ns = plan->probe_spacing_ns;
	c->network = spec->network;
	c->firewall = spec->firewall;
	c->lx.ip_be = htonl(INADDR_LOOPBACK);
	c->lx.lctx.addr = "127.0.0.1";
	if (c->network == EB_NET_VETH) {
		if (!plan->net || !plan->net->up)
			return mc_fail(c, -ENETDOWN, "the veth path is not set up");
		c->lx.ip_be = plan->net->server_ip_be;
		c->lx.lctx.addr = plan->net->server_ip;
	}
	c->lx.lctx.artifact_dir = plan->artifact_dir;
	c->lx.lctx.wasm_dir = plan->wasm_dir;
	c->lx.lctx.iterations = plan->iterations;
	c->lx.start_timeout_ns = mc_start_timeout(c);
	if (c->w->flags & EB_WL_DATABASE) {
		int drc = mc_database_init(c);
		if (drc < 0)
			return drc;
	}
	int port = plan->port;
	if (!port && c->w->kind == EB_WL_SERVER) {
		port = eb_free_port();
		if (port < 0)
			return mc_fail(c, port, "cannot find a free loopback port: %s", strerror(-port));
	}
	c->lx.lctx.port = (uint16_t)port;
	if (c->network == EB_NET_VETH && port)
		eb_netpath_allow_port(plan->net, (uint16_t)port);
	snprintf(c->lx.lctx.instance, sizeof(c->lx.lctx.instance), "edgebench-%d-N", (int)getpid());
	int rc = eb_rt_command(c->rt, &c->lx.lctx, c->mode, c->w, &c->lx.argv);
	if (rc < 0) {
		if (rc == -ENOTSUP && c->lx.argv.why[0])
			snprintf(c->err, sizeof(c->err), "%s", c->lx.argv.why);
		else if (rc == -ENOTSUP && c->rt->unsupported)
			snprintf(c->err, sizeof(c->err), "%s", c->rt->unsupported);
		else
			mc_fail(c, rc, "%s cannot run %s (%s)", c->rt->name, c->w->name, strerror(-rc));
		return rc;
	}
	char cmd[1200];
	eb_argv_join(&c->lx.argv, cmd, sizeof(cmd));
	json_object_set_new(c->json, "command", json_string(cmd));
	const struct eb_rt_mode *m = eb_rt_mode_find(c->rt, c->mode);
	if (m && m->note)
		json_object_set_new(c->json, "mode_note", json_string(m->note));
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
			json_object_set_new(mc_values(c), "expected_digest", json_string(c->expect.text));
			json_object_set_new(mc_values(c), "iterations", json_integer((json_int_t)plan->iterations));
		}
	}
	/* a cell of another network condition has its own log */
	snprintf(c->lx.stderr_path, sizeof(c->lx.stderr_path), "%s/%s-%s-%s%s%s%s.stderr", plan->log_dir, c->rt->name,
		 c->mode, c->w->name, mc_default_path(c) ? "" : "@", mc_default_path(c) ? "" : eb_network_name(c->network),
		 c->firewall ? "-firewall-on" : "");
	c->lx.stderr_fd = open(c->lx.stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (c->lx.stderr_fd < 0)
		return mc_fail(c, -errno, "cannot open %s: %s", c->lx.stderr_path, strerror(errno));
	return 0;
}

/* A batch cell's planned runs: the plan's count for its workload. */
unsigned mc_tr_runs(const struct eb_cell *c) { return c->plan->runs[eb_workload_index(c->w)]; }

/* The sustained totals over every round, as values.sustained_<mode>. */
void mc_sustained_values(struct eb_cell *c)
{
	for (int m = 0; m < 3; m++) {
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
		json_object_set_new(mc_values(c), m == 0 ? "sustained_keepalive" : m == 1 ? "sustained_close" : "sustained_mix", o);
	}
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
		unsigned planned = mc_tr_runs(c);
		json_object_set_new(mc_values(c), "runs", json_pack("{s:i, s:i, s:f, s:b}", "planned", (int)planned,
			"done", (int)c->runs_done, "budget_seconds", (double)c->plan->cell_budget_ns / 1e9,
			"stopped_by_budget", c->budget_stopped));
		if (c->budget_stopped)
			mc_warn(c, "stopped after %u of %u runs: the cell's time budget of %.0f s was spent (--cell-budget)",
			     c->runs_done, planned, (double)c->plan->cell_budget_ns / 1e9);
	} else {
		mc_sustained_values(c);
		if (!c->done && !json_object_get(mc_checks(c), "zero_errors"))
			json_object_set_new(mc_checks(c), "zero_errors", json_true());
	}
	if (c->lx.stderr_fd >= 0)
		close(c->lx.stderr_fd);
	c->lx.stderr_fd = -1;
}
