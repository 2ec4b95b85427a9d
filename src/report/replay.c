/*
 * report/replay: report.md, replay.csv and two charts of a replay document.
 */
#include "report/replay.h"
#include "analysis/replay.h"
#include "data/results.h"
#include "data/stats.h"
#include "report/svg.h"
#include "sys/textbuf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RT 32

struct rt_rows {
	char name[96];
	double p99[100], per1k_gib[100];
	size_t n;
	double worst_failed;        /* the largest share of invocations without a 200 over its repeats */
};

static const char *label(const json_t *r, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", eb_jstr(r, "runtime") ? eb_jstr(r, "runtime") : "?",
		 eb_jstr(r, "mode") ? eb_jstr(r, "mode") : "?");
	return buf;
}

static void ms(struct eb_buf *b, double v)
{
	if (isnan(v))
		eb_bprintf(b, " – |");
	else if (v < 10)
		eb_bprintf(b, " %.2f |", v);
	else
		eb_bprintf(b, " %.0f |", v);
}

/* Runtimes (by label) with each repeat's p99 and GiB*s per 1,000. */
static size_t gather(const json_t *replays, struct rt_rows *rt)
{
	size_t n = 0, i;
	json_t *r;
	json_array_foreach(replays, i, r) {
		struct eb_replay_figures f;
		char name[96];
		if (eb_replay_figures(r, &f) < 0)
			continue;
		label(r, name, sizeof(name));
		size_t k = 0;
		while (k < n && strcmp(rt[k].name, name))
			k++;
		if (k == n) {
			if (n == MAX_RT)
				continue;
			memset(&rt[n], 0, sizeof(rt[n]));
			snprintf(rt[n].name, sizeof(rt[n].name), "%s", name);
			n++;
		}
		double failed = f.invocations ? (double)f.failed / (double)f.invocations : 1;
		if (failed > rt[k].worst_failed)
			rt[k].worst_failed = failed;
		if (rt[k].n < 100) {
			rt[k].p99[rt[k].n] = f.all_p99;
			rt[k].per1k_gib[rt[k].n] = f.per1k_gib_s;
			rt[k].n++;
		}
	}
	return n;
}

struct ranked {
	const char *name;
	double mid, lo, hi;
	size_t n;
};

static int by_mid(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	return (x->mid > y->mid) - (x->mid < y->mid);
}

/* A ranking by the median over repeats, saying where neighbours' ranges overlap. */
static void ranking(struct eb_buf *b, const char *title, const char *unit, struct rt_rows *rt, size_t n, int which)
{
	struct ranked r[MAX_RT];
	size_t m = 0, min_n = 1000;
	const char *unranked[MAX_RT];
	double unranked_share[MAX_RT];
	size_t nu = 0;
	for (size_t i = 0; i < n; i++) {
		double v[100];
		if (rt[i].worst_failed > 0.01) {
			/* its p99 is over the invocations it answered: not comparable with one that answered all */
			unranked_share[nu] = rt[i].worst_failed;
			unranked[nu++] = rt[i].name;
			continue;
		}
		size_t k = 0;
		for (size_t j = 0; j < rt[i].n; j++) {
			double x = which ? rt[i].per1k_gib[j] : rt[i].p99[j];
			if (!isnan(x))
				v[k++] = x;
		}
		if (!k)
			continue;
		eb_sort_doubles(v, k);
		r[m] = (struct ranked){ rt[i].name, eb_percentile(v, k, 50), v[0], v[k - 1], k };
		if (k < min_n)
			min_n = k;
		m++;
	}
	eb_bprintf(b, "**%s** (lower is better; the median over repeats, min–max):\n\n", title);
	for (size_t i = 0; i < nu; i++)
		eb_bprintf(b, "- not ranked: %s, %.1f%% of its invocations failed or were dropped in a replay (its figures cover "
			      "only those it answered)\n", unranked[i], 100 * unranked_share[i]);
	if (nu)
		eb_bprintf(b, "\n");
	if (!m)
		return;
	qsort(r, m, sizeof(r[0]), by_mid);
	for (size_t i = 0; i < m; i++) {
		int overlaps = (i + 1 < m && r[i + 1].lo <= r[i].hi) || (i > 0 && r[i - 1].hi >= r[i].lo);
		eb_bprintf(b, "%zu. %s: %.3g %s (%.3g–%.3g, %zu replay%s)%s\n", i + 1, r[i].name, r[i].mid, unit, r[i].lo, r[i].hi,
			   r[i].n, r[i].n == 1 ? "" : "s",
			   r[i].n > 1 && overlaps ? " — its range overlaps a neighbour's: not separable at these repeats" : "");
	}
	if (min_n < 3)
		eb_bprintf(b, "\nWith %zu replay%s per runtime the order is indicative only: the run shows no spread to judge it by "
			   "(`--repeats 3` or more gives one).\n", min_n, min_n == 1 ? "" : "s");
	eb_bprintf(b, "\n");
}

