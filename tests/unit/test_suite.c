/*
 * The scheduler with a fake runtime (hyperfine's MockExecutor idea): its
 * "programs" are shell one-liners, so the suite's interleaving, failure
 * isolation, budget and results can be checked without any real runtime.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/fsutil.h"
#include "data/results.h"
#include "runtimes/runtime.h"
#include "measure/suite.h"

static const struct eb_rt_mode fake_modes[] = { { .name = "good" }, { .name = "flaky" }, { .name = "other" }, { .name = NULL } };
static char counter_dir[64];

static void fake_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	(void)state;
	(void)ctx;
	memset(st, 0, sizeof(*st));
	st->available = 1;
}

/* good/other print the hello line; flaky does so twice, then exits 3. */
static int fake_command(void *state, const struct eb_launch_ctx *ctx, const char *mode, const struct eb_workload *w,
			struct eb_argv *a)
{
	(void)state;
	(void)ctx;
	eb_argv_reset(a);
	if (w->kind != EB_WL_BATCH) {
		snprintf(a->why, sizeof(a->why), "the fake runtime runs batch programs only");
		return -ENOTSUP;
	}
	int rc = eb_argv_push(a, "/bin/sh") ?: eb_argv_push(a, "-c");
	if (rc == 0 && !strcmp(mode, "flaky"))
		rc = eb_argv_push(a, "n=$(cat %s/n 2>/dev/null || echo 0); echo $((n+1)) > %s/n; "
				  "[ $n -lt 2 ] || { echo 'flaky gave up' >&2; exit 3; }; echo 'hello from edgebench'",
				  counter_dir, counter_dir);
	else if (rc == 0)
		rc = eb_argv_push(a, "echo 'hello from edgebench'");
	return rc;
}

static const struct eb_runtime fake = {
	.name = "fake", .summary = "test double", .modes = fake_modes,
	.detect = fake_detect, .command = fake_command,
};

struct run {
	char dir[64];
	struct eb_results res;
	json_t *cells[8];
	size_t n;
	int failed;
};

static int run_suite(struct run *r, struct eb_plan *plan, const char *const *modes, const char *wl)
{
	snprintf(r->dir, sizeof(r->dir), "/tmp/edgebench-unit-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	char err[256], logs[128], out[128];
	snprintf(out, sizeof(out), "%s/out", r->dir);
	assert_int_equal(eb_results_open(out, &r->res, err, sizeof(err)), 0);
	snprintf(logs, sizeof(logs), "%s/out/logs", r->dir);
	assert_int_equal(eb_mkdirs(logs), 0);
	snprintf(counter_dir, sizeof(counter_dir), "%s", r->dir);
	plan->log_dir = logs;
	struct eb_cell_spec specs[8];
	r->n = 0;
	for (const char *const *m = modes; *m; m++) {
		r->cells[r->n] = eb_results_cell(&r->res, "fake", *m, wl);
		specs[r->n] = (struct eb_cell_spec){ .rt = &fake, .mode = *m, .w = eb_workload_find(wl), .json = r->cells[r->n] };
		r->n++;
	}
	return eb_suite_run(plan, specs, r->n, &r->res, &r->failed);
}

static void run_free(struct run *r)
{
	eb_results_close(&r->res);
	eb_rm_tree(r->dir);
}

static json_t *series(json_t *cell, const char *name)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(cell, "series"), i, s)
		if (!strcmp(json_string_value(json_object_get(s, "name")), name))
			return s;
	return NULL;
}

