/*
 * report: a fixed-width table for the terminal, and the exporters that
 * write, from results.json alone, report.md (sections of tables and
 * figures), report.html (the same Markdown as one page, report_html.c),
 * results.csv and the SVG charts (svg.c: every sample, distributions,
 * ratios with their CIs).  Nothing here measures; every figure is
 * recomputed from the kept samples.
 */
#include "report/report.h"
#include "sys/fsutil.h"
#include "data/results.h"
#include "catalog/series.h"
#include "report/svg.h"
#include "report/report_html.h"
#include "analysis/compare.h"
#include "analysis/verdict.h"
#include "net/load.h"
#include "sys/textbuf.h"
#include "catalog/workload.h"

#include "buildinfo.h"
#include "data/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIG_ROWS 64   /* rows of one figure */

/* Scale a value for display: ns -> ms/us, bytes -> MiB. */
static double scale(const char *unit, double v, const char **shown)
{
	if (!strcmp(unit, "ns")) {
		*shown = "ms";
		return v / 1e6;
	}
	if (!strcmp(unit, "bytes")) {
		*shown = "MiB";
		return v / 1048576.0;
	}
	*shown = unit;
	return v;
}

static int summarize_series(json_t *s, struct eb_summary *sum)
{
	json_t *arr = json_object_get(s, "samples");
	size_t n = json_array_size(arr);
	if (n == 0)
		return -EINVAL;
	double *v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = json_number_value(json_array_get(arr, i));
	int rc = eb_summarize(v, n, sum);
	free(v);
	return rc;
}

/* Median of the named series of a cell, or -1 when absent. */
static double series_median(json_t *cell, const char *name)
{
	size_t j;
	json_t *s;
	json_array_foreach(json_object_get(cell, "series"), j, s) {
		struct eb_summary sum;
		if (!strcmp(eb_jstr(s, "name"), name) && summarize_series(s, &sum) == 0)
			return sum.median;
	}
	return -1;
}

/* Is the cell on the default path (loopback, no firewall; or a batch cell, which has no path)? */
static int default_path(json_t *c)
{
	const char *net = eb_jstr(c, "network"), *fw = eb_jstr(c, "firewall");
	return (!net[0] || !strcmp(net, "loopback")) && (!fw[0] || !strcmp(fw, "off"));
}

/* The mode with the cell's network condition when it is not the default: "native veth+fw". */
static const char *mode_cond(json_t *c, char *buf, size_t cap)
{
	if (default_path(c))
		return eb_jstr(c, "mode");
	snprintf(buf, cap, "%s %s%s", eb_jstr(c, "mode"), eb_jstr(c, "network"), !strcmp(eb_jstr(c, "firewall"), "on") ? "+fw" : "");
	return buf;
}

/* The CI of a comparison as "lo–hi" (decimals as asked), or "none" when it has no interval. */
static void fmt_ci(json_t *cmp, int decimals, char *out, size_t cap)
{
	json_t *ci = json_object_get(cmp, "ci95");
	if (json_array_size(ci) != 2)
		snprintf(out, cap, "none");
	else
		snprintf(out, cap, "%.*f\u2013%.*f", decimals, json_number_value(json_array_get(ci, 0)), decimals,
			 json_number_value(json_array_get(ci, 1)));
}

/*
 * What a comparison allows one to say, from its verdict (written by
 * compare.c): "faster"/"slower" (or "more/less throughput" where higher is
 * better) only when the evidence carries a claim, else the reason there is none.
 */
static const char *reading(json_t *cmp, int higher_better)
{
	const char *v = eb_jstr(cmp, "verdict");
	double r = json_number_value(json_object_get(cmp, "ratio"));
	if (!strcmp(v, "above") || !strcmp(v, "below"))
		return higher_better ? (r > 1 ? "more throughput" : "less throughput") : (r > 1 ? "slower" : "faster");
	return v[0] ? v : "no verdict";
}

static __attribute__((unused)) int claims(json_t *cmp)
{
	const char *v = eb_jstr(cmp, "verdict");
	return !strcmp(v, "above") || !strcmp(v, "below");
}

/* The ok cell of rt/mode/wl on the default path (the other conditions have their own section). */
static json_t *find_cell(json_t *cells, const char *rt, const char *mode, const char *wl)
{
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c)
		if (!strcmp(eb_jstr(c, "runtime"), rt) &&
		    !strcmp(eb_jstr(c, "mode"), mode) &&
		    !strcmp(eb_jstr(c, "workload"), wl) &&
		    !strcmp(eb_jstr(c, "status"), "ok") && default_path(c))
			return c;
	return NULL;
}

void eb_report_table(FILE *f, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells");
	size_t i;
	json_t *cell;
	fprintf(f, "%-10s %-9s %-10s %-40s %8s %10s %10s %10s %10s %10s %-6s\n",
		"runtime", "mode", "workload", "series", "n", "median", "p90", "p99", "min", "max", "unit");
	json_array_foreach(cells, i, cell) {
		char mbuf[96];
		const char *rt = eb_jstr(cell, "runtime");
		const char *mode = mode_cond(cell, mbuf, sizeof(mbuf));
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
			if (summarize_series(s, &sum) < 0)
				continue;
			double med = scale(unit, sum.median, &shown), p90 = scale(unit, sum.p90, &shown),
			       p99 = scale(unit, sum.p99, &shown), mn = scale(unit, sum.min, &shown),
			       mx = scale(unit, sum.max, &shown);
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
		fmt_ci(cell, 3, ci, sizeof(ci));
		fprintf(f, "%-10s %-9s %-10s %-40s %8.3fx  (%s, %lld pairs)  %s\n",
			eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"),
			eb_jstr(cell, "workload"), eb_jstr(cell, "series"),
			json_number_value(json_object_get(cell, "ratio")), ci,
			(long long)json_integer_value(json_object_get(cell, "n_pairs")),
			reading(cell, def && (def->flags & EB_SERIES_HIGHER_BETTER)));
	}
}

/* The comparison of a cell's series with the baseline, or NULL. */
static json_t *find_comparison(json_t *doc, const char *rt, const char *mode, const char *wl, const char *series)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "comparisons"), i, c)
		if (!strcmp(eb_jstr(c, "runtime"), rt) &&
		    !strcmp(eb_jstr(c, "mode"), mode) &&
		    !strcmp(eb_jstr(c, "workload"), wl) &&
		    !strcmp(eb_jstr(c, "series"), series) && default_path(c))
			return c;
	return NULL;
}

/* "1.02x (0.98–1.06)", or "1.02x (too few pairs)" */
static void fmt_ratio(json_t *cmp, char *out, size_t cap)
{
	double r = json_number_value(json_object_get(cmp, "ratio"));
	int dec = r >= 100 ? 0 : r >= 10 ? 1 : 2;
	char ci[64];
	fmt_ci(cmp, dec, ci, sizeof(ci));
	if (!strcmp(eb_jstr(cmp, "verdict"), "too few pairs"))
		snprintf(out, cap, "%.*fx (too few pairs)", dec, r);
	else
		snprintf(out, cap, "%.*fx (%s)", dec, r, ci);
}

