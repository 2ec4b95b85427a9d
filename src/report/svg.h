/*
 * svg: the report's charts, as standalone SVG text.  Each chart is a fixed
 * canvas (EB_SVG_W wide) whose every element stays inside it (labels are
 * cut to fit), with a title, labelled axes and the count of every row, so
 * the same text works as a file beside report.md and inline in
 * report.html.  Values arrive in the unit they are shown in; nothing here
 * reads results or summarises (the caller did).
 *
 *   strip:     every sample of each row as a dot on a (log) axis, with
 *              the median as a bar: native's 0.7 ms and gVisor's 300 ms
 *              on one picture, every outlier visible.
 *   cdf:       the empirical distribution of each row as a step line on a
 *              (log) x axis, y from 0 to 1.
 *   intervals: one mark per row with an interval (a CI or min..max), an
 *              optional reference line (1.0 for ratios).
 *   stacked:   bars of two parts per row (an instance and what it shares).
 *   lines:     y on a log axis against x in [0,1] (latency curve, scale
 *              from zero), with an optional threshold.
 */
#ifndef EB_SVG_H
#define EB_SVG_H

#include <stddef.h>

#include "sys/textbuf.h"

#define EB_SVG_W 760
#define EB_SVG_LABEL_MAX 30   /* characters of a row label; longer ones are cut with "~" */

struct eb_svg_row {
	const char *label;
	const double *v;          /* samples, in the unit shown */
	size_t n;
};

struct eb_svg_interval {
	const char *label;
	double lo, mid, hi;       /* lo <= mid <= hi */
	size_t n;                 /* samples or pairs behind it */
};

struct eb_svg_stack {
	const char *label;
	double own, shared;       /* the two parts, >= 0 */
};

#define EB_SVG_LINE_POINTS 16
struct eb_svg_line {
	const char *label;
	size_t n;
	double x[EB_SVG_LINE_POINTS];   /* 0..1 of the plot width */
	double y[EB_SVG_LINE_POINTS];   /* > 0; others are left out */
};

struct eb_svg_axis {
	const char *title;        /* the chart's title */
	const char *unit;         /* of the value axis */
	int log;                  /* log10 value axis */
	double ref;               /* a reference line at this value (0: none) */
	const char *ref_label;
};

/* Each appends one <svg> element to b; -EINVAL when there is nothing to draw. */
__attribute__((warn_unused_result))
int eb_svg_strip(struct eb_buf *b, const struct eb_svg_axis *ax, const struct eb_svg_row *rows, size_t n);
__attribute__((warn_unused_result))
int eb_svg_cdf(struct eb_buf *b, const struct eb_svg_axis *ax, const struct eb_svg_row *rows, size_t n);
__attribute__((warn_unused_result))
int eb_svg_intervals(struct eb_buf *b, const struct eb_svg_axis *ax, const struct eb_svg_interval *iv, size_t n);
__attribute__((warn_unused_result))
int eb_svg_stacked(struct eb_buf *b, const struct eb_svg_axis *ax, const char *own_label, const char *shared_label,
		   const struct eb_svg_stack *st, size_t n);
/* ticks: n_ticks labels at x positions (0..1) under the plot */
__attribute__((warn_unused_result))
int eb_svg_lines(struct eb_buf *b, const struct eb_svg_axis *ax, const char *const *tick, const double *tick_x,
		 size_t n_ticks, const struct eb_svg_line *lines, size_t n);

/* Append s with &, <, >, " escaped (for text and attribute values). */
void eb_svg_escape(struct eb_buf *b, const char *s);

#endif
