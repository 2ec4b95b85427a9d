/*
 * stats: summaries of raw samples.  Every figure edgebench prints is derived
 * here from the kept samples, never typed in.
 *
 * Percentiles use linear interpolation between closest ranks (the "type 7"
 * definition, numpy's default and Python's statistics.quantiles(...,
 * method="inclusive")), so p50 of an even count is the mean of the two middle
 * samples.  The 95% confidence interval of the median is the
 * distribution-free order-statistic interval with exact binomial ranks
 * (coverage >= 95%), which exists only when n >= 6.
 */
#ifndef EB_STATS_H
#define EB_STATS_H

#include <stddef.h>
#include <stdint.h>

struct eb_summary {
	size_t n;
	double min, max, mean, stddev;
	double median, p90, p99, p999;
	double median_ci_lo, median_ci_hi;  /* valid when has_ci */
	int has_ci;
};

/* Sort v[0..n) ascending in place. */
void eb_sort_doubles(double *v, size_t n);

/* Median of v[0..n), n >= 1, sorting v in place (the caller's copy). */
double eb_median_inplace(double *v, size_t n);

/* Percentile p in [0,100] of sorted[0..n), n >= 1. */
double eb_percentile(const double *sorted, size_t n, double p);

/* Mean and sample variance (n - 1; 0 for n < 2) of v[0..n), by Welford's update. */
void eb_mean_var(const double *v, size_t n, double *mean, double *var);

/*
 * Summarise samples[0..n).  Returns 0, -EINVAL for n == 0, -ENOMEM.  The
 * input is not modified.
 */
__attribute__((warn_unused_result))
int eb_summarize(const double *samples, size_t n, struct eb_summary *out);

/*
 * The 1-based ranks lo..hi of the sorted samples that bound the median's
 * distribution-free 95% interval: the narrowest symmetric pair with
 * P(Binomial(n, 1/2) <= lo - 1) <= 2.5% (so the coverage, 1 - 2 of that,
 * is at least 95%).  0, or -1 when n < 6 (no pair of ranks reaches 95%).
 */
int eb_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Student's t distribution with df (> 0, not necessarily whole) degrees of freedom: P(T <= t). */
double eb_t_cdf(double t, double df);

/* Its quantile: the t with P(T <= t) = p, 0 < p < 1 (e.g. p = 0.975 for a 95% interval). */
double eb_t_quantile(double p, double df);

#endif
