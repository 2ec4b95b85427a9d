/*
 * svg: the report's charts (see svg.h).  Every coordinate is computed
 * inside its canvas: row labels are cut to EB_SVG_LABEL_MAX characters,
 * the value axis spans the data (whole decades on a log axis), and the
 * text right of a row is short enough for the margin kept for it.  The
 * browser test (tests/e2e/test_report_html.py) checks that claim on the
 * rendered page; tests/unit/test_svg.c checks the text.
 */
#include "report/svg.h"
#include "data/stats.h"

#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROW_H      22
#define TOP        48      /* title, then the unit line */
#define LEFT       212     /* row labels end here */
#define RIGHT_TEXT 128     /* kept right of the plot for "median, n" */
#define PLOT_X0    (LEFT + 8)
#define PLOT_X1    (EB_SVG_W - RIGHT_TEXT)
#define BOTTOM     46      /* axis ticks and a legend line */
#define STRIP_MAX_DOTS 2000

/* Ten hues a reader tells apart (Tableau 10); lines add a marker shape and, past ten, a dash. */
static const char *const colour[] = { "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1",
				      "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#333333" };
#define N_COLOUR (sizeof(colour) / sizeof(colour[0]))

/* One of five marker shapes (circle, square, triangle, diamond, cross) centred on (x, y). */
static void marker(struct eb_buf *b, size_t shape, double x, double y, const char *col)
{
	switch (shape) {
	case 0: eb_bprintf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", x, y, col); break;
	case 1: eb_bprintf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%s\"/>\n", x - 3.5, y - 3.5, col); break;
	case 2: eb_bprintf(b, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>\n", x, y - 4.5, x + 4, y + 3, x - 4, y + 3, col); break;
	case 3: eb_bprintf(b, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>\n", x, y - 4.5, x + 4.5, y, x, y + 4.5,
			   x - 4.5, y, col); break;
	default: eb_bprintf(b, "<path d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n", x - 4, y - 4,
			    x + 4, y + 4, x - 4, y + 4, x + 4, y - 4, col);
	}
}

void eb_svg_escape(struct eb_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': eb_bprintf(b, "&amp;"); break;
		case '<': eb_bprintf(b, "&lt;"); break;
		case '>': eb_bprintf(b, "&gt;"); break;
		case '"': eb_bprintf(b, "&quot;"); break;
		default: eb_bprintf(b, "%c", *s);
		}
	}
}

/* A label cut to max characters ("~" marks the cut), escaped. */
static void label(struct eb_buf *b, const char *s, size_t max)
{
	char tmp[128];
	size_t n = s ? strlen(s) : 0;
	if (n > max && max < sizeof(tmp)) {
		memcpy(tmp, s, max - 1);
		tmp[max - 1] = '~';
		tmp[max] = '\0';
		s = tmp;
	}
	eb_svg_escape(b, s);
}

/* The value axis: [lo, hi] in data units mapped to [x0, x1] pixels. */
struct axis {
	int log;
	double lo, hi;            /* log: decades (exponents); linear: values */
	double x0, x1;
};

static int axis_fit(struct axis *a, int log_scale, double vmin, double vmax, double x0, double x1)
{
	a->log = log_scale;
	a->x0 = x0;
	a->x1 = x1;
	if (log_scale) {
		if (!(vmax > 0) || !(vmin > 0) || !isfinite(vmin) || !isfinite(vmax))
			return -EINVAL;
		a->lo = floor(log10(vmin));
		a->hi = ceil(log10(vmax));
		if (a->hi <= a->lo)
			a->hi = a->lo + 1;
	} else {
		if (!isfinite(vmax) || vmax < 0)
			return -EINVAL;
		a->lo = 0;
		/* a round top: 1, 2 or 5 x 10^k above vmax */
		double top = vmax > 0 ? vmax : 1, p = pow(10, floor(log10(top)));
		a->hi = top <= p ? p : top <= 2 * p ? 2 * p : top <= 5 * p ? 5 * p : 10 * p;
	}
	return 0;
}

static double axis_x(const struct axis *a, double v)
{
	double f;
	if (a->log)
		f = v > 0 ? (log10(v) - a->lo) / (a->hi - a->lo) : 0;
	else
		f = (v - a->lo) / (a->hi - a->lo);
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	return a->x0 + (a->x1 - a->x0) * f;
}

