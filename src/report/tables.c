/*
 * report/tables: the sections of report.md that are tables (what the run says, environment,
 * noise, runtimes, at a glance, comparisons, deployments, modes, results, checks, the study
 * side by side) and the terminal table.
 */
#include "report/report.h"
#include "report/sections.h"
#include "report/svg.h"
#include "report/report_html.h"
#include "analysis/compare.h"
#include "analysis/verdict.h"
#include "catalog/series.h"
#include "catalog/workload.h"
#include "data/results.h"
#include "data/stats.h"
#include "sys/fsutil.h"
#include "sys/textbuf.h"

#include "buildinfo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eb_report_table(FILE *f, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells");
	size_t i;
	json_t *cell;
	const char *emulated = eb_doc_emulated(doc);
	if (emulated)
		fprintf(f, "EMULATED, A FUNCTIONAL CHECK ONLY: %s; no figure below is a measurement.\n", emulated);
	fprintf(f, "%-10s %-9s %-10s %-40s %8s %10s %10s %10s %10s %10s %-6s\n",
		"runtime", "mode", "workload", "series", "n", "median", "p90", "p99", "min", "max", "unit");
	json_array_foreach(cells, i, cell) {
		char mbuf[96];
		const char *rt = eb_jstr(cell, "runtime");
		const char *mode = rp_mode_cond(cell, mbuf, sizeof(mbuf));
		const char *wl = eb_jstr(cell, "workload");
		const char *status = eb_jstr(cell, "status");
		if (strcmp(status, "ok") != 0) {
			fprintf(f, "%-10s %-9s %-10s %s: %s\n", rt, mode, wl, status,
				eb_jstr(cell, "error"));
			continue;
		}
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(cell, "series"), j, s) {
			struct eb_summary sum;
			const char *unit = eb_jstr(s, "unit"), *shown = "";
			if (rp_summarize_series(s, &sum) < 0)
				continue;
			double med = rp_scale(unit, sum.median, &shown), p90 = rp_scale(unit, sum.p90, &shown),
			       p99 = rp_scale(unit, sum.p99, &shown), mn = rp_scale(unit, sum.min, &shown),
			       mx = rp_scale(unit, sum.max, &shown);
			fprintf(f, "%-10s %-9s %-10s %-40s %8zu %10.3f %10.3f %10.3f %10.3f %10.3f %-6s\n",
				rt, mode, wl, eb_jstr(s, "name"), sum.n,
				med, p90, p99, mn, mx, shown);
		}
		size_t k;
		json_t *w;
		json_array_foreach(json_object_get(cell, "warnings"), k, w)
			fprintf(f, "%-10s %-9s %-10s WARNING: %s\n", rt, mode, wl, eb_jsv(w));
	}
	json_t *cmps = json_object_get(doc, "comparisons");
	if (json_array_size(cmps))
		fprintf(f, "\npaired ratios to %s (geometric mean over rounds, 95%% t interval; a verdict needs %d pairs):\n",
			eb_jstr(json_object_get(doc, "config"), "baseline"), EB_MIN_PAIRS);
	json_array_foreach(cmps, i, cell) {
		char ci[64];
		const struct eb_series_def *def = eb_series_find(eb_jstr(cell, "series"), NULL, 0);
		rp_fmt_ci(cell, 3, ci, sizeof(ci));
		fprintf(f, "%-10s %-9s %-10s %-40s %8.3fx  (%s, %lld pairs)  %s\n",
			eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"),
			eb_jstr(cell, "workload"), eb_jstr(cell, "series"),
			json_number_value(json_object_get(cell, "ratio")), ci,
			(long long)json_integer_value(json_object_get(cell, "n_pairs")),
			rp_reading(cell, def && (def->flags & EB_SERIES_HIGHER_BETTER)));
	}
}

/*
 * What this run says, first: per question a user brings, the best
 * runtime/mode and the runner-up with the paired evidence between them
 * (verdict.c), never typed in.
 */
