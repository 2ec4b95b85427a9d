/*
 * report: a fixed-width table for the terminal, and the exporters that
 * write, from results.json alone, report.md (sections of tables and
 * figures), report.html (the same Markdown as one page, report_html.c),
 * results.csv and the SVG charts (svg.c: every sample, distributions,
 * ratios with their CIs).  Nothing here measures; every figure is
 * recomputed from the kept samples.
 */
#include "report/report.h"
#include "report/replay.h"
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
			if (rp_summarize_series(s, &sum) < 0)
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
	if (!strcmp(eb_jstr(doc, "kind") ? eb_jstr(doc, "kind") : "", "replay")) {
		int rrc = eb_replay_report(doc, dir, err, errcap);
		json_decref(doc);
		return rrc;
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
	const char *emulated = eb_doc_emulated(doc);
	if (emulated)
		eb_bprintf(&b, "**EMULATED, A FUNCTIONAL CHECK ONLY: %s. No figure below is a measurement of a runtime, and no verdict is drawn.**\n\n", emulated);
	if (!status || strcmp(status, "complete") != 0)
		eb_bprintf(&b, "**This run is %s: the figures below cover only what finished.**\n\n", status ? status : "of unknown status");
	if (json_integer_value(ver) < EB_SCHEMA_VERSION)
		eb_bprintf(&b, "*Results schema %lld: written by an older edgebench, which ran cells one after another; no schedule, calibration or paired comparisons.*\n\n",
			(long long)json_integer_value(ver));
	eb_bprintf(&b, "Every figure is derived from the raw samples in `results.json` and `raw/`. Times are launch-to-event intervals on CLOCK_MONOTONIC; percentiles interpolate between closest ranks; the 95%% CI of a median is from order statistics with exact binomial ranks; ratios are paired by round with Student-t intervals (see Paired comparisons and docs/statistics.md).\n\n");
	rp_section_verdicts(&b, doc);
	rp_section_environment(&b, doc);
	rp_section_noise(&b, doc);
	rp_section_runtimes(&b, doc);
	rp_section_glance(&b, doc);
	rp_section_study(&b, doc);
	int rc = rp_section_method(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = rp_section_charts(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = rp_section_network(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = rp_section_scale(&b, doc, dir, err, errcap);
	if (rc == 0)
		rc = rp_section_curve(&b, doc, dir, err, errcap);
	if (rc == 0) {
		rp_section_comparisons(&b, doc);
		rp_section_modes(&b, doc);
		rp_section_deployments(&b, doc);
		rp_section_database(&b, doc);
		rp_section_results(&b, doc);
		rp_section_checks(&b, doc);
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
