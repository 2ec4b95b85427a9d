/*
 * phases_scale: the phases that scale: the open-loop latency curve, scale from zero, density.
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
 * One point of the latency curve: a fresh instance, warmed up, then an open
 * loop at curve_pct[t]% of the cell's closed-loop keep-alive throughput
 * (the sustained rounds' total), latency from each request's due time.
 * Its percentiles and the rate achieved go to values.latency_curve.
 */
int ph_curve(struct eb_cell *c, unsigned t)
{
	const struct eb_plan *pl = c->plan;
	if (!c->sus[0].elapsed_ns || !c->sus[0].requests)
		return mc_fail(c, -ENODATA, "no closed-loop throughput to take the latency curve's rates from");
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
	struct eb_load_config cfg = { .connections = 1, .requests = pl->warmup_requests, .keepalive = 1 };
	if (pl->warmup_requests && (rc = mc_run_load(c, what, &cfg, &lr)) < 0)
		goto out;
	progress(c, "%s/%s/%s: open loop at %u%% (%.0f req/s)", c->rt->name, c->mode, c->w->name, pl->curve_pct[t], rate);
	snprintf(what, sizeof(what), "open-loop load at %u%% of its throughput", pl->curve_pct[t]);
	cfg = (struct eb_load_config){ .connections = pl->curve_connections, .duration_ns = pl->curve_ns,
				       .keepalive = 1, .rate_per_s = rate, .samples = c->ws->scratch,
				       .samples_cap = EB_LOAD_SAMPLES_MAX };
	if ((rc = mc_run_load(c, what, &cfg, &lr)) < 0)
		goto out;
	mc_note_load_errors(c, "curve", &lr);
	char name[64];
	snprintf(name, sizeof(name), "curve_%upct_latency", pl->curve_pct[t]);
	if ((rc = mc_add(c, name, NULL, c->ws->scratch, lr.samples_len, (int32_t)t)) < 0)
		goto out;
	struct eb_summary sum;
	json_t *curve = json_object_get(mc_values(c), "latency_curve");
	if (!curve) {
		curve = json_array();
		json_object_set_new(mc_values(c), "latency_curve", curve);
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
int ph_coldburst(struct eb_cell *c, unsigned t)
{
	unsigned n = c->plan->burst_sizes[t];
	struct eb_instance *ins = calloc(n, sizeof(*ins));
	uint16_t *ports = calloc(n, sizeof(*ports));
	uint64_t *ready = calloc(n, sizeof(*ready));
	double *start = calloc(n, sizeof(*start));
	uint16_t saved_port = c->lx.lctx.port;
	unsigned launched = 0, up = 0;
	int rc = 0;
	if (!ins || !ports || !ready || !start) {
		rc = mc_fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		int port = eb_free_port();
		if (port < 0) {
			rc = mc_fail(c, port, "cannot find a free loopback port: %s", strerror(-port));
			goto out;
		}
		ports[i] = (uint16_t)port;
	}
	progress(c, "%s/%s/%s: %u instances at once", c->rt->name, c->mode, c->w->name, n);
	for (; launched < n; launched++) {
		c->lx.lctx.port = ports[launched];
		if ((rc = mc_launch(c, 0, &ins[launched])) < 0)
			goto out;
	}
	uint64_t t0 = ins[0].proc.launch_ns, deadline = t0 + c->plan->start_timeout_ns;
	int timed_out = 0;
	while (up < n && !timed_out) {
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
				/* a result, not a failure of the cell: N at once did not all start in time */
				timed_out = 1;
				break;
			}
			int status;
			rc = eb_probe_once(c->lx.ip_be, ports[i], c->w->path, &ins[i].proc,
					   now + 200000000ull < deadline ? now + 200000000ull : deadline, &status);
			if (rc == 0) {
				ready[i] = eb_now_ns();
				up++;
				progressed = 1;
			} else if (rc == -ECHILD) {
				char st[96], line[300];
				eb_describe_status(ins[i].proc.wait_status, st, sizeof(st));
				mc_last_stderr_line(c, line, sizeof(line));
				rc = mc_fail(c, rc, "scale from zero: instance %u of %u exited (%s) before answering%s%s",
					  i + 1, n, st, line[0] ? ": " : "", line);
				mc_note_crash(c, "scale from zero", ins[i].proc.wait_status);
				goto out;
			} else if (rc == -EINTR) {
				goto out;
			}
			rc = 0;
		}
		if (!progressed && up < n && !timed_out)
			eb_sleep_ns(c->plan->probe_spacing_ns);
	}
	uint64_t last = 0;
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!ready[i])
			continue;
		start[k++] = (double)(ready[i] - ins[i].proc.launch_ns);
		if (ready[i] > last)
			last = ready[i];
	}
	char name[64];
	snprintf(name, sizeof(name), "coldburst_n%u_start", n);
	if (k && (rc = mc_add(c, name, NULL, start, k, (int32_t)t)) < 0)
		goto out;
	json_t *arr = json_object_get(mc_values(c), "scale_from_zero");
	if (!arr) {
		arr = json_array();
		json_object_set_new(mc_values(c), "scale_from_zero", arr);
	}
	json_t *pt = json_pack("{s:i, s:i, s:f}", "instances", (int)n, "answered", (int)up,
			       "launch_spread_ns", (double)(ins[n - 1].proc.launch_ns - t0));
	if (timed_out) {
		/* no all-ready time: not every instance answered within --start-timeout */
		json_object_set_new(pt, "not_ready_by_start_timeout", json_integer(n - up));
		mc_warn(c, "scale from zero: %u of %u instances launched at once answered within the start timeout (%.1f s)",
			up, n, (double)c->plan->start_timeout_ns / 1e9);
	} else {
		json_object_set_new(pt, "all_ready_ns", json_real((double)(last - t0)));
	}
	json_array_append_new(arr, pt);
	json_t *chk = json_object_get(mc_checks(c), "scale_from_zero_all_ready");
	json_object_set_new(mc_checks(c), "scale_from_zero_all_ready", json_boolean(!timed_out && (!chk || json_is_true(chk))));
