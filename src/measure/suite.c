/*
 * suite: the plan and the scheduler.  For every workload, the cells that
 * run it walk the phase table (phase_table.c) together: an interleaved phase
 * round by round, each round in a freshly shuffled order after a
 * calibration of the machine; a run of other phases cell by cell.  The
 * schedule that ran and the calibrations go into the results document.
 */
#include "measure/suite.h"
#include "measure/calib.h"
#include "measure/dataset.h"
#include "sys/clock.h"
#include "measure/phase.h"
#include "sys/proc.h"
#include "net/netpath.h"
#include "data/stats.h"


#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


struct suite {
	const struct eb_plan *plan;
	struct eb_workspace ws;
	json_t *schedule, *calibration;
	struct eb_calib calib;
	uint64_t t0;
	uint64_t round;             /* rounds started so far */
	uint64_t est_total_ns, est_done_ns;
};

#define progress(c, ...)                                   \
	do {                                               \
		if ((c)->plan->progress)                   \
			(c)->plan->progress(__VA_ARGS__);  \
	} while (0)

static void eta(struct suite *s, char *buf, size_t cap)
{
	uint64_t el = eb_now_ns() - s->t0;
	/* scale what is left by how fast the estimate has been consumed, once
	 * enough of it has been to say (the first phases are the least typical) */
	double speed = 1.0;
	if (s->est_done_ns * 10 >= s->est_total_ns && s->est_done_ns > 0)
		speed = (double)el / (double)s->est_done_ns;
	speed = speed < 0.5 ? 0.5 : speed > 3.0 ? 3.0 : speed;
	double left = s->est_total_ns > s->est_done_ns ? (double)(s->est_total_ns - s->est_done_ns) * speed / 1e9 : 0;
	snprintf(buf, cap, "about %d:%02d left", (int)left / 60, (int)left % 60);
}

/* A calibration before every round, recorded with the round's number. */
static void calibrate(struct suite *s)
{
	struct eb_calib_sample cs;
	(void)eb_calib_sample(&s->calib, &cs);
	json_t *o = json_pack("{s:I, s:I, s:I, s:I}", "round", (json_int_t)s->round, "at_ns",
			      (json_int_t)(eb_now_ns() - s->t0), "kernel_ns", (json_int_t)cs.kernel_ns,
			      "kernel_median_ns", (json_int_t)cs.kernel_median_ns);
	json_object_set_new(o, "steal_pct", cs.steal_pct >= 0 ? json_real(cs.steal_pct) : json_null());
	json_object_set_new(o, "busy_pct", cs.busy_pct >= 0 ? json_real(cs.busy_pct) : json_null());
	json_object_set_new(o, "loadavg_1m", cs.loadavg_1m >= 0 ? json_real(cs.loadavg_1m) : json_null());
	json_array_append_new(s->calibration, o);
}


/*
 * Put the cell's path in place before it is measured: client sockets in
 * the client namespace for veth, and our firewall table present exactly
 * while a firewall-on cell runs (so the other cells run without it and
 * without the connection tracking it switches on).
 */
static int use_path(struct eb_cell *c)
{
	struct eb_netpath *np = c->plan->net;
	eb_netpath_use(c->network == EB_NET_VETH ? np : NULL);
	if (!np)
		return c->firewall || c->network == EB_NET_VETH ? -ENETDOWN : 0;
	int rc = eb_netpath_firewall(np, c->firewall, c->err, sizeof(c->err));
	return rc;
}