static void num(char *buf, size_t cap, double v)
{
	if (v != 0 && (fabs(v) >= 1e6 || fabs(v) < 1e-3))
		snprintf(buf, cap, "%.2g", v);
	else
		snprintf(buf, cap, fabs(v) >= 100 ? "%.0f" : "%.3g", v);
}

/* Vertical grid lines and tick labels of a horizontal value axis, from y0 to y1. */
static void axis_draw(struct eb_buf *b, const struct axis *a, double y0, double y1, const char *unit)
{
	char t[32];
	if (a->log) {
		int decades = (int)(a->hi - a->lo);
		for (int d = 0; d <= decades; d++)
			for (int m = 1; m <= 5; m += (m == 1 ? 1 : 3)) {    /* 1, 2, 5 */
				double v = (double)m * pow(10, a->lo + d);
				if (log10(v) > a->hi + 1e-9 || (m > 1 && decades > 3))
					continue;
				double x = axis_x(a, v);
				eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x, x, y0, y1,
					   m == 1 ? "#ccc" : "#eee");
				if (m == 1 || decades <= 1) {
					num(t, sizeof(t), v);
					eb_bprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n", x, y1 + 14, t);
				}
			}
	} else {
		for (int k = 0; k <= 5; k++) {
			double v = a->lo + (a->hi - a->lo) * k / 5, x = axis_x(a, v);
			eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x, x, y0, y1);
			num(t, sizeof(t), v);
			eb_bprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n", x, y1 + 14, t);
		}
	}
	eb_bprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">", (a->x0 + a->x1) / 2, y1 + 30);
	eb_svg_escape(b, unit);
	eb_bprintf(b, "%s</text>\n", a->log ? " (log scale)" : "");
}

static void head(struct eb_buf *b, const struct eb_svg_axis *ax, int h)
{
	eb_bprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		   "font-family=\"sans-serif\" font-size=\"12\" class=\"chart\">\n", EB_SVG_W, h, EB_SVG_W, h);
	eb_bprintf(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", EB_SVG_W, h);
	eb_bprintf(b, "<text x=\"10\" y=\"22\" font-size=\"14\" font-weight=\"bold\">");
	label(b, ax->title, 95);
	eb_bprintf(b, "</text>\n");
}

static void ref_line(struct eb_buf *b, const struct axis *a, const struct eb_svg_axis *ax, double y0, double y1)
{
	if (!(ax->ref > 0) && !(ax->ref < 0))
		return;
	double x = axis_x(a, ax->ref);
	eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#777\" stroke-dasharray=\"4 3\"/>\n", x, x, y0, y1);
	if (ax->ref_label) {
		eb_bprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">", x, y0 - 3);
		label(b, ax->ref_label, 24);
		eb_bprintf(b, "</text>\n");
	}
}

static void row_label(struct eb_buf *b, const char *s, double y)
{
	eb_bprintf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">", LEFT, y + 4);
	label(b, s, EB_SVG_LABEL_MAX);
	eb_bprintf(b, "</text>\n");
}

/* A chart of n rows over a value axis: canvas (extra_h more pixels below), title, axis and reference line. */
static void rows_frame(struct eb_buf *b, const struct eb_svg_axis *ax, const struct axis *a, size_t n, int extra_h)
{
	double y0 = TOP - 6, y1 = TOP + (double)n * ROW_H;
	head(b, ax, TOP + (int)n * ROW_H + BOTTOM + extra_h);
	axis_draw(b, a, y0, y1, ax->unit);
	ref_line(b, a, ax, y0, y1);
}

/* The y of row r's centre. */
static double row_y(size_t r)
{
	return TOP + (double)r * ROW_H + ROW_H / 2.0;
}

/* The range of the values (positive ones only on a log axis); -EINVAL when none. */
static int range(const struct eb_svg_row *rows, size_t n, int log_scale, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t r = 0; r < n; r++)
		for (size_t i = 0; i < rows[r].n; i++) {
			double v = rows[r].v[i];
			if (!isfinite(v) || (log_scale && v <= 0))
				continue;
			*lo = v < *lo ? v : *lo;
			*hi = v > *hi ? v : *hi;
		}
	return *hi >= *lo ? 0 : -EINVAL;
}