static void test_interleaved_with_a_failing_cell(void **state)
{
	(void)state;
	struct eb_plan plan;
	eb_plan_defaults(&plan);
	plan.runs[eb_workload_index(eb_workload_find("hello"))] = 5;
	plan.seed = 99;
	struct run r;
	static const char *const modes[] = { "good", "flaky", "other", NULL };
	assert_int_equal(run_suite(&r, &plan, modes, "hello"), 0);
	assert_true(r.failed);
	/* flaky: its warm-up and first timed run pass, the third run of it fails */
	assert_string_equal(json_string_value(json_object_get(r.cells[1], "status")), "failed");
	assert_non_null(strstr(json_string_value(json_object_get(r.cells[1], "error")), "run 2 failed (exit 3): flaky gave up"));
	assert_int_equal(json_array_size(json_object_get(series(r.cells[1], "run"), "samples")), 1);
	/* the others are whole, and every round held each of them once */
	for (int i = 0; i < 3; i += 2) {
		assert_string_equal(json_string_value(json_object_get(r.cells[i], "status")), "ok");
		json_t *s = series(r.cells[i], "run");
		assert_int_equal(json_array_size(json_object_get(s, "samples")), 5);
		for (size_t t = 0; t < 5; t++)
			assert_int_equal(json_integer_value(json_array_get(json_object_get(s, "trials"), t)), (json_int_t)t);
	}
	json_t *sched = json_object_get(r.res.doc, "schedule");
	unsigned per_round[5] = { 0 };
	size_t i;
	json_t *e;
	json_array_foreach(sched, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "phase")), "batch_run"))
			continue;
		json_int_t t = json_integer_value(json_object_get(e, "trial"));
		assert_true(t >= 0 && t < 5);
		per_round[t]++;
		/* trial t of this phase ran in its round t: round numbers follow trials */
		assert_int_equal(json_integer_value(json_object_get(e, "round")), t);
	}
	assert_int_equal(per_round[0], 3);
	assert_int_equal(per_round[1], 3);
	for (int t = 2; t < 5; t++)
		assert_int_equal(per_round[t], 2);   /* flaky failed in round 1 */
	assert_int_equal(json_array_size(json_object_get(r.res.doc, "calibration")), 5);
	run_free(&r);
}

static void test_unsupported_and_budget(void **state)
{
	(void)state;
	struct eb_plan plan;
	eb_plan_defaults(&plan);
	plan.runs[eb_workload_index(eb_workload_find("hello"))] = 8;
	plan.cell_budget_ns = 1;   /* spent by the first run */
	struct run r;
	static const char *const modes[] = { "good", NULL };
	assert_int_equal(run_suite(&r, &plan, modes, "hello"), 0);
	assert_false(r.failed);
	json_t *runs = json_object_get(json_object_get(r.cells[0], "values"), "runs");
	assert_int_equal(json_integer_value(json_object_get(runs, "done")), EB_MIN_RUNS);
	assert_true(json_is_true(json_object_get(runs, "stopped_by_budget")));
	assert_non_null(strstr(json_string_value(json_array_get(json_object_get(r.cells[0], "warnings"), 0)),
			       "stopped after 3 of 8 runs"));
	run_free(&r);
	/* a server workload the fake cannot run is unsupported, with its reason */
	eb_plan_defaults(&plan);
	assert_int_equal(run_suite(&r, &plan, modes, "http-hello"), 0);
	assert_false(r.failed);
	assert_string_equal(json_string_value(json_object_get(r.cells[0], "status")), "unsupported");
	assert_string_equal(json_string_value(json_object_get(r.cells[0], "error")), "the fake runtime runs batch programs only");
	run_free(&r);
}

static void test_sequential_order(void **state)
{
	(void)state;
	struct eb_plan plan;
	eb_plan_defaults(&plan);
	plan.runs[eb_workload_index(eb_workload_find("hello"))] = 3;
	plan.order = EB_ORDER_SEQUENTIAL;
	struct run r;
	static const char *const modes[] = { "good", "other", NULL };
	assert_int_equal(run_suite(&r, &plan, modes, "hello"), 0);
	const char *seen[16];
	size_t n = 0, i;
	json_t *e;
	json_array_foreach(json_object_get(r.res.doc, "schedule"), i, e)
		if (n < 16)
			seen[n++] = json_string_value(json_object_get(e, "mode"));
	assert_int_equal(n, 8);   /* (warm-up + 3 runs) x 2 cells, one cell after the other */
	for (i = 0; i < 4; i++) {
		assert_string_equal(seen[i], "good");
		assert_string_equal(seen[4 + i], "other");
	}
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleaved_with_a_failing_cell),
		cmocka_unit_test(test_unsupported_and_budget),
		cmocka_unit_test(test_sequential_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