void rp_section_verdicts(struct eb_buf *b, json_t *doc)
{
	if (eb_doc_emulated(doc)) {
		eb_bprintf(b, "## What this run says\n\nNothing: it ran under emulation (Environment), so its figures time the emulator.\n\n");
		return;
	}
	json_t *v = eb_verdicts(doc);
	if (!json_array_size(v)) {
		json_decref(v);
		return;
	}
	eb_bprintf(b, "## What this run says\n\nFor each question, the best runtime/mode and the runner-up. A figure that repeats by "
		   "round (or trial) is shown as the geometric mean of its trials' medians, the scale of the paired ratio; \"ahead\" is said only when the paired ratio's 95%% interval excludes 1.0 with at least %d pairs "
		   "(docs/statistics.md); otherwise the line says why it cannot tell. Default network path; cells that failed are not ranked.\n\n"
		   "| question | figure | what the evidence says |\n|---|---|---|\n", EB_MIN_PAIRS);
	size_t i;
	json_t *q;
	json_array_foreach(v, i, q)
		eb_bprintf(b, "| %s | %s | %s |\n", eb_jstr(q, "question"), eb_jstr(q, "figure"), eb_jstr(q, "says"));
	eb_bprintf(b, "\n");
	json_decref(v);
}

void rp_section_environment(struct eb_buf *b, json_t *doc)
{
	json_t *fp = json_object_get(doc, "fingerprint");
	eb_bprintf(b, "## Environment\n\n| | |\n|---|---|\n");
	const char *keys[] = { "started_utc", "cpu_model", "build_arch", "emulated", "cores_online", "mem_total_bytes", "kernel", "os",
			       "cpu_governor", "cgroup_mode", "loadavg_at_start", "compiler", "workload_compiler",
			       "edgebench_commit", NULL };
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(fp, keys[i]);
		if (json_is_string(v))
			eb_bprintf(b, "| %s | %s |\n", keys[i], json_string_value(v));
		else if (json_is_integer(v))
			eb_bprintf(b, "| %s | %lld |\n", keys[i], (long long)json_integer_value(v));
	}
	size_t ci;
	json_t *arg;
	eb_bprintf(b, "| command |");
	json_array_foreach(json_object_get(fp, "command"), ci, arg)
		eb_bprintf(b, " %s", eb_jsv(arg));
	eb_bprintf(b, " |\n");
	json_t *cfg = json_object_get(doc, "config");
	if (json_is_string(json_object_get(cfg, "order")))
		eb_bprintf(b, "| order | %s, seed %s (repeat with `--seed %s`) |\n| baseline of the ratios | %s |\n",
			eb_jstr(cfg, "order"), eb_jstr(cfg, "seed"),
			eb_jstr(cfg, "seed"), eb_jstr(cfg, "baseline"));
}

/*
 * The machine's drift over the run, from the calibration before every
 * round: how far the same few ms of SHA-256 moved, how much CPU the
 * hypervisor stole, and whether that is quiet enough for a 5% difference.
 */
