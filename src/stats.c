/*
 * stats: sort a copy, read the order statistics, compute mean and sample
 * standard deviation with Welford's update (stable for ns-sized values).
 */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void eb_sort_doubles(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

double eb_percentile(const double *sorted, size_t n, double p)
{
	if (n == 1)
		return sorted[0];
	double h = (double)(n - 1) * p / 100.0;
	size_t lo = (size_t)floor(h);
	if (lo >= n - 1)
		return sorted[n - 1];
	return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

double eb_median_inplace(double *v, size_t n)
{
	eb_sort_doubles(v, n);
	return eb_percentile(v, n, 50);
}

int eb_summarize(const double *samples, size_t n, struct eb_summary *out)
{
	if (n == 0)
		return -EINVAL;
	double *s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, samples, n * sizeof(*s));
	eb_sort_doubles(s, n);

	double mean = 0, m2 = 0;
	for (size_t i = 0; i < n; i++) {
		double d = s[i] - mean;
		mean += d / (double)(i + 1);
		m2 += d * (s[i] - mean);
	}
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = mean;
	out->stddev = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;
	out->median = eb_percentile(s, n, 50);
	out->p90 = eb_percentile(s, n, 90);
	out->p99 = eb_percentile(s, n, 99);
	out->p999 = eb_percentile(s, n, 99.9);
	if (n >= 6) {
		/* ranks (1-based) n/2 -+ 1.96*sqrt(n)/2, rounded outwards */
		double half = 1.959964 * sqrt((double)n) / 2.0;
		long lo = (long)floor((double)n / 2.0 - half);
		long hi = (long)ceil((double)n / 2.0 + half + 1.0);
		if (lo < 1)
			lo = 1;
		if (hi > (long)n)
			hi = (long)n;
		out->median_ci_lo = s[lo - 1];
		out->median_ci_hi = s[hi - 1];
		out->has_ci = 1;
	}
	free(s);
	return 0;
}
