/*
 * report: a fixed-width table for the terminal, a Markdown report with the
 * environment and one results table, and hand-written SVG charts (median
 * bar, min..max line, p90 tick: the spread, not just a central value).
 */
#include "report.h"
#include "fsutil.h"
#include "results.h"
#include "stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
		if (!strcmp(json_string_value(json_object_get(s, "name")), name) && summarize_series(s, &sum) == 0)
			return sum.median;
	}
	return -1;
}

static json_t *find_cell(json_t *cells, const char *rt, const char *mode, const char *wl)
{
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "runtime")), rt) &&
		    !strcmp(json_string_value(json_object_get(c, "mode")), mode) &&
		    !strcmp(json_string_value(json_object_get(c, "workload")), wl) &&
		    !strcmp(json_string_value(json_object_get(c, "status")), "ok"))
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
		const char *rt = json_string_value(json_object_get(cell, "runtime"));
		const char *mode = json_string_value(json_object_get(cell, "mode"));
		const char *wl = json_string_value(json_object_get(cell, "workload"));
		const char *status = json_string_value(json_object_get(cell, "status"));
		if (strcmp(status, "ok") != 0) {
			fprintf(f, "%-10s %-9s %-10s %s: %s\n", rt, mode, wl, status,
				json_string_value(json_object_get(cell, "error")));
			continue;
		}
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(cell, "series"), j, s) {
			struct eb_summary sum;
			const char *unit = json_string_value(json_object_get(s, "unit")), *shown = "";
			if (summarize_series(s, &sum) < 0)
				continue;
			double med = scale(unit, sum.median, &shown), p90 = scale(unit, sum.p90, &shown),
			       p99 = scale(unit, sum.p99, &shown), mn = scale(unit, sum.min, &shown),
			       mx = scale(unit, sum.max, &shown);
			fprintf(f, "%-10s %-9s %-10s %-40s %8zu %10.3f %10.3f %10.3f %10.3f %10.3f %-6s\n",
				rt, mode, wl, json_string_value(json_object_get(s, "name")), sum.n,
				med, p90, p99, mn, mx, shown);
		}
		size_t k;
		json_t *w;
		json_array_foreach(json_object_get(cell, "warnings"), k, w)
			fprintf(f, "%-10s %-9s %-10s WARNING: %s\n", rt, mode, wl, json_string_value(w));
	}
}

/* Growable text with a hard limit (curl's dynbuf idea). */
struct buf {
	char *p;
	size_t len, cap;
	int failed;
};

__attribute__((format(printf, 2, 3)))
static void bprintf(struct buf *b, const char *fmt, ...)
{
	if (b->failed)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if (b->p && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t want = (b->cap ? b->cap * 2 : 65536) + (size_t)n;
		if (want > (64u << 20)) {
			b->failed = 1;
			return;
		}
		char *np = realloc(b->p, want);
		if (!np) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = want;
	}
}

struct bar {
	char label[96];
	struct eb_summary s;
};

/* A chart label: whole numbers from 100 up, three significant digits below. */
static void fmt_num(double v, char *buf, size_t cap)
{
	snprintf(buf, cap, v >= 100 ? "%.0f" : "%.3g", v);
}

/* One horizontal bar chart: median bar, min..max line, p90 tick. */
static int write_svg(const char *path, const char *title, const char *unit_shown,
		     double div, struct bar *bars, size_t n)
{
	struct buf b = { 0 };
	double maxv = 0;
	for (size_t i = 0; i < n; i++)
		if (bars[i].s.max / div > maxv)
			maxv = bars[i].s.max / div;
	if (maxv <= 0)
		maxv = 1;
	int W = 760, left = 230, rowh = 28, top = 40;
	int H = top + (int)n * rowh + 40;
	double plotw = W - left - 170;   /* room right of the longest line for its label */
	bprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
	bprintf(&b, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	bprintf(&b, "<text x=\"10\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", title);
	for (size_t i = 0; i < n; i++) {
		int y = top + (int)i * rowh;
		double med = bars[i].s.median / div, mn = bars[i].s.min / div, mx = bars[i].s.max / div,
		       p90 = bars[i].s.p90 / div;
		bprintf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8, y + 16, bars[i].label);
		bprintf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#4a7ab7\"/>\n", left, y + 4, plotw * med / maxv);
		bprintf(&b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
			left + plotw * mn / maxv, left + plotw * mx / maxv, y + 12, y + 12);
		bprintf(&b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>\n",
			left + plotw * p90 / maxv, left + plotw * p90 / maxv, y + 6, y + 18);
		char num[32];
		fmt_num(med, num, sizeof(num));
		bprintf(&b, "<text x=\"%.1f\" y=\"%d\" fill=\"#222\">%s %s (n=%zu)</text>\n",
			left + plotw * mx / maxv + 6, y + 16, num, unit_shown, bars[i].s.n);
	}
	char axis[32];
	fmt_num(maxv, axis, sizeof(axis));
	bprintf(&b, "<text x=\"%d\" y=\"%d\" fill=\"#555\">bar: median; line: min..max; tick: p90; axis 0..%s %s</text>\n",
		left, H - 12, axis, unit_shown);
	bprintf(&b, "</svg>\n");
	int rc = b.failed ? -ENOMEM : eb_write_file_atomic(path, b.p, b.len);
	free(b.p);
	return rc;
}