static int charts(json_t *replays, const char *dir, struct eb_buf *md)
{
	/* the first repeat of each runtime */
	struct eb_svg_line lines[MAX_RT];
	struct eb_svg_row rows[2 * MAX_RT];
	static char lname[MAX_RT][96], rname[2 * MAX_RT][104];
	double *lat[2 * MAX_RT];
	size_t nl = 0, nr = 0, i;
	json_t *r;
	double span = 0;
	json_array_foreach(replays, i, r)
		if (json_number_value(json_object_get(r, "end_s")) > span)
			span = json_number_value(json_object_get(r, "end_s"));
	json_array_foreach(replays, i, r) {
		if (json_integer_value(json_object_get(r, "repeat")) != 0 || nl == MAX_RT)
			continue;
		json_t *tl = json_object_get(json_object_get(r, "timeline"), "rows");
		struct eb_svg_line *ln = &lines[nl];
		memset(ln, 0, sizeof(*ln));
		ln->label = label(r, lname[nl], sizeof(lname[nl]));
		double sum[EB_SVG_LINE_POINTS] = { 0 }, cnt[EB_SVG_LINE_POINTS] = { 0 };
		size_t j;
		json_t *pt;
		json_array_foreach(tl, j, pt) {
			double t = json_number_value(json_array_get(pt, RP_T)) / 1e6;
			size_t bin = span > 0 ? (size_t)(t / span * EB_SVG_LINE_POINTS) : 0;
			if (bin >= EB_SVG_LINE_POINTS)
				bin = EB_SVG_LINE_POINTS - 1;
			sum[bin] += json_number_value(json_array_get(pt, RP_LIVE));
			cnt[bin]++;
		}
		for (size_t k = 0; k < EB_SVG_LINE_POINTS; k++) {
			ln->x[k] = ((double)k + 0.5) / EB_SVG_LINE_POINTS;
			ln->y[k] = cnt[k] ? sum[k] / cnt[k] : 0;
		}
		ln->n = EB_SVG_LINE_POINTS;
		for (int which = 1; which <= 2; which++) {
			size_t n;
			double *v = eb_replay_latencies(r, which, 0, &n);
			if (!v)
				continue;
			snprintf(rname[nr], sizeof(rname[nr]), "%s %s", lname[nl], which == 1 ? "warm" : "cold");
			lat[nr] = v;
			rows[nr] = (struct eb_svg_row){ rname[nr], v, n };
			nr++;
		}
		nl++;
	}
	int rc = 0;
	struct eb_buf svg = { 0 };
	char path[1200];
	char t0[16], t1[16], t2[16];
	snprintf(t0, sizeof(t0), "0 s");
	snprintf(t1, sizeof(t1), "%.0f s", span / 2);
	snprintf(t2, sizeof(t2), "%.0f s", span);
	const char *ticks[] = { t0, t1, t2 };
	const double tick_x[] = { 0, 0.5, 1 };
	struct eb_svg_axis ax = { .title = "Live instances over the replay (mean per sixteenth; first repeat)", .unit = "instances", .log = 1 };
	if (nl && eb_svg_lines(&svg, &ax, ticks, tick_x, 3, lines, nl) == 0) {
		snprintf(path, sizeof(path), "%s/replay_instances.svg", dir);
		rc = eb_buf_write_file(&svg, path);
		eb_bprintf(md, "![live instances over time](replay_instances.svg)\n\n");
	}
	eb_buf_free(&svg);
	struct eb_buf svg2 = { 0 };
	struct eb_svg_axis ax2 = { .title = "Latency from arrival, warm and cold invocations (first repeat)", .unit = "ms", .log = 1 };
	if (rc == 0 && nr && eb_svg_cdf(&svg2, &ax2, rows, nr) == 0) {
		snprintf(path, sizeof(path), "%s/replay_latency_cdf.svg", dir);
		rc = eb_buf_write_file(&svg2, path);
		eb_bprintf(md, "![latency CDFs, warm vs cold](replay_latency_cdf.svg)\n\n");
	}
	eb_buf_free(&svg2);
	for (size_t k = 0; k < nr; k++)
		free(lat[k]);
	return rc;
}

