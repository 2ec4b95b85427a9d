/*
 * phases_server: the phases of a server cell: prime, cold start, full cold, deploy cold start,
 * warm-up and memory, sequential, /state, bursts, sustained load.
 */
#include "measure/phase.h"
#include "measure/phases.h"
#include "measure/study.h"
#include "catalog/series.h"
#include "data/stats.h"
#include "net/load.h"
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

/*
 * What a process of a deployment is, from its name: a 1.x host starts the
 * HTTP server provider from a file it names after the archive's path, so
 * its comm is a truncated path ("_var_cache_edge"), not a name a reader knows.
 */
const char *mc_process_role(const char *comm)
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

void mc_note_process(void *arg, pid_t pid, const char *comm, uint64_t rss_bytes, uint64_t pss_bytes)
{
	json_array_append_new((json_t *)arg, json_pack("{s:s, s:s, s:i, s:I, s:I}", "name", comm, "role", mc_process_role(comm),
						      "pid", (int)pid, "rss_bytes", (json_int_t)rss_bytes,
						      "pss_bytes", (json_int_t)pss_bytes));
}

/* How many "undeployed" marks the running deployment has reported, and the last one's time. */
unsigned mc_undeploy_marks(struct eb_cell *c, uint64_t *last_ns)
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
int ph_deploy_cold(struct eb_cell *c, unsigned t)
{
	uint64_t at = 0;
	unsigned before = mc_undeploy_marks(c, &at);
	if (kill(c->in.proc.pid, SIGUSR1) < 0)
		return mc_fail(c, -errno, "cannot signal the deployment: %s", strerror(errno));
	uint64_t deadline = eb_now_ns() + DEPLOYMENT_START_TIMEOUT_NS;
	while (mc_undeploy_marks(c, &at) == before) {
		if (eb_interrupted)
			return -EINTR;
		if (eb_proc_exited(&c->in.proc))
			return mc_fail(c, -ECHILD, "the deployment exited while its application was undeployed");
		if (eb_now_ns() > deadline)
			return mc_fail(c, -ETIMEDOUT, "the deployment did not undeploy its application within %.0f s",
				    (double)DEPLOYMENT_START_TIMEOUT_NS / 1e9);
		eb_sleep_ns(2000000ull);
	}
	struct eb_probe_result pr;
	int rc = eb_probe_until_ok(c->lx.ip_be, c->lx.lctx.port, c->w->path, &c->in.proc, at + DEPLOYMENT_START_TIMEOUT_NS,
				   c->plan->probe_spacing_ns, &pr);
	if (rc < 0)
		return rc == -EINTR ? rc : mc_fail(c, rc, "no HTTP 200 after the redeploy (%s)", strerror(-rc));
	double v = (double)(pr.ready_ns - at);
	return mc_add(c, "deploy_cold_start", NULL, &v, 1, (int32_t)t);
}

/* ---- the phases ----------------------------------------------------- */

/* 0. one unmeasured start: page cache, and the runtime's compilation cache
 * in modes that keep one (the "warm" in cache-warm) */
int ph_prime(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_instance in;
	uint64_t ready;
	int rc = mc_start_server(c, &in, &ready);
	if (rc == 0)
		mc_stop_instance(c, &in);
	return rc;
}