void rp_section_noise(struct eb_buf *b, json_t *doc)
{
	json_t *cal = json_object_get(doc, "calibration");
	size_t n = json_array_size(cal);
	eb_bprintf(b, "\n### Machine noise during the run\n\n");
	if (n == 0) {
		eb_bprintf(b, "No calibration was recorded (a schema 1 run, or no round ran): the noise of this machine during the run is unknown.\n");
		return;
	}
	double *k = malloc(n * sizeof(*k));
	if (!k)
		return;
	double steal = 0, thr = json_number_value(json_object_get(json_object_get(doc, "config"), "noise_threshold_pct"));
	size_t ns = 0, noisy = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(cal, i);
		k[i] = json_number_value(json_object_get(r, "kernel_ns"));
		if (json_is_number(json_object_get(r, "steal_pct"))) {
			steal += json_number_value(json_object_get(r, "steal_pct"));
			ns++;
		}
		noisy += json_is_true(json_object_get(r, "noisy"));
	}
	struct eb_summary s;
	if (eb_summarize(k, n, &s) == 0) {
		double lo = 0, hi = 0;
		double *sorted = malloc(n * sizeof(*sorted));
		if (sorted) {
			memcpy(sorted, k, n * sizeof(*sorted));
			eb_sort_doubles(sorted, n);
			lo = eb_percentile(sorted, n, 10);
			hi = eb_percentile(sorted, n, 90);
			free(sorted);
		}
		double spread = s.median > 0 ? 100.0 * (hi - lo) / s.median : 0;
		double mean_steal = ns ? steal / (double)ns : 0;
		eb_bprintf(b, "Before each of the %zu rounds the harness timed the same in-process SHA-256 kernel (fastest of a few repetitions: the machine's speed in that round). "
			   "Its time: median %.3f ms, p10..p90 %.3f..%.3f ms (a spread of %.1f%% of the median), min %.3f, max %.3f ms. "
			   "%zu of %zu rounds were more than %.0f%% off the median (\"noisy\"). "
			   "CPU stolen by the hypervisor: %.2f%% on average%s.\n\n",
			   n, s.median / 1e6, lo / 1e6, hi / 1e6, spread, s.min / 1e6, s.max / 1e6, noisy, n, thr,
			   mean_steal, ns ? "" : " (unknown)");
		int quiet = spread < 5.0 && mean_steal < 1.0;
		eb_bprintf(b, "**%s** A paired ratio's CI (below) already accounts for this drift; a difference smaller than the spread above is not a property of a runtime unless its CI excludes 1.0.\n",
			quiet ? "Quiet enough to trust a 5% difference:" : "Not quiet enough to trust a 5% difference from medians alone:");
	}
	free(k);
}

void rp_section_runtimes(struct eb_buf *b, json_t *doc)
{
	eb_bprintf(b, "\n## Runtimes\n\n| runtime | available | version / reason |\n|---|---|---|\n");
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(doc, "runtimes"), i, r) {
		if (json_is_true(json_object_get(r, "available")))
			eb_bprintf(b, "| %s | yes | %s |\n", eb_jstr(r, "name"),
				eb_jstr(r, "version"));
		else
			eb_bprintf(b, "| %s | **no** | not available: %s, install with: %s |\n",
				eb_jstr(r, "name"),
				eb_jstr(r, "why"),
				eb_jstr(r, "hint"));
	}
}