static const struct chart {
	const char *file, *title, *workload, *series;
} charts[] = {
	{ "cold_start.svg", "http-hello cold start (launch -> first 200)", "http-hello", "cold_start" },
	{ "warm_latency.svg", "http-hello warm latency (sequential GET /)", "http-hello", "warm_latency" },
	{ "throughput.svg", "http-hello sustained throughput (keep-alive, per 250 ms)", "http-hello", "sustained_keepalive_throughput" },
	{ "memory.svg", "http-hello PSS under load", "http-hello", "sustained_keepalive_pss" },
	{ "cpu_hash.svg", "cpu-hash run time (launch -> exit)", "cpu-hash", "run" },
	{ "hello.svg", "hello run time (launch -> exit)", "hello", "run" },
};

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
		snprintf(err, errcap, "%s: unsupported schema_version (want %d)", path, EB_SCHEMA_VERSION);
		json_decref(doc);
		return -EINVAL;
	}
	struct buf b = { 0 };
	json_t *fp = json_object_get(doc, "fingerprint");
	const char *status = json_string_value(json_object_get(doc, "status"));
	bprintf(&b, "# edgebench report\n\n");
	if (!status || strcmp(status, "complete") != 0)
		bprintf(&b, "**This run is %s: the figures below cover only what finished.**\n\n", status ? status : "of unknown status");
	bprintf(&b, "Every figure is derived from the raw samples in `results.json` and `raw/`. Times are launch-to-event intervals on CLOCK_MONOTONIC; percentiles interpolate between closest ranks; the 95%% CI is for the median (order statistics).\n\n");
	bprintf(&b, "## Environment\n\n| | |\n|---|---|\n");
	const char *keys[] = { "started_utc", "cpu_model", "cores_online", "mem_total_bytes", "kernel", "os",
			       "cpu_governor", "cgroup_mode", "loadavg_at_start", "compiler", "workload_compiler",
			       "edgebench_commit", NULL };
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(fp, keys[i]);
		if (json_is_string(v))
			bprintf(&b, "| %s | %s |\n", keys[i], json_string_value(v));
		else if (json_is_integer(v))
			bprintf(&b, "| %s | %lld |\n", keys[i], (long long)json_integer_value(v));
	}
	json_t *cmd = json_object_get(fp, "command");
	size_t ci;
	json_t *arg;
	bprintf(&b, "| command |");
	json_array_foreach(cmd, ci, arg)
		bprintf(&b, " %s", json_string_value(arg));
	bprintf(&b, " |\n\n## Runtimes\n\n| runtime | available | version / reason |\n|---|---|---|\n");
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(doc, "runtimes"), i, r) {
		int avail = json_is_true(json_object_get(r, "available"));
		if (avail)
			bprintf(&b, "| %s | yes | %s |\n", json_string_value(json_object_get(r, "name")),
				json_string_value(json_object_get(r, "version")));
		else
			bprintf(&b, "| %s | **no** | not available: %s, install with: %s |\n",
				json_string_value(json_object_get(r, "name")),
				json_string_value(json_object_get(r, "why")),
				json_string_value(json_object_get(r, "hint")));
	}

	json_t *cells = json_object_get(doc, "cells");
	json_t *cell;

	/* at a glance: one row per runtime/mode, medians only; the full
	 * spread of each figure is in the Results table below */
	bprintf(&b, "\n## At a glance (medians; spread and n below)\n\n"
		    "| runtime/mode | cold start ms | warm GET / us | keep-alive req/s | memory MiB (what) | density: MiB each, instances/GiB | cpu-hash compute ms (x native) | hello ms |\n"
		    "|---|---:|---:|---:|---|---:|---:|---:|\n");
	json_t *nat = find_cell(cells, "native", "native", "cpu-hash");
	double native_hash = nat ? series_median(nat, "compute") : -1;
	json_t *seen = json_object();
	json_array_foreach(cells, i, cell) {
		const char *rt = json_string_value(json_object_get(cell, "runtime"));
		const char *mode = json_string_value(json_object_get(cell, "mode"));
		char key[128];
		snprintf(key, sizeof(key), "%s/%s", rt, mode);
		if (json_object_get(seen, key))
			continue;
		json_object_set_new(seen, key, json_true());
		json_t *h = find_cell(cells, rt, mode, "http-hello");
		json_t *c = find_cell(cells, rt, mode, "cpu-hash");
		json_t *hl = find_cell(cells, rt, mode, "hello");
		char cold[32] = "-", warm[32] = "-", rps[32] = "-", mem[96] = "-", hash[48] = "-", hello[32] = "-",
		     dens[64] = "-";
		double v;
		if (h && (v = series_median(h, "cold_start")) >= 0)
			snprintf(cold, sizeof(cold), "%.2f", v / 1e6);
		if (h && (v = series_median(h, "warm_latency")) >= 0)
			snprintf(warm, sizeof(warm), "%.1f", v / 1e3);
		if (h && (v = series_median(h, "sustained_keepalive_throughput")) >= 0)
			snprintf(rps, sizeof(rps), "%.0f", v);
		if (h && (v = series_median(h, "pss_after_warmup")) >= 0) {
			snprintf(mem, sizeof(mem), "%.2f (PSS of the process tree)", v / 1048576.0);
		} else if (h && (v = series_median(h, "cgroup_memory_after_warmup")) >= 0) {
			double shim = series_median(h, "shim_pss_after_warmup");
			snprintf(mem, sizeof(mem), "%.2f cgroup + %.2f shim PSS", v / 1048576.0, shim > 0 ? shim / 1048576.0 : 0);
		}
		json_t *dv = h ? json_object_get(json_object_get(h, "values"), "density") : NULL;
		if (dv) {
			char sname[64];
			snprintf(sname, sizeof(sname), "density_%s", json_string_value(json_object_get(dv, "figure")));
			v = series_median(h, sname);
			snprintf(dens, sizeof(dens), "%.2f %s, %.0f", v / 1048576.0,
				 json_string_value(json_object_get(dv, "figure")),
				 json_number_value(json_object_get(dv, "instances_per_gib")));
		}
		if (c && (v = series_median(c, "compute")) >= 0) {
			if (native_hash > 0)
				snprintf(hash, sizeof(hash), "%.1f (%.2fx)", v / 1e6, v / native_hash);
			else
				snprintf(hash, sizeof(hash), "%.1f", v / 1e6);
		}
		if (hl && (v = series_median(hl, "run")) >= 0)
			snprintf(hello, sizeof(hello), "%.2f", v / 1e6);
		if (!h && !c && !hl)
			continue;
		bprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", key, cold, warm, rps, mem, dens, hash, hello);
	}
	json_decref(seen);

	/* what each mode is */
	bprintf(&b, "\n## Modes\n\n");
	seen = json_object();
	json_array_foreach(cells, i, cell) {
		json_t *note = json_object_get(cell, "mode_note");
		char key[128];
		snprintf(key, sizeof(key), "%s/%s", json_string_value(json_object_get(cell, "runtime")),
			 json_string_value(json_object_get(cell, "mode")));
		if (!json_is_string(note) || json_object_get(seen, key))
			continue;
		json_object_set_new(seen, key, json_true());
		bprintf(&b, "- **%s**: %s\n", key, json_string_value(note));
	}
	json_decref(seen);
	json_t *setup = json_object_get(doc, "runtime_setup");
	if (json_object_size(setup)) {
		char *txt = json_dumps(setup, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		bprintf(&b, "\nRuntime preparation (once per run, not in any start time): `%s`\n", txt ? txt : "");
		free(txt);
	}

	bprintf(&b, "\n## Results\n\n| runtime | mode | workload | series | n | median | 95%% CI of median | p90 | p99 | min | max | unit |\n|---|---|---|---|---:|---:|---|---:|---:|---:|---:|---|\n");
	json_array_foreach(cells, i, cell) {
		const char *rt = json_string_value(json_object_get(cell, "runtime"));
		const char *mode = json_string_value(json_object_get(cell, "mode"));
		const char *wl = json_string_value(json_object_get(cell, "workload"));
		if (strcmp(json_string_value(json_object_get(cell, "status")), "ok") != 0) {
			bprintf(&b, "| %s | %s | %s | **%s**: %s | | | | | | | | |\n", rt, mode, wl,
				json_string_value(json_object_get(cell, "status")),
				json_string_value(json_object_get(cell, "error")));
			continue;
		}
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(cell, "series"), j, s) {
			struct eb_summary sum;
			const char *unit = json_string_value(json_object_get(s, "unit")), *u = "";
			if (summarize_series(s, &sum) < 0)
				continue;
			char ci_txt[64] = "";
			if (sum.has_ci)
				snprintf(ci_txt, sizeof(ci_txt), "%.3f..%.3f", scale(unit, sum.median_ci_lo, &u),
					 scale(unit, sum.median_ci_hi, &u));
			double med = scale(unit, sum.median, &u), p90 = scale(unit, sum.p90, &u),
			       p99 = scale(unit, sum.p99, &u), mn = scale(unit, sum.min, &u),
			       mx = scale(unit, sum.max, &u);
			bprintf(&b, "| %s | %s | %s | %s | %zu | %.3f | %s | %.3f | %.3f | %.3f | %.3f | %s |\n",
				rt, mode, wl, json_string_value(json_object_get(s, "name")), sum.n,
				med, ci_txt, p90, p99, mn, mx, u);
		}
	}
	bprintf(&b, "\n## Checks and warnings\n\n");
	json_array_foreach(cells, i, cell) {
		bprintf(&b, "- **%s/%s/%s**:", json_string_value(json_object_get(cell, "runtime")),
			json_string_value(json_object_get(cell, "mode")),
			json_string_value(json_object_get(cell, "workload")));
		const char *key;
		json_t *v;
		json_object_foreach(json_object_get(cell, "checks"), key, v)
			bprintf(&b, " %s=%s", key, json_is_true(v) ? "yes" : "**NO**");
		size_t k;
		json_t *w;
		json_array_foreach(json_object_get(cell, "warnings"), k, w)
			bprintf(&b, " WARNING: %s.", json_string_value(w));
		json_t *sk = json_object_get(json_object_get(cell, "values"), "sustained_keepalive");
		if (sk)
			bprintf(&b, " CPU under keep-alive load: %.2f ms user + %.2f ms sys per 1,000 requests.",
				json_number_value(json_object_get(sk, "cpu_user_ms_per_1k_requests")),
				json_number_value(json_object_get(sk, "cpu_sys_ms_per_1k_requests")));
		bprintf(&b, "\n");
	}

	bprintf(&b, "\n## Charts\n\n");
	int rc = 0;
	for (size_t c = 0; c < sizeof(charts) / sizeof(charts[0]); c++) {
		struct bar bars[64];
		size_t nb = 0;
		const char *unit = "ns";
		json_array_foreach(cells, i, cell) {
			if (nb == 64 || strcmp(json_string_value(json_object_get(cell, "workload")), charts[c].workload) != 0)
				continue;
			size_t j;
			json_t *s;
			json_array_foreach(json_object_get(cell, "series"), j, s) {
				if (strcmp(json_string_value(json_object_get(s, "name")), charts[c].series) != 0)
					continue;
				if (summarize_series(s, &bars[nb].s) < 0)
					continue;
				unit = json_string_value(json_object_get(s, "unit"));
				snprintf(bars[nb].label, sizeof(bars[nb].label), "%s/%s",
					 json_string_value(json_object_get(cell, "runtime")),
					 json_string_value(json_object_get(cell, "mode")));
				nb++;
			}
		}
		if (nb == 0)
			continue;
		const char *shown;
		double one = scale(unit, 1.0, &shown);
		snprintf(path, sizeof(path), "%s/%s", dir, charts[c].file);
		if ((rc = write_svg(path, charts[c].title, shown, one > 0 ? 1.0 / one : 1.0, bars, nb)) < 0) {
			snprintf(err, errcap, "cannot write %s: %s", path, strerror(-rc));
			goto out;
		}
		bprintf(&b, "![%s](%s)\n\n", charts[c].title, charts[c].file);
	}
	snprintf(path, sizeof(path), "%s/report.md", dir);
	rc = b.failed ? -ENOMEM : eb_write_file_atomic(path, b.p, b.len);
	if (rc < 0)
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(-rc));
out:
	free(b.p);
	json_decref(doc);
	return rc;
}
