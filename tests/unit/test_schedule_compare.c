/* schedule and compare: the order of rounds, paired ratios, their CIs, the catalogue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"
#include "plan/schedule.h"
#include "catalog/series.h"

/* Every round is a permutation; rounds differ; the same seed gives the same order. */
static void test_round_orders(void **state)
{
	(void)state;
	enum { N = 7, ROUNDS = 40 };
	unsigned a[N], b[N];
	int differing = 0;
	unsigned first_pos[N] = { 0 };
	for (unsigned r = 0; r < ROUNDS; r++) {
		eb_sched_round_order(42, EB_ORDER_INTERLEAVED, r, a, N);
		eb_sched_round_order(42, EB_ORDER_INTERLEAVED, r, b, N);
		assert_memory_equal(a, b, sizeof(a));
		unsigned seen = 0;
		for (unsigned i = 0; i < N; i++) {
			assert_true(a[i] < N);
			seen |= 1u << a[i];
		}
		assert_int_equal(seen, (1u << N) - 1);
		first_pos[a[0]]++;
		unsigned prev[N];
		eb_sched_round_order(42, EB_ORDER_INTERLEAVED, r + 1, prev, N);
		differing += memcmp(a, prev, sizeof(a)) != 0;
	}
	assert_true(differing >= ROUNDS - 2);
	/* no cell always goes first: the shuffle spreads the first slot */
	for (unsigned i = 0; i < N; i++)
		assert_true(first_pos[i] < ROUNDS / 2);
	eb_sched_round_order(43, EB_ORDER_INTERLEAVED, 0, b, N);
	eb_sched_round_order(42, EB_ORDER_INTERLEAVED, 0, a, N);
	unsigned c[N];
	eb_sched_round_order(44, EB_ORDER_INTERLEAVED, 0, c, N);
	assert_true(memcmp(a, b, sizeof(a)) != 0 || memcmp(a, c, sizeof(a)) != 0);
}

static void test_sequential_and_parse(void **state)
{
	(void)state;
	unsigned a[5];
	eb_sched_round_order(42, EB_ORDER_SEQUENTIAL, 9, a, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(a[i], i);
	enum eb_order o;
	assert_int_equal(eb_order_parse("sequential", &o), 0);
	assert_int_equal(o, EB_ORDER_SEQUENTIAL);
	assert_int_equal(eb_order_parse("interleaved", &o), 0);
	assert_int_equal(o, EB_ORDER_INTERLEAVED);
	assert_int_equal(eb_order_parse("random", &o), -EINVAL);
	assert_string_equal(eb_order_name(EB_ORDER_SEQUENTIAL), "sequential");
}

static void test_rng_below_is_uniform(void **state)
{
	(void)state;
	struct eb_rng r;
	eb_rng_seed(&r, 1);
	unsigned count[3] = { 0 };
	for (int i = 0; i < 30000; i++)
		count[eb_rng_below(&r, 3)]++;
	for (int i = 0; i < 3; i++)
		assert_true(count[i] > 9500 && count[i] < 10500);
}

/* Drift that hits both sides of a pair cancels: the ratio stays exact. */
static void test_paired_ratio_cancels_drift(void **state)
{
	(void)state;
	double base[10], x[10];
	for (int i = 0; i < 10; i++) {
		double drift = 1.0 + 0.3 * sin(i);          /* the machine's speed, per round */
		base[i] = 700e6 * drift;
		x[i] = 1.05 * 700e6 * drift;
	}
	struct eb_ratio r;
	assert_int_equal(eb_paired_ratio(x, base, 10, &r), 0);
	assert_int_equal(r.n_pairs, 10);
	assert_float_equal(r.ratio, 1.05, 1e-9);
	assert_float_equal(r.ci_lo, 1.05, 1e-9);
	assert_float_equal(r.ci_hi, 1.05, 1e-9);
}

/* Noise without an effect: the CI holds 1.0; is symmetric in A/B; is the t interval computed by hand. */
static void test_paired_ratio_ci(void **state)
{
	(void)state;
	double a[8] = { 100, 104, 98, 101, 97, 103, 99, 102 };
	double b[8] = { 101, 99, 103, 98, 100, 102, 97, 104 };
	struct eb_ratio r1, inv;
	assert_int_equal(eb_paired_ratio(a, b, 8, &r1), 0);
	assert_true(r1.ci_lo < 1.0 && r1.ci_hi > 1.0);
	assert_true(r1.ci_lo < r1.ratio && r1.ratio < r1.ci_hi);
	assert_int_equal(r1.verdict, EB_VERDICT_SAME);
	assert_string_equal(eb_verdict_name(r1.verdict), "no measurable difference");
	/* by hand: mean and sd of the log ratios, t(0.975, 7) = 2.364624 */
	double m = 0, v = 0, l[8];
	for (int i = 0; i < 8; i++)
		m += (l[i] = log(a[i] / b[i])) / 8;
	for (int i = 0; i < 8; i++)
		v += (l[i] - m) * (l[i] - m) / 7;
	assert_float_equal(r1.ratio, exp(m), 1e-12);
	assert_float_equal(r1.ci_hi, exp(m + 2.364624 * sqrt(v / 8)), 1e-6);
	assert_float_equal(r1.ci_lo, exp(m - 2.364624 * sqrt(v / 8)), 1e-6);
	assert_int_equal(eb_paired_ratio(b, a, 8, &inv), 0);
	assert_float_equal(inv.ratio, 1.0 / r1.ratio, 1e-12);
	assert_float_equal(inv.ci_lo, 1.0 / r1.ci_hi, 1e-12);
	/* one pair: no interval, no verdict */
	assert_int_equal(eb_paired_ratio(a, b, 1, &r1), 0);
	assert_false(r1.has_ci);
	assert_int_equal(r1.verdict, EB_VERDICT_TOO_FEW);
	double bad[2] = { 1, 0 };
	assert_int_equal(eb_paired_ratio(bad, a, 2, &r1), -EINVAL);
	assert_int_equal(eb_paired_ratio(a, b, 0, &r1), -EINVAL);
}

static json_t *cell(const char *rt, const char *mode, const char *wl, const char *status, json_t *series)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "runtime", rt, "mode", mode, "workload", wl,
			 "status", status, "series", series);
}