out:
	for (unsigned i = 0; i < launched; i++)
		mc_stop_instance(c, &ins[i]);
	c->lx.lctx.port = saved_port;
	free(ins);
	free(ports);
	free(ready);
	free(start);
	return rc;
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

int ph_density(struct eb_cell *c, unsigned t)
{
	(void)t;
	const struct eb_plan *pl = c->plan;
	unsigned max = pl->density_max;
	struct eb_instance *ins = calloc(max, sizeof(*ins));
	double *start = calloc(max, sizeof(double)), *addv = calloc(max, sizeof(double));
	double *newest = calloc(max, sizeof(double)), *usage = calloc(max, sizeof(double));
	uint16_t *ports = calloc(max, sizeof(*ports));
	uint16_t saved_port = c->lx.lctx.port;
	unsigned up = 0;
	int rc = 0, have_cg = 0;
	const char *add_name = NULL, *add_desc = NULL, *stopped_by = "the count cap (--density-max)";
	char why[600] = "", tag[32];
	struct eb_cgroup cg;
	uint64_t used = 0, used_at_stop = 0, t0 = eb_now_ns();
	if (!ins || !start || !addv || !newest || !usage || !ports) {
		rc = mc_fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	snprintf(tag, sizeof(tag), "density%u", ++density_seq);
	char cgerr[300];
	if (eb_cgroup_create(tag, &cg, cgerr, sizeof(cgerr)) == 0) {
		have_cg = 1;
		c->lx.lctx.cgroup_parent = cg.rel;
		c->lx.cg = &cg;
	} else {
		mc_warn(c, "density: %s; the sweep stops at its caps only and no usage is measured", cgerr);
	}
	for (; up < max; up++) {
		if (eb_now_ns() - t0 >= pl->density_time_ns) {
			stopped_by = "the time cap (--density-time)";
			break;
		}
		progress(c, "%s/%s/%s: density %u (%.0f MiB)", c->rt->name, c->mode, c->w->name, up + 1, (double)used / 1048576.0);
		int port = eb_free_port();
		if (port < 0) {
			rc = mc_fail(c, port, "cannot find a free loopback port: %s", strerror(-port));
			goto out;
		}
		c->lx.lctx.port = ports[up] = (uint16_t)port;
		uint64_t ready;
		if ((rc = mc_start_server(c, &ins[up], &ready)) < 0) {
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
		if (mc_sample_instance(c, &ins[up], &smp) == 0 && smp.additive >= 0)
			newest[up] = smp.mem[smp.additive].bytes;
		if (have_cg && eb_cgroup_usage(&cg, &used) == 0)
			usage[up] = (double)used;
		/* every tenth start, the earlier instances must all still answer */
		if ((up + 1) % 10 == 0) {
			for (unsigned i = 0; i < up; i++) {
				int status;
				if (eb_probe_once(c->lx.ip_be, ports[i], c->w->path, &ins[i].proc, eb_now_ns() + pl->start_timeout_ns, &status) < 0) {
					snprintf(why, sizeof(why), "instance %u stopped answering with %u running", i + 1, up + 1);
					stopped_by = "an earlier instance stopped answering";
					up++;
					goto sample;
				}
			}
		}
		if (have_cg && used >= pl->density_budget_bytes) {
			stopped_by = "the memory budget (--density-budget)";
			used_at_stop = used;
			up++;
			break;
		}
	}
sample:
	/* all of them up at once: each still answers, then the footprint */
	for (unsigned i = 0; i < up; i++) {
		struct eb_probe_result pr;
		struct eb_sample smp;
		rc = eb_probe_until_ok(c->lx.ip_be, ports[i], c->w->path, &ins[i].proc, eb_now_ns() + pl->start_timeout_ns,
				       pl->probe_spacing_ns, &pr);
		if (rc < 0) {
			mc_fail(c, rc, "density: instance %u of %u (port %u) stopped answering: %s",
			     i + 1, up, (unsigned)ports[i], strerror(-rc));
			goto out;
		}
		if ((rc = mc_sample_instance(c, &ins[i], &smp)) < 0) {
			mc_fail(c, rc, "density: cannot sample instance %u of %u", i + 1, up);
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
	rc = mc_add(c, "density_start", NULL, start, up, -1);
	if (rc == 0 && have_cg)
		rc = mc_add(c, "density_cgroup_usage", NULL, usage, up, -1);
	if (rc == 0 && add_name) {
		char name[96];
		snprintf(name, sizeof(name), "density_%s", add_name);
		rc = mc_add(c, name, add_desc, addv, up, -1);
		snprintf(name, sizeof(name), "density_newest_%s", add_name);
		rc = rc ?: mc_add(c, name, add_desc, newest, up, -1);
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
			/* the reading that stopped the sweep; the one above is taken after every instance answered
			 * again, and the kernel may have given some back by then */
			if (used_at_stop)
				json_object_set_new(d, "cgroup_bytes_at_stop", json_real((double)used_at_stop));
			json_object_set_new(d, "instances_per_gib_measured",
					    json_real(used > 0 ? (double)up * 1073741824.0 / (double)used : 0.0));
		}
		json_object_set_new(mc_values(c), "density", d);
	}
out:
	for (unsigned i = 0; i < up; i++)
		mc_stop_instance(c, &ins[i]);
	if (have_cg)
		eb_cgroup_remove(&cg);
	c->lx.lctx.cgroup_parent = NULL;
	c->lx.cg = NULL;
	c->lx.lctx.port = saved_port;
	free(ins);
	free(start);
	free(addv);
	free(newest);
	free(usage);
	free(ports);
	return rc;
}