/* Run one trial of a phase for a cell, recording it in the schedule. */
static int run_trial(struct suite *s, struct eb_cell *c, const struct eb_phase *p, unsigned t, int in_round)
{
	char left[32];
	eta(s, left, sizeof(left));
	unsigned n = p->trials(c);
	progress(c, "[%s] %s/%s/%s: %s %u/%u", left, c->rt->name, c->mode, c->w->name, p->name, t + 1, n);
	json_t *e = json_pack("{s:o, s:s, s:s, s:s, s:s, s:i, s:I}", "round",
			      in_round ? json_integer((json_int_t)s->round - 1) : json_null(),
			      "runtime", c->rt->name, "mode", c->mode, "workload", c->w->name, "phase", p->name,
			      "trial", (int)t, "started_ns", (json_int_t)(eb_now_ns() - s->t0));
	if (c->w->kind == EB_WL_SERVER) {
		json_object_set_new(e, "network", json_string(eb_network_name(c->network)));
		json_object_set_new(e, "firewall", json_string(c->firewall ? "on" : "off"));
	}
	json_array_append_new(s->schedule, e);
	c->err[0] = '\0';
	int rc = use_path(c);
	if (rc == 0)
		rc = p->run(c, t);
	if (rc == 0 && p->on_instance)
		rc = eb_cell_check_instance(c, p->name);
	s->est_done_ns += p->estimate_ns(c);
	if (rc == -EINTR || eb_interrupted)
		return -EINTR;
	if (rc < 0)
		eb_cell_done(c, rc == -ENOTSUP ? "unsupported" : "failed", c->err[0] ? c->err : strerror(-rc));
	return 0;
}

/* Does cell c take trial t of phase p?  (A batch cell past its budget stops.) */
static int takes(struct eb_cell *c, const struct eb_phase *p, unsigned t)
{
	if (c->done || t >= p->trials(c))
		return 0;
	return !(p->budgeted && eb_cell_over_budget(c, t));
}

/* The estimated cost of the phases after phase index q for cell c. */
static uint64_t cost_after(const struct eb_cell *c, size_t q)
{
	uint64_t sum = 0;
	for (size_t i = q + 1; i < eb_phase_count; i++)
		if (eb_phases[i].kind == c->w->kind)
			sum += (uint64_t)eb_phases[i].trials(c) * eb_phases[i].estimate_ns(c);
	return sum;
}

static int flush_all(struct eb_cell **cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = eb_cell_flush(cells[i]);
		if (rc < 0 && !cells[i]->done)
			eb_cell_done(cells[i], "failed", cells[i]->err);
	}
	return 0;
}

/*
 * Every phase of one workload's kind for the given cells: interleaved
 * phases round by round, each round in a freshly shuffled order after a
 * calibration; runs of consecutive other phases cell by cell (the cell's
 * warm instance lives through the run of phases that need it).
 */
static int run_group(struct suite *s, struct eb_cell **cells, size_t n)
{
	enum eb_workload_kind kind = cells[0]->w->kind;
	unsigned *order = calloc(n, sizeof(*order));
	if (!order)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < eb_phase_count && rc == 0;) {
		const struct eb_phase *p = &eb_phases[i];
		if (p->kind != kind) {
			i++;
			continue;
		}
		if (p->interleaved) {
			unsigned maxt = 0;
			for (size_t k = 0; k < n; k++)
				if (!cells[k]->done && p->trials(cells[k]) > maxt)
					maxt = p->trials(cells[k]);
			if (maxt && s->plan->note && n > 1) {
				char left[32];
				eta(s, left, sizeof(left));
				s->plan->note("%s: %u rounds across %zu cells of %s, %s (%s)", p->name, maxt, n,
					      cells[0]->w->name, eb_order_name(s->plan->order), left);
			}
			for (unsigned t = 0; t < maxt && rc == 0; t++) {
				int any = 0;
				for (size_t k = 0; k < n; k++)
					any |= takes(cells[k], p, t);
				if (!any)
					break;
				calibrate(s);
				eb_sched_round_order(s->plan->seed, s->plan->order, s->round, order, (unsigned)n);
				s->round++;
				for (size_t k = 0; k < n && rc == 0; k++)
					if (takes(cells[order[k]], p, t))
						rc = run_trial(s, cells[order[k]], p, t, 1);
			}
			flush_all(cells, n);
			i++;
			continue;
		}
		size_t j = i;
		while (j < eb_phase_count && !eb_phases[j].interleaved && eb_phases[j].kind == kind)
			j++;
		for (size_t k = 0; k < n && rc == 0; k++) {
			struct eb_cell *c = cells[k];
			for (size_t q = i; q < j && rc == 0 && !c->done; q++) {
				const struct eb_phase *pq = &eb_phases[q];
				unsigned nt = pq->trials(c);
				if (nt && pq->on_instance && (use_path(c) < 0 || eb_cell_ensure_instance(c) < 0)) {
					if (eb_interrupted) {
						rc = -EINTR;
						break;
					}
					eb_cell_done(c, "failed", c->err);
					break;
				}
				/* a phase that teaches the cell its own cost (a warm-up run)
				 * corrects the estimate of what is left */
				uint64_t before = pq->refines_estimate ? cost_after(c, q) : 0;
				for (unsigned t = 0; t < nt && rc == 0 && !c->done; t++)
					rc = run_trial(s, c, pq, t, 0);
				if (pq->refines_estimate)
					s->est_total_ns = s->est_total_ns - before + cost_after(c, q);
			}
			eb_cell_drop_instance(c);
		}
		flush_all(cells, n);
		i = j;
	}
	free(order);
	return rc;
}

