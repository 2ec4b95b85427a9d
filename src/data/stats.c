/*
 * stats: sort a copy, read the order statistics, compute mean and sample
 * standard deviation with Welford's update (stable for ns-sized values).
 */
#include "data/stats.h"

#include <assert.h>
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

void eb_mean_var(const double *v, size_t n, double *mean, double *var)
{
	double m = 0, m2 = 0;
	for (size_t i = 0; i < n; i++) {
		double d = v[i] - m;
		m += d / (double)(i + 1);
		m2 += d * (v[i] - m);
	}
	*mean = m;
	*var = n > 1 ? m2 / (double)(n - 1) : 0;
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

	double mean, var;
	eb_mean_var(s, n, &mean, &var);
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = mean;
	out->stddev = sqrt(var);
	out->median = eb_percentile(s, n, 50);
	out->p90 = eb_percentile(s, n, 90);
	out->p99 = eb_percentile(s, n, 99);
	out->p999 = eb_percentile(s, n, 99.9);
	size_t lo, hi;
	if (eb_median_ci_ranks(n, &lo, &hi) == 0) {
		out->median_ci_lo = s[lo - 1];
		out->median_ci_hi = s[hi - 1];
		out->has_ci = 1;
	}
	free(s);
	return 0;
}

/*
 * The regularised incomplete beta function I_x(a, b), by the continued
 * fraction of Numerical Recipes (Lentz's method), switched to the symmetric
 * form where it converges fastest.
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 400; m++) {
		double m2 = 2.0 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

static double beta_inc(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double eb_t_cdf(double t, double df)
{
	double tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));
	return t >= 0 ? 1 - tail : tail;
}

double eb_t_quantile(double p, double df)
{
	assert(p > 0 && p < 1 && df > 0);
	if (p < 0.5)
		return -eb_t_quantile(1 - p, df);
	double lo = 0, hi = 1;
	while (eb_t_cdf(hi, df) < p)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = 0.5 * (lo + hi);
		if (eb_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

int eb_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	/* P(B <= j) for B ~ Binomial(n, 1/2), summed in log space (n may be 10^6) */
	double lp = -(double)n * log(2.0), cdf = exp(lp);
	if (n == 0 || cdf > 0.025)
		return -1;
	size_t k = 1;   /* x_(k) .. x_(n+1-k) covers 1 - 2 P(B <= k-1) */
	for (size_t j = 0; j + 1 < n; j++) {
		double next = lp + log((double)(n - j)) - log((double)(j + 1));
		if (cdf + exp(next) > 0.025)
			break;
		lp = next;
		cdf += exp(next);
		k = j + 2;
	}
	*lo = k;
	*hi = n + 1 - k;
	return 0;
}
