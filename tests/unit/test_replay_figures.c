/*
 * Replay figures (analysis/replay.h) from raw rows built by hand, so each
 * figure is known: cold fraction and evictions, latency from the due time
 * and what the platform added, the generator's lateness and when it fell
 * behind, memory-time as samples held until the next (the last until the
 * end), the idle share, CPU and the per-1,000 figures; malformed rows refused.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "analysis/replay.h"

#define GIB 1073741824.0

/* function, due, released, picked, sent, done (us), work, cold, instance, status, evicted */
static json_t *replay_doc(long late_us)
{
	json_t *inv = json_array();
	json_array_append_new(inv, json_pack("[i,i,i,i,i,i,i,i,i,i,i]", 0, 0, 10, 10, 50000, 60000, 1000, 1, 0, 200, 0));
	json_array_append_new(inv, json_pack("[i,i,i,i,i,i,i,i,i,i,i]", 0, 100000, 100000 + (int)late_us, 100020, 100030,
					     102030, 1000, 0, 0, 200, 0));
	json_array_append_new(inv, json_pack("[i,i,i,i,i,i,i,i,i,i,i]", 1, 200000, 200005, 200010, 300000, 310000, 2000, 1, 1,
					     200, 1));
	json_array_append_new(inv, json_pack("[i,i,i,i,i,i,i,i,i,i,i]", 1, 300000, 300005, 300010, 300020, 300030, 2000, 0, 1,
					     -104, 0));
	json_t *ins = json_array();
	json_array_append_new(ins, json_pack("[i,i,i,i,i,f,f,s,i]", 0, 10, 50000, 250000, 2, 0.25, 4e6, "evicted", 0));
	json_array_append_new(ins, json_pack("[i,i,i,i,i,f,f,s,i]", 1, 200010, 300000, 400000, 2, -1.0, 5e6, "end", 1));
	json_t *tl = json_array();
	/* t, live, busy, starting, bytes, idle bytes: 1 GiB for 0.1 s, then 2 GiB (half idle) until end_s 0.4 */
	json_array_append_new(tl, json_pack("[i,i,i,i,f,f]", 0, 1, 1, 0, GIB, 0.0));
	json_array_append_new(tl, json_pack("[i,i,i,i,f,f]", 100000, 2, 1, 0, 2 * GIB, GIB));
	return json_pack("{s:f, s:{s:o}, s:{s:o}, s:{s:o}}", "end_s", 0.4, "invocations", "rows", inv, "instances", "rows", ins,
			 "timeline", "rows", tl);
}

static void test_figures(void **state)
{
	(void)state;
	json_t *r = replay_doc(300);
	struct eb_replay_figures f;
	assert_int_equal(eb_replay_figures(r, &f), 0);
	assert_int_equal(f.invocations, 4);
	assert_int_equal(f.ok, 3);
	assert_int_equal(f.failed, 1);
	assert_int_equal(f.cold, 2);
	assert_int_equal(f.evictions, 1);
	assert_int_equal(f.prewarmed, 1);
	assert_true(fabs(f.cold_fraction - 0.5) < 1e-12);
	/* answered latencies from due: 60, 2.03, 110 ms; warm 2.03; cold 60 and 110 */
	assert_int_equal(f.n_warm, 1);
	assert_int_equal(f.n_cold, 2);
	assert_true(fabs(f.all_p50 - 60.0) < 1e-9);
	assert_true(fabs(f.warm_p50 - 2.03) < 1e-9);
	assert_true(fabs(f.cold_p50 - 85.0) < 1e-9);
	/* added: less the work (1 ms, 2 ms) */
	assert_true(fabs(f.added_warm_p50 - 1.03) < 1e-9);
	assert_true(fabs(f.added_cold_p50 - (59.0 + 108.0) / 2) < 1e-9);
	/* lateness 0.01, 0.3, 0.005, 0.005 ms: the max is 0.3, not behind */
	assert_true(fabs(f.late_max_ms - 0.3) < 1e-9);
	assert_false(f.fell_behind);
	/* per instance: largest sample x life from first 200 to stop (4 MB x 0.2 s + 5 MB x 0.1 s),
	 * idle: less the time serving (0.012 s and 0.01001 s) */
	assert_true(fabs(f.gib_s - (4e6 * 0.2 + 5e6 * 0.1) / GIB) < 1e-12);
	assert_true(fabs(f.idle_gib_s - (4e6 * 0.188 + 5e6 * 0.08999) / GIB) < 1e-12);
	assert_true(fabs(f.mean_instances - (0.1 + 0.6) / 0.4) < 1e-9);
	assert_true(fabs(f.peak_instances - 2) < 1e-12);
	assert_true(isnan(f.peak_waiting));   /* a document without the waiting column: unknown, not 0 */
	/* CPU only where an instance could tell */
	assert_true(fabs(f.cpu_s - 0.25) < 1e-12);
	assert_true(fabs(f.per1k_gib_s - 250 * (4e6 * 0.2 + 5e6 * 0.1) / GIB) < 1e-12);
	assert_true(fabs(f.per1k_cold - 500.0) < 1e-9);
	json_decref(r);

	/* a platform: memory from the timeline (the host's, sampled), held until the next sample,
	 * the last until the end: 1 GiB x 0.1 s + 2 GiB x 0.3 s; CPU the host's */
	r = replay_doc(300);
	json_object_set_new(r, "platform", json_pack("{s:f, s:f}", "ready_ms", 120.0, "cpu_s", 1.5));
	assert_int_equal(eb_replay_figures(r, &f), 0);
	assert_true(fabs(f.gib_s - 0.7) < 1e-9);
	assert_true(fabs(f.idle_gib_s - 0.3) < 1e-9);
	assert_true(fabs(f.cpu_s - 1.5) < 1e-12);
	json_decref(r);

	r = replay_doc(2500);   /* one invocation 2.5 ms late: p99 of four is above 1 ms */
	assert_int_equal(eb_replay_figures(r, &f), 0);
	assert_true(f.fell_behind);
	json_decref(r);
}