/* At a glance: one row per runtime/mode; the columns come from the catalogue. */
void rp_section_glance(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	const char *baseline = eb_jstr(json_object_get(doc, "config"), "baseline");
	eb_bprintf(b, "\n## At a glance\n\nMedians; where a column has a ratio, it is the paired ratio to %s over trials of the same round, with its 95%% CI (spread and n below).\n\n| runtime/mode |",
		baseline ? baseline : "the baseline");
	/* a column no cell of this run has a figure for is left out */
	int shown[64] = { 0 };
	size_t ncol = 0, ci;
	json_t *any_cell;
	for (size_t g = 0; g < eb_glance_count && g < 64; g++) {
		json_array_foreach(cells, ci, any_cell)
			if (!strcmp(eb_jstr(any_cell, "workload"), eb_glance[g].workload) &&
			    eb_series_median(any_cell, eb_glance[g].series) >= 0)
				shown[g] = 1;
		if (shown[g]) {
			eb_bprintf(b, " %s |", eb_glance[g].header);
			ncol++;
		}
	}
	/* memory and density name their own figure per runtime (PSS, or a container's cgroup + shim) */
	eb_bprintf(b, " memory MiB (what) | density: MiB each, instances/GiB extrapolated (measured in our cgroup: per GiB of N) |\n|---|");
	for (size_t g = 0; g < ncol + 2; g++)
		eb_bprintf(b, "---:|");
	eb_bprintf(b, "\n");
	/* memory and density: of the reference workload (the one the study measured) */
	const char *reference = "";
	for (unsigned w = 0; w < eb_workload_count; w++)
		if (eb_workloads[w].flags & EB_WL_STUDY) {
			reference = eb_workloads[w].name;
			break;
		}
	json_t *seen = json_object();
	size_t i;
	json_array_foreach(cells, i, cell) {
		const char *rt = eb_jstr(cell, "runtime");
		const char *mode = eb_jstr(cell, "mode");
		char key[128];
		snprintf(key, sizeof(key), "%s/%s", rt, mode);
		if (json_object_get(seen, key))
			continue;
		json_object_set_new(seen, key, json_true());
		char row[2048];
		size_t len = 0;
		int any = 0;
		for (size_t g = 0; g < eb_glance_count && g < 64; g++) {
			const struct eb_glance_col *col = &eb_glance[g];
			if (!shown[g])
				continue;
			json_t *c = rp_find_cell(cells, rt, mode, col->workload);
			double v = c ? eb_series_median(c, col->series) : -1;
			char txt[200] = "-", r[96] = "";
			if (v >= 0) {
				any = 1;
				snprintf(txt, sizeof(txt), "%.*f", col->decimals, v / col->divisor);
				json_t *cmp = col->with_ratio ? rp_find_comparison(doc, rt, mode, col->workload, col->series) : NULL;
				if (cmp) {
					rp_fmt_ratio(cmp, r, sizeof(r));
					snprintf(txt + strlen(txt), sizeof(txt) - strlen(txt), ", %s", r);
				}
			}
			len += (size_t)snprintf(row + len, sizeof(row) - len, " %s |", txt);
			if (len >= sizeof(row))
				len = sizeof(row) - 1;
		}
		json_t *h = rp_find_cell(cells, rt, mode, reference);
		char mem[96] = "-", dens[128] = "-";
		double v;
		struct eb_cell_memory m = { 0 };
		if (h)
			eb_cell_memory(h, &m);
		if (m.pss > 0)
			snprintf(mem, sizeof(mem), "%.2f (PSS of the process tree)", m.pss / 1048576.0);
		else if (m.cgroup > 0)
			snprintf(mem, sizeof(mem), "%.2f cgroup + %.2f shim PSS", m.cgroup / 1048576.0, m.shim / 1048576.0);
		json_t *dv = h ? json_object_get(json_object_get(h, "values"), "density") : NULL;
		if (dv) {
			char sname[64];
			snprintf(sname, sizeof(sname), "density_%s", eb_jstr(dv, "figure"));
			v = eb_series_median(h, sname);
			json_t *meas = json_object_get(dv, "instances_per_gib_measured");
			if (meas)
				snprintf(dens, sizeof(dens), "%.2f %s, %.0f (measured: %.0f of %lld)", v / 1048576.0,
					 eb_jstr(dv, "figure"), json_number_value(json_object_get(dv, "instances_per_gib")),
					 json_number_value(meas), (long long)json_integer_value(json_object_get(dv, "instances")));
			else
				snprintf(dens, sizeof(dens), "%.2f %s, %.0f", v / 1048576.0, eb_jstr(dv, "figure"),
					 json_number_value(json_object_get(dv, "instances_per_gib")));
		}
		if (any || h)
			eb_bprintf(b, "| %s |%s %s | %s |\n", key, row, mem, dens);
	}
	json_decref(seen);
}