static double median_of(const double *v, size_t n)
{
	double *c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, v, n * sizeof(*c));
	double m = eb_median_inplace(c, n);
	free(c);
	return m;
}

int eb_svg_strip(struct eb_buf *b, const struct eb_svg_axis *ax, const struct eb_svg_row *rows, size_t n)
{
	double lo, hi;
	struct axis a;
	if (n == 0 || range(rows, n, ax->log, &lo, &hi) < 0 ||
	    axis_fit(&a, ax->log, ax->log ? lo : 0, hi, PLOT_X0, PLOT_X1) < 0)
		return -EINVAL;
	rows_frame(b, ax, &a, n, 0);
	for (size_t r = 0; r < n; r++) {
		double yc = row_y(r);
		const char *col = colour[r % N_COLOUR];
		row_label(b, rows[r].label, yc);
		size_t stride = rows[r].n > STRIP_MAX_DOTS ? (rows[r].n + STRIP_MAX_DOTS - 1) / STRIP_MAX_DOTS : 1;
		eb_bprintf(b, "<g fill=\"%s\" fill-opacity=\"0.55\">", col);
		for (size_t i = 0; i < rows[r].n; i += stride) {
			double v = rows[r].v[i];
			if (!isfinite(v) || (ax->log && v <= 0))
				continue;
			/* a fixed jitter by index keeps coincident samples apart and the output stable */
			eb_bprintf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\"/>", axis_x(&a, v), yc + (double)((int)(i * 7 % 11) - 5) * 0.9);
		}
		eb_bprintf(b, "</g>\n");
		if (rows[r].n) {
			double m = median_of(rows[r].v, rows[r].n);
			char t[32];
			num(t, sizeof(t), m);
			eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"black\" stroke-width=\"2\"/>\n",
				   axis_x(&a, m), axis_x(&a, m), yc - 8, yc + 8);
			eb_bprintf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">%s n=%zu</text>\n", PLOT_X1 + 8, yc + 4, t, rows[r].n);
		}
	}
	eb_bprintf(b, "</svg>\n");
	return 0;
}

int eb_svg_cdf(struct eb_buf *b, const struct eb_svg_axis *ax, const struct eb_svg_row *rows, size_t n)
{
	double lo, hi;
	struct axis a;
	if (n == 0 || range(rows, n, ax->log, &lo, &hi) < 0 ||
	    axis_fit(&a, ax->log, ax->log ? lo : 0, hi, 60, PLOT_X1 - 80) < 0)
		return -EINVAL;
	int ploth = 260, legend = 16 * (int)n;
	int h = TOP + (ploth > legend ? ploth : legend) + BOTTOM;
	double y0 = TOP, y1 = TOP + ploth;
	head(b, ax, h);
	axis_draw(b, &a, y0, y1, ax->unit);
	for (int k = 0; k <= 4; k++) {
		double y = y1 - (y1 - y0) * k / 4;
		eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", a.x0, a.x1, y, y);
		eb_bprintf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%.2f</text>\n", a.x0 - 6, y + 4, k / 4.0);
	}
	for (size_t r = 0; r < n; r++) {
		const char *col = colour[r % N_COLOUR];
		size_t m = 0;
		double *s = malloc((rows[r].n ? rows[r].n : 1) * sizeof(*s));
		if (!s)
			return -ENOMEM;
		for (size_t i = 0; i < rows[r].n; i++)
			if (isfinite(rows[r].v[i]) && (!ax->log || rows[r].v[i] > 0))
				s[m++] = rows[r].v[i];
		eb_sort_doubles(s, m);
		/* a step per sample, or per 1/1000 of them when there are many */
		size_t stride = m > 1000 ? m / 1000 : 1;
		eb_bprintf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"", col);
		double prev = 0;
		for (size_t i = 0; i < m; i += stride) {
			double x = axis_x(&a, s[i]), f = (double)(i + 1) / (double)m;
			eb_bprintf(b, "%.1f,%.1f %.1f,%.1f ", x, y1 - (y1 - y0) * prev, x, y1 - (y1 - y0) * f);
			prev = f;
		}
		if (m)
			eb_bprintf(b, "%.1f,%.1f", axis_x(&a, s[m - 1]), y0);
		eb_bprintf(b, "\"/>\n");
		free(s);
		eb_bprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">", PLOT_X1 - 70, TOP + 10 + 16 * (int)r, col);
		label(b, rows[r].label, 20);
		eb_bprintf(b, " n=%zu</text>\n", m);
	}
	eb_bprintf(b, "</svg>\n");
	return 0;
}