/* cold start: a fresh instance per trial */
int ph_cold_start(struct eb_cell *c, unsigned t)
{
	struct eb_instance in;
	uint64_t ready;
	int rc = mc_start_server(c, &in, &ready);
	if (rc < 0)
		return rc;
	/* the stages a multi-process deployment reported, from the same launch */
	struct eb_mark marks[16];
	size_t nm = eb_rt_start_marks(c->rt, &in, marks, sizeof(marks) / sizeof(marks[0]));
	mc_stop_instance(c, &in);
	double v = (double)ready;
	rc = mc_add(c, "cold_start", NULL, &v, 1, (int32_t)t);
	for (size_t i = 0; i < nm && rc == 0; i++) {
		if (marks[i].at_ns == 0 && marks[i].note[0]) {
			/* a note about this start, by trial: values.start_notes.<name>[] */
			json_t *notes = json_object_get(mc_values(c), "start_notes");
			if (!notes)
				json_object_set_new(mc_values(c), "start_notes", notes = json_object());
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
		rc = mc_add(c, name, marks[i].name, &d, 1, (int32_t)t);
	}
	return rc;
}

/* full cold: the deployable artifact rebuilt from source before the start */
int ph_full_cold(struct eb_cell *c, unsigned t)
{
	uint64_t b0 = eb_now_ns();
	int rc = eb_rt_rebuild(c->rt, &c->lx.lctx, c->mode, c->err, sizeof(c->err));
	if (rc < 0)
		return c->err[0] ? rc : mc_fail(c, rc, "rebuild failed");
	uint64_t build = eb_now_ns() - b0, ready;
	if (eb_interrupted)
		return -EINTR;
	struct eb_instance in;
	if ((rc = mc_start_server(c, &in, &ready)) < 0)
		return rc;
	mc_stop_instance(c, &in);
	double b = (double)build, r = (double)ready, tot = (double)(build + ready);
	return mc_add(c, "full_cold_build", NULL, &b, 1, (int32_t)t) ?: mc_add(c, "full_cold_start", NULL, &r, 1, (int32_t)t) ?:
	       mc_add(c, "full_cold_total", NULL, &tot, 1, (int32_t)t);
}

/* warm-up requests, then the footprint of the warm instance (and the
 * runtime's shared daemons, when it has them) */
int ph_warmup(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_load_result lr;
	struct eb_load_config cfg = { .connections = 1, .requests = c->plan->warmup_requests, .keepalive = 1 };
	int rc;
	if (c->plan->warmup_requests) {
		if ((rc = mc_run_load(c, "warm-up", &cfg, &lr)) < 0)
			return rc;
		mc_note_load_errors(c, "warmup", &lr);
	}
	struct fp_sampler *fs = calloc(1, sizeof(*fs)), *shared = calloc(1, sizeof(*shared));
	if (!fs || !shared) {
		free(fs);
		free(shared);
		return mc_fail(c, -ENOMEM, "out of memory");
	}
	fs->c = shared->c = c;
	fs->in = &c->in;
	for (unsigned i = 0; i < AFTER_WARMUP_SAMPLES; i++) {
		mc_sample_footprint(fs);
		if (c->rt->flags & EB_RT_SHARED_DAEMON)
			mc_sample_footprint(shared);
		eb_sleep_ns(AFTER_WARMUP_GAP_NS);
	}
	if (fs->n == 0)
		rc = mc_fail(c, -EIO, "cannot sample the instance's footprint");
	else
		rc = mc_sampler_series(c, fs, "%s_after_warmup", -1) ?:
		     (shared->n ? mc_sampler_series(c, shared, "shared_%s_after_warmup", -1) : 0);
	free(fs);
	free(shared);
	/* a deployment of several processes: each one apart (the study summed them) */
	if (rc == 0 && mc_deployment(c)) {
		json_t *procs = json_array();
		struct eb_footprint sum;
		if (eb_footprint_tree_each("/proc", c->in.proc.pid, &sum, mc_note_process, procs) == 0)
			json_object_set_new(mc_values(c), "processes", procs);
		else
			json_decref(procs);
	}
	return rc;
}

/* warm latency, sequential on one keep-alive connection */
int ph_sequential(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_load_result lr;
	struct eb_load_config cfg = { .connections = 1, .requests = c->plan->warm_requests,
				      .keepalive = 1, .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX };
	int rc = mc_run_load(c, "sequential reads", &cfg, &lr);
	if (rc < 0)
		return rc;
	mc_note_load_errors(c, "warm", &lr);
	return mc_add(c, "warm_latency", NULL, c->ws->scratch, lr.samples_len, -1);
}

struct state_check {
	json_t *seen;         /* every /state body as a number (-1: not a number) */
	uint64_t expect;      /* next value /state should return */
	uint64_t mismatches;
	char first_bad[64];
	uint64_t first_expected;
};

void mc_check_state(void *arg, const struct eb_http_response *r)
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
int ph_state(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct state_check sc = { .expect = 1, .seen = json_array() };
	json_object_set_new(mc_values(c), "state_responses", sc.seen);   /* the cell owns it; sc borrows */
	struct eb_load_result lr;
	struct eb_load_config cfg = { .path = "/state", .connections = 1, .requests = c->plan->warm_requests,
				      .keepalive = 1, .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX,
				      .on_response = mc_check_state, .response_arg = &sc };
	int rc = mc_run_load(c, "sequential GET /state", &cfg, &lr);
	if (rc < 0)
		return rc;
	mc_note_load_errors(c, "state", &lr);
	json_object_set_new(mc_checks(c), "state_counts_exactly",
			    json_boolean(sc.mismatches == 0 && lr.completed == c->plan->warm_requests));
	if (sc.mismatches)
		mc_warn(c, "/state did not count up by one per request: %llu of %llu responses differed, first: expected %llu, got \"%s\"",
		     (unsigned long long)sc.mismatches, (unsigned long long)lr.completed,
		     (unsigned long long)sc.first_expected, sc.first_bad);
	return mc_add(c, "state_latency", NULL, c->ws->scratch, lr.samples_len, -1);
}

/* bursts: the study's 200 requests at concurrency 10, one per trial */
int ph_burst(struct eb_cell *c, unsigned t)
{
	struct eb_load_result lr;
	struct eb_load_config cfg = { .connections = c->plan->burst_concurrency,
				      .requests = c->plan->burst_requests, .keepalive = 1,
				      .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX };
	char what[64];
	snprintf(what, sizeof(what), "burst %u", t + 1);
	int rc = mc_run_load(c, what, &cfg, &lr);
	if (rc < 0)
		return rc;
	mc_note_load_errors(c, "burst", &lr);
	double rps = lr.elapsed_ns ? (double)lr.completed * 1e9 / (double)lr.elapsed_ns : 0;
	return mc_add(c, "burst_latency", NULL, c->ws->scratch, lr.samples_len, (int32_t)t) ?:
	       mc_add(c, "burst_throughput", NULL, &rps, 1, (int32_t)t);
}

/*
 * One round of sustained load: a fresh instance, warmed up, then
 * keep-alive and connection-per-request for sustained_ns / rounds each,
 * with the footprint sampled every 100 ms and the instance's CPU time
 * before and after.  A fresh instance per round keeps instances of other
 * cells from idling next to the one under load.
 */
struct created { uint64_t n; };

static void count_created(void *arg, const struct eb_http_response *r)
{
	if (r->status == 201)
		((struct created *)arg)->n++;
}

int ph_sustained(struct eb_cell *c, unsigned t)
{
	const struct eb_plan *pl = c->plan;
	int rc = eb_cell_ensure_instance(c);
	if (rc < 0)
		return rc;
	struct eb_load_result lr;
	struct eb_load_config cfg = { .connections = 1, .requests = pl->warmup_requests, .keepalive = 1 };
	char what[96];
	snprintf(what, sizeof(what), "the warm-up of sustained round %u", t + 1);
	if (pl->warmup_requests && (rc = mc_run_load(c, what, &cfg, &lr)) < 0)
		goto out;
	struct fp_sampler *fs = calloc(1, sizeof(*fs));
	if (!fs) {
		rc = mc_fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	uint64_t dur = pl->sustained_ns / (pl->sustained_rounds ? pl->sustained_rounds : 1);
	/* a database workload adds a 90/10 read/write mix on keep-alive connections */
	int flavours = c->w->flags & EB_WL_DATABASE ? 3 : 2;
	for (int m = 0; m < flavours && rc == 0; m++) {
		const char *tag = m == 0 ? "keepalive" : m == 1 ? "close" : "mix";
		struct created cr = { 0 };
		long long rows0 = 0, rows1 = 0;
		if (m == 2 && (rc = mc_database_rows(c, &rows0)) < 0)
			break;
		progress(c, "%s/%s/%s: sustained %s, round %u/%u", c->rt->name, c->mode, c->w->name, tag, t + 1, pl->sustained_rounds);
		struct eb_sample s0, s1;
		int cpu_ok = mc_sample_instance(c, &c->in, &s0) == 0 && s0.has_cpu;
		memset(fs, 0, sizeof(*fs));
		fs->c = c;
		fs->in = &c->in;
		cfg = (struct eb_load_config){ .connections = pl->sustained_connections,
					       .duration_ns = dur, .keepalive = m != 1,
					       .mix = m == 2 ? c->rw_mix : NULL, .n_mix = m == 2 ? EB_RW_MIX : 0,
					       .on_response = m == 2 ? count_created : NULL, .response_arg = &cr,
					       .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX,
					       .window_ns = THROUGHPUT_WINDOW_NS, .windows = c->ws->windows, .windows_cap = EB_WINDOWS_MAX,
					       .on_tick = mc_sample_footprint, .tick_arg = fs, .tick_ns = FOOTPRINT_TICK_NS };
		snprintf(what, sizeof(what), "sustained %s load, round %u", tag, t + 1);
		if ((rc = mc_run_load(c, what, &cfg, &lr)) < 0)
			break;
		cpu_ok = cpu_ok && mc_sample_instance(c, &c->in, &s1) == 0 && s1.has_cpu;
		if (m == 2) {
			/* the rows follow the 201s, round by round */
			if ((rc = mc_database_rows(c, &rows1)) < 0)
				break;
			/* a POST in flight when the round ended may have been written without its 201 seen */
			long long grew = rows1 - rows0;
			int ok = grew >= (long long)cr.n && grew <= (long long)(cr.n + lr.unanswered_at_end);
			json_t *chk = json_object_get(mc_checks(c), "row_count_follows_mix");
			json_object_set_new(mc_checks(c), "row_count_follows_mix", json_boolean(ok && (!chk || json_is_true(chk))));
			json_t *rounds = json_object_get(mc_values(c), "mix_rows");
			if (!rounds) {
				rounds = json_array();
				json_object_set_new(mc_values(c), "mix_rows", rounds);
			}
			json_array_append_new(rounds, json_pack("{s:i, s:I, s:I, s:I, s:I}", "round", (int)t, "before", (json_int_t)rows0,
								"created_201", (json_int_t)cr.n, "unanswered_at_end",
								(json_int_t)lr.unanswered_at_end, "after", (json_int_t)rows1));
			if (!ok)
				mc_warn(c, "mix round %u: rows went from %lld to %lld after %llu 201s and %llu requests unanswered at the end",
					t + 1, rows0, rows1, (unsigned long long)cr.n, (unsigned long long)lr.unanswered_at_end);
		}
		char phase[64], name[96];
		snprintf(phase, sizeof(phase), "sustained_%s", tag);
		mc_note_load_errors(c, phase, &lr);
		if (lr.samples_len < lr.completed)
			mc_warn(c, "%s round %u: kept %zu of %llu latency samples (cap)", phase, t + 1, lr.samples_len,
			     (unsigned long long)lr.completed);
		snprintf(name, sizeof(name), "sustained_%s_latency", tag);
		if ((rc = mc_add(c, name, NULL, c->ws->scratch, lr.samples_len, (int32_t)t)) < 0)
			break;
		/* this round's p50 and p99, a figure per trial that pairs across cells */
		if (lr.samples_len > 0) {
			eb_sort_doubles(c->ws->scratch, lr.samples_len);
			static const double pct[] = { 50, 99 };
			for (int k = 0; k < 2 && rc == 0; k++) {
				double v = eb_percentile(c->ws->scratch, lr.samples_len, pct[k]);
				snprintf(name, sizeof(name), "sustained_%s_p%.0f", tag, pct[k]);
				rc = mc_add(c, name, NULL, &v, 1, (int32_t)t);
			}
			if (rc < 0)
				break;
		}
		/* throughput per window; the last, partial window is dropped */
		size_t nw = lr.windows_len > 1 ? lr.windows_len - 1 : lr.windows_len;
		snprintf(name, sizeof(name), "sustained_%s_throughput", tag);
		for (size_t i = 0; i < nw && rc == 0; i++) {
			double v = (double)c->ws->windows[i] * (1e9 / (double)THROUGHPUT_WINDOW_NS);
			rc = mc_add(c, name, NULL, &v, 1, (int32_t)t);
		}
		snprintf(name, sizeof(name), "sustained_%s_%%s", tag);
		if (rc < 0 || (rc = mc_sampler_series(c, fs, name, (int32_t)t)) < 0)
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

