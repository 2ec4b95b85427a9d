/* stats and hist: percentiles, summaries, bucket math. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "net/hist.h"
#include "data/stats.h"

static void test_summary_small(void **state)
{
	(void)state;
	double v[] = { 5, 1, 4, 2, 3 };
	struct eb_summary s;
	assert_int_equal(eb_summarize(v, 5, &s), 0);
	assert_int_equal(s.n, 5);
	assert_float_equal(s.min, 1, 1e-12);
	assert_float_equal(s.max, 5, 1e-12);
	assert_float_equal(s.median, 3, 1e-12);
	assert_float_equal(s.mean, 3, 1e-12);
	assert_float_equal(s.stddev, sqrt(2.5), 1e-12);
	assert_float_equal(s.p90, 4.6, 1e-12);     /* 1 + 0.9*4 = rank 4.6 -> 4 + 0.6 */
	assert_false(s.has_ci);
	assert_float_equal(v[0], 5, 0);            /* input untouched */
}

static void test_summary_even_and_one(void **state)
{
	(void)state;
	double v[] = { 10, 20, 30, 40 };
	struct eb_summary s;
	assert_int_equal(eb_summarize(v, 4, &s), 0);
	assert_float_equal(s.median, 25, 1e-12);
	double one[] = { 7 };
	assert_int_equal(eb_summarize(one, 1, &s), 0);
	assert_float_equal(s.median, 7, 0);
	assert_float_equal(s.p99, 7, 0);
	assert_float_equal(s.stddev, 0, 0);
	assert_int_equal(eb_summarize(v, 0, &s), -EINVAL);
}

static void test_median_ci(void **state)
{
	(void)state;
	double v[100];
	for (int i = 0; i < 100; i++)
		v[i] = 100 - i;   /* 1..100 reversed */
	struct eb_summary s;
	assert_int_equal(eb_summarize(v, 100, &s), 0);
	assert_true(s.has_ci);
	/* ranks 50 -+ 9.8: the interval holds the median and is about 20 wide */
	assert_true(s.median_ci_lo <= s.median && s.median <= s.median_ci_hi);
	assert_float_equal(s.median_ci_lo, 40, 0);
	assert_float_equal(s.median_ci_hi, 61, 0);
	assert_float_equal(s.p99, 99.01, 1e-9);
}

static void test_hist_buckets(void **state)
{
	(void)state;
	/* exact below 1024, then every bucket contains its own bounds */
	assert_int_equal(eb_hist_index(0), 0);
	assert_int_equal(eb_hist_index(1023), 1023);
	assert_int_equal(eb_hist_lowest(eb_hist_index(1024)), 1024);
	for (uint64_t v = 1; v < EB_HIST_MAX_NS; v = v * 3 + 7) {
		size_t i = eb_hist_index(v);
		assert_true(eb_hist_lowest(i) <= v);
		assert_true(v <= eb_hist_highest(i));
		/* relative width stays within 1/512 */
		assert_true((double)(eb_hist_highest(i) - eb_hist_lowest(i)) <= (double)v / 512.0 + 1);
		assert_int_equal(eb_hist_index(eb_hist_highest(i)) + 1, eb_hist_index(eb_hist_highest(i) + 1));
	}
}

static void test_hist_percentiles(void **state)
{
	(void)state;
	struct eb_hist *h;
	assert_int_equal(eb_hist_new(&h), 0);
	assert_int_equal(eb_hist_percentile(h, 50), 0);
	for (uint64_t v = 1; v <= 1000; v++)
		eb_hist_record(h, v * 1000);   /* 1 us .. 1 ms */
	assert_int_equal(h->total, 1000);
	assert_int_equal(h->min, 1000);
	assert_int_equal(h->max, 1000000);
	uint64_t p50 = eb_hist_percentile(h, 50);
	assert_true(p50 >= 500000 && p50 <= 500000 + 500000 / 512 + 1);
	uint64_t p99 = eb_hist_percentile(h, 99);
	assert_true(p99 >= 990000 && p99 <= 990000 + 990000 / 512 + 1);
	assert_int_equal(eb_hist_percentile(h, 100), 1000000);
	assert_int_equal(eb_hist_percentile(h, 0), 1000);
	assert_float_equal(eb_hist_mean(h), 500500.0, 1e-6);

	struct eb_hist *g;
	assert_int_equal(eb_hist_new(&g), 0);
	eb_hist_record(g, EB_HIST_MAX_NS + 5);
	assert_int_equal(g->overflow, 1);
	eb_hist_merge(h, g);
	assert_int_equal(h->total, 1001);
	assert_int_equal(h->max, EB_HIST_MAX_NS);
	eb_hist_reset(h);
	assert_int_equal(h->total, 0);
	eb_hist_free(h);
	eb_hist_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_small),
		cmocka_unit_test(test_summary_even_and_one),
		cmocka_unit_test(test_median_ci),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_percentiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
