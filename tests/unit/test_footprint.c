/* footprint: /proc parsing against fixtures, tree walk over a fake /proc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <unistd.h>

#include "sys/footprint.h"

static void test_smaps_rollup(void **state)
{
	(void)state;
	uint64_t rss = 0, pss = 0;
	assert_int_equal(eb_parse_smaps_rollup("x [rollup]\nRss:  1000 kB\nPss:   800 kB\n", &rss, &pss), 0);
	assert_int_equal(rss, 1000 * 1024);
	assert_int_equal(pss, 800 * 1024);
	/* Pss_Anon must not be mistaken for Pss */
	assert_int_equal(eb_parse_smaps_rollup("Rss: 5 kB\nPss_Anon: 3 kB\n", &rss, &pss), -EINVAL);
	assert_int_equal(eb_parse_smaps_rollup("", &rss, &pss), -EINVAL);
}

static void test_proc_stat(void **state)
{
	(void)state;
	pid_t ppid;
	uint64_t u, s;
	assert_int_equal(eb_parse_proc_stat("101 (a (weird) name) S 100 100 100 0 -1 4194560 120 0 0 0 10 5 0 0", &ppid, &u, &s), 0);
	assert_int_equal(ppid, 100);
	assert_int_equal(u, 10);
	assert_int_equal(s, 5);
	assert_int_equal(eb_parse_proc_stat("garbage", &ppid, &u, &s), -EINVAL);
	assert_int_equal(eb_parse_proc_stat("1 (x) S 0", &ppid, &u, &s), -EINVAL);
}

static void test_tree(void **state)
{
	(void)state;
	struct eb_footprint f;
	assert_int_equal(eb_footprint_tree(FIXTURES "/proc", 100, &f), 0);
	/* 100 + child 101 + grandchild 103, never the unrelated 102 */
	assert_int_equal(f.nprocs, 3);
	assert_int_equal(f.rss_bytes, (1000 + 200 + 30) * 1024ull);
	assert_int_equal(f.pss_bytes, (800 + 150 + 10) * 1024ull);
	uint64_t tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
	assert_int_equal(f.user_ns, (250 + 10 + 1) * tick);
	assert_int_equal(f.sys_ns, (100 + 5 + 2) * tick);
	assert_int_equal(eb_footprint_tree(FIXTURES "/proc", 4242, &f), -ESRCH);
}

static void test_self(void **state)
{
	(void)state;
	struct eb_footprint f;
	assert_int_equal(eb_footprint_tree("/proc", getpid(), &f), 0);
	assert_true(f.rss_bytes > 0);
	assert_true(f.pss_bytes > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smaps_rollup),
		cmocka_unit_test(test_proc_stat),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