/* "runtime/mode" of a cell, with its network condition when not the default. */
static void cell_label(json_t *cell, char *out, size_t cap)
{
	const char *net = eb_jstr(cell, "network"), *fw = eb_jstr(cell, "firewall");
	if (net[0] && (strcmp(net, "loopback") != 0 || (fw[0] && strcmp(fw, "off") != 0)))
		snprintf(out, cap, "%s/%s %s%s", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"), net,
			 fw[0] && strcmp(fw, "off") != 0 ? "+fw" : "");
	else
		snprintf(out, cap, "%s/%s", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"));
}

/*
 * A figure: the chart to DIR/file, and in the Markdown its image line and
 * a caption paragraph ("*Figure: ...*"), which report.html turns into an
 * inline <figure> with its <figcaption>.
 */
static int emit_figure(struct eb_buf *md, const char *dir, const char *file, const struct eb_buf *svg, const char *alt,
		       const char *caption, char *err, size_t errcap)
{
	char path[1400];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int rc = eb_buf_write_file(svg, path);
	if (rc < 0) {
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(-rc));
		return rc;
	}
	eb_bprintf(md, "\n![%s](%s)\n\n*Figure: %s*\n", alt, file, caption);
	return 0;
}


/*
 * What this run says, first: per question a user brings, the best
 * runtime/mode and the runner-up with the paired evidence between them
 * (verdict.c), never typed in.
 */