static void csv(json_t *replays, struct eb_buf *c)
{
	eb_bprintf(c, "runtime,mode,repeat,invocations,failed,cold,cold_fraction,p50_ms,p99_ms,p999_ms,warm_p50_ms,warm_p99_ms,"
		      "cold_p50_ms,cold_p99_ms,peak_instances,mean_instances,gib_s,idle_gib_s,cpu_s,per1k_gib_s,per1k_cpu_s,"
		      "per1k_cold,late_p99_ms,fell_behind,wait_p99_ms,seconds\n");
	size_t i;
	json_t *r;
	json_array_foreach(replays, i, r) {
		struct eb_replay_figures f;
		if (eb_replay_figures(r, &f) < 0)
			continue;
		eb_bprintf(c, "%s,%s,%lld,%zu,%zu,%zu,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.0f,%.2f,%.5f,%.5f,%.4f,%.5f,%.4f,%.2f,%.4f,%d,%.3f,%.3f,%zu,%.3f,%.3f,%.3f,%.3f\n",
			   eb_jstr(r, "runtime"), eb_jstr(r, "mode"), (long long)json_integer_value(json_object_get(r, "repeat")) + 1,
			   f.invocations, f.failed, f.cold, f.cold_fraction, f.all_p50, f.all_p99, f.all_p999, f.warm_p50, f.warm_p99,
			   f.cold_p50, f.cold_p99, f.peak_instances, f.mean_instances, f.gib_s, f.idle_gib_s, f.cpu_s, f.per1k_gib_s,
			   f.per1k_cpu_s, f.per1k_cold, f.late_p99_ms, f.fell_behind, f.wait_p99_ms, f.seconds, f.evictions,
			   f.added_warm_p50, f.added_warm_p99, f.added_cold_p50, f.added_cold_p99);
	}
}

void eb_replay_print_table(json_t *doc, FILE *out)
{
	json_t *replays = json_object_get(doc, "replays");
	size_t i;
	json_t *r;
	const char *emulated = eb_doc_emulated(doc);
	if (emulated)
		fprintf(out, "EMULATED, A FUNCTIONAL CHECK ONLY: %s; no figure below is a measurement.\n", emulated);
	fprintf(out, "%-22s %3s %7s %6s %7s %9s %9s %9s %5s %9s %9s %9s\n", "runtime/mode", "rep", "invoc", "failed", "cold%",
		"p50 ms", "p99 ms", "p99.9 ms", "peak", "GiB*s/1k", "CPU*s/1k", "late p99");
	json_array_foreach(replays, i, r) {
		struct eb_replay_figures f;
		char name[96];
		if (eb_replay_figures(r, &f) < 0)
			continue;
		fprintf(out, "%-22s %3lld %7zu %6zu %6.1f%% %9.2f %9.2f %9.2f %5.0f %9.4f %9.3f %7.3fms%s\n", label(r, name, sizeof(name)),
			(long long)json_integer_value(json_object_get(r, "repeat")) + 1, f.invocations, f.failed,
			100 * f.cold_fraction, f.all_p50, f.all_p99, f.all_p999, f.peak_instances, f.per1k_gib_s, f.per1k_cpu_s,
			f.late_p99_ms, f.fell_behind ? " BEHIND" : "");
	}
}