/* Starts waiting for a turn: their own column, the largest of it; live stays the instances'. */
static void test_waiting_apart(void **state)
{
	(void)state;
	json_t *r = replay_doc(300);
	json_t *tl = json_object_get(json_object_get(r, "timeline"), "rows");
	json_array_clear(tl);
	json_array_append_new(tl, json_pack("[i,i,i,i,f,f,i]", 0, 1, 1, 0, GIB, 0.0, 7));
	json_array_append_new(tl, json_pack("[i,i,i,i,f,f,i]", 100000, 2, 1, 0, 2 * GIB, GIB, 3));
	struct eb_replay_figures f;
	assert_int_equal(eb_replay_figures(r, &f), 0);
	assert_true(fabs(f.peak_waiting - 7) < 1e-12);
	assert_true(fabs(f.peak_instances - 2) < 1e-12);
	assert_true(fabs(f.mean_instances - (0.1 + 0.6) / 0.4) < 1e-9);
	json_decref(r);
}

static void test_latencies_sorted(void **state)
{
	(void)state;
	json_t *r = replay_doc(300);
	size_t n;
	double *v = eb_replay_latencies(r, 0, 0, &n);
	assert_int_equal(n, 3);
	assert_true(v[0] <= v[1] && v[1] <= v[2]);
	assert_true(fabs(v[2] - 110.0) < 1e-9);
	free(v);
	json_decref(r);
}

static void test_malformed(void **state)
{
	(void)state;
	struct eb_replay_figures f;
	json_t *r = json_pack("{s:f}", "end_s", 1.0);
	assert_int_equal(eb_replay_figures(r, &f), -EINVAL);
	json_decref(r);
	r = replay_doc(0);
	json_array_append_new(json_object_get(json_object_get(r, "invocations"), "rows"), json_pack("[i,i]", 1, 2));
	assert_int_equal(eb_replay_figures(r, &f), -EINVAL);
	json_decref(r);
}

/*
 * Instances still up at the end: since teardown_s, each one's stop is the replay's end; an older
 * document stamped each when its own stop finished, one after another, so their life ends at
 * the first of those stops (and the timeline at it too), not after the queue.
 */
static void test_end_of_replay(void **state)
{
	(void)state;
	struct eb_replay_figures f;
	json_t *r = replay_doc(300);
	json_t *ins = json_object_get(json_object_get(r, "instances"), "rows");
	json_array_append_new(ins, json_pack("[i,i,i,i,i,f,f,s,i]", 0, 250000, 300000, 450000, 0, -1.0, 1e6, "end", 0));
	json_array_append_new(ins, json_pack("[i,i,i,i,i,f,f,s,i]", 0, 250000, 300000, 500000, 0, -1.0, 1e6, "end", 0));
	json_object_set_new(r, "end_s", json_real(0.5));
	assert_int_equal(eb_replay_figures(r, &f), 0);
	/* old document: the two queued stops count until 0.4 s (the first "end" stop) */
	assert_true(fabs(f.gib_s - (4e6 * 0.2 + 5e6 * 0.1 + 2 * 1e6 * 0.1) / GIB) < 1e-12);
	assert_true(fabs(f.mean_instances - (0.1 + 0.6) / 0.4) < 1e-9);
	/* a document with teardown_s: the stops are the replay's end already, taken as they are */
	json_object_set_new(r, "teardown_s", json_real(0.1));
	assert_int_equal(eb_replay_figures(r, &f), 0);
	assert_true(fabs(f.gib_s - (4e6 * 0.2 + 5e6 * 0.1 + 1e6 * 0.15 + 1e6 * 0.2) / GIB) < 1e-12);
	assert_true(fabs(f.mean_instances - (0.1 + 0.8) / 0.5) < 1e-9);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_end_of_replay),
		cmocka_unit_test(test_waiting_apart),
		cmocka_unit_test(test_latencies_sorted),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
