/*
 * series: the catalogue of everything edgebench measures.  Each series is
 * declared once, with its unit, what it means and how the report shows it;
 * the suite adds samples only to series named here and the report draws
 * its charts, its at-a-glance columns and its comparisons from here, so a
 * new series is one entry.
 *
 * A name may hold one "%s": a footprint figure that the runtime names at
 * run time ("pss", "cgroup_memory", "shim_pss"...), whose own description
 * then fills the "%s" of the entry's description.
 */
#ifndef EB_SERIES_H
#define EB_SERIES_H

#include <stddef.h>

enum {
	EB_SERIES_PAIRED = 1 << 0,         /* samples carry their trial; compared with the baseline */
	EB_SERIES_HIGHER_BETTER = 1 << 1,  /* throughput: a ratio above 1 is better */
	EB_SERIES_RATIO_FIGURE = 1 << 2,   /* the report draws its paired ratios even without a chart of its own */
};

/* How the report draws a series that has a chart (svg.h). */
enum eb_chart_style {
	EB_CHART_STRIP_LOG = 0,    /* every sample as a dot on a log axis, median marked */
	EB_CHART_STRIP_LINEAR,     /* the same on a linear axis from 0 */
	EB_CHART_CDF_LOG,          /* the distribution as a CDF, log x */
};

struct eb_series_def {
	const char *name;
	const char *unit;          /* "ns", "bytes", "req/s" */
	const char *description;
	unsigned flags;
	const char *chart;         /* title of a chart per workload that has it, or NULL */
	enum eb_chart_style style;
};

extern const struct eb_series_def eb_series[];
extern const size_t eb_series_count;

/*
 * The entry for a concrete series name; a "%s" entry matches any figure
 * made of [a-z0-9_], which goes to figure (when not NULL).  Exact entries
 * win over patterns.  NULL when the name is not in the catalogue.
 */
const struct eb_series_def *eb_series_find(const char *name, char *figure, size_t cap);

/* One column of the report's at-a-glance table. */
struct eb_glance_col {
	const char *header;
	const char *workload;
	const char *series;
	double divisor;            /* unit shown = unit / divisor (1e6: ns -> ms) */
	int decimals;
	int with_ratio;            /* append the paired ratio to the baseline with its CI */
};

extern const struct eb_glance_col eb_glance[];
extern const size_t eb_glance_count;

#endif
