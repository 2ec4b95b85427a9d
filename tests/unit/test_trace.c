/*
 * Invocation traces (plan/trace.h): each format read back to the
 * invocations it holds, malformed input refused with the line and what was
 * wrong, Azure 2019's per-minute counts spread within their minute and the
 * same for the same seed, cutting by function and time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan/trace.h"

static int parse(const char *text, enum eb_trace_format f, uint64_t seed, const char *dur, struct eb_trace *t, char *err,
		 size_t cap)
{
	return eb_trace_parse("t.csv", text, strlen(text), f, seed, dur, dur ? strlen(dur) : 0, t, err, cap);
}

static void test_orcbench(void **state)
{
	(void)state;
	/* as orcbench writes it: the header runs into the first record */
	const char *text = "Logical Time Clock (minutes), Function ID, Runtime (ms), Model0.5, fa, 100.5, 0-model\n"
			   "0.25, fb, 20, 10-model\n"
			   "1.0, fa, -3.0, 0-model\n";
	struct eb_trace t;
	char err[256];
	assert_int_equal(parse(text, EB_TRACE_AUTO, 1, NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t.format, EB_TRACE_ORCBENCH);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.n_functions, 2);
	/* sorted by time, from 0: fb at 15 s, fa at 30 s, fa at 60 s */
	assert_string_equal(t.functions[t.inv[0].function], "fb");
	assert_true(t.inv[0].at_ns == 0);
	assert_true(t.inv[1].at_ns == 15000000000ull);
	assert_true(t.inv[2].at_ns == 45000000000ull);
	assert_true(t.inv[0].duration_ns == 20000000ull);
	assert_true(t.inv[1].duration_ns == 100500000ull);
	assert_true(t.inv[2].duration_ns == 0);   /* negative: clamped, counted */
	assert_int_equal(t.negative_durations, 1);
	eb_trace_free(&t);
}

static void test_azure2021(void **state)
{
	(void)state;
	const char *text = "app,func,end_timestamp,duration\n"
			   "a1,f1,10.5,0.5\n"
			   "a1,f2,3.0,1.0\n"
			   "a2,f1,20.0,0.0\n";
	struct eb_trace t;
	char err[256];
	assert_int_equal(parse(text, EB_TRACE_AUTO, 1, NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t.format, EB_TRACE_AZURE2021);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.n_functions, 3);   /* a1/f1, a1/f2, a2/f1 */
	/* starts: 2.0 (a1/f2), 10.0 (a1/f1), 20.0 (a2/f1): from 0 */
	assert_string_equal(t.functions[t.inv[0].function], "a1/f2");
	assert_true(t.inv[1].at_ns == 8000000000ull);
	assert_true(t.inv[2].at_ns == 18000000000ull);
	assert_true(t.inv[1].duration_ns == 500000000ull);
	eb_trace_free(&t);
}

static void test_azure2019(void **state)
{
	(void)state;
	const char *text = "HashOwner,HashApp,HashFunction,Trigger,1,2,3\n"
			   "o1,a1,f1,http,2,0,1\n"
			   "o1,a1,f2,timer,0,3,0\n";
	const char *dur = "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum\n"
			  "o1,a1,f1,120.5,3,100,140\n"
			  "o1,a1,f2,7,3,5,9\n";
	struct eb_trace t, u;
	char err[256];
	assert_int_equal(parse(text, EB_TRACE_AUTO, 42, dur, &t, err, sizeof(err)), 0);
	assert_int_equal(t.format, EB_TRACE_AZURE2019);
	assert_int_equal(t.n, 6);
	assert_int_equal(t.n_functions, 2);
	/* each minute's count inside its minute (times are from the first, which is in minute 1) */
	for (size_t i = 0; i < t.n; i++) {
		const char *fn = t.functions[t.inv[i].function];
		assert_true(t.inv[i].duration_ns == (!strcmp(fn, "f1") ? 120500000ull : 7000000ull));
		if (i)
			assert_true(t.inv[i].at_ns >= t.inv[i - 1].at_ns);
		assert_true(t.inv[i].at_ns < 180000000000ull);
	}
	/* the same seed spreads them the same way; another does not */
	assert_int_equal(parse(text, EB_TRACE_AZURE2019, 42, dur, &u, err, sizeof(err)), 0);
	assert_memory_equal(t.inv, u.inv, t.n * sizeof(*t.inv));
	eb_trace_free(&u);
	assert_int_equal(parse(text, EB_TRACE_AZURE2019, 43, dur, &u, err, sizeof(err)), 0);
	assert_true(memcmp(t.inv, u.inv, t.n * sizeof(*t.inv)) != 0);
	eb_trace_free(&u);
	/* no duration file: no work, and said */
	assert_int_equal(parse(text, EB_TRACE_AZURE2019, 42, NULL, &u, err, sizeof(err)), 0);
	assert_true(u.inv[0].duration_ns == 0);
	assert_non_null(strstr(u.durations_from, "none given"));
	eb_trace_free(&u);
	/* cut: the first function to appear, and only its first two minutes */
	eb_trace_cut(&t, 1, 120000000000ull);
	for (size_t i = 0; i < t.n; i++)
		assert_int_equal(t.inv[i].function, 0);
	assert_true(t.n >= 1 && t.n <= 3);
	eb_trace_free(&t);
}

