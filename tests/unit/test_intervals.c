/*
 * intervals: the printed 95% intervals have the coverage they state at the
 * sample sizes the suite and `edgebench compare` really produce, proved by
 * simulation (10,000 synthetic no-effect samples per n and noise shape),
 * and their building blocks checked against independent computations
 * (Student's t from published tables, the median's ranks from exact
 * integer binomial sums).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/compare.h"
#include "data/stats.h"

#define SIMS 10000
#define MAX_EXCLUDED 0.06      /* nominal 5%: at most 6% may exclude the truth */
#define MIN_EXCLUDED 0.03      /* and not so wide that it says nothing (normal logs: exactly 5%) */

/* A generator of our own (splitmix64), so the test does not lean on the code under test. */
static uint64_t sm_state;
static uint64_t sm_next(void)
{
	uint64_t z = (sm_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
static double unif(void) { return ((double)(sm_next() >> 11) + 0.5) / 9007199254740992.0; }
static double gauss(void) { return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif()); }

enum noise { NORMAL, LOGNORMAL };
static const char *const noise_name[] = { "normal", "log-normal" };

/*
 * One measurement with no effect: the machine's speed this round (drift,
 * shared by both sides of a pair) times the measurement's own noise,
 * normal (10% spread) or log-normal (skewed, sigma 0.5).
 */
static double draw(double drift, enum noise k)
{
	if (k == NORMAL) {
		double e = 1 + 0.1 * gauss();
		return drift * (e > 0.05 ? e : 0.05);
	}
	return drift * exp(0.5 * gauss());
}

/* Student's t 97.5% quantiles from a published table (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2). */
static void test_t_quantiles_match_the_table(void **state)
{
	(void)state;
	static const struct { double df, t; } tab[] = {
		{ 1, 12.706 }, { 2, 4.303 }, { 3, 3.182 }, { 4, 2.776 }, { 5, 2.571 }, { 6, 2.447 }, { 9, 2.262 },
		{ 10, 2.228 }, { 19, 2.093 }, { 20, 2.086 }, { 30, 2.042 }, { 49, 2.010 }, { 100, 1.984 },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		double t = eb_t_quantile(0.975, tab[i].df);
		if (fabs(t - tab[i].t) > 0.0015)
			fail_msg("t(0.975, %g) = %.5f, table %.3f", tab[i].df, t, tab[i].t);
	}
	/* monotone in a fractional df (Welch), symmetric, and the cdf inverts it */
	assert_true(eb_t_quantile(0.975, 2.5) < 4.303 && eb_t_quantile(0.975, 2.5) > 3.182);
	assert_float_equal(eb_t_quantile(0.025, 7), -eb_t_quantile(0.975, 7), 1e-9);
	assert_float_equal(eb_t_cdf(eb_t_quantile(0.9, 3.7), 3.7), 0.9, 1e-9);
	assert_float_equal(eb_t_cdf(0, 5), 0.5, 1e-12);
}

/*
 * The median's CI ranks are the exact binomial ones: the largest k with
 * P(Binomial(n, 1/2) <= k-1) <= 2.5%, checked with exact integers
 * (40 * sum C(n, j) <= 2^n) for every n from 6 to 100; below 6 there is none.
 */
static void test_median_ci_ranks_are_exact(void **state)
{
	(void)state;
	for (size_t n = 1; n < 6; n++) {
		size_t lo, hi;
		assert_int_equal(eb_median_ci_ranks(n, &lo, &hi), -1);
	}
	for (size_t n = 6; n <= 100; n++) {
		unsigned __int128 c = 1, cum = 0, all = (unsigned __int128)1 << n;
		size_t k = 0;   /* k-1 = the largest j with 40 * P(B <= j) * 2^n <= 2^n ... */
		for (size_t j = 0; j <= n; j++) {
			cum += c;
			if (40 * cum > all)
				break;
			k = j + 1;
			c = c * (n - j) / (j + 1);
		}
		size_t want_lo = k, want_hi = n + 1 - k, lo, hi;
		assert_int_equal(eb_median_ci_ranks(n, &lo, &hi), 0);
		if (lo != want_lo || hi != want_hi)
			fail_msg("n=%zu: ranks %zu..%zu, exact %zu..%zu", n, lo, hi, want_lo, want_hi);
	}
	/* the example: n = 20 is 6..15 (5..16 covered 98.8%) */
	size_t lo, hi;
	assert_int_equal(eb_median_ci_ranks(20, &lo, &hi), 0);
	assert_int_equal(lo, 6);
	assert_int_equal(hi, 15);
	/* a large n stays finite and near n/2 -+ sqrt(n) */
	assert_int_equal(eb_median_ci_ranks(240000, &lo, &hi), 0);
	assert_true(lo > 120000 - 600 && lo < 120000 - 400 && hi == 240001 - lo);
}

/* Coverage of the median CI itself, by simulation: the true median of a skewed distribution. */
static void test_median_ci_coverage(void **state)
{
	(void)state;
	sm_state = 42;
	for (size_t n = 6; n <= 50; n += 11) {
		int missed = 0;
		double v[50];
		for (int s = 0; s < SIMS; s++) {
			for (size_t i = 0; i < n; i++)
				v[i] = exp(0.5 * gauss());   /* median exactly 1 */
			struct eb_summary sum;
			assert_int_equal(eb_summarize(v, n, &sum), 0);
			assert_true(sum.has_ci);
			missed += !(sum.median_ci_lo <= 1 && 1 <= sum.median_ci_hi);
		}
		if ((double)missed / SIMS > MAX_EXCLUDED)
			fail_msg("median CI at n=%zu misses %.2f%%", n, 100.0 * missed / SIMS);
	}
}

/*
 * Paired ratios: for every n from 3 to 50, no effect, drift shared within a
 * pair: the interval excludes 1.0 at most 6% of the time (and at least 3%:
 * not uselessly wide), and the verdict claims a difference no more often.
 */
static void test_paired_coverage_every_n(void **state)
{
	(void)state;
	sm_state = 7;
	double x[50], b[50];
	for (size_t n = 3; n <= 50; n++)
		for (int k = NORMAL; k <= LOGNORMAL; k++) {
			int excluded = 0, claimed = 0;
			for (int s = 0; s < SIMS; s++) {
				for (size_t i = 0; i < n; i++) {
					double drift = exp(0.3 * gauss());
					x[i] = draw(drift, k);
					b[i] = draw(drift, k);
				}
				struct eb_ratio r;
				assert_int_equal(eb_paired_ratio(x, b, n, &r), 0);
				assert_true(r.has_ci);
				excluded += r.ci_lo > 1.0 || r.ci_hi < 1.0;
				claimed += r.verdict == EB_VERDICT_ABOVE || r.verdict == EB_VERDICT_BELOW;
			}
			double ex = (double)excluded / SIMS, cl = (double)claimed / SIMS;
			if (ex > MAX_EXCLUDED || cl > MAX_EXCLUDED || (k == LOGNORMAL && ex < MIN_EXCLUDED))
				fail_msg("paired, n=%zu, %s noise: interval excludes 1 in %.2f%%, claims in %.2f%%", n,
					 noise_name[k], 100 * ex, 100 * cl);
		}
}

/* A real effect is found once the pairs carry it: 1.5x at n=5 with 10% noise. */
static void test_paired_detects_an_effect(void **state)
{
	(void)state;
	sm_state = 99;
	int found = 0;
	for (int s = 0; s < 1000; s++) {
		double x[5], b[5];
		for (int i = 0; i < 5; i++) {
			double drift = exp(0.3 * gauss());
			x[i] = 1.5 * draw(drift, NORMAL);
			b[i] = draw(drift, NORMAL);
		}
		struct eb_ratio r;
		assert_int_equal(eb_paired_ratio(x, b, 5, &r), 0);
		found += r.verdict == EB_VERDICT_ABOVE;
	}
	assert_true(found > 900);
}

/*
 * Small n: a verdict needs 3 pairs; with 3..5 pairs, any verdict's interval
 * is strictly wider than the range of its own paired ratios.
 */
static void test_small_n_rules(void **state)
{
	(void)state;
	double a[3] = { 100, 104, 98 }, b[3] = { 50, 51, 49 };
	struct eb_ratio r;
	assert_int_equal(eb_paired_ratio(a, b, 2, &r), 0);
	assert_int_equal(r.verdict, EB_VERDICT_TOO_FEW);
	assert_true(r.has_ci);
	assert_int_equal(eb_paired_ratio(a, b, 1, &r), 0);
	assert_int_equal(r.verdict, EB_VERDICT_TOO_FEW);
	assert_false(r.has_ci);
	assert_int_equal(eb_paired_ratio(a, b, 3, &r), 0);
	assert_int_equal(r.verdict, EB_VERDICT_ABOVE);
	/* one pair far from the others at n=5: the interval reaches past it */
	double x[5] = { 110, 111, 109, 110, 400 }, y[5] = { 100, 100, 100, 100, 100 };
	assert_int_equal(eb_paired_ratio(x, y, 5, &r), 0);
	assert_true(r.ci_hi > 4.0);
	/* simulated: every verdict at n <= 5 has an interval strictly wider than the range of its ratios */
	sm_state = 3;
	for (int s = 0; s < SIMS; s++) {
		size_t n = 3 + (size_t)(s % 3);
		double p[5], q[5], lo = INFINITY, hi = 0;
		for (size_t i = 0; i < n; i++) {
			p[i] = draw(1, LOGNORMAL) * (s % 2 ? 1.3 : 1.0);
			q[i] = draw(1, LOGNORMAL);
			lo = fmin(lo, p[i] / q[i]);
			hi = fmax(hi, p[i] / q[i]);
		}
		assert_int_equal(eb_paired_ratio(p, q, n, &r), 0);
		if (r.verdict == EB_VERDICT_ABOVE || r.verdict == EB_VERDICT_BELOW)
			assert_true(r.ci_lo < lo && r.ci_hi > hi);
	}
}

/*
 * Unpaired (edgebench compare): two runs from the same distribution, n
 * trials each, n = 1, 3, 5, 10, 20, 50 and an unequal 3 against 10:
 * flagged at most 6% of the time, never from one value a side.
 */
static void test_unpaired_coverage(void **state)
{
	(void)state;
	sm_state = 11;
	static const size_t sizes[][2] = { { 1, 1 }, { 1, 20 }, { 3, 3 }, { 5, 5 }, { 10, 10 }, { 20, 20 }, { 50, 50 }, { 3, 10 } };
	double a[50], b[50];
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
		for (int k = NORMAL; k <= LOGNORMAL; k++) {
			size_t na = sizes[z][0], nb = sizes[z][1];
			int excluded = 0, claimed = 0;
			for (int s = 0; s < SIMS; s++) {
				double run_a = 1, run_b = 1;   /* the same machine state: drawn from one distribution */
				for (size_t i = 0; i < na; i++)
					a[i] = draw(run_a, k);
				for (size_t i = 0; i < nb; i++)
					b[i] = draw(run_b, k);
				struct eb_ratio r;
				assert_int_equal(eb_unpaired_ratio(a, na, b, nb, &r), 0);
				excluded += r.has_ci && (r.ci_lo > 1.0 || r.ci_hi < 1.0);
				claimed += r.verdict == EB_VERDICT_ABOVE || r.verdict == EB_VERDICT_BELOW;
			}
			double ex = (double)excluded / SIMS, cl = (double)claimed / SIMS;
			if (na == 1 || nb == 1) {
				assert_int_equal(claimed, 0);
				continue;
			}
			if (ex > MAX_EXCLUDED || cl > MAX_EXCLUDED)
				fail_msg("unpaired, %zu vs %zu, %s noise: interval excludes 1 in %.2f%%, claims in %.2f%%", na, nb,
					 noise_name[k], 100 * ex, 100 * cl);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t_quantiles_match_the_table),
		cmocka_unit_test(test_median_ci_ranks_are_exact),
		cmocka_unit_test(test_median_ci_coverage),
		cmocka_unit_test(test_paired_coverage_every_n),
		cmocka_unit_test(test_paired_detects_an_effect),
		cmocka_unit_test(test_small_n_rules),
		cmocka_unit_test(test_unpaired_coverage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
