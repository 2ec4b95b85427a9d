/* container: where a container's memory and CPU figures are read from, for
 * cgroup v1 (this host), v1 with joined controllers, and v2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>

#include "container.h"
#include "footprint.h"

static void test_v1_hybrid(void **state)
{
	(void)state;
	const char *text =
		"9:name=systemd:/docker/abc\n"
		"4:memory:/docker/abc\n"
		"2:cpuacct:/docker/abc\n"
		"1:cpu:/docker/abc\n"
		"0::/docker/abc\n";
	char mem[256], cpu[256];
	int v2 = -1;
	assert_int_equal(eb_cgroup_paths(text, mem, sizeof(mem), cpu, sizeof(cpu), &v2), 0);
	assert_string_equal(mem, "/sys/fs/cgroup/memory/docker/abc");
	assert_string_equal(cpu, "/sys/fs/cgroup/cpuacct/docker/abc");
	assert_int_equal(v2, 0);
}

static void test_v1_joined_controllers(void **state)
{
	(void)state;
	const char *text = "5:cpu,cpuacct:/system.slice/docker-abc.scope\n3:memory:/system.slice/docker-abc.scope\n";
	char mem[256], cpu[256];
	int v2 = -1;
	assert_int_equal(eb_cgroup_paths(text, mem, sizeof(mem), cpu, sizeof(cpu), &v2), 0);
	assert_string_equal(mem, "/sys/fs/cgroup/memory/system.slice/docker-abc.scope");
	assert_string_equal(cpu, "/sys/fs/cgroup/cpu,cpuacct/system.slice/docker-abc.scope");
	assert_int_equal(v2, 0);
}

static void test_v2(void **state)
{
	(void)state;
	const char *text = "0::/system.slice/docker-abc.scope\n";
	char mem[256], cpu[256];
	int v2 = -1;
	assert_int_equal(eb_cgroup_paths(text, mem, sizeof(mem), cpu, sizeof(cpu), &v2), 0);
	assert_string_equal(mem, "/sys/fs/cgroup/system.slice/docker-abc.scope");
	assert_string_equal(cpu, mem);
	assert_int_equal(v2, 1);
}

static void test_nothing(void **state)
{
	(void)state;
	char mem[256], cpu[256];
	int v2;
	assert_int_equal(eb_cgroup_paths("", mem, sizeof(mem), cpu, sizeof(cpu), &v2), -ENOENT);
	assert_int_equal(eb_cgroup_paths("garbage\n", mem, sizeof(mem), cpu, sizeof(cpu), &v2), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_hybrid),
		cmocka_unit_test(test_v1_joined_controllers),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
