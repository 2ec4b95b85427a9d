/*
 * report/common: reading a results document for display: units, summaries, cells, comparisons,
 * labels, and writing one figure beside report.md.
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

/* Scale a value for display: ns -> ms/us, bytes -> MiB. */
double rp_scale(const char *unit, double v, const char **shown)
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

int rp_summarize_series(json_t *s, struct eb_summary *sum)
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

/* The mode with the cell's network condition when it is not the default: "native veth+fw". */
const char *rp_mode_cond(json_t *c, char *buf, size_t cap)
{
	if (eb_cell_on_default_path(c))
		return eb_jstr(c, "mode");
	snprintf(buf, cap, "%s %s%s", eb_jstr(c, "mode"), eb_jstr(c, "network"), !strcmp(eb_jstr(c, "firewall"), "on") ? "+fw" : "");
	return buf;
}

/* The CI of a comparison as "lo–hi" (decimals as asked), or "none" when it has no interval. */
void rp_fmt_ci(json_t *cmp, int decimals, char *out, size_t cap)
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
const char *rp_reading(json_t *cmp, int higher_better)
{
	const char *v = eb_jstr(cmp, "verdict");
	double r = json_number_value(json_object_get(cmp, "ratio"));
	if (!strcmp(v, "above") || !strcmp(v, "below"))
		return higher_better ? (r > 1 ? "more throughput" : "less throughput") : (r > 1 ? "slower" : "faster");
	return v[0] ? v : "no verdict";
}

int rp_claims(json_t *cmp)
{
	const char *v = eb_jstr(cmp, "verdict");
	return !strcmp(v, "above") || !strcmp(v, "below");
}

/* The ok cell of rt/mode/wl on the default path (the other conditions have their own section). */
json_t *rp_find_cell(json_t *cells, const char *rt, const char *mode, const char *wl)
{
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c)
		if (!strcmp(eb_jstr(c, "runtime"), rt) &&
		    !strcmp(eb_jstr(c, "mode"), mode) &&
		    !strcmp(eb_jstr(c, "workload"), wl) &&
		    !strcmp(eb_jstr(c, "status"), "ok") && eb_cell_on_default_path(c))
			return c;
	return NULL;
}

/* The comparison of a cell's series with the baseline, or NULL. */
json_t *rp_find_comparison(json_t *doc, const char *rt, const char *mode, const char *wl, const char *series)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "comparisons"), i, c)
		if (!strcmp(eb_jstr(c, "runtime"), rt) &&
		    !strcmp(eb_jstr(c, "mode"), mode) &&
		    !strcmp(eb_jstr(c, "workload"), wl) &&
		    !strcmp(eb_jstr(c, "series"), series) && eb_cell_on_default_path(c))
			return c;
	return NULL;
}

/* "1.02x (0.98–1.06)", or "1.02x (too few pairs)" */
void rp_fmt_ratio(json_t *cmp, char *out, size_t cap)
{
	double r = json_number_value(json_object_get(cmp, "ratio"));
	int dec = r >= 100 ? 0 : r >= 10 ? 1 : 2;
	char ci[64];
	rp_fmt_ci(cmp, dec, ci, sizeof(ci));
	if (!strcmp(eb_jstr(cmp, "verdict"), "too few pairs"))
		snprintf(out, cap, "%.*fx (too few pairs)", dec, r);
	else
		snprintf(out, cap, "%.*fx (%s)", dec, r, ci);
}

/* "runtime/mode" of a cell, with its network condition when not the default. */
void rp_cell_label(json_t *cell, char *out, size_t cap)
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
int rp_emit_figure(struct eb_buf *md, const char *dir, const char *file, const struct eb_buf *svg, const char *alt,
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


/* Median of series name of a cell, shown (ms for ns); "-" when absent. */
void rp_median_txt(json_t *cell, const char *name, double div, int decimals, char *out, size_t cap)
{
	size_t j;
	json_t *s;
	snprintf(out, cap, "-");
	json_array_foreach(json_object_get(cell, "series"), j, s) {
		struct eb_summary sum;
		if (!strcmp(eb_jstr(s, "name"), name) && rp_summarize_series(s, &sum) == 0) {
			int k = snprintf(out, cap, "%.*f", decimals, sum.median / div);
			if (k > 0 && (size_t)k < cap)
				snprintf(out + k, cap - (size_t)k, " (n=%zu)", sum.n);
		}
	}
}

/* The rows of ok cells of workload wl that have series name (samples / div); returns the count. */
size_t rp_gather_rows(json_t *cells, const char *wl, const char *name, double div, const char *suffix,
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
		rp_cell_label(cell, labels[n], sizeof(labels[n]));
		if (suffix)
			snprintf(labels[n] + strlen(labels[n]), sizeof(labels[n]) - strlen(labels[n]), " %s", suffix);
		rows[n] = (struct eb_svg_row){ labels[n], v, m };
		n++;
	}
	return n;
}

void rp_free_rows(struct eb_svg_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)rows[i].v);
}

/* Median of a cell's series (raw units), 0 when absent. */
double rp_median_or_zero(json_t *cell, const char *name)
{
	double m = eb_series_median(cell, name);
	return m > 0 ? m : 0;
}