/* Pairs are matched by trial; a trial's figure is the median of its samples. */
static void test_compare_cells_pairs_by_trial(void **state)
{
	(void)state;
	json_t *cells = json_array();
	json_array_append_new(cells, cell("native", "native", "cpu-hash", "ok", json_pack("[{s:s, s:[f,f,f], s:[i,i,i]}]",
		"name", "compute", "samples", 100.0, 200.0, 300.0, "trials", 0, 1, 2)));
	/* trial 3 has no baseline pair; trial order in the array does not matter */
	json_array_append_new(cells, cell("docker", "runc", "cpu-hash", "ok", json_pack("[{s:s, s:[f,f,f,f], s:[i,i,i,i]}]",
		"name", "compute", "samples", 306.0, 102.0, 204.0, 999.0, "trials", 2, 0, 1, 3)));
	/* throughput windows: median of each round's windows */
	json_array_append_new(cells, cell("native", "native", "http-hello", "ok", json_pack("[{s:s, s:[f,f,f,f], s:[i,i,i,i]}]",
		"name", "sustained_keepalive_throughput", "samples", 10.0, 30.0, 20.0, 20.0, "trials", 0, 0, 1, 1)));
	json_array_append_new(cells, cell("gvisor", "runsc", "http-hello", "ok", json_pack("[{s:s, s:[f,f], s:[i,i]}, {s:s, s:[f], s:[i]}]",
		"name", "sustained_keepalive_throughput", "samples", 10.0, 5.0, "trials", 0, 1,
		"name", "warm_latency", "samples", 1.0, "trials", 0)));
	/* a failed cell is not compared */
	json_array_append_new(cells, cell("node", "default", "cpu-hash", "failed", json_pack("[{s:s, s:[f], s:[i]}]",
		"name", "compute", "samples", 1.0, "trials", 0)));
	json_t *cmp = eb_compare_cells(cells, "native", "native");
	assert_non_null(cmp);
	assert_int_equal(json_array_size(cmp), 2);
	json_t *d = json_array_get(cmp, 0);
	assert_string_equal(json_string_value(json_object_get(d, "runtime")), "docker");
	assert_string_equal(json_string_value(json_object_get(d, "baseline")), "native/native");
	assert_int_equal(json_integer_value(json_object_get(d, "n_pairs")), 3);
	assert_float_equal(json_number_value(json_object_get(d, "ratio")), 1.02, 1e-9);
	json_t *g = json_array_get(cmp, 1);
	assert_string_equal(json_string_value(json_object_get(g, "series")), "sustained_keepalive_throughput");
	assert_int_equal(json_integer_value(json_object_get(g, "n_pairs")), 2);
	assert_float_equal(json_number_value(json_object_get(g, "ratio")), sqrt(0.5 * 0.25), 1e-9);   /* 10/20, 5/20 */
	/* two pairs: an interval, but no verdict */
	assert_string_equal(json_string_value(json_object_get(g, "verdict")), "too few pairs");
	assert_string_equal(json_string_value(json_object_get(d, "verdict")), "above");
	json_decref(cmp);
	/* no baseline: nothing to say */
	cmp = eb_compare_cells(cells, "wasmtime", "aot");
	assert_int_equal(json_array_size(cmp), 0);
	json_decref(cmp);
	json_decref(cells);
}