/* Every paired comparison, with what its CI allows one to say. */
void rp_section_comparisons(struct eb_buf *b, json_t *doc)
{
	json_t *cmps = json_object_get(doc, "comparisons");
	eb_bprintf(b, "\n## Paired comparisons\n\n");
	if (!json_is_array(cmps)) {
		eb_bprintf(b, "This run predates paired comparisons (results schema 1): its cells ran one after another, so ratios between them mix runtime and machine drift. Re-run to get them.\n");
		return;
	}
	if (json_array_size(cmps) == 0) {
		eb_bprintf(b, "None: no baseline cell (%s) finished for a workload that another runtime also ran.\n",
			eb_jstr(json_object_get(doc, "config"), "baseline"));
		return;
	}
	const char *order = eb_jstr(json_object_get(doc, "config"), "order");
	eb_bprintf(b, "Ratio = geometric mean over rounds of (runtime's trial / baseline's trial in the same round); 95%% CI: Student's t interval on the log ratios (see docs/statistics.md). Above 1 means more time, or more requests per second for throughput. A verdict needs %d pairs; with %d or fewer, the interval is widened to hold every paired ratio; \"no measurable difference\" means the CI includes 1.0.%s\n\n"
		   "| workload | series | runtime/mode | vs | ratio | 95%% CI | pairs | reading |\n|---|---|---|---|---:|---|---:|---|\n",
		EB_MIN_PAIRS, EB_WIDEN_MAX, order && !strcmp(order, "sequential") ? " **This run was sequential: pairs did not run next to each other, so drift is not cancelled.**" : "");
	size_t i;
	json_t *c;
	json_array_foreach(cmps, i, c) {
		const char *series = eb_jstr(c, "series");
		const struct eb_series_def *def = eb_series_find(series, NULL, 0);
		double r = json_number_value(json_object_get(c, "ratio"));
		char mbuf[96], ci[64];
		rp_fmt_ci(c, 3, ci, sizeof(ci));
		eb_bprintf(b, "| %s | %s | %s/%s | %s | %.3f | %s | %lld | %s |\n",
			eb_jstr(c, "workload"), series,
			eb_jstr(c, "runtime"), rp_mode_cond(c, mbuf, sizeof(mbuf)),
			eb_jstr(c, "baseline"), r, ci,
			(long long)json_integer_value(json_object_get(c, "n_pairs")),
			rp_reading(c, def && (def->flags & EB_SERIES_HIGHER_BETTER)));
	}
}

/*
 * Deployments of several processes (wasmCloud lattice, host): each process
 * by its role with its memory, and what the deployment said about each
 * start (the host engine's allocator, wadm's status when it scheduled).
 */