/*
 * The share of a cell's interleaved trials that ran in a round whose
 * calibration was off its run-wide median by more than the threshold.
 */
static void mark_noise(struct suite *s, struct eb_cell *cells, size_t n)
{
	size_t nr = json_array_size(s->calibration);
	if (nr == 0)
		return;
	double *k = malloc(nr * sizeof(*k));
	if (!k)
		return;
	for (size_t r = 0; r < nr; r++)
		k[r] = json_number_value(json_object_get(json_array_get(s->calibration, r), "kernel_ns"));
	struct eb_summary m;
	if (eb_summarize(k, nr, &m) < 0)
		goto out;
	for (size_t r = 0; r < nr; r++)
		json_object_set_new(json_array_get(s->calibration, r), "noisy",
				    json_boolean(m.median > 0 && fabs(k[r] / m.median - 1) > s->plan->noise_threshold));
	for (size_t i = 0; i < n; i++) {
		unsigned total = 0, noisy = 0;
		size_t e;
		json_t *en;
		json_array_foreach(s->schedule, e, en) {
			json_t *r = json_object_get(en, "round");
			json_t *net = json_object_get(en, "network"), *fw = json_object_get(en, "firewall");
			if (!json_is_integer(r) || strcmp(json_string_value(json_object_get(en, "runtime")), cells[i].rt->name) ||
			    strcmp(json_string_value(json_object_get(en, "mode")), cells[i].mode) ||
			    strcmp(json_string_value(json_object_get(en, "workload")), cells[i].w->name) ||
			    (net && strcmp(json_string_value(net), eb_network_name(cells[i].network)) != 0) ||
			    (fw && strcmp(json_string_value(fw), cells[i].firewall ? "on" : "off") != 0))
				continue;
			total++;
			json_int_t ri = json_integer_value(r);
			if (ri >= 0 && (size_t)ri < nr && json_is_true(json_object_get(json_array_get(s->calibration, (size_t)ri), "noisy")))
				noisy++;
		}
		if (total)
			json_object_set_new(json_object_get(cells[i].json, "values"), "noise",
					    json_pack("{s:i, s:i, s:f}", "trials", total, "trials_in_noisy_rounds", noisy,
						      "threshold_pct", s->plan->noise_threshold * 100));
	}
out:
	free(k);
}

static uint64_t cell_estimate_ns(const struct eb_cell *c)
{
	uint64_t total = 0;
	for (size_t p = 0; p < eb_phase_count; p++)
		if (eb_phases[p].kind == c->w->kind)
			total += (uint64_t)eb_phases[p].trials(c) * eb_phases[p].estimate_ns(c);
	return total;
}