/* Unpaired runs: the ratio of geometric means with Welch's interval; the trials of a series as the unit. */
static void test_unpaired_ratio(void **state)
{
	(void)state;
	double a[6] = { 100, 110, 95, 105, 102, 98 }, b[6];
	for (int i = 0; i < 6; i++)
		b[i] = 2 * a[(i * 5) % 6];          /* the same values doubled, in another order */
	struct eb_ratio r;
	assert_int_equal(eb_unpaired_ratio(a, 6, b, 6, &r), 0);
	assert_float_equal(r.ratio, 2.0, 1e-12);
	assert_true(r.ci_lo < 2.0 && r.ci_hi > 2.0 && r.ci_lo > 1.5);
	assert_int_equal(r.verdict, EB_VERDICT_ABOVE);
	assert_int_equal(eb_unpaired_ratio(a, 6, a, 6, &r), 0);
	assert_float_equal(r.ratio, 1.0, 1e-12);
	assert_int_equal(r.verdict, EB_VERDICT_SAME);
	/* one value a side: a ratio, never a claim */
	assert_int_equal(eb_unpaired_ratio(a, 1, b, 1, &r), 0);
	assert_false(r.has_ci);
	assert_int_equal(r.verdict, EB_VERDICT_TOO_FEW);
	double zero[2] = { 0, 0 };
	assert_int_equal(eb_unpaired_ratio(zero, 2, a, 6, &r), -EINVAL);
	assert_int_equal(eb_unpaired_ratio(a, 0, a, 6, &r), -EINVAL);
	/* trial figures: the median of each trial, in trial order, whatever the sample order */
	json_t *s = json_pack("{s:[f,f,f,f,f], s:[i,i,i,i,i]}", "samples", 5.0, 1.0, 3.0, 2.0, 9.0, "trials", 1, 0, 1, 0, 4);
	size_t n;
	double *f = eb_trial_figures(s, 50, &n);
	assert_int_equal(n, 3);
	assert_float_equal(f[0], 1.5, 0);
	assert_float_equal(f[1], 4.0, 0);
	assert_float_equal(f[2], 9.0, 0);
	free(f);
	json_decref(s);
	s = json_pack("{s:[f,f]}", "samples", 1.0, 2.0);
	assert_null(eb_trial_figures(s, 50, &n));
	assert_int_equal(n, 0);
	json_decref(s);
}

static void test_catalogue(void **state)
{
	(void)state;
	char fig[64];
	const struct eb_series_def *d = eb_series_find("cold_start", fig, sizeof(fig));
	assert_non_null(d);
	assert_string_equal(d->unit, "ns");
	assert_true(d->flags & EB_SERIES_PAIRED);
	d = eb_series_find("shared_daemon_pss_after_warmup", fig, sizeof(fig));
	assert_non_null(d);
	assert_string_equal(d->name, "shared_%s_after_warmup");
	assert_string_equal(fig, "daemon_pss");
	d = eb_series_find("sustained_close_cgroup_memory", fig, sizeof(fig));
	assert_non_null(d);
	assert_string_equal(fig, "cgroup_memory");
	/* exact entries win over patterns */
	assert_string_equal(eb_series_find("density_start", NULL, 0)->name, "density_start");
	assert_string_equal(eb_series_find("sustained_keepalive_latency", NULL, 0)->unit, "ns");
	assert_null(eb_series_find("no_such_series", NULL, 0));
	assert_null(eb_series_find("density_BAD!", NULL, 0));
	/* every at-a-glance column names a catalogued series */
	for (size_t i = 0; i < eb_glance_count; i++)
		assert_non_null(eb_series_find(eb_glance[i].series, NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_orders),
		cmocka_unit_test(test_sequential_and_parse),
		cmocka_unit_test(test_rng_below_is_uniform),
		cmocka_unit_test(test_paired_ratio_cancels_drift),
		cmocka_unit_test(test_paired_ratio_ci),
		cmocka_unit_test(test_compare_cells_pairs_by_trial),
		cmocka_unit_test(test_unpaired_ratio),
		cmocka_unit_test(test_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