void rp_section_deployments(struct eb_buf *b, json_t *doc)
{
	size_t i, k;
	json_t *cell, *p;
	int any = 0;
	json_array_foreach(json_object_get(doc, "cells"), i, cell) {
		json_t *v = json_object_get(cell, "values");
		json_t *procs = json_object_get(v, "processes"), *notes = json_object_get(v, "start_notes");
		if (!json_array_size(procs) && !json_object_size(notes))
			continue;
		if (!any++)
			eb_bprintf(b, "\n## Deployments of several processes\n\nEach process after warm-up, by its role (its name in /proc in brackets), and what the deployment reported about each cold start.\n\n");
		eb_bprintf(b, "- **%s/%s**:", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"));
		json_array_foreach(procs, k, p)
			eb_bprintf(b, "%s %s (`%s`) PSS %.1f MiB", k ? ";" : "", eb_jstr(p, "role"), eb_jstr(p, "name"),
				   json_number_value(json_object_get(p, "pss_bytes")) / 1048576.0);
		eb_bprintf(b, "\n");
		const char *key;
		json_t *list;
		json_object_foreach(notes, key, list) {
			/* each distinct note with how many starts said it */
			json_t *count = json_object();
			json_array_foreach(list, k, p) {
				json_t *n = json_object_get(count, eb_jsv(p));
				json_object_set_new(count, eb_jsv(p), json_integer(n ? json_integer_value(n) + 1 : 1));
			}
			const char *note;
			json_t *n;
			json_object_foreach(count, note, n)
				eb_bprintf(b, "  - %s: %s (%lld of %zu starts)\n", key, note, (long long)json_integer_value(n), json_array_size(list));
			json_decref(count);
		}
	}
}

void rp_section_modes(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	eb_bprintf(b, "\n## Modes\n\n");
	json_t *seen = json_object();
	size_t i;
	json_array_foreach(cells, i, cell) {
		json_t *note = json_object_get(cell, "mode_note");
		char key[128];
		snprintf(key, sizeof(key), "%s/%s", eb_jstr(cell, "runtime"),
			 eb_jstr(cell, "mode"));
		if (!json_is_string(note) || json_object_get(seen, key))
			continue;
		json_object_set_new(seen, key, json_true());
		eb_bprintf(b, "- **%s**: %s\n", key, json_string_value(note));
	}
	json_decref(seen);
	json_t *setup = json_object_get(doc, "runtime_setup");
	if (json_object_size(setup)) {
		char *txt = json_dumps(setup, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		eb_bprintf(b, "\nRuntime preparation (once per run, not in any start time): `%s`\n", txt ? txt : "");
		free(txt);
	}
}

void rp_section_results(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	eb_bprintf(b, "\n## Results\n\n| runtime | mode | workload | series | n | median | 95%% CI of median | p90 | p99 | min | max | unit |\n|---|---|---|---|---:|---:|---|---:|---:|---:|---:|---|\n");
	size_t i;
	json_array_foreach(cells, i, cell) {
		char mbuf[96];
		const char *rt = eb_jstr(cell, "runtime");
		const char *mode = rp_mode_cond(cell, mbuf, sizeof(mbuf));
		const char *wl = eb_jstr(cell, "workload");
		if (strcmp(eb_jstr(cell, "status"), "ok") != 0) {
			/* an instance killed by a signal is a crash (the cell records it), said so */
			const char *err = eb_jstr(cell, "error");
			int crashed = json_is_object(json_object_get(cell, "crash"));
			eb_bprintf(b, "| %s | %s | %s | **%s**: %s | | | | | | | | |\n", rt, mode, wl,
				crashed ? "crashed" : eb_jstr(cell, "status"), err);
			continue;
		}
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(cell, "series"), j, s) {
			struct eb_summary sum;
			const char *unit = eb_jstr(s, "unit"), *u = "";
			if (rp_summarize_series(s, &sum) < 0)
				continue;
			char ci_txt[64] = "";
			if (sum.has_ci)
				snprintf(ci_txt, sizeof(ci_txt), "%.3f..%.3f", rp_scale(unit, sum.median_ci_lo, &u),
					 rp_scale(unit, sum.median_ci_hi, &u));
			double med = rp_scale(unit, sum.median, &u), p90 = rp_scale(unit, sum.p90, &u),
			       p99 = rp_scale(unit, sum.p99, &u), mn = rp_scale(unit, sum.min, &u),
			       mx = rp_scale(unit, sum.max, &u);
			eb_bprintf(b, "| %s | %s | %s | %s | %zu | %.3f | %s | %.3f | %.3f | %.3f | %.3f | %s |\n",
				rt, mode, wl, eb_jstr(s, "name"), sum.n,
				med, ci_txt, p90, p99, mn, mx, u);
		}
	}
}

void rp_section_checks(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	eb_bprintf(b, "\n## Checks and warnings\n\n");
	size_t i;
	json_array_foreach(cells, i, cell) {
		char mbuf[96];
		eb_bprintf(b, "- **%s/%s/%s**:", eb_jstr(cell, "runtime"),
			rp_mode_cond(cell, mbuf, sizeof(mbuf)),
			eb_jstr(cell, "workload"));
		const char *key;
		json_t *v;
		json_object_foreach(json_object_get(cell, "checks"), key, v)
			eb_bprintf(b, " %s=%s", key, json_is_true(v) ? "yes" : "**NO**");
		json_t *vals = json_object_get(cell, "values");
		json_t *noise = json_object_get(vals, "noise");
		if (noise && json_integer_value(json_object_get(noise, "trials_in_noisy_rounds")) > 0)
			eb_bprintf(b, " NOISY: %lld of %lld interleaved trials ran in rounds whose calibration was more than %.0f%% off its median.",
				(long long)json_integer_value(json_object_get(noise, "trials_in_noisy_rounds")),
				(long long)json_integer_value(json_object_get(noise, "trials")),
				json_number_value(json_object_get(noise, "threshold_pct")));
		size_t k;
		json_t *w;
		json_array_foreach(json_object_get(cell, "warnings"), k, w)
			eb_bprintf(b, " WARNING: %s.", eb_jsv(w));
		json_t *dv = json_object_get(vals, "density");
		if (dv && json_object_get(dv, "stopped_by"))
			eb_bprintf(b, " Density sweep: %lld instances, stopped by %s%s%s.", (long long)json_integer_value(json_object_get(dv, "instances")),
				eb_jstr(dv, "stopped_by"), json_object_get(dv, "stop_reason") ? ": " : "", eb_jstr(dv, "stop_reason"));
		json_t *sk = json_object_get(vals, "sustained_keepalive");
		if (sk && json_object_get(sk, "cpu_user_ms_per_1k_requests"))
			eb_bprintf(b, " CPU under keep-alive load: %.2f ms user + %.2f ms sys per 1,000 requests.",
				json_number_value(json_object_get(sk, "cpu_user_ms_per_1k_requests")),
				json_number_value(json_object_get(sk, "cpu_sys_ms_per_1k_requests")));
		eb_bprintf(b, "\n");
	}
}

/*
 * The reference study's published figures (docs/study-figures.json, its
 * Tables 2-5 as data) next to ours for the same runtime, workload and
 * statistic, each with its one line on why the two differ.
 */
void rp_section_study(struct eb_buf *b, json_t *doc)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/docs/study-figures.json", EB_SOURCE_DIR);
	json_t *study = json_load_file(path, 0, NULL);
	eb_bprintf(b, "\n## The reference study side by side\n\n");
	if (!study) {
		eb_bprintf(b, "The study's figures (%s) could not be read.\n", path);
		return;
	}
	eb_bprintf(b, "The study's figures as it published them (%s), next to this run's for the same runtime, workload and statistic "
		   "(\"-\": not measured in this run). %s\n\n"
		   "| study table | runtime | figure | study | this run (cell, series) | this run / study | why they differ |\n|---|---|---|---:|---|---:|---|\n",
		   eb_jstr(study, "source"), eb_jstr(study, "note"));
	json_t *cells = json_object_get(doc, "cells"), *row;
	size_t i;
	json_array_foreach(json_object_get(study, "rows"), i, row) {
		json_t *o = json_object_get(row, "ours");
		const char *unit = eb_jstr(row, "unit");
		double sv = json_number_value(json_object_get(row, "value"));
		char ours[96] = "-", ratio[32] = "-";
		json_t *cell = rp_find_cell(cells, eb_jstr(o, "runtime"), eb_jstr(o, "mode"), eb_jstr(o, "workload"));
		size_t j;
		json_t *s;
		json_array_foreach(cell ? json_object_get(cell, "series") : NULL, j, s) {
			struct eb_summary sum;
			if (strcmp(eb_jstr(s, "name"), eb_jstr(o, "series")) != 0 || rp_summarize_series(s, &sum) < 0)
				continue;
			double v = !strcmp(eb_jstr(o, "statistic"), "median") ? sum.median : sum.mean;
			const char *su = eb_jstr(s, "unit");
			if (!strcmp(su, "ns"))
				v /= 1e6;   /* the study's times are ms */
			else if (!strcmp(su, "bytes"))
				v /= 1048576.0;
			snprintf(ours, sizeof(ours), "%.*f %s (%s, n=%zu)", v < 10 ? 3 : 1, v, unit, eb_jstr(o, "statistic"), sum.n);
			if (sv > 0)
				snprintf(ratio, sizeof(ratio), "%.3g", v / sv);
		}
		eb_bprintf(b, "| %s | %s | %s | %.2f %s | %s; %s/%s %s | %s | %s |\n", eb_jstr(row, "table"), eb_jstr(row, "runtime"),
			eb_jstr(row, "metric"), sv, unit, ours, eb_jstr(o, "runtime"), eb_jstr(o, "mode"), eb_jstr(o, "series"),
			ratio, eb_jstr(row, "why"));
	}
	json_decref(study);
}