uint64_t eb_suite_estimate_ns(const struct eb_plan *plan, const struct eb_cell_spec *specs, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		struct eb_cell c = { .plan = plan, .rt = specs[i].rt, .mode = specs[i].mode, .w = specs[i].w,
				      .network = specs[i].network, .firewall = specs[i].firewall };
		/* a cell its runtime cannot run costs nothing: ask for its command as the cell will */
		struct eb_launch_ctx lctx = { .artifact_dir = plan->artifact_dir, .wasm_dir = plan->wasm_dir,
					      .addr = "127.0.0.1", .port = 1, .iterations = plan->iterations };
		struct eb_argv *argv = malloc(sizeof(*argv));
		int rc = argv ? eb_rt_command(c.rt, &lctx, c.mode, c.w, argv) : 0;
		free(argv);
		if (rc == -ENOTSUP)
			continue;
		total += cell_estimate_ns(&c);
	}
	return total;
}

int eb_suite_run(const struct eb_plan *plan, struct eb_cell_spec *specs, size_t n,
		 struct eb_results *res, int *failed)
{
	struct suite s = { .plan = plan, .ws = { .res = res }, .schedule = json_array(), .calibration = json_array() };
	struct eb_cell *cells = calloc(n ? n : 1, sizeof(*cells));
	struct eb_cell **group = calloc(n ? n : 1, sizeof(*group));
	int rc = 0;
	*failed = 0;
	s.ws.scratch = malloc(EB_LOAD_SAMPLES_MAX * sizeof(double));
	s.ws.windows = calloc(EB_WINDOWS_MAX, sizeof(uint64_t));
	json_object_set_new(res->doc, "schedule", s.schedule);        /* the document owns them */
	json_object_set_new(res->doc, "calibration", s.calibration);
	if (!cells || !group || !s.ws.scratch || !s.ws.windows || !s.schedule || !s.calibration || eb_hist_new(&s.ws.h) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	eb_calib_init(&s.calib, "/proc");
	s.t0 = eb_now_ns();
	for (size_t i = 0; i < n; i++) {
		int irc = eb_cell_init(&cells[i], &s.ws, plan, &specs[i]);
		if (irc < 0)
			eb_cell_done(&cells[i], irc == -ENOTSUP ? "unsupported" : "failed", cells[i].err);
		else
			s.est_total_ns += cell_estimate_ns(&cells[i]);   /* the cells that will run */
	}
	/* one workload at a time; within it, every cell together (or, in
	 * sequential order, one cell at a time: today's order) */
	for (unsigned wi = 0; wi < eb_workload_count && rc == 0; wi++) {
		size_t g = 0;
		for (size_t i = 0; i < n; i++)
			if (specs[i].w == &eb_workloads[wi] && !cells[i].done)
				group[g++] = &cells[i];
		if (g == 0)
			continue;
		if (plan->order == EB_ORDER_SEQUENTIAL)
			for (size_t k = 0; k < g && rc == 0; k++)
				rc = run_group(&s, &group[k], 1);
		else
			rc = run_group(&s, group, g);
	}
	if (rc == -EINTR)
		for (size_t i = 0; i < n; i++)
			if (!cells[i].done)
				eb_cell_done(&cells[i], "interrupted", "interrupted by signal");
	for (size_t i = 0; i < n; i++) {
		eb_cell_flush(&cells[i]);
		eb_cell_finish(&cells[i]);
		const char *st = json_string_value(json_object_get(cells[i].json, "status"));
		*failed |= st && !strcmp(st, "failed");
	}
	mark_noise(&s, cells, n);
out:
	if (cells)
		for (size_t i = 0; i < n; i++) {
			eb_cell_drop_instance(&cells[i]);
			if (cells[i].lx.stderr_fd >= 0)
				close(cells[i].lx.stderr_fd);
		}
	free(cells);
	free(group);
	eb_dataset_cleanup();   /* the seeded databases (each instance removed its own copy) */
	free(s.ws.scratch);
	free(s.ws.windows);
	eb_hist_free(s.ws.h);
	return rc;
}

