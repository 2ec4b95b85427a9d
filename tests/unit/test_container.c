/* container: where a container's memory and CPU figures are read from, for
 * cgroup v1 (this host), v1 with joined controllers, and v2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>

#include "sys/cgroup.h"
#include "runtimes/container.h"
#include "sys/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sys/footprint.h"

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

static void put(const char *dir, const char *name, const char *text)
{
	char p[700];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(eb_write_file_atomic(p, text, strlen(text)), 0);
}

/*
 * The density sweep's own cgroup on a v2 host (fixture tree: the memory
 * controller enabled at the root, the harness in /user.slice/eb): created at
 * the root, v2 recognised, the way home found, usage read from memory.current,
 * a pid written to cgroup.procs; and the same tree without the controller refused.
 */
static void test_density_cgroup_v2_fixture(void **state)
{
	(void)state;
	char root[] = "/tmp/edgebench-unit-cg-XXXXXX", p[700], err[300];
	assert_non_null(mkdtemp(root));
	put(root, "cgroup.subtree_control", "cpu io memory pids\n");
	snprintf(p, sizeof(p), "%s/user.slice", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/user.slice/eb", root);
	assert_int_equal(mkdir(p, 0755), 0);
	put(root, "self-cgroup", "0::/user.slice/eb\n");
	char self[700];
	snprintf(self, sizeof(self), "%s/self-cgroup", root);
	struct eb_cgroup cg;
	assert_int_equal(eb_cgroup_create_at(root, self, "density", &cg, err, sizeof(err)), 0);
	assert_true(cg.v2);
	snprintf(p, sizeof(p), "%s/edgebench-%d-density", root, (int)getpid());
	assert_string_equal(cg.mem, p);
	snprintf(p, sizeof(p), "%s/user.slice/eb", root);
	assert_string_equal(cg.home, p);
	put(cg.mem, "memory.current", "7340032\n");
	uint64_t bytes = 0;
	assert_int_equal(eb_cgroup_usage(&cg, &bytes), 0);
	assert_int_equal(bytes, 7340032);
	assert_int_equal(eb_cgroup_attach(&cg, 4242), 0);
	char buf[64];
	snprintf(p, sizeof(p), "%s/cgroup.procs", cg.mem);
	assert_true(eb_read_small(p, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "4242\n");
	/* a v2 root without the memory controller: no density measurement, said so */
	put(root, "cgroup.subtree_control", "cpu io pids\n");
	assert_int_equal(eb_cgroup_create_at(root, self, "x", &cg, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "no cgroup memory controller"));
	eb_rm_tree(root);
}

/* The v1 path on a fixture tree (this host's kind: hybrid, the memory controller mounted apart). */
static void test_density_cgroup_v1_fixture(void **state)
{
	(void)state;
	char root[] = "/tmp/edgebench-unit-cg-XXXXXX", p[700], err[300];
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/memory", root);
	assert_int_equal(mkdir(p, 0755), 0);
	put(p, "memory.usage_in_bytes", "1\n");
	put(root, "self-cgroup", "12:pids:/x\n5:memory:/user.slice\n0::/user.slice\n");
	char self[700];
	snprintf(self, sizeof(self), "%s/self-cgroup", root);
	struct eb_cgroup cg;
	assert_int_equal(eb_cgroup_create_at(root, self, "density", &cg, err, sizeof(err)), 0);
	assert_false(cg.v2);
	snprintf(p, sizeof(p), "%s/memory/user.slice", root);
	assert_string_equal(cg.home, p);
	put(cg.mem, "memory.usage_in_bytes", "123456\n");
	uint64_t bytes = 0;
	assert_int_equal(eb_cgroup_usage(&cg, &bytes), 0);
	assert_int_equal(bytes, 123456);
	eb_rm_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_hybrid),
		cmocka_unit_test(test_v1_joined_controllers),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_density_cgroup_v2_fixture),
		cmocka_unit_test(test_density_cgroup_v1_fixture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