int eb_replay_report(json_t *doc, const char *dir, char *err, size_t errcap)
{
	json_t *replays = json_object_get(doc, "replays"), *tr = json_object_get(doc, "trace"), *cf = json_object_get(doc, "config");
	if (!json_is_array(replays) || !json_is_object(tr) || !json_is_object(cf)) {
		snprintf(err, errcap, "%s/results.json is not a replay document (no replays, trace or config)", dir);
		return -EINVAL;
	}
	struct eb_buf b = { 0 };
	const char *status = eb_jstr(doc, "status");
	eb_bprintf(&b, "# edgebench replay report\n\n");
	const char *emulated = eb_doc_emulated(doc);
	if (emulated)
		eb_bprintf(&b, "**EMULATED, A FUNCTIONAL CHECK ONLY: %s. No figure below is a measurement of a runtime.**\n\n", emulated);
	if (!status || strcmp(status, "complete"))
		eb_bprintf(&b, "**This replay run is %s: the figures below cover only the replays that finished.**\n\n",
			   status ? status : "of unknown status");
	double speed = json_number_value(json_object_get(cf, "speed")), keep = json_number_value(json_object_get(cf, "keep_alive_s"));
	double maxd = json_number_value(json_object_get(cf, "max_duration_s"));
	const char *durs = eb_jstr(cf, "durations"), *work = eb_jstr(cf, "work");
	eb_bprintf(&b, "## What was replayed\n\n");
	eb_bprintf(&b, "- Trace `%s` (%s): %lld invocations of %lld functions over %.1f s; durations from %s; "
		       "%lld negative durations read as 0.\n", eb_jstr(tr, "path"), eb_jstr(tr, "format"),
		   (long long)json_integer_value(json_object_get(tr, "invocations")),
		   (long long)json_integer_value(json_object_get(tr, "functions")), json_number_value(json_object_get(tr, "span_s")),
		   eb_jstr(tr, "durations_from"), (long long)json_integer_value(json_object_get(tr, "negative_durations")));
	if (!strcmp(eb_jstr(cf, "keep_alive_policy") ? eb_jstr(cf, "keep_alive_policy") : "", "hybrid"))
		eb_bprintf(&b, "- Speed %g: arrivals %g times closer together. Keep-alive: the **hybrid histogram policy** of "
			       "Serverless in the Wild (ATC'20): per function, its idle times in 1-minute bins of trace time up to "
			       "4 hours; from %d of them on, an instance is stopped after each invocation and pre-warmed at the 5th "
			       "percentile less 10%%, kept until the 99th plus 10%% (kept alive until the 99th when the 5th is under "
			       "a minute); before that, kept the whole 4 hours; windows are trace time, %g times shorter in replay "
			       "time. Idle times beyond 4 hours are not forecast (the paper's ARIMA is not modelled).\n",
			   speed, speed, (int)json_integer_value(json_object_get(json_object_get(cf, "hybrid"), "min_idle_times")), speed);
	else
		eb_bprintf(&b, "- Speed %g: arrivals %g times closer together; keep-alive %g s of trace time, so %g s of replay time%s.\n",
			   speed, speed, keep, keep / speed, keep == 0 ? " (every instance is stopped after its invocation)" : "");
	eb_bprintf(&b, "- Durations %s%s; cut to at most %g s of trace time (%s). Work: **%s** (%s).\n", durs,
		   durs && !strcmp(durs, "scaled") ? " (divided by the speed too: the whole trace on a faster clock; uncompressed "
						     "durations at speed 10 need about ten times the instances, beyond a 2-core machine)" : " (as the trace gives them)",
		   maxd, maxd > 0 ? "counts per replay in results.json, clamped_durations" : "no cut",
		   work, work && !strcmp(work, "cpu") ? "each invocation spins a CPU for its duration" :
		   "each invocation waits its duration inside the instance, an I/O-bound function");
	eb_bprintf(&b, "- Instances: %s; at most %lld live at once, a cold start waiting for its turn to start holding a place among them "
		       "(a cold start at the limit evicts another function's least recently "
		       "used idle instance; with every instance busy an invocation waits). Latency is from the invocation's due time to "
		       "its response, so it includes any cold start and any wait.\n",
		   eb_jstr(cf, "instance"), (long long)json_integer_value(json_object_get(cf, "max_instances")));
	eb_bprintf(&b, "- %s; memory-time is each instance's largest memory sample (PSS of its processes, or the container's "
		       "figure: see `memory_figure`; read as it answers its first 200 and every %g ms) times its life from first 200 "
		       "to stop, in replay wall time; a platform's is its host's, sampled every %g ms.\n\n", eb_jstr(cf, "order"),
		   json_number_value(json_object_get(cf, "sample_period_ms")), json_number_value(json_object_get(cf, "sample_period_ms")));

	json_t *rts = json_object_get(doc, "runtimes"), *x;
	size_t i;
	eb_bprintf(&b, "Runtimes: ");
	json_array_foreach(rts, i, x)
		eb_bprintf(&b, "%s**%s/%s** %s%s", i ? "; " : "", eb_jstr(x, "runtime"), eb_jstr(x, "mode"),
			   eb_jstr(x, "version") && eb_jstr(x, "version")[0] ? eb_jstr(x, "version") : "",
			   strcmp(eb_jstr(x, "status") ? eb_jstr(x, "status") : "", "ok") ? " — " : "");
	json_array_foreach(rts, i, x)
		if (strcmp(eb_jstr(x, "status") ? eb_jstr(x, "status") : "", "ok"))
			eb_bprintf(&b, "\n- %s/%s: %s", eb_jstr(x, "runtime"), eb_jstr(x, "mode"), eb_jstr(x, "status"));
	eb_bprintf(&b, "\n\n## Per replay\n\n");
	eb_bprintf(&b, "Latencies in ms from arrival (the due time) to the response. *Added*: latency less the "
		       "invocation's own work, what the runtime and the pool added (a cold start, a wait, the request itself). "
		       "Cold (evicting): invocations that started their instance, and how many of those first stopped another "
		       "function's idle instance at the limit. Per 1k: per 1,000 invocations.\n\n");
	eb_bprintf(&b, "| runtime/mode | repeat | invocations | failed | cold (evicting) | all p50 | all p99 | all p99.9 | warm p50 | warm p99 | "
		       "cold p50 | cold p99 | added warm p50 / p99 | added cold p50 / p99 | peak / mean instances | GiB·s (idle share) | CPU·s | per 1k: GiB·s | per 1k: CPU·s | "
		       "per 1k: cold | generator lateness p99 | waited p99 |\n");
	eb_bprintf(&b, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	json_t *r;
	int behind = 0;
	json_array_foreach(replays, i, r) {
		struct eb_replay_figures f;
		char name[96];
		if (eb_replay_figures(r, &f) < 0)
			continue;
		behind |= f.fell_behind;
		eb_bprintf(&b, "| %s | %lld | %zu | %zu | %zu (%.1f%%; %zu) |", label(r, name, sizeof(name)),
			   (long long)json_integer_value(json_object_get(r, "repeat")) + 1, f.invocations, f.failed, f.cold,
			   100 * f.cold_fraction, f.evictions);
		ms(&b, f.all_p50);
		ms(&b, f.all_p99);
		ms(&b, f.all_p999);
		ms(&b, f.warm_p50);
		ms(&b, f.warm_p99);
		ms(&b, f.cold_p50);
		ms(&b, f.cold_p99);
		eb_bprintf(&b, " %.2f / %.2f | %.2f / %.2f |", f.added_warm_p50, f.added_warm_p99, f.added_cold_p50, f.added_cold_p99);
		eb_bprintf(&b, " %.0f / %.1f", f.peak_instances, f.mean_instances);
		if (isfinite(f.peak_waiting) && f.peak_waiting > 0)
			eb_bprintf(&b, " (+%.0f waiting to start)", f.peak_waiting);
		else if (!isfinite(f.peak_waiting))
			eb_bprintf(&b, " (starts waiting for a turn counted in)");
		eb_bprintf(&b, " | %.3f (%.0f%%) |", f.gib_s, f.gib_s > 0 ? 100 * f.idle_gib_s / f.gib_s : 0);
		if (f.cpu_s >= 0)
			eb_bprintf(&b, " %.2f | %.4f | %.3f |", f.cpu_s, f.per1k_gib_s, f.per1k_cpu_s);
		else
			eb_bprintf(&b, " – | %.4f | – |", f.per1k_gib_s);
		eb_bprintf(&b, " %.1f", f.per1k_cold);
		if (f.prewarmed)
			eb_bprintf(&b, " (%zu instances pre-warmed)", f.prewarmed);
		eb_bprintf(&b, " | %.3f ms%s |", f.late_p99_ms, f.fell_behind ? " **fell behind**" : "");
		ms(&b, f.wait_p99_ms);
		eb_bprintf(&b, "\n");
	}
	eb_bprintf(&b, "\n");
	if (behind)
		eb_bprintf(&b, "**The generator fell behind** in a replay marked above (its p99 lateness over %.0f ms): invocations "
			       "were released later than the trace says, and that replay's latencies are from the due time, "
			       "so they include the lateness.\n\n", EB_REPLAY_LATE_NS / 1e6);
	else
		eb_bprintf(&b, "The generator kept time in every replay (p99 lateness under %.0f ms).\n\n", EB_REPLAY_LATE_NS / 1e6);
	json_array_foreach(replays, i, r) {
		json_t *plat = json_object_get(r, "platform");
		if (json_is_object(plat) && json_integer_value(json_object_get(r, "repeat")) == 0)
			eb_bprintf(&b, "- %s/%s is a platform: its functions are workloads on one running host (up in %.0f ms, not "
				       "counted in any invocation), a cold start is %s; its memory and CPU are the host's, shared "
				       "by every workload (no idle share).\n", eb_jstr(r, "runtime"), eb_jstr(r, "mode"),
				   json_number_value(json_object_get(plat, "ready_ms")), eb_jstr(plat, "cold_start"));
	}
	json_array_foreach(replays, i, r)
		if (json_string_length(json_object_get(r, "first_error")))
			eb_bprintf(&b, "- %s/%s repeat %lld, first failure: %s\n", eb_jstr(r, "runtime"), eb_jstr(r, "mode"),
				   (long long)json_integer_value(json_object_get(r, "repeat")) + 1, eb_jstr(r, "first_error"));

	eb_bprintf(&b, "\n## Which runtime for this traffic\n\n");
	struct rt_rows *rows = calloc(MAX_RT, sizeof(*rows));
	if (!rows) {
		eb_buf_free(&b);
		snprintf(err, errcap, "out of memory");
		return -ENOMEM;
	}
	size_t n = gather(replays, rows);
	ranking(&b, "By p99 latency from arrival, all invocations", "ms", rows, n, 0);
	ranking(&b, "By memory-time per 1,000 invocations", "GiB·s", rows, n, 1);
	free(rows);
	eb_bprintf(&b, "## Charts\n\n");
	int rc = charts(replays, dir, &b);
	char path[1200];
	struct eb_buf c = { 0 };
	csv(replays, &c);
	snprintf(path, sizeof(path), "%s/replay.csv", dir);
	if (rc == 0)
		rc = eb_buf_write_file(&c, path);
	eb_buf_free(&c);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	if (rc == 0)
		rc = eb_buf_write_file(&b, path);
	eb_buf_free(&b);
	if (rc < 0)
		snprintf(err, errcap, "cannot write the report in %s: %s", dir, strerror(-rc));
	return rc;
}

/* The median and range of one figure over a run's repeats of label. */
static size_t over_repeats(json_t *doc, const char *lab, size_t which, double *mid, double *lo, double *hi)
{
	double v[100];
	size_t k = 0, i;
	json_t *r;
	json_array_foreach(json_object_get(doc, "replays"), i, r) {
		struct eb_replay_figures f;
		char name[96];
		if (k == 100 || eb_replay_figures(r, &f) < 0 || strcmp(label(r, name, sizeof(name)), lab))
			continue;
		double x = which == 0 ? f.all_p99 : which == 1 ? f.per1k_gib_s : which == 2 ? f.per1k_cpu_s :
			   which == 3 ? 100 * f.cold_fraction : f.all_p50;
		if (!isnan(x))
			v[k++] = x;
	}
	if (!k)
		return 0;
	eb_sort_doubles(v, k);
	*mid = eb_percentile(v, k, 50);
	*lo = v[0];
	*hi = v[k - 1];
	return k;
}

void eb_replay_compare(struct eb_buf *t, json_t **docs, const char *const *dirs, int n)
{
	static const char *const what[] = { "p99 ms", "GiB·s per 1k", "CPU·s per 1k", "cold %", "p50 ms" };
	for (int r = 1; r < n; r++) {
		if (!json_equal(json_object_get(docs[r], "config"), json_object_get(docs[0], "config")))
			eb_bprintf(t, "**Replay settings differ** between %s and %s (speed, keep-alive, work, limits): "
				      "the figures below are not like for like.\n\n", dirs[0], dirs[r]);
		json_t *a = json_object_get(docs[0], "trace"), *b = json_object_get(docs[r], "trace");
		if (!json_equal(json_object_get(a, "invocations"), json_object_get(b, "invocations")) ||
		    !json_equal(json_object_get(a, "functions"), json_object_get(b, "functions")) ||
		    !json_equal(json_object_get(a, "format"), json_object_get(b, "format")))
			eb_bprintf(t, "**The traces differ** between %s and %s.\n\n", dirs[0], dirs[r]);
	}
	eb_bprintf(t, "## Trace replays\n\nPer runtime/mode, each run's median over its repeats (min–max, repeats). "
		      "No difference is claimed here: runs on different machines or days are independent, and a few "
		      "repeats show their spread, not an interval.\n\n| runtime/mode | figure |");
	for (int r = 0; r < n; r++)
		eb_bprintf(t, " %s |", dirs[r]);
	eb_bprintf(t, "\n|---|---|");
	for (int r = 0; r < n; r++)
		eb_bprintf(t, "---|");
	eb_bprintf(t, "\n");
	/* every runtime/mode any run replayed, in first-seen order */
	char seen[64][96];
	size_t ns = 0;
	for (int r = 0; r < n; r++) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(docs[r], "replays"), i, x) {
			char name[96];
			label(x, name, sizeof(name));
			size_t k = 0;
			while (k < ns && strcmp(seen[k], name))
				k++;
			if (k == ns && ns < 64)
				snprintf(seen[ns++], sizeof(seen[0]), "%s", name);
		}
	}
	for (size_t k = 0; k < ns; k++)
		for (size_t w = 0; w < sizeof(what) / sizeof(what[0]); w++) {
			eb_bprintf(t, "| %s | %s |", seen[k], what[w]);
			for (int r = 0; r < n; r++) {
				double mid, lo, hi;
				size_t c = over_repeats(docs[r], seen[k], w, &mid, &lo, &hi);
				if (c)
					eb_bprintf(t, " %.4g (%.4g–%.4g, %zu) |", mid, lo, hi, c);
				else
					eb_bprintf(t, " not replayed |");
			}
			eb_bprintf(t, "\n");
		}
}