static void expect_error(const char *text, enum eb_trace_format f, const char *dur, const char *want)
{
	struct eb_trace t;
	char err[256] = "";
	assert_int_equal(parse(text, f, 1, dur, &t, err, sizeof(err)), -22);
	if (!strstr(err, want))
		fail_msg("error '%s' does not say '%s'", err, want);
	assert_null(strchr(err, '\n'));
	assert_null(t.inv);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_error("hello,world\n", EB_TRACE_AUTO, NULL, "t.csv:1: not a trace edgebench reads");
	expect_error("", EB_TRACE_AUTO, NULL, "t.csv:1:");
	expect_error("Logical Time Clock (minutes), Function ID, Runtime (ms), Model0.1, f, 10, m\n0.2, f, 10\n",
		     EB_TRACE_AUTO, NULL, "t.csv:2: expected 4 comma-separated fields");
	expect_error("Logical Time Clock (minutes), Function ID, Runtime (ms), Model0.1, f, 10, m\nx, f, 10, m\n",
		     EB_TRACE_AUTO, NULL, "t.csv:2: time 'x' is not a number of minutes");
	expect_error("Logical Time Clock (minutes), Function ID, Runtime (ms), Model0.1, f, ten, m\n", EB_TRACE_AUTO, NULL,
		     "t.csv:1: runtime 'ten' is not a number");
	expect_error("Logical Time Clock (minutes), Function ID, Runtime (ms), Model-1, f, 10, m\n", EB_TRACE_AUTO, NULL,
		     "t.csv:1: time '-1'");
	expect_error("Logical Time Clock (minutes), Function ID, Runtime (ms), Model\n", EB_TRACE_AUTO, NULL, "no invocations");
	expect_error("app,func,end_timestamp,duration\na,f,1.0\n", EB_TRACE_AUTO, NULL, "t.csv:2: expected 4 comma-separated fields");
	expect_error("app,func,end_timestamp,duration\na,f,1.0,-2\n", EB_TRACE_AUTO, NULL, "t.csv:2: duration '-2'");
	expect_error("app,func,end_timestamp,duration\na,f,nan,1\n", EB_TRACE_AUTO, NULL, "t.csv:2: end_timestamp 'nan'");
	expect_error("HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1\n", EB_TRACE_AUTO, NULL,
		     "t.csv:2: expected 6 fields");
	expect_error("HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,2.5\n", EB_TRACE_AUTO, NULL,
		     "t.csv:2: minute 2: '2.5' is not a count");
	expect_error("HashOwner,HashApp,HashFunction,Trigger,1\no,a,f,http,1\n", EB_TRACE_AZURE2019, "nope\n", "durations:1: not an Azure 2019 duration file");
	expect_error("app,func,end_timestamp,duration\na,f,1,1\n", EB_TRACE_AZURE2021, "x", "applies to azure2019 traces only");
	/* a forced format checks the header */
	expect_error("app,func,end_timestamp,duration\na,f,1,1\n", EB_TRACE_ORCBENCH, NULL, "t.csv:1: expected the header");
}

static void test_format_names(void **state)
{
	(void)state;
	enum eb_trace_format f;
	assert_int_equal(eb_trace_format_parse("azure2021", &f), 0);
	assert_int_equal(f, EB_TRACE_AZURE2021);
	assert_string_equal(eb_trace_format_name(EB_TRACE_ORCBENCH), "orcbench");
	assert_int_equal(eb_trace_format_parse("csv", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orcbench),
		cmocka_unit_test(test_azure2021),
		cmocka_unit_test(test_azure2019),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