int eb_svg_intervals(struct eb_buf *b, const struct eb_svg_axis *ax, const struct eb_svg_interval *iv, size_t n)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t r = 0; r < n; r++) {
		double v[3] = { iv[r].lo, iv[r].mid, iv[r].hi };
		for (int k = 0; k < 3; k++)
			if (isfinite(v[k]) && (!ax->log || v[k] > 0)) {
				lo = v[k] < lo ? v[k] : lo;
				hi = v[k] > hi ? v[k] : hi;
			}
	}
	if (ax->ref > 0 && ax->log) {
		lo = ax->ref < lo ? ax->ref : lo;
		hi = ax->ref > hi ? ax->ref : hi;
	}
	struct axis a;
	if (n == 0 || !(hi >= lo) || axis_fit(&a, ax->log, ax->log ? lo : 0, hi, PLOT_X0, PLOT_X1) < 0)
		return -EINVAL;
	rows_frame(b, ax, &a, n, 0);
	for (size_t r = 0; r < n; r++) {
		double yc = row_y(r);
		row_label(b, iv[r].label, yc);
		if (!isfinite(iv[r].mid) || (ax->log && iv[r].mid <= 0))
			continue;
		double xl = axis_x(&a, iv[r].lo), xh = axis_x(&a, iv[r].hi), xm = axis_x(&a, iv[r].mid);
		eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", xl, xh, yc, yc);
		eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", xl, xl, yc - 4, yc + 4);
		eb_bprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", xh, xh, yc - 4, yc + 4);
		eb_bprintf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n", xm, yc, colour[r % N_COLOUR]);
		char t[32];
		num(t, sizeof(t), iv[r].mid);
		eb_bprintf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">%s n=%zu</text>\n", PLOT_X1 + 8, yc + 4, t, iv[r].n);
	}
	eb_bprintf(b, "</svg>\n");
	return 0;
}

int eb_svg_stacked(struct eb_buf *b, const struct eb_svg_axis *ax, const char *own_label, const char *shared_label,
		   const struct eb_svg_stack *st, size_t n)
{
	double hi = 0;
	for (size_t r = 0; r < n; r++)
		if (isfinite(st[r].own) && isfinite(st[r].shared) && st[r].own + st[r].shared > hi)
			hi = st[r].own + st[r].shared;
	struct axis a;
	if (n == 0 || !(hi > 0) || axis_fit(&a, 0, 0, hi, PLOT_X0, PLOT_X1) < 0)
		return -EINVAL;
	int h = TOP + (int)n * ROW_H + BOTTOM + 16;
	rows_frame(b, ax, &a, n, 16);   /* the stacked chart takes no reference line (ax->ref is 0) */
	for (size_t r = 0; r < n; r++) {
		double yc = row_y(r);
		row_label(b, st[r].label, yc);
		double own = isfinite(st[r].own) && st[r].own > 0 ? st[r].own : 0;
		double sh = isfinite(st[r].shared) && st[r].shared > 0 ? st[r].shared : 0;
		double xa = axis_x(&a, 0), xb = axis_x(&a, own), xc = axis_x(&a, own + sh);
		eb_bprintf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"#4a7ab7\"/>\n", xa, yc - 6, xb - xa);
		if (sh > 0)
			eb_bprintf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"#edae49\"/>\n", xb, yc - 6, xc - xb);
		char t1[32], t2[32];
		num(t1, sizeof(t1), own);
		num(t2, sizeof(t2), sh);
		eb_bprintf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">%s%s%s</text>\n", PLOT_X1 + 8, yc + 4, t1,
			   sh > 0 ? " + " : "", sh > 0 ? t2 : "");
	}
	double ly = h - 8;
	eb_bprintf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"#4a7ab7\"/>"
		   "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">", PLOT_X0, ly - 9, PLOT_X0 + 14, ly);
	label(b, own_label, 36);
	eb_bprintf(b, "</text>\n<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"#edae49\"/>"
		   "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">", PLOT_X0 + 290, ly - 9, PLOT_X0 + 304, ly);
	label(b, shared_label, 36);
	eb_bprintf(b, "</text>\n</svg>\n");
	return 0;
}

