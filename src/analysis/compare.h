/*
 * compare: paired ratios with confidence intervals that hold their stated
 * coverage at the sample sizes the suite produces (3 rounds is common).
 *
 * A runtime is compared with the baseline (native by default) on trials of
 * the same round: trial i of both ran next to each other, so drift of the
 * machine's speed hits both alike and cancels in x_i / b_i.  The ratio is
 * the geometric mean of the paired ratios (the mean of their logarithms:
 * symmetric, so A/B is exactly 1/(B/A)); its 95% CI is Student's t
 * interval on the log ratios, mean +- t(0.975, n-1) * sd / sqrt(n),
 * exponentiated.  (A percentile bootstrap, used before, returns the range
 * of three pairs: 75% coverage where 95% was printed.)  The interval is
 * exact when the log ratios are normal, and close to it when they are
 * symmetric, which they are whenever the two sides share a distribution;
 * tests/unit/test_intervals.c checks the coverage by simulation for every
 * n from 3 to 50, normal and log-normal noise.
 *
 * A verdict needs EB_MIN_PAIRS pairs.  With EB_WIDEN_MAX pairs or fewer
 * the interval is never narrower than the pairs' own spread: its half-width
 * (on the log scale) is at least 1.05 times the largest distance of a pair
 * from the mean, so it strictly contains every paired ratio.  (At n = 5 a
 * t interval can leave out a pair that carries most of the spread, and
 * five values cannot show whether the normality it leans on holds.)  The
 * widening only adds coverage.
 */
#ifndef EB_COMPARE_H
#define EB_COMPARE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define EB_MIN_PAIRS 3          /* fewer: "too few pairs", never a verdict */
#define EB_WIDEN_MAX 5          /* up to this many pairs, the CI strictly contains every paired ratio */

enum eb_verdict {
	EB_VERDICT_TOO_FEW,     /* n below EB_MIN_PAIRS: no claim */
	EB_VERDICT_SAME,        /* the CI holds 1.0: no measurable difference */
	EB_VERDICT_ABOVE,       /* the CI lies above 1.0 */
	EB_VERDICT_BELOW,       /* the CI lies below 1.0 */
};

struct eb_ratio {
	double ratio;
	double ci_lo, ci_hi;    /* 95%; valid when has_ci */
	int has_ci;             /* n >= 2 and the values vary (or are all equal: a zero-width CI) */
	size_t n_pairs;         /* pairs, or for an unpaired ratio the smaller side's count */
	enum eb_verdict verdict;
};

/* "too few pairs", "no measurable difference", "above", "below" */
const char *eb_verdict_name(enum eb_verdict v);

/*
 * Ratio of x to base over n pairs (x[i] with base[i]), with its t interval
 * and verdict.  0, or -EINVAL when n == 0 or a value is not positive.
 */
__attribute__((warn_unused_result))
int eb_paired_ratio(const double *x, const double *base, size_t n, struct eb_ratio *out);

/*
 * Paired ratio of series sx over series sb (of two cells of one run), each
 * trial's percentile pct paired by trial index.  0, or -1 when no trial pairs.
 */
int eb_series_ratio(json_t *sx, json_t *sb, double pct, struct eb_ratio *r);

/* Set o's "ratio", "ci95" ([lo, hi] or null), "n_pairs" and "verdict" from r. */
void eb_ratio_to_json(json_t *o, const struct eb_ratio *r);

/*
 * Ratio of two independent sets of repeats (b over a: runs on two machines,
 * or two versions; each value one repeat, e.g. one round's median): the
 * ratio of their geometric means, with Welch's t interval on the logs
 * (unequal variances; degrees of freedom min(na, nb) - 1, conservative).  A verdict
 * needs EB_MIN_PAIRS values on each side; n_pairs holds the smaller count.
 * 0, or -EINVAL when a set is empty or a value is not positive.
 */
__attribute__((warn_unused_result))
int eb_unpaired_ratio(const double *a, size_t na, const double *b, size_t nb, struct eb_ratio *out);

/*
 * The per-trial figure of a series: percentile pct of each trial's samples,
 * in trial order, trials without a sample left out.  NULL (and *n = 0) when
 * the series has no "trials" (one value per run: nothing repeats).  The
 * caller frees.
 */
double *eb_trial_figures(json_t *series, double pct, size_t *n);

/*
 * Every comparison a results document supports: for each ok cell of a
 * workload that has an ok baseline cell (base_rt/base_mode), and each of
 * its series that the catalogue marks paired, the ratio over the trials
 * both cells ran (a trial's figure is the median of its samples, e.g. of
 * the 250 ms throughput windows of one sustained round).  Returns a new
 * array of {workload, series, runtime, mode, baseline, ratio, ci95 (null
 * without an interval), n_pairs, verdict}
 * (empty when nothing pairs), or NULL on allocation failure.
 */
json_t *eb_compare_cells(json_t *cells, const char *base_rt, const char *base_mode);

/* What the network conditions are compared on (and the report's table shows): a series, the percentile of each trial. */
struct eb_condition_figure {
	const char *series;
	double pct;
	const char *figure;
	const char *column;        /* the report's column header */
	double div;                /* shown = value / div */
	int decimals;
};
extern const struct eb_condition_figure eb_condition_figures[];
extern const size_t eb_condition_figure_count;

/*
 * The network conditions of a run compared with each other, per server
 * cell: veth over loopback (same firewall) and firewall on over off (same
 * network), each a paired ratio over the trials both ran (rounds of the
 * same schedule) for cold start, p50 and p99 latency under load, and
 * throughput.  Returns a new array of {comparison, workload, runtime, mode,
 * series, percentile, figure, condition, reference, ratio, ci95, n_pairs,
 * verdict}
 * (empty when the run had one condition), or NULL on allocation failure.
 */
json_t *eb_compare_conditions(json_t *cells);

#endif