/*
 * The database workload (http-api): which data path each runtime gives an
 * instance, whether the database stays open between requests, and the
 * checks with their counts (a NO names what did not add up).
 */
void rp_section_database(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	size_t i;
	int any = 0;
	json_array_foreach(cells, i, cell)
		any |= json_object_get(json_object_get(cell, "values"), "data_path") != NULL;
	if (!any)
		return;
	eb_bprintf(b, "\n## The database workload: data path and checks\n\n"
		   "Each instance opens its own copy of a seeded SQLite database (the same amalgamation natively and in "
		   "wasm32-wasi); the copy is made before its launch, outside every timed window. \"writes\": sequential POSTs "
		   "answered 201 of those sent, the rows they added, and the items read back equal to what was posted, field "
		   "by field; \"bad input\": malformed JSON, a wrong type and a body over 64 KiB, each refused, rows before -> "
		   "after; \"mix\": per sustained 90/10 round, rows added against the 201s seen (a POST still in flight when the "
		   "round ended may add one more).\n\n"
		   "| runtime/mode | data path | filesystem | database opened | writes (201/sent, rows added, read back) | bad input (rows) | mix rounds (rows added / 201s) |\n"
		   "|---|---|---|---|---|---|---|\n");
	json_array_foreach(cells, i, cell) {
		json_t *v = json_object_get(cell, "values"), *dp = json_object_get(v, "data_path");
		if (!dp)
			continue;
		json_t *db = json_object_get(v, "database"), *chk = json_object_get(cell, "checks");
		char writes[160] = "-", bad[96] = "-", mix[240] = "-";
		if (db) {
			long long before = json_integer_value(json_object_get(db, "rows_before_writes"));
			snprintf(writes, sizeof(writes), "%lld/%lld, %lld, %lld of %lld%s",
				 (long long)json_integer_value(json_object_get(db, "created_201")),
				 (long long)json_integer_value(json_object_get(db, "posted")),
				 (long long)json_integer_value(json_object_get(db, "rows_after_writes")) - before,
				 (long long)json_integer_value(json_object_get(db, "read_back_matched")),
				 (long long)json_integer_value(json_object_get(db, "read_back_checked")),
				 json_is_true(json_object_get(chk, "read_back_matches")) && json_is_true(json_object_get(chk, "row_count_follows_writes"))
					 ? "" : " **NO**");
			snprintf(bad, sizeof(bad), "%lld -> %lld%s", (long long)json_integer_value(json_object_get(db, "rows_before_bad_input")),
				 (long long)json_integer_value(json_object_get(db, "rows_after_bad_input")),
				 json_is_true(json_object_get(chk, "bad_input_refused")) && json_is_true(json_object_get(chk, "bad_input_writes_nothing"))
					 ? "" : " **NO**");
		}
		json_t *rounds = json_object_get(v, "mix_rows"), *r;
		size_t k, used = 0;
		json_array_foreach(rounds, k, r) {
			int n = snprintf(mix + used, sizeof(mix) - used, "%s%lld/%lld", k ? ", " : "",
					 (long long)(json_integer_value(json_object_get(r, "after")) - json_integer_value(json_object_get(r, "before"))),
					 (long long)json_integer_value(json_object_get(r, "created_201")));
			if (n < 0 || (size_t)n >= sizeof(mix) - used)
				break;
			used += (size_t)n;
		}
		if (json_array_size(rounds) && !json_is_true(json_object_get(chk, "row_count_follows_mix")) && used + 8 < sizeof(mix))
			snprintf(mix + used, sizeof(mix) - used, " **NO**");
		char mbuf[96];
		eb_bprintf(b, "| %s/%s | %s | %s | %s | %s | %s | %s |\n", eb_jstr(cell, "runtime"), rp_mode_cond(cell, mbuf, sizeof(mbuf)),
			   eb_jstr(dp, "how"), eb_jstr(dp, "filesystem"), eb_jstr(dp, "database_opened"), writes, bad, mix);
	}
}