int eb_svg_lines(struct eb_buf *b, const struct eb_svg_axis *ax, const char *const *tick, const double *tick_x,
		 size_t n_ticks, const struct eb_svg_line *lines, size_t n)
{
	double lo = INFINITY, hi = 0;
	for (size_t l = 0; l < n; l++)
		for (size_t k = 0; k < lines[l].n && k < EB_SVG_LINE_POINTS; k++) {
			double v = lines[l].y[k];
			if (v > 0 && isfinite(v)) {
				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
		}
	if (!(hi > 0))
		return -EINVAL;
	if (ax->ref > hi)
		hi = ax->ref;
	if (ax->ref > 0 && ax->ref < lo)
		lo = ax->ref;
	double dlo = floor(log10(lo)), dhi = ceil(log10(hi));
	if (dhi <= dlo)
		dhi = dlo + 1;
	int left = 80, top = TOP, plotw = 420, ploth = 300;
	int legend = 16 * (int)n;
	int h = top + (ploth > legend ? ploth : legend) + BOTTOM;
#define Y(v) (top + ploth - ploth * (log10(v) - dlo) / (dhi - dlo))
	head(b, ax, h);
	for (double d = dlo; d <= dhi; d++) {
		double y = Y(pow(10, d));
		char t[32];
		num(t, sizeof(t), pow(10, d));
		eb_bprintf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, left + plotw, y, y);
		eb_bprintf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%s ", left - 6, y + 4, t);
		label(b, ax->unit, 8);
		eb_bprintf(b, "</text>\n");
	}
	for (size_t t = 0; t < n_ticks; t++) {
		double x = left + plotw * (tick_x[t] < 0 ? 0 : tick_x[t] > 1 ? 1 : tick_x[t]);
		eb_bprintf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">", x, top + ploth + 18);
		label(b, tick[t], 10);
		eb_bprintf(b, "</text>\n");
	}
	if (ax->ref > 0) {
		double y = Y(ax->ref);
		char t[32];
		num(t, sizeof(t), ax->ref);
		eb_bprintf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
			   left, left + plotw, y, y);
		eb_bprintf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#777\">%s</text>\n", left + plotw + 4, y + 4, t);
	}
	for (size_t l = 0; l < n; l++) {
		/* line l: colour l % 10, marker l % 5, dashed from the eleventh: no two lines of a chart look alike up to 20 */
		const char *col = colour[l % N_COLOUR];
		eb_bprintf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", col,
			   (l / N_COLOUR) % 2 ? " stroke-dasharray=\"6 3\"" : "");
		for (size_t k = 0; k < lines[l].n && k < EB_SVG_LINE_POINTS; k++)
			if (lines[l].y[k] > 0 && isfinite(lines[l].y[k])) {
				double x = lines[l].x[k] < 0 ? 0 : lines[l].x[k] > 1 ? 1 : lines[l].x[k];
				eb_bprintf(b, "%.1f,%.1f ", left + plotw * x, Y(lines[l].y[k]));
			}
		eb_bprintf(b, "\"/>\n");
		for (size_t k = 0; k < lines[l].n && k < EB_SVG_LINE_POINTS; k++)
			if (lines[l].y[k] > 0 && isfinite(lines[l].y[k])) {
				double x = lines[l].x[k] < 0 ? 0 : lines[l].x[k] > 1 ? 1 : lines[l].x[k];
				marker(b, l % 5, left + plotw * x, Y(lines[l].y[k]), col);
			}
		marker(b, l % 5, left + plotw + 44, top + 16 * (double)l + 6, col);
		eb_bprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">", left + plotw + 50, top + 16 * (int)l + 10, col);
		label(b, lines[l].label, EB_SVG_LABEL_MAX);
		eb_bprintf(b, "</text>\n");
	}
#undef Y
	eb_bprintf(b, "</svg>\n");
	return 0;
}
