/* fingerprint: emulation told from /proc/cpuinfo (fixtures of both kinds), the machine's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sys/fingerprint.h"

static void test_build_arch(void **state)
{
	(void)state;
#if defined(__x86_64__)
	assert_string_equal(eb_build_arch(), "x86_64");
#elif defined(__aarch64__)
	assert_string_equal(eb_build_arch(), "aarch64");
#endif
}

/* An x86-64 kernel's cpuinfo is emulation for an aarch64 build and not for an x86-64 one, and the reverse. */
static void test_emulated_fixtures(void **state)
{
	(void)state;
	char why[512] = "";
	int on_x86 = eb_emulated(FIXTURES "/cpuinfo/x86_64", why, sizeof(why));
	int on_arm = eb_emulated(FIXTURES "/cpuinfo/aarch64", why, sizeof(why));
	if (!strcmp(eb_build_arch(), "x86_64")) {
		assert_int_equal(on_x86, 0);
		assert_int_equal(on_arm, 1);
		assert_non_null(strstr(why, "x86_64 build runs on an ARM CPU"));
	} else if (!strcmp(eb_build_arch(), "aarch64")) {
		assert_int_equal(on_arm, 0);
		assert_int_equal(on_x86, 1);
		assert_non_null(strstr(why, "aarch64 build runs on an x86-64 CPU ("));
		assert_non_null(strstr(why, "qemu-user"));
	}
	/* a file that says neither cannot tell: not emulated */
	assert_int_equal(eb_emulated(FIXTURES "/cpuinfo/missing", why, sizeof(why)), 0);
}

/* What the test machine says of itself: emulated exactly when the tests run under qemu-user
   (make cross-test sets EDGEBENCH_EXPECT_EMULATED=1; a native run leaves it unset). */
static void test_this_machine(void **state)
{
	(void)state;
	char why[512];
	const char *expect = getenv("EDGEBENCH_EXPECT_EMULATED");
	assert_int_equal(eb_emulated(NULL, why, sizeof(why)), expect && !strcmp(expect, "1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_arch),
		cmocka_unit_test(test_emulated_fixtures),
		cmocka_unit_test(test_this_machine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