static void section_verdicts(struct eb_buf *b, json_t *doc)
{
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

static void section_environment(struct eb_buf *b, json_t *doc)
{
	json_t *fp = json_object_get(doc, "fingerprint");
	eb_bprintf(b, "## Environment\n\n| | |\n|---|---|\n");
	const char *keys[] = { "started_utc", "cpu_model", "cores_online", "mem_total_bytes", "kernel", "os",
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
static void section_noise(struct eb_buf *b, json_t *doc)
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

static void section_runtimes(struct eb_buf *b, json_t *doc)
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
static void section_glance(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	const char *baseline = eb_jstr(json_object_get(doc, "config"), "baseline");
	eb_bprintf(b, "\n## At a glance\n\nMedians; where a column has a ratio, it is the paired ratio to %s over trials of the same round, with its 95%% CI (spread and n below).\n\n| runtime/mode |",
		baseline ? baseline : "the baseline");
	for (size_t g = 0; g < eb_glance_count; g++)
		eb_bprintf(b, " %s |", eb_glance[g].header);
	/* memory and density name their own figure per runtime (PSS, or a container's cgroup + shim) */
	eb_bprintf(b, " memory MiB (what) | density: MiB each, instances/GiB extrapolated (measured in our cgroup: per GiB of N) |\n|---|");
	for (size_t g = 0; g < eb_glance_count + 2; g++)
		eb_bprintf(b, "---:|");
	eb_bprintf(b, "\n");
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
		for (size_t g = 0; g < eb_glance_count; g++) {
			const struct eb_glance_col *col = &eb_glance[g];
			json_t *c = find_cell(cells, rt, mode, col->workload);
			double v = c ? series_median(c, col->series) : -1;
			char txt[200] = "-", r[96] = "";
			if (v >= 0) {
				any = 1;
				snprintf(txt, sizeof(txt), "%.*f", col->decimals, v / col->divisor);
				json_t *cmp = col->with_ratio ? find_comparison(doc, rt, mode, col->workload, col->series) : NULL;
				if (cmp) {
					fmt_ratio(cmp, r, sizeof(r));
					snprintf(txt + strlen(txt), sizeof(txt) - strlen(txt), ", %s", r);
				}
			}
			len += (size_t)snprintf(row + len, sizeof(row) - len, " %s |", txt);
			if (len >= sizeof(row))
				len = sizeof(row) - 1;
		}
		json_t *h = find_cell(cells, rt, mode, "http-hello");
		char mem[96] = "-", dens[128] = "-";
		double v;
		if (h && (v = series_median(h, "pss_after_warmup")) >= 0) {
			snprintf(mem, sizeof(mem), "%.2f (PSS of the process tree)", v / 1048576.0);
		} else if (h && (v = series_median(h, "cgroup_memory_after_warmup")) >= 0) {
			double shim = series_median(h, "shim_pss_after_warmup");
			snprintf(mem, sizeof(mem), "%.2f cgroup + %.2f shim PSS", v / 1048576.0, shim > 0 ? shim / 1048576.0 : 0);
		}
		json_t *dv = h ? json_object_get(json_object_get(h, "values"), "density") : NULL;
		if (dv) {
			char sname[64];
			snprintf(sname, sizeof(sname), "density_%s", eb_jstr(dv, "figure"));
			v = series_median(h, sname);
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
static void section_comparisons(struct eb_buf *b, json_t *doc)
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
		fmt_ci(c, 3, ci, sizeof(ci));
		eb_bprintf(b, "| %s | %s | %s/%s | %s | %.3f | %s | %lld | %s |\n",
			eb_jstr(c, "workload"), series,
			eb_jstr(c, "runtime"), mode_cond(c, mbuf, sizeof(mbuf)),
			eb_jstr(c, "baseline"), r, ci,
			(long long)json_integer_value(json_object_get(c, "n_pairs")),
			reading(c, def && (def->flags & EB_SERIES_HIGHER_BETTER)));
	}
}

/*
 * Deployments of several processes (wasmCloud lattice, host): each process
 * by its role with its memory, and what the deployment said about each
 * start (the host engine's allocator, wadm's status when it scheduled).
 */
static void section_deployments(struct eb_buf *b, json_t *doc)
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

static void section_modes(struct eb_buf *b, json_t *doc)
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

static void section_results(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	eb_bprintf(b, "\n## Results\n\n| runtime | mode | workload | series | n | median | 95%% CI of median | p90 | p99 | min | max | unit |\n|---|---|---|---|---:|---:|---|---:|---:|---:|---:|---|\n");
	size_t i;
	json_array_foreach(cells, i, cell) {
		char mbuf[96];
		const char *rt = eb_jstr(cell, "runtime");
		const char *mode = mode_cond(cell, mbuf, sizeof(mbuf));
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
			if (summarize_series(s, &sum) < 0)
				continue;
			char ci_txt[64] = "";
			if (sum.has_ci)
				snprintf(ci_txt, sizeof(ci_txt), "%.3f..%.3f", scale(unit, sum.median_ci_lo, &u),
					 scale(unit, sum.median_ci_hi, &u));
			double med = scale(unit, sum.median, &u), p90 = scale(unit, sum.p90, &u),
			       p99 = scale(unit, sum.p99, &u), mn = scale(unit, sum.min, &u),
			       mx = scale(unit, sum.max, &u);
			eb_bprintf(b, "| %s | %s | %s | %s | %zu | %.3f | %s | %.3f | %.3f | %.3f | %.3f | %s |\n",
				rt, mode, wl, eb_jstr(s, "name"), sum.n,
				med, ci_txt, p90, p99, mn, mx, u);
		}
	}
}

static void section_checks(struct eb_buf *b, json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	eb_bprintf(b, "\n## Checks and warnings\n\n");
	size_t i;
	json_array_foreach(cells, i, cell) {
		char mbuf[96];
		eb_bprintf(b, "- **%s/%s/%s**:", eb_jstr(cell, "runtime"),
			mode_cond(cell, mbuf, sizeof(mbuf)),
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

#define CHART_LINES 64

/*
 * One line per ok cell that has values.<key>: its points' x from xfn, y
 * from the point's yfield (ns, shown in ms), drawn by eb_svg_lines.
 * -EINVAL when no line has a point.
 */
static int chart_from_cells(struct eb_buf *svg, const struct eb_svg_axis *ax, const char *const *tick, const double *tick_x,
			    size_t n_ticks, json_t *cells, const char *key, const char *yfield,
			    double (*xfn)(json_t *pt, const void *arg), const void *arg)
{
	struct eb_svg_line *lines = calloc(CHART_LINES, sizeof(*lines));
	char (*labels)[96] = calloc(CHART_LINES, sizeof(*labels));
	size_t nl = 0, i, k;
	json_t *cell, *pt;
	int rc = -ENOMEM;
	if (!lines || !labels)
		goto out;
	json_array_foreach(cells, i, cell) {
		json_t *pts = json_object_get(json_object_get(cell, "values"), key);
		if (!json_array_size(pts) || strcmp(eb_jstr(cell, "status"), "ok") != 0 || nl == CHART_LINES)
			continue;
		struct eb_svg_line *ln = &lines[nl];
		cell_label(cell, labels[nl], sizeof(labels[nl]));
		ln->label = labels[nl++];
		json_array_foreach(pts, k, pt) {
			double x = xfn(pt, arg);
			if (ln->n == EB_SVG_LINE_POINTS || x < 0)
				continue;
			ln->x[ln->n] = x;
			ln->y[ln->n++] = json_number_value(json_object_get(pt, yfield)) / 1e6;
		}
	}
	rc = eb_svg_lines(svg, ax, tick, tick_x, n_ticks, lines, nl);
out:
	free(lines);
	free(labels);
	return rc;
}

static double curve_x(json_t *pt, const void *arg)
{
	(void)arg;
	return json_number_value(json_object_get(pt, "percent")) / 100.0;
}

/* Latency vs offered load: x the percentage of the cell's own closed-loop throughput, y its p99. */
static int curve_svg(struct eb_buf *svg, json_t *cells, double threshold_ms)
{
	static const char *const tick[] = { "0%", "25%", "50%", "75%", "100%" };
	static const double tick_x[] = { 0, 0.25, 0.5, 0.75, 1 };
	struct eb_svg_axis ax = { .title = "http-hello open-loop p99 vs offered load (% of each runtime's own throughput)",
				  .unit = "ms", .log = 1, .ref = threshold_ms };
	return chart_from_cells(svg, &ax, tick, tick_x, 5, cells, "latency_curve", "p99_ns", curve_x, NULL);
}

/* Position of a point's N among the configured sizes, as a fraction of the width (-1: not there). */
static double scale_x(json_t *pt, const void *arg)
{
	json_t *sizes = (json_t *)arg;
	size_t nx = json_array_size(sizes);
	for (size_t x = 0; x < nx; x++)
		if (json_integer_value(json_array_get(sizes, x)) == json_integer_value(json_object_get(pt, "instances")))
			return nx > 1 ? (double)x / (double)(nx - 1) : 0.5;
	return -1;
}

/* All-ready time against N (log y, one line per runtime/mode). */
static int scale_svg(struct eb_buf *svg, json_t *cells, json_t *sizes)
{
	size_t nx = json_array_size(sizes);
	char tick[EB_SVG_LINE_POINTS][24];
	const char *tickp[EB_SVG_LINE_POINTS];
	double tick_x[EB_SVG_LINE_POINTS];
	size_t nt = 0;
	for (size_t x = 0; x < nx && x < EB_SVG_LINE_POINTS; x++, nt++) {
		tick_x[x] = nx > 1 ? (double)x / (double)(nx - 1) : 0.5;
		snprintf(tick[x], sizeof(tick[0]), "N=%lld", (long long)json_integer_value(json_array_get(sizes, x)));
		tickp[x] = tick[x];
	}
	struct eb_svg_axis ax = { .title = "http-hello scale from zero: N instances launched at once, time until all answer",
				  .unit = "ms", .log = 1 };
	return chart_from_cells(svg, &ax, tickp, tick_x, nt, cells, "scale_from_zero", "all_ready_ns", scale_x, sizes);
}

/* The latency curve: a table per point and where p99 crosses the threshold. */
static int section_curve(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	json_t *cells = json_object_get(doc, "cells"), *cell, *pt;
	json_t *cfg = json_object_get(json_object_get(doc, "config"), "latency_curve");
	double thr = json_number_value(json_object_get(cfg, "p99_threshold_ms"));
	size_t i, k;
	int any = 0;
	json_array_foreach(cells, i, cell)
		any |= json_array_size(json_object_get(json_object_get(cell, "values"), "latency_curve")) > 0;
	if (!any)
		return 0;
	eb_bprintf(b, "\n## Latency under load (open loop)\n\n"
		   "Each server at fixed fractions of its own closed-loop keep-alive throughput, requests sent on a fixed schedule "
		   "and latency measured from when each was due (a stall shows in every request scheduled during it). "
		   "ms; \"crosses\" is the first load at which p99 exceeds %g ms. Each point is one run at that rate (no repeats: its "
		   "spread is not shown, so small crossings of the lines are within the noise). \"not measured\": requests that came due "
		   "but were never sent, and those unanswered at the end (their latencies are not in the percentiles). "
		   "**GENERATOR-BOUND**: edgebench, not the server, fell behind (under 95%% of the offered rate with no request waiting "
		   "for a busy connection, or over 1%% of requests sent more than %.0f ms late with a connection free): that row "
		   "describes the instrument, not the runtime.\n\n"
		   "| runtime/mode | load | offered req/s | achieved req/s | not measured (never sent + unanswered) | p50 | p90 | p99 | p99.9 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
		   thr, (double)EB_LOAD_LATE_BOUND_NS / 1e6);
	json_t *crossings = json_array();
	json_array_foreach(cells, i, cell) {
		json_t *curve = json_object_get(json_object_get(cell, "values"), "latency_curve");
		if (!json_array_size(curve) || strcmp(eb_jstr(cell, "status"), "ok") != 0)
			continue;
		int crossed = -1;
		json_array_foreach(curve, k, pt) {
			double p99 = json_number_value(json_object_get(pt, "p99_ns")) / 1e6;
			if (crossed < 0 && thr > 0 && p99 > thr)
				crossed = (int)json_integer_value(json_object_get(pt, "percent"));
			char miss[96] = "-";
			if (json_object_get(pt, "unsent"))
				snprintf(miss, sizeof(miss), "%lld + %lld%s", (long long)json_integer_value(json_object_get(pt, "unsent")),
					 (long long)json_integer_value(json_object_get(pt, "in_flight_at_end")),
					 json_is_true(json_object_get(pt, "generator_bound")) ? " **GENERATOR-BOUND**" : "");
			eb_bprintf(b, "| %s/%s | %lld%% | %.0f | %.0f | %s | %.3f | %.3f | %.3f | %.3f |\n", eb_jstr(cell, "runtime"),
				eb_jstr(cell, "mode"), (long long)json_integer_value(json_object_get(pt, "percent")),
				json_number_value(json_object_get(pt, "offered_per_s")),
				json_number_value(json_object_get(pt, "achieved_per_s")), miss,
				json_number_value(json_object_get(pt, "p50_ns")) / 1e6,
				json_number_value(json_object_get(pt, "p90_ns")) / 1e6, p99,
				json_number_value(json_object_get(pt, "p999_ns")) / 1e6);
		}
		char line[200];
		if (crossed >= 0)
			snprintf(line, sizeof(line), "- **%s/%s**: p99 crosses %g ms at %d%% load", eb_jstr(cell, "runtime"),
				 eb_jstr(cell, "mode"), thr, crossed);
		else
			snprintf(line, sizeof(line), "- **%s/%s**: p99 stays under %g ms up to the highest load measured",
				 eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"), thr);
		json_array_append_new(crossings, json_string(line));
	}
	eb_bprintf(b, "\n");
	json_array_foreach(crossings, i, pt)
		eb_bprintf(b, "%s\n", eb_jsv(pt));
	json_decref(crossings);
	struct eb_buf svg = { 0 };
	int rc = curve_svg(&svg, cells, thr);
	char cap[800];
	snprintf(cap, sizeof(cap), "p99 of the latency from each request's due time, at each offered load (x: %% of the cell's own "
		 "closed-loop keep-alive throughput), one line per runtime/mode (colour and marker unique within the chart); dashed: the %g ms "
		 "threshold. Each point is a single run: lines that cross by less than the run-to-run noise do not rank the runtimes. "
		 "The table above gives n, what was not measured and the other percentiles.", thr);
	rc = rc == -EINVAL ? 0 : rc < 0 ? rc : emit_figure(b, dir, "http-hello_latency_curve.svg", &svg, "open-loop p99 vs offered load", cap, err, errcap);
	eb_buf_free(&svg);
	return rc;
}

/*
 * The reference study's published figures (docs/study-figures.json, its
 * Tables 2-5 as data) next to ours for the same runtime, workload and
 * statistic, each with its one line on why the two differ.
 */
static void section_study(struct eb_buf *b, json_t *doc)
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
		json_t *cell = find_cell(cells, eb_jstr(o, "runtime"), eb_jstr(o, "mode"), eb_jstr(o, "workload"));
		size_t j;
		json_t *s;
		json_array_foreach(cell ? json_object_get(cell, "series") : NULL, j, s) {
			struct eb_summary sum;
			if (strcmp(eb_jstr(s, "name"), eb_jstr(o, "series")) != 0 || summarize_series(s, &sum) < 0)
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

/* Median of series name of a cell, shown (ms for ns); "-" when absent. */
static void median_txt(json_t *cell, const char *name, double div, int decimals, char *out, size_t cap)
{
	size_t j;
	json_t *s;
	snprintf(out, cap, "-");
	json_array_foreach(json_object_get(cell, "series"), j, s) {
		struct eb_summary sum;
		if (!strcmp(eb_jstr(s, "name"), name) && summarize_series(s, &sum) == 0) {
			int k = snprintf(out, cap, "%.*f", decimals, sum.median / div);
			if (k > 0 && (size_t)k < cap)
				snprintf(out + k, cap - (size_t)k, " (n=%zu)", sum.n);
		}
	}
}

/*
 * The network conditions apart (--network, --firewall): each server cell's
 * headline figures per condition, and the paired ratios between conditions.
 */
static int section_network(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	json_t *cfg = json_object_get(doc, "config"), *cells = json_object_get(doc, "cells"), *cell, *c;
	json_t *cc = json_object_get(doc, "condition_comparisons");
	if (json_array_size(json_object_get(cfg, "networks")) + json_array_size(json_object_get(cfg, "firewalls")) <= 2 &&
	    !json_array_size(cc))
		return 0;
	json_t *veth = json_object_get(cfg, "veth");
	eb_bprintf(b, "\n## Network path and firewall\n\n"
		   "Each server cell ran under every network condition asked for, its trials interleaved with the other conditions' in the same rounds. "
		   "*loopback*: prober and load generator on 127.0.0.1 (the study's only path). *veth*: they run in a network namespace of ours (`%s`), "
		   "the servers bind %s on the root side of a veth pair (`%s`, from 198.18.0.0/15). *firewall on*: our nftables table `inet %s` "
		   "is in place while the cell's trials run; it filters input from our veth only: established/related accepted, %lld rules that "
		   "do not match, the benchmark ports accepted, the rest dropped. With loopback the table is present but the traffic never meets it, "
		   "as in the study (macOS pf skipping lo0). Full cold starts, the latency curve, scale from zero and density run on loopback only.\n\n",
		   veth ? eb_jstr(veth, "namespace") : "-", veth ? eb_jstr(veth, "server_address") : "-",
		   veth ? eb_jstr(veth, "interface") : "-", veth ? eb_jstr(veth, "nft_table") : "-",
		   (long long)json_integer_value(json_object_get(cfg, "firewall_rules")));
	eb_bprintf(b, "| runtime/mode | network | firewall | status | cold start ms | p50 under load ms | p99 under load ms | keep-alive req/s |\n"
		   "|---|---|---|---|---:|---:|---:|---:|\n");
	size_t i;
	json_array_foreach(cells, i, cell) {
		if (!eb_jstr(cell, "network")[0])
			continue;
		char cs[64], p50[64], p99[64], tp[64];
		median_txt(cell, "cold_start", 1e6, 3, cs, sizeof(cs));
		median_txt(cell, "sustained_keepalive_p50", 1e6, 3, p50, sizeof(p50));
		median_txt(cell, "sustained_keepalive_p99", 1e6, 3, p99, sizeof(p99));
		median_txt(cell, "sustained_keepalive_throughput", 1, 0, tp, sizeof(tp));
		eb_bprintf(b, "| %s/%s | %s | %s | %s | %s | %s | %s | %s |\n", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"),
			   eb_jstr(cell, "network"), eb_jstr(cell, "firewall"), eb_jstr(cell, "status"), cs, p50, p99, tp);
	}
	if (!json_array_size(cc))
		return 0;
	eb_bprintf(b, "\nPaired differences between conditions: the geometric mean over rounds of (trial under the condition / the same "
		   "cell's trial of the same round under the reference), 95%% t interval on the log ratios; p50/p99 are each round's percentiles of the "
		   "sustained keep-alive latencies; n = pairs.\n\n"
		   "| runtime/mode | comparison | condition | reference | figure | ratio | 95%% CI | n | reading |\n|---|---|---|---|---|---:|---|---:|---|\n");
	struct eb_svg_interval iv[FIG_ROWS];
	char labels[FIG_ROWS][96];
	size_t n = 0;
	json_array_foreach(cc, i, c) {
		json_t *ci = json_object_get(c, "ci95");
		double r = json_number_value(json_object_get(c, "ratio")), lo = json_number_value(json_array_get(ci, 0)),
		       hi = json_number_value(json_array_get(ci, 1));
		int tput = !strcmp(eb_jstr(c, "series"), "sustained_keepalive_throughput");
		char cis[64];
		fmt_ci(c, 3, cis, sizeof(cis));
		eb_bprintf(b, "| %s/%s | %s | %s | %s | %s | %.3f | %s | %lld | %s |\n", eb_jstr(c, "runtime"), eb_jstr(c, "mode"),
			   eb_jstr(c, "comparison"), eb_jstr(c, "condition"), eb_jstr(c, "reference"), eb_jstr(c, "figure"), r, cis,
			   (long long)json_integer_value(json_object_get(c, "n_pairs")), reading(c, tput));
		if (json_array_size(ci) != 2)
			continue;
		if (n < FIG_ROWS) {
			snprintf(labels[n], sizeof(labels[n]), "%s %s: %s", eb_jstr(c, "runtime"),
				 !strcmp(eb_jstr(c, "comparison"), "veth vs loopback") ? (strstr(eb_jstr(c, "condition"), "on") ? "veth/lo fw" : "veth/lo")
										      : (strstr(eb_jstr(c, "condition"), "veth") ? "fw veth" : "fw lo"),
				 eb_jstr(c, "figure"));
			iv[n] = (struct eb_svg_interval){ labels[n], lo, r, hi, (size_t)json_integer_value(json_object_get(c, "n_pairs")) };
			n++;
		}
	}
	if (n == 0)
		return 0;
	struct eb_svg_axis ax = { .title = "http-hello: each network condition against its reference, paired by round", .unit = "ratio",
				  .log = 1, .ref = 1.0, .ref_label = "no difference" };
	struct eb_buf svg = { 0 };
	int rc = eb_svg_intervals(&svg, &ax, iv, n);
	if (rc == 0)
		rc = emit_figure(b, dir, "http-hello_network_conditions.svg", &svg, "network conditions, paired ratios",
				 "each row one cell and figure: veth/lo = veth over loopback, fw = firewall on over off (on the named path); "
				 "dot: geometric mean of the per-round ratios, whiskers: 95% t interval, n = rounds paired. "
				 "Above 1: slower (for throughput: more requests per second).", err, errcap);
	eb_buf_free(&svg);
	return rc == -EINVAL ? 0 : rc;
}

/* Scale from zero: all-ready time against N, and each instance's own start. */
static int section_scale(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	json_t *cells = json_object_get(doc, "cells"), *cell, *pt;
	size_t i, k;
	int any = 0;
	json_array_foreach(cells, i, cell)
		any |= json_array_size(json_object_get(json_object_get(cell, "values"), "scale_from_zero")) > 0;
	if (!any)
		return 0;
	eb_bprintf(b, "\n## Scale from zero\n\n"
		   "N instances launched at once, each on its own port, probed in turn until every one answers 200 "
		   "(ms; \"all ready\": first launch -> last instance answering; \"launching\": first -> last launch).\n\n"
		   "| runtime/mode | N | all ready | launching | each: median | each: max |\n|---|---:|---:|---:|---:|---:|\n");
	json_array_foreach(cells, i, cell) {
		if (strcmp(eb_jstr(cell, "status"), "ok") != 0)
			continue;
		json_array_foreach(json_object_get(json_object_get(cell, "values"), "scale_from_zero"), k, pt) {
			long long n = json_integer_value(json_object_get(pt, "instances"));
			char name[64];
			snprintf(name, sizeof(name), "coldburst_n%lld_start", n);
			struct eb_summary sum = { 0 };
			size_t j;
			json_t *s;
			json_array_foreach(json_object_get(cell, "series"), j, s)
				if (!strcmp(eb_jstr(s, "name"), name))
					(void)summarize_series(s, &sum);
			eb_bprintf(b, "| %s/%s | %lld | %.2f | %.2f | %.2f | %.2f |\n", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"), n,
				json_number_value(json_object_get(pt, "all_ready_ns")) / 1e6,
				json_number_value(json_object_get(pt, "launch_spread_ns")) / 1e6, sum.median / 1e6, sum.max / 1e6);
		}
	}
	struct eb_buf svg = { 0 };
	int rc = scale_svg(&svg, cells, json_object_get(json_object_get(doc, "config"), "scale_from_zero"));
	rc = rc == -EINVAL ? 0 : rc < 0 ? rc : emit_figure(b, dir, "http-hello_scale_from_zero.svg", &svg, "all-ready time against N",
		"time from the first launch until every one of N instances launched at once answered 200, one line per runtime/mode "
		"(one burst per N; the table above has each instance's own start)", err, errcap);
	eb_buf_free(&svg);
	return rc;
}

/* The rows of ok cells of workload wl that have series name (samples / div); returns the count. */
static size_t gather_rows(json_t *cells, const char *wl, const char *name, double div, const char *suffix,
			  struct eb_svg_row *rows, char (*labels)[96], size_t n, size_t cap)
{
	size_t i;
	json_t *cell;
	json_array_foreach(cells, i, cell) {
		if (n == cap || strcmp(eb_jstr(cell, "status"), "ok") != 0 || strcmp(eb_jstr(cell, "workload"), wl) != 0)
			continue;
		size_t m;
		double *v = eb_series_samples(cell, name, div, &m);
		if (!v)
			continue;
		cell_label(cell, labels[n], sizeof(labels[n]));
		if (suffix)
			snprintf(labels[n] + strlen(labels[n]), sizeof(labels[n]) - strlen(labels[n]), " %s", suffix);
		rows[n] = (struct eb_svg_row){ labels[n], v, m };
		n++;
	}
	return n;
}

static void free_rows(struct eb_svg_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)rows[i].v);
}

/* Median of a cell's series (raw units), 0 when absent. */
static double median_or_zero(json_t *cell, const char *name)
{
	double m = series_median(cell, name);
	return m > 0 ? m : 0;
}

/* Memory per instance after warm-up: its own process tree, and stacked on it the shared daemon it needs. */
static int figure_memory(struct eb_buf *b, json_t *cells, const char *wl, const char *dir, char *err, size_t errcap)
{
	struct eb_svg_stack st[FIG_ROWS];
	char labels[FIG_ROWS][96];
	size_t n = 0, i;
	json_t *cell;
	json_array_foreach(cells, i, cell) {
		if (n == FIG_ROWS || strcmp(eb_jstr(cell, "status"), "ok") != 0 || strcmp(eb_jstr(cell, "workload"), wl) != 0)
			continue;
		double own = median_or_zero(cell, "pss_after_warmup");
		if (own <= 0)
			own = median_or_zero(cell, "tree_pss_after_warmup");
		if (own <= 0)
			continue;
		cell_label(cell, labels[n], sizeof(labels[n]));
		st[n] = (struct eb_svg_stack){ labels[n], own / 1048576.0, median_or_zero(cell, "shared_daemon_pss_after_warmup") / 1048576.0 };
		n++;
	}
	if (n == 0)
		return 0;
	char title[160], file[160];
	snprintf(title, sizeof(title), "%s memory per instance after warm-up (PSS, median)", wl);
	snprintf(file, sizeof(file), "%s_memory.svg", wl);
	struct eb_svg_axis ax = { .title = title, .unit = "MiB" };
	struct eb_buf svg = { 0 };
	int rc = eb_svg_stacked(&svg, &ax, "the instance's own processes", "shared daemon (dockerd + containerd)", st, n);
	if (rc == 0)
		rc = emit_figure(b, dir, file, &svg, title,
				 "median of 5 PSS samples after warm-up: the instance's process tree (for containers the shim and the "
				 "container's processes), and stacked on it the PSS of the daemons a container needs, which a host pays once "
				 "however many instances it runs (the density figure shows what each further instance costs)", err, errcap);
	eb_buf_free(&svg);
	return rc == -EINVAL ? 0 : rc;
}

/* A strip figure of the rows; the caption names the series' description. */
static int figure_strip(struct eb_buf *b, const char *dir, const char *file, const char *title, const char *unit, int log,
			struct eb_svg_row *rows, size_t n, const char *caption, char *err, size_t errcap)
{
	if (n == 0)
		return 0;
	struct eb_svg_axis ax = { .title = title, .unit = unit, .log = log };
	struct eb_buf svg = { 0 };
	int rc = eb_svg_strip(&svg, &ax, rows, n);
	if (rc == 0)
		rc = emit_figure(b, dir, file, &svg, title, caption, err, errcap);
	eb_buf_free(&svg);
	return rc == -EINVAL ? 0 : rc;
}

/* Paired ratios of this workload's cells to the baseline for one series, with their CIs, on a log axis. */
static int figure_ratios(struct eb_buf *b, json_t *doc, const char *wl, const struct eb_series_def *d, const char *dir,
			 char *err, size_t errcap)
{
	struct eb_svg_interval iv[FIG_ROWS];
	char labels[FIG_ROWS][96];
	size_t n = 0, i;
	json_t *c;
	const char *base = "native/native";
	json_array_foreach(json_object_get(doc, "comparisons"), i, c) {
		json_t *ci = json_object_get(c, "ci95");
		if (n == FIG_ROWS || strcmp(eb_jstr(c, "workload"), wl) != 0 || strcmp(eb_jstr(c, "series"), d->name) != 0 ||
		    json_array_size(ci) != 2)
			continue;
		base = eb_jstr(c, "baseline");
		char mbuf[96];
		snprintf(labels[n], sizeof(labels[n]), "%s/%s", eb_jstr(c, "runtime"), mode_cond(c, mbuf, sizeof(mbuf)));
		iv[n] = (struct eb_svg_interval){ labels[n], json_number_value(json_array_get(ci, 0)),
						  json_number_value(json_object_get(c, "ratio")), json_number_value(json_array_get(ci, 1)),
						  (size_t)json_integer_value(json_object_get(c, "n_pairs")) };
		n++;
	}
	if (n == 0)
		return 0;
	char title[160], file[160], cap[600], ref[96];
	snprintf(title, sizeof(title), "%s %s: ratio to %s, paired by round", wl, d->name, base);
	snprintf(file, sizeof(file), "%s_%s_ratio.svg", wl, d->name);
	snprintf(ref, sizeof(ref), "%s = 1", base);
	snprintf(cap, sizeof(cap), "%s: geometric mean of the per-round ratios to %s (each trial against the baseline's trial of the "
		 "same round), with its 95%% t interval as the whiskers; n = pairs. %s", d->description, base,
		 d->flags & EB_SERIES_HIGHER_BETTER ? "Above 1: more requests per second than the baseline." : "Above 1: slower than the baseline.");
	struct eb_svg_axis ax = { .title = title, .unit = "ratio", .log = 1, .ref = 1.0, .ref_label = ref };
	struct eb_buf svg = { 0 };
	int rc = eb_svg_intervals(&svg, &ax, iv, n);
	if (rc == 0)
		rc = emit_figure(b, dir, file, &svg, title, cap, err, errcap);
	eb_buf_free(&svg);
	return rc == -EINVAL ? 0 : rc;
}

/*
 * Figures per workload: every catalogued series with a chart (every
 * sample, or its distribution), the ratios to the baseline with their
 * CIs, and for servers memory per instance, build+start vs start and
 * density.
 */
static int section_charts(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	json_t *cells = json_object_get(doc, "cells");
	struct eb_svg_row *rows = calloc(FIG_ROWS, sizeof(*rows));
	char (*labels)[96] = calloc(FIG_ROWS, sizeof(*labels));
	int rc = rows && labels ? 0 : -ENOMEM;
	for (unsigned wi = 0; wi < eb_workload_count && rc == 0; wi++) {
		const char *wl = eb_workloads[wi].name;
		int header = 0;
		for (size_t d = 0; d < eb_series_count && rc == 0; d++) {
			if (!eb_series[d].chart)
				continue;
			const char *shown;
			double one = scale(eb_series[d].unit, 1.0, &shown);
			size_t n = gather_rows(cells, wl, eb_series[d].name, one > 0 ? 1.0 / one : 1.0, NULL, rows, labels, 0, FIG_ROWS);
			if (n == 0)
				continue;
			if (!header++)
				eb_bprintf(b, "\n## Figures: %s\n", wl);
			char title[200], file[160], cap[600];
			snprintf(title, sizeof(title), "%s %s", wl, eb_series[d].chart);
			snprintf(file, sizeof(file), "%s_%s.svg", wl, eb_series[d].name);
			struct eb_svg_axis ax = { .title = title, .unit = shown, .log = eb_series[d].style != EB_CHART_STRIP_LINEAR };
			struct eb_buf svg = { 0 };
			if (eb_series[d].style == EB_CHART_CDF_LOG) {
				rc = eb_svg_cdf(&svg, &ax, rows, n);
				snprintf(cap, sizeof(cap), "%s: the share of requests (y) answered within x, one line per runtime/mode; n = requests.",
					 eb_series[d].description);
			} else {
				rc = eb_svg_strip(&svg, &ax, rows, n);
				snprintf(cap, sizeof(cap), "%s: every sample as a dot (spread vertically only to be seen), the black bar at the median; "
					 "right: median and n.", eb_series[d].description);
			}
			if (rc == 0)
				rc = emit_figure(b, dir, file, &svg, title, cap, err, errcap);
			else if (rc == -EINVAL)
				rc = 0;
			eb_buf_free(&svg);
			free_rows(rows, n);
		}
		if (rc == 0 && eb_workloads[wi].kind == EB_WL_SERVER) {
			/* build + start next to start alone, for runtimes with a build step */
			size_t n = 0;
			json_t *cell;
			size_t i;
			json_array_foreach(cells, i, cell) {
				if (n + 2 > FIG_ROWS || strcmp(eb_jstr(cell, "workload"), wl) != 0 || strcmp(eb_jstr(cell, "status"), "ok") != 0 ||
				    series_median(cell, "full_cold_total") < 0)
					continue;
				size_t m;
				double *v;
				cell_label(cell, labels[n], sizeof(labels[n]));
				strncat(labels[n], " start", sizeof(labels[n]) - strlen(labels[n]) - 1);
				if ((v = eb_series_samples(cell, "cold_start", 1e6, &m)))
					{ rows[n] = (struct eb_svg_row){ labels[n], v, m }; n++; }
				cell_label(cell, labels[n], sizeof(labels[n]));
				strncat(labels[n], " build+start", sizeof(labels[n]) - strlen(labels[n]) - 1);
				if ((v = eb_series_samples(cell, "full_cold_total", 1e6, &m)))
					{ rows[n] = (struct eb_svg_row){ labels[n], v, m }; n++; }
			}
			char title[160], file[160];
			snprintf(title, sizeof(title), "%s build + start vs start", wl);
			snprintf(file, sizeof(file), "%s_build_start.svg", wl);
			rc = figure_strip(b, dir, file, title, "ms", 1, rows, n,
					  "\"start\": launch -> first 200 with the artifact present (cold start); \"build+start\": the "
					  "deployable artifact rebuilt from C source (compile, package or componentize) and then started, as "
					  "the study's Table 5; every trial a dot, the bar at the median", err, errcap);
			free_rows(rows, n);
			if (rc == 0)
				rc = figure_memory(b, cells, wl, dir, err, errcap);
			/* density: each instance's own memory with all of them side by side */
			n = 0;
			json_array_foreach(cells, i, cell) {
				if (n == FIG_ROWS || strcmp(eb_jstr(cell, "workload"), wl) != 0 || strcmp(eb_jstr(cell, "status"), "ok") != 0)
					continue;
				size_t j, m;
				json_t *s;
				json_array_foreach(json_object_get(cell, "series"), j, s) {
					const char *nm = eb_jstr(s, "name");
					double *v;
					if (strncmp(nm, "density_", 8) != 0 || !strncmp(nm, "density_newest_", 15) ||
					    !strcmp(nm, "density_start") || !strcmp(nm, "density_cgroup_usage") ||
					    !(v = eb_series_samples(cell, nm, 1048576.0, &m)))
						continue;
					cell_label(cell, labels[n], sizeof(labels[n]));
					{ rows[n] = (struct eb_svg_row){ labels[n], v, m }; n++; }
					break;
				}
			}
			snprintf(title, sizeof(title), "%s density: memory of each instance, all side by side", wl);
			snprintf(file, sizeof(file), "%s_density.svg", wl);
			if (rc == 0)
				rc = figure_strip(b, dir, file, title, "MiB", 0, rows, n,
						  "each instance's PSS at the end of the density sweep, with all n of them running side by "
						  "side in a memory cgroup of ours (n = instances reached before the memory budget, a failed "
						  "start or the cap; see the Density table)", err, errcap);
			free_rows(rows, n);
		}
		/* the headline ratios: charted series, compute, build+start (the tables have all) */
		for (size_t d = 0; d < eb_series_count && rc == 0; d++)
			if ((eb_series[d].flags & EB_SERIES_PAIRED) &&
			    (eb_series[d].chart || !strcmp(eb_series[d].name, "compute") || !strcmp(eb_series[d].name, "full_cold_total")))
				rc = figure_ratios(b, doc, wl, &eb_series[d], dir, err, errcap);
	}
	free(rows);
	free(labels);
	return rc;
}

/*
 * --method study: the study's curl instrument next to ours for the same
 * cells, and what the instrument alone adds.
 */
static int section_method(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	size_t i;
	int any = 0;
	json_array_foreach(cells, i, cell)
		any |= series_median(cell, "study_cold_start") > 0;
	if (!any)
		return 0;
	eb_bprintf(b, "\n## The study's instrument on this machine (--method study)\n\n"
		   "The same servers measured twice in this run: by edgebench (in-process probe every %.0f us, in-process keep-alive "
		   "client) and by the study's instrument (a `curl` process per attempt with `sleep 0.01` between attempts; a `curl` "
		   "process per request, timed from its launch to its exit; %lld requests with %lld `curl` processes at a time). "
		   "Medians in ms (throughput in req/s), n in parentheses; \"curl time_total\" is what curl itself reports for the "
		   "same requests. The difference between the two columns of a pair is the instrument, not the runtime.\n\n"
		   "| runtime/mode | cold start: edgebench | cold start: curl loop | GET / p50: edgebench | GET / p50: curl process | curl time_total | burst req/s: edgebench | burst req/s: curl processes |\n"
		   "|---|---:|---:|---:|---:|---:|---:|---:|\n",
		   json_number_value(json_object_get(json_object_get(doc, "config"), "probe_spacing_us")),
		   (long long)json_integer_value(json_object_get(json_object_get(doc, "config"), "burst_requests")),
		   (long long)json_integer_value(json_object_get(json_object_get(doc, "config"), "burst_concurrency")));
	struct eb_svg_row rows[FIG_ROWS];
	char labels[FIG_ROWS][96];
	size_t n = 0;
	json_array_foreach(cells, i, cell) {
		if (series_median(cell, "study_cold_start") <= 0 || strcmp(eb_jstr(cell, "status"), "ok") != 0)
			continue;
		char v[8][64];
		median_txt(cell, "cold_start", 1e6, 3, v[0], sizeof(v[0]));
		median_txt(cell, "study_cold_start", 1e6, 3, v[1], sizeof(v[1]));
		median_txt(cell, "warm_latency", 1e6, 3, v[2], sizeof(v[2]));
		median_txt(cell, "study_latency", 1e6, 3, v[3], sizeof(v[3]));
		median_txt(cell, "study_curl_time_total", 1e6, 3, v[4], sizeof(v[4]));
		median_txt(cell, "burst_throughput", 1, 0, v[5], sizeof(v[5]));
		median_txt(cell, "study_throughput", 1, 0, v[6], sizeof(v[6]));
		eb_bprintf(b, "| %s/%s | %s | %s | %s | %s | %s | %s | %s |\n", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"),
			   v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
		static const char *const which[2][2] = { { "cold_start", "edgebench" }, { "study_cold_start", "curl loop" } };
		for (int k = 0; k < 2 && n < FIG_ROWS; k++) {
			size_t m;
			double *s = eb_series_samples(cell, which[k][0], 1e6, &m);
			if (!s)
				continue;
			snprintf(labels[n], sizeof(labels[n]), "%s/%s %s", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"), which[k][1]);
			rows[n] = (struct eb_svg_row){ labels[n], s, m };
			n++;
		}
	}
	int rc = figure_strip(b, dir, "http-hello_method_cold_start.svg", "http-hello cold start: edgebench's probe vs the study's curl loop",
			      "ms", 1, rows, n,
			      "every cold-start trial of each server, timed by edgebench (in-process probe) and by the study's instrument "
			      "(curl every 10 ms) in the same rounds; the bar is the median, n at the right", err, errcap);
	free_rows(rows, n);
	return rc;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void csv_field(struct eb_buf *b, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		eb_bprintf(b, "\"");
		for (const char *p = s; *p; p++)
			eb_bprintf(b, *p == '"' ? "\"\"" : "%c", *p);
		eb_bprintf(b, "\"");
	} else {
		eb_bprintf(b, "%s", s);
	}
	eb_bprintf(b, last ? "\n" : ",");
}

/*
 * results.csv: one row per cell and series, the summary recomputed from the
 * samples (raw units: ns, bytes, req/s), for spreadsheets and pandas; a cell
 * that did not run is one row with its status and error.
 */
static int render_csv(struct eb_buf *out, json_t *doc, const char *md, const char *dir)
{
	(void)md;
	(void)dir;
	eb_bprintf(out, "runtime,mode,workload,network,firewall,status,series,unit,n,median,median_ci95_lo,median_ci95_hi,p90,p99,p999,min,max,mean,stddev,error\n");
	size_t i, j;
	json_t *cell, *s;
	json_array_foreach(json_object_get(doc, "cells"), i, cell) {
		const char *st = eb_jstr(cell, "status");
		if (strcmp(st, "ok") != 0 || json_array_size(json_object_get(cell, "series")) == 0) {
			csv_field(out, eb_jstr(cell, "runtime"), 0);
			csv_field(out, eb_jstr(cell, "mode"), 0);
			csv_field(out, eb_jstr(cell, "workload"), 0);
			csv_field(out, eb_jstr(cell, "network"), 0);
			csv_field(out, eb_jstr(cell, "firewall"), 0);
			csv_field(out, st, 0);
			eb_bprintf(out, ",,,,,,,,,,,,,");
			csv_field(out, eb_jstr(cell, "error"), 1);
			continue;
		}
		json_array_foreach(json_object_get(cell, "series"), j, s) {
			struct eb_summary sum;
			if (summarize_series(s, &sum) < 0)
				continue;
			csv_field(out, eb_jstr(cell, "runtime"), 0);
			csv_field(out, eb_jstr(cell, "mode"), 0);
			csv_field(out, eb_jstr(cell, "workload"), 0);
			csv_field(out, eb_jstr(cell, "network"), 0);
			csv_field(out, eb_jstr(cell, "firewall"), 0);
			csv_field(out, st, 0);
			csv_field(out, eb_jstr(s, "name"), 0);
			csv_field(out, eb_jstr(s, "unit"), 0);
			eb_bprintf(out, "%zu,%.17g,", sum.n, sum.median);
			if (sum.has_ci)
				eb_bprintf(out, "%.17g,%.17g,", sum.median_ci_lo, sum.median_ci_hi);
			else
				eb_bprintf(out, ",,");
			eb_bprintf(out, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,\n", sum.p90, sum.p99, sum.p999, sum.min, sum.max, sum.mean,
				   sum.stddev);
		}
	}
	return out->failed ? -ENOMEM : 0;
}

static int render_md(struct eb_buf *out, json_t *doc, const char *md, const char *dir)
{
	(void)doc;
	(void)dir;
	eb_bprintf(out, "%s", md);
	return 0;
}

static int render_html(struct eb_buf *out, json_t *doc, const char *md, const char *dir)
{
	(void)doc;
	eb_report_html(out, md, dir, "edgebench report");
	return 0;
}

/* One entry per file beside results.json (hyperfine's exporters, as a table). */
static const struct exporter {
	const char *file;
	int (*render)(struct eb_buf *out, json_t *doc, const char *md, const char *dir);
} exporters[] = {
	{ "report.md", render_md },
	{ "report.html", render_html },
	{ "results.csv", render_csv },
};

/*
 * The comparisons are recomputed from the cells' samples, never read from
 * the document: a run written by an older edgebench (whose intervals were
 * percentile bootstraps) is reported with today's method.
 */
static void recompute_comparisons(json_t *doc)
{
	json_t *cells = json_object_get(doc, "cells");
	const char *base = eb_jstr(json_object_get(doc, "config"), "baseline");
	char rt[80] = "native", mode[80] = "native";
	const char *slash = strchr(base, '/');
	if (slash && slash - base < (long)sizeof(rt) && strlen(slash + 1) < sizeof(mode)) {
		memcpy(rt, base, (size_t)(slash - base));
		rt[slash - base] = 0;
		snprintf(mode, sizeof(mode), "%s", slash + 1);
	}
	if (!json_object_get(doc, "comparisons"))
		return;   /* schema 1: no rounds, nothing pairs */
	json_t *cmp = eb_compare_cells(cells, rt, mode);
	if (cmp)
		json_object_set_new(doc, "comparisons", cmp);
	if (json_object_get(doc, "condition_comparisons")) {
		json_t *cc = eb_compare_conditions(cells);
		if (cc)
			json_object_set_new(doc, "condition_comparisons", cc);
	}
}

int eb_report_write(const char *dir, char *err, size_t errcap)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/results.json", dir);
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc) {
		snprintf(err, errcap, "cannot read %s: %s (line %d)", path, je.text, je.line);
		return -EINVAL;
	}
	json_t *ver = json_object_get(doc, "schema_version");
	if (!json_is_integer(ver) || json_integer_value(ver) < EB_SCHEMA_OLDEST || json_integer_value(ver) > EB_SCHEMA_VERSION) {
		snprintf(err, errcap, "%s: schema_version %lld is not one this edgebench reads (%d..%d)", path,
			 json_is_integer(ver) ? (long long)json_integer_value(ver) : -1LL, EB_SCHEMA_OLDEST, EB_SCHEMA_VERSION);
		json_decref(doc);
		return -EINVAL;
	}
	recompute_comparisons(doc);
	struct eb_buf b = { 0 };
	const char *status = eb_jstr(doc, "status");
	eb_bprintf(&b, "# edgebench report\n\n");
	if (!status || strcmp(status, "complete") != 0)
		eb_bprintf(&b, "**This run is %s: the figures below cover only what finished.**\n\n", status ? status : "of unknown status");
	if (json_integer_value(ver) < EB_SCHEMA_VERSION)
		eb_bprintf(&b, "*Results schema %lld: written by an older edgebench, which ran cells one after another; no schedule, calibration or paired comparisons.*\n\n",
			(long long)json_integer_value(ver));
	eb_bprintf(&b, "Every figure is derived from the raw samples in `results.json` and `raw/`. Times are launch-to-event intervals on CLOCK_MONOTONIC; percentiles interpolate between closest ranks; the 95%% CI of a median is from order statistics with exact binomial ranks; ratios are paired by round with Student-t intervals (see Paired comparisons and docs/statistics.md).\n\n");
	section_verdicts(&b, doc);
	section_environment(&b, doc);
	section_noise(&b, doc);
	section_runtimes(&b, doc);
	section_glance(&b, doc);
	section_study(&b, doc);
	int rc = section_method(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = section_charts(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = section_network(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = section_scale(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = section_curve(&b, doc, dir, err, errcap);
	if (rc == 0) {
		section_comparisons(&b, doc);
		section_modes(&b, doc);
		section_deployments(&b, doc);
		section_results(&b, doc);
		section_checks(&b, doc);
	}
	if (rc == 0 && b.failed)
		rc = -ENOMEM;
	/* the exporters: every file is a function of results.json alone, written atomically */
	for (size_t e = 0; rc == 0 && e < sizeof(exporters) / sizeof(exporters[0]); e++) {
		struct eb_buf out = { 0 };
		rc = exporters[e].render(&out, doc, b.p ? b.p : "", dir);
		snprintf(path, sizeof(path), "%s/%s", dir, exporters[e].file);
		if (rc == 0)
			rc = eb_buf_write_file(&out, path);
		if (rc < 0)
			snprintf(err, errcap, "cannot write %s: %s", path, strerror(-rc));
		eb_buf_free(&out);
	}
	eb_buf_free(&b);
	json_decref(doc);
	return rc;
}
