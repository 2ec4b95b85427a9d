/*
 * report/figures: the sections of report.md with charts (latency curve, network conditions,
 * scale from zero, per-workload figures, the study's instrument).
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
		rp_cell_label(cell, labels[nl], sizeof(labels[nl]));
		ln->label = labels[nl++];
		json_array_foreach(pts, k, pt) {
			double x = xfn(pt, arg);
			if (ln->n == EB_SVG_LINE_POINTS || x < 0 || !json_is_number(json_object_get(pt, yfield)))
				continue;   /* a point without the figure (e.g. not all ready in time) is not drawn */
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
static int curve_svg(struct eb_buf *svg, json_t *cells, double threshold_ms, const char *wl)
{
	static const char *const tick[] = { "0%", "25%", "50%", "75%", "100%" };
	static const double tick_x[] = { 0, 0.25, 0.5, 0.75, 1 };
	char title[160];
	snprintf(title, sizeof(title), "%s open-loop p99 vs offered load (%% of each runtime's own throughput)", wl);
	struct eb_svg_axis ax = { .title = title,
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
static int scale_svg(struct eb_buf *svg, json_t *cells, json_t *sizes, const char *wl)
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
	char title[160];
	snprintf(title, sizeof(title), "%s scale from zero: N instances launched at once, time until all answer", wl);
	struct eb_svg_axis ax = { .title = title,
				  .unit = "ms", .log = 1 };
	return chart_from_cells(svg, &ax, tickp, tick_x, nt, cells, "scale_from_zero", "all_ready_ns", scale_x, sizes);
}

/* The latency curve: a table per point and where p99 crosses the threshold. */
static int curve_one(struct eb_buf *b, json_t *doc, const char *dir, const char *wl, char *err, size_t errcap)
{
	json_t *cells = json_object_get(doc, "cells"), *cell, *pt;
	json_t *cfg = json_object_get(json_object_get(doc, "config"), "latency_curve");
	double thr = json_number_value(json_object_get(cfg, "p99_threshold_ms"));
	/* the generator's lateness bound the run used (runs before 2026-11-30 do not record it: 1 ms) */
	json_t *late = json_object_get(cfg, "generator_late_bound_ms");
	double late_ms = late ? json_number_value(late) : 1.0;
	size_t i, k;
	int any = 0;
	json_array_foreach(cells, i, cell)
		any |= json_array_size(json_object_get(json_object_get(cell, "values"), "latency_curve")) > 0;
	if (!any)
		return 0;
	eb_bprintf(b, "\n## Latency under load (open loop): %s\n\n", wl);
	eb_bprintf(b, ""
		   "Each server at fixed fractions of its own closed-loop keep-alive throughput, requests sent on a fixed schedule "
		   "and latency measured from when each was due (a stall shows in every request scheduled during it). "
		   "ms; \"crosses\" is the first load at which p99 exceeds %g ms. Each point is one run at that rate (no repeats: its "
		   "spread is not shown, so small crossings of the lines are within the noise). \"not measured\": requests that came due "
		   "but were never sent, and those unanswered at the end (their latencies are not in the percentiles). "
		   "**GENERATOR-BOUND**: edgebench, not the server, fell behind (under 95%% of the offered rate with no request waiting "
		   "for a busy connection, or over 1%% of requests sent more than %.0f ms late with a connection free): that row "
		   "describes the instrument, not the runtime.\n\n"
		   "| runtime/mode | load | offered req/s | achieved req/s | not measured (never sent + unanswered) | p50 | p90 | p99 | p99.9 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
		   thr, late_ms);
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
	int rc = curve_svg(&svg, cells, thr, wl);
	char cap[800];
	snprintf(cap, sizeof(cap), "p99 of the latency from each request's due time, at each offered load (x: %% of the cell's own "
		 "closed-loop keep-alive throughput), one line per runtime/mode (colour and marker unique within the chart); dashed: the %g ms "
		 "threshold. Each point is a single run: lines that cross by less than the run-to-run noise do not rank the runtimes. "
		 "The table above gives n, what was not measured and the other percentiles.", thr);
	char file[96];
	snprintf(file, sizeof(file), "%s_latency_curve.svg", wl);
	rc = rc == -EINVAL ? 0 : rc < 0 ? rc : rp_emit_figure(b, dir, file, &svg, "open-loop p99 vs offered load", cap, err, errcap);
	eb_buf_free(&svg);
	return rc;
}

static int per_server_workload(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap,
			       int (*one)(struct eb_buf *, json_t *, const char *, const char *, char *, size_t));

/*
 * The network conditions apart (--network, --firewall): each server cell's
 * headline figures per condition, and the paired ratios between conditions.
 */
static int network_one(struct eb_buf *b, json_t *doc, const char *dir, const char *wl, char *err, size_t errcap)
{
	json_t *cfg = json_object_get(doc, "config"), *cells = json_object_get(doc, "cells"), *cell, *c;
	json_t *cc = json_object_get(doc, "condition_comparisons");
	if (json_array_size(json_object_get(cfg, "networks")) + json_array_size(json_object_get(cfg, "firewalls")) <= 2 &&
	    !json_array_size(cc))
		return 0;
	if (!json_array_size(cells))
		return 0;
	json_t *veth = json_object_get(cfg, "veth");
	eb_bprintf(b, "\n## Network path and firewall: %s\n\n", wl);
	eb_bprintf(b, "Each server cell ran under every network condition asked for, its trials interleaved with the other conditions' in the same rounds. "
		   "*loopback*: prober and load generator on 127.0.0.1 (the study's only path). *veth*: they run in a network namespace of ours (`%s`), "
		   "the servers bind %s on the root side of a veth pair (`%s`, from 198.18.0.0/15). *firewall on*: our nftables table `inet %s` "
		   "is in place while the cell's trials run; it filters input from our veth only: established/related accepted, %lld rules that "
		   "do not match, the benchmark ports accepted, the rest dropped. With loopback the table is present but the traffic never meets it, "
		   "as in the study (macOS pf skipping lo0). Full cold starts, the latency curve, scale from zero and density run on loopback only.\n\n",
		   veth ? eb_jstr(veth, "namespace") : "-", veth ? eb_jstr(veth, "server_address") : "-",
		   veth ? eb_jstr(veth, "interface") : "-", veth ? eb_jstr(veth, "nft_table") : "-",
		   (long long)json_integer_value(json_object_get(cfg, "firewall_rules")));
	/* the columns: the figures the conditions are compared on (analysis/compare.c) */
	eb_bprintf(b, "| runtime/mode | network | firewall | status |");
	for (size_t f = 0; f < eb_condition_figure_count; f++)
		eb_bprintf(b, " %s |", eb_condition_figures[f].column);
	eb_bprintf(b, "\n|---|---|---|---|");
	for (size_t f = 0; f < eb_condition_figure_count; f++)
		eb_bprintf(b, "---:|");
	eb_bprintf(b, "\n");
	size_t i;
	json_array_foreach(cells, i, cell) {
		if (!eb_jstr(cell, "network")[0])
			continue;
		eb_bprintf(b, "| %s/%s | %s | %s | %s |", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"),
			   eb_jstr(cell, "network"), eb_jstr(cell, "firewall"), eb_jstr(cell, "status"));
		for (size_t f = 0; f < eb_condition_figure_count; f++) {
			char txt[64];
			const struct eb_condition_figure *cf = &eb_condition_figures[f];
			rp_median_txt(cell, cf->series, cf->div, cf->decimals, txt, sizeof(txt));
			eb_bprintf(b, " %s |", txt);
		}
		eb_bprintf(b, "\n");
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
		if (strcmp(eb_jstr(c, "workload"), wl) != 0)
			continue;
		json_t *ci = json_object_get(c, "ci95");
		double r = json_number_value(json_object_get(c, "ratio")), lo = json_number_value(json_array_get(ci, 0)),
		       hi = json_number_value(json_array_get(ci, 1));
		const struct eb_series_def *sd = eb_series_find(eb_jstr(c, "series"), NULL, 0);
		int tput = sd && (sd->flags & EB_SERIES_HIGHER_BETTER);
		char cis[64];
		rp_fmt_ci(c, 3, cis, sizeof(cis));
		eb_bprintf(b, "| %s/%s | %s | %s | %s | %s | %.3f | %s | %lld | %s |\n", eb_jstr(c, "runtime"), eb_jstr(c, "mode"),
			   eb_jstr(c, "comparison"), eb_jstr(c, "condition"), eb_jstr(c, "reference"), eb_jstr(c, "figure"), r, cis,
			   (long long)json_integer_value(json_object_get(c, "n_pairs")), rp_reading(c, tput));
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
	char title[160], file[96];
	snprintf(title, sizeof(title), "%s: each network condition against its reference, paired by round", wl);
	snprintf(file, sizeof(file), "%s_network_conditions.svg", wl);
	struct eb_svg_axis ax = { .title = title, .unit = "ratio", .log = 1, .ref = 1.0, .ref_label = "no difference" };
	struct eb_buf svg = { 0 };
	int rc = eb_svg_intervals(&svg, &ax, iv, n);
	if (rc == 0)
		rc = rp_emit_figure(b, dir, file, &svg, "network conditions, paired ratios",
				 "each row one cell and figure: veth/lo = veth over loopback, fw = firewall on over off (on the named path); "
				 "dot: geometric mean of the per-round ratios, whiskers: 95% t interval, n = rounds paired. "
				 "Above 1: slower (for throughput: more requests per second).", err, errcap);
	eb_buf_free(&svg);
	return rc == -EINVAL ? 0 : rc;
}

/* Scale from zero: all-ready time against N, and each instance's own start. */
static int scale_one(struct eb_buf *b, json_t *doc, const char *dir, const char *wl, char *err, size_t errcap)
{
	json_t *cells = json_object_get(doc, "cells"), *cell, *pt;
	size_t i, k;
	int any = 0;
	json_array_foreach(cells, i, cell)
		any |= json_array_size(json_object_get(json_object_get(cell, "values"), "scale_from_zero")) > 0;
	if (!any)
		return 0;
	eb_bprintf(b, "\n## Scale from zero: %s\n\n", wl);
	eb_bprintf(b, ""
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
					(void)rp_summarize_series(s, &sum);
			char all[96];
			json_t *ar = json_object_get(pt, "all_ready_ns");
			if (json_is_number(ar))
				snprintf(all, sizeof(all), "%.2f", json_number_value(ar) / 1e6);
			else
				snprintf(all, sizeof(all), "**not all in time** (%lld of %lld answered)",
					 (long long)json_integer_value(json_object_get(pt, "answered")), n);
			char med[32] = "-", max[32] = "-";
			if (sum.n) {
				snprintf(med, sizeof(med), "%.2f", sum.median / 1e6);
				snprintf(max, sizeof(max), "%.2f", sum.max / 1e6);
			}
			eb_bprintf(b, "| %s/%s | %lld | %s | %.2f | %s | %s |\n", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"), n,
				all, json_number_value(json_object_get(pt, "launch_spread_ns")) / 1e6, med, max);
		}
	}
	struct eb_buf svg = { 0 };
	int rc = scale_svg(&svg, cells, json_object_get(json_object_get(doc, "config"), "scale_from_zero"), wl);
	char file[96];
	snprintf(file, sizeof(file), "%s_scale_from_zero.svg", wl);
	rc = rc == -EINVAL ? 0 : rc < 0 ? rc : rp_emit_figure(b, dir, file, &svg, "all-ready time against N",
		"time from the first launch until every one of N instances launched at once answered 200, one line per runtime/mode "
		"(one burst per N; the table above has each instance's own start)", err, errcap);
	eb_buf_free(&svg);
	return rc;
}

/* A section once per server workload of the catalogue, over that workload's cells only. */
static int per_server_workload(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap,
			       int (*one)(struct eb_buf *, json_t *, const char *, const char *, char *, size_t))
{
	int rc = 0;
	for (unsigned w = 0; w < eb_workload_count && rc == 0; w++) {
		if (eb_workloads[w].kind != EB_WL_SERVER)
			continue;
		json_t *part = json_copy(doc), *cells = json_array(), *cell;
		size_t i;
		json_array_foreach(json_object_get(doc, "cells"), i, cell)
			if (!strcmp(eb_jstr(cell, "workload"), eb_workloads[w].name))
				json_array_append(cells, cell);
		json_object_set_new(part, "cells", cells);
		rc = one(b, part, dir, eb_workloads[w].name, err, errcap);
		json_decref(part);
	}
	return rc;
}

int rp_section_curve(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	return per_server_workload(b, doc, dir, err, errcap, curve_one);
}

int rp_section_scale(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	return per_server_workload(b, doc, dir, err, errcap, scale_one);
}

int rp_section_network(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	return per_server_workload(b, doc, dir, err, errcap, network_one);
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
		struct eb_cell_memory m;
		eb_cell_memory(cell, &m);
		if (m.own <= 0)
			continue;
		rp_cell_label(cell, labels[n], sizeof(labels[n]));
		st[n] = (struct eb_svg_stack){ labels[n], m.own / 1048576.0, m.shared / 1048576.0 };
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
		rc = rp_emit_figure(b, dir, file, &svg, title,
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
		rc = rp_emit_figure(b, dir, file, &svg, title, caption, err, errcap);
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
		snprintf(labels[n], sizeof(labels[n]), "%s/%s", eb_jstr(c, "runtime"), rp_mode_cond(c, mbuf, sizeof(mbuf)));
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
		rc = rp_emit_figure(b, dir, file, &svg, title, cap, err, errcap);
	eb_buf_free(&svg);
	return rc == -EINVAL ? 0 : rc;
}

/*
 * Figures per workload: every catalogued series with a chart (every
 * sample, or its distribution), the ratios to the baseline with their
 * CIs, and for servers memory per instance, build+start vs start and
 * density.
 */
int rp_section_charts(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
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
			double one = rp_scale(eb_series[d].unit, 1.0, &shown);
			size_t n = rp_gather_rows(cells, wl, eb_series[d].name, one > 0 ? 1.0 / one : 1.0, NULL, rows, labels, 0, FIG_ROWS);
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
				rc = rp_emit_figure(b, dir, file, &svg, title, cap, err, errcap);
			else if (rc == -EINVAL)
				rc = 0;
			eb_buf_free(&svg);
			rp_free_rows(rows, n);
		}
		if (rc == 0 && eb_workloads[wi].kind == EB_WL_SERVER) {
			/* build + start next to start alone, for runtimes with a build step */
			size_t n = 0;
			json_t *cell;
			size_t i;
			json_array_foreach(cells, i, cell) {
				if (n + 2 > FIG_ROWS || strcmp(eb_jstr(cell, "workload"), wl) != 0 || strcmp(eb_jstr(cell, "status"), "ok") != 0 ||
				    eb_series_median(cell, "full_cold_total") < 0)
					continue;
				size_t m;
				double *v;
				rp_cell_label(cell, labels[n], sizeof(labels[n]));
				strncat(labels[n], " start", sizeof(labels[n]) - strlen(labels[n]) - 1);
				if ((v = eb_series_samples(cell, "cold_start", 1e6, &m)))
					{ rows[n] = (struct eb_svg_row){ labels[n], v, m }; n++; }
				rp_cell_label(cell, labels[n], sizeof(labels[n]));
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
			rp_free_rows(rows, n);
			if (rc == 0)
				rc = figure_memory(b, cells, wl, dir, err, errcap);
			/* density: each instance's own memory with all of them side by side */
			n = 0;
			json_array_foreach(cells, i, cell) {
				if (n == FIG_ROWS || strcmp(eb_jstr(cell, "workload"), wl) != 0 || strcmp(eb_jstr(cell, "status"), "ok") != 0)
					continue;
				/* the sweep's additive figure (pss, or a container's tree_pss), as the sweep recorded it */
				json_t *dv = json_object_get(json_object_get(cell, "values"), "density");
				char nm[96];
				size_t m;
				double *v;
				snprintf(nm, sizeof(nm), "density_%s", eb_jstr(dv, "figure"));
				if (!dv || !(v = eb_series_samples(cell, nm, 1048576.0, &m)))
					continue;
				rp_cell_label(cell, labels[n], sizeof(labels[n]));
				rows[n] = (struct eb_svg_row){ labels[n], v, m };
				n++;
			}
			snprintf(title, sizeof(title), "%s density: memory of each instance, all side by side", wl);
			snprintf(file, sizeof(file), "%s_density.svg", wl);
			if (rc == 0)
				rc = figure_strip(b, dir, file, title, "MiB", 0, rows, n,
						  "each instance's PSS at the end of the density sweep, with all n of them running side by "
						  "side in a memory cgroup of ours (n = instances reached before the memory budget, a failed "
						  "start or the cap; see the Density table)", err, errcap);
			rp_free_rows(rows, n);
		}
		/* the headline ratios: charted series, compute, build+start (the tables have all) */
		for (size_t d = 0; d < eb_series_count && rc == 0; d++)
			if ((eb_series[d].flags & EB_SERIES_PAIRED) &&
			    (eb_series[d].chart || (eb_series[d].flags & EB_SERIES_RATIO_FIGURE)))
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
int rp_section_method(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap)
{
	json_t *cells = json_object_get(doc, "cells"), *cell;
	size_t i;
	int any = 0;
	json_array_foreach(cells, i, cell)
		any |= eb_series_median(cell, "study_cold_start") > 0;
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
		if (eb_series_median(cell, "study_cold_start") <= 0 || strcmp(eb_jstr(cell, "status"), "ok") != 0)
			continue;
		char v[8][64];
		rp_median_txt(cell, "cold_start", 1e6, 3, v[0], sizeof(v[0]));
		rp_median_txt(cell, "study_cold_start", 1e6, 3, v[1], sizeof(v[1]));
		rp_median_txt(cell, "warm_latency", 1e6, 3, v[2], sizeof(v[2]));
		rp_median_txt(cell, "study_latency", 1e6, 3, v[3], sizeof(v[3]));
		rp_median_txt(cell, "study_curl_time_total", 1e6, 3, v[4], sizeof(v[4]));
		rp_median_txt(cell, "burst_throughput", 1, 0, v[5], sizeof(v[5]));
		rp_median_txt(cell, "study_throughput", 1, 0, v[6], sizeof(v[6]));
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
	rp_free_rows(rows, n);
	return rc;
}

