/*
 * The runtimes' command() builders (what each runtime really launches) and
 * the report, rendered from fixture results documents of both schemas.
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

#include "measure/calib.h"
#include "sys/fsutil.h"
#include "report/report.h"
#include "runtimes/runtime.h"
#include "catalog/workload.h"

static int has_arg(const struct eb_argv *a, const char *s)
{
	for (int i = 0; i < a->argc; i++)
		if (!strcmp(a->argv[i], s))
			return 1;
	return 0;
}

static void joined(const struct eb_argv *a, char *out, size_t cap)
{
	eb_argv_join(a, out, cap);
}

static struct eb_launch_ctx ctx(const char *wasm_dir)
{
	struct eb_launch_ctx c = { .artifact_dir = "/art", .wasm_dir = wasm_dir, .port = 18080, .iterations = 2000000 };
	snprintf(c.instance, sizeof(c.instance), "edgebench-1-1");
	return c;
}

static void test_native_and_containers(void **state)
{
	(void)state;
	struct eb_launch_ctx c = ctx("/wasm");
	struct eb_argv a;
	char j[4096];
	assert_int_equal(eb_rt_command(eb_runtime_find("native"), &c, "native", eb_workload_find("cpu-hash"), &a), 0);
	joined(&a, j, sizeof(j));
	assert_string_equal(j, "/art/cpu-hash 2000000");
	assert_int_equal(eb_rt_command(eb_runtime_find("native"), &c, "native", eb_workload_find("http-hello"), &a), 0);
	joined(&a, j, sizeof(j));
	assert_string_equal(j, "/art/http-hello --addr 127.0.0.1 --port 18080");
	assert_int_equal(eb_rt_command(eb_runtime_find("native"), &c, "native", eb_workload_find("hello"), &a), 0);
	assert_int_equal(a.argc, 1);

	assert_int_equal(eb_rt_command(eb_runtime_find("docker"), &c, "runc", eb_workload_find("http-hello"), &a), 0);
	joined(&a, j, sizeof(j));
	assert_non_null(strstr(j, " run --rm --name edgebench-1-1 --network host "));
	assert_null(strstr(j, "--runtime="));
	assert_non_null(strstr(j, " /http-hello --addr 127.0.0.1 --port 18080"));
	assert_int_equal(eb_rt_command(eb_runtime_find("gvisor"), &c, "runsc", eb_workload_find("cpu-hash"), &a), 0);
	assert_true(has_arg(&a, "--runtime=runsc"));
	assert_true(has_arg(&a, "host"));
	assert_string_equal(a.argv[a.argc - 1], "2000000");
}

static void test_wasm_runtimes(void **state)
{
	(void)state;
	char dir[] = "/tmp/edgebench-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct eb_launch_ctx c = ctx(dir);
	struct eb_argv a;
	char j[4096], path[512];
	const struct eb_runtime *wt = eb_runtime_find("wasmtime");
	const struct eb_workload *hh = eb_workload_find("http-hello");
	/* no component built: unsupported, and the reason says so */
	assert_int_equal(eb_rt_command(wt, &c, "cache-cold", hh, &a), -ENOTSUP);
	assert_non_null(strstr(a.why, "component"));
	snprintf(path, sizeof(path), "%s/http-hello.component.wasm", dir);
	assert_int_equal(eb_write_file_atomic(path, "\0asm", 4), 0);
	assert_int_equal(eb_rt_command(wt, &c, "cache-cold", hh, &a), 0);
	joined(&a, j, sizeof(j));
	assert_non_null(strstr(j, " serve --addr 127.0.0.1:18080 -C cache=n "));
	assert_int_equal(eb_rt_command(wt, &c, "reuse", hh, &a), 0);
	assert_true(has_arg(&a, "--max-instance-reuse-count"));
	assert_true(has_arg(&a, "--idle-instance-timeout"));    /* else an instance idle for 1 s is dropped */
	assert_int_equal(eb_rt_command(wt, &c, "reuse", eb_workload_find("cpu-hash"), &a), -ENOTSUP);
	assert_int_equal(eb_rt_command(wt, &c, "aot", eb_workload_find("cpu-hash"), &a), 0);
	assert_true(has_arg(&a, "--allow-precompiled"));
	assert_string_equal(a.argv[a.argc - 1], "2000000");

	const struct eb_runtime *node = eb_runtime_find("node");
	assert_int_equal(eb_rt_command(node, &c, "default", hh, &a), -ENOTSUP);
	assert_non_null(strstr(a.why, "listening socket"));
	assert_int_equal(eb_rt_command(node, &c, "liftoff", eb_workload_find("hello"), &a), 0);
	assert_true(has_arg(&a, "--liftoff-only"));
	snprintf(path, sizeof(path), "%s/hello.wasm", dir);
	assert_string_equal(a.argv[a.argc - 1], path);

	assert_int_equal(eb_rt_command(eb_runtime_find("wamr"), &c, "interp", hh, &a), 0);
	assert_true(has_arg(&a, "--addr-pool=127.0.0.1/32"));
	snprintf(path, sizeof(path), "%s/http-hello.wamr.wasm", dir);
	assert_true(has_arg(&a, path));

	/* whatever runs a server binds loopback and never every interface */
	for (const struct eb_runtime *const *r = eb_runtimes; *r; r++)
		for (const struct eb_rt_mode *m = (*r)->modes; m->name; m++) {
			if (eb_rt_command((*r), &c, m->name, hh, &a) < 0)
				continue;
			joined(&a, j, sizeof(j));
			assert_null(strstr(j, "0.0.0.0"));
		}
	eb_rm_tree(dir);
}

static void test_workload_checks(void **state)
{
	(void)state;
	const struct eb_workload *h = eb_workload_find("cpu-hash");
	struct eb_wl_expect e;
	struct eb_wl_output o;
	char why[256];
	h->expect(1, &e);
	/* SHA-256 of 32 zero bytes */
	assert_string_equal(e.text, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
	char out[256];
	snprintf(out, sizeof(out), "cpu-hash iterations=1 digest=%s compute_ns=1234\n", e.text);
	assert_int_equal(h->check(&e, out, &o, why, sizeof(why)), 0);
	assert_true(o.has_compute);
	assert_float_equal(o.compute_ns, 1234, 0);
	assert_int_equal(h->check(&e, "cpu-hash iterations=1 digest=00 compute_ns=1\n", &o, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "differs from the expected"));
	assert_int_equal(h->check(&e, "nothing\n", &o, why, sizeof(why)), -EPROTO);
	const struct eb_workload *hl = eb_workload_find("hello");
	hl->expect(0, &e);
	assert_int_equal(hl->check(&e, "hello from edgebench\n", &o, why, sizeof(why)), 0);
	assert_int_equal(hl->check(&e, "hello\n", &o, why, sizeof(why)), -EPROTO);
	/* every batch workload has its runs, option and check; every row its artefact */
	for (unsigned i = 0; i < eb_workload_count; i++) {
		assert_non_null(eb_workloads[i].binary);
		if (eb_workloads[i].kind == EB_WL_BATCH) {
			assert_true(eb_workloads[i].default_runs > 0);
			assert_non_null(eb_workloads[i].runs_option);
			assert_non_null(eb_workloads[i].check);
		}
	}
}

static void test_calib_parsers(void **state)
{
	(void)state;
	struct eb_cpu_times t;
	assert_int_equal(eb_parse_cpu_times("cpu  100 5 50 800 20 1 2 30 7 0\ncpu0 1 2 3 4\n", &t), 0);
	assert_int_equal(t.total, 100 + 5 + 50 + 800 + 20 + 1 + 2 + 30);   /* guest is inside user */
	assert_int_equal(t.idle, 820);
	assert_int_equal(t.steal, 30);
	assert_int_equal(eb_parse_cpu_times("cpu  1 2 3 4\n", &t), 0);   /* old kernels: no steal */
	assert_int_equal(t.steal, 0);
	assert_int_equal(eb_parse_cpu_times("cpu0 1 2 3 4\n", &t), -EINVAL);
	assert_int_equal(eb_parse_cpu_times("intr 1 2\n", &t), -EINVAL);
	double la;
	assert_int_equal(eb_parse_loadavg("0.52 0.40 0.30 1/99 123\n", &la), 0);
	assert_float_equal(la, 0.52, 1e-12);
	assert_int_equal(eb_parse_loadavg("x", &la), -EINVAL);
	/* a sample from fixture /proc files: steal share between two samples */
	char dir[] = "/tmp/edgebench-unit-XXXXXX", path[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stat", dir);
	assert_int_equal(eb_write_file_atomic(path, "cpu  100 0 0 100 0 0 0 0 0 0\n", 30), 0);
	snprintf(path, sizeof(path), "%s/loadavg", dir);
	assert_int_equal(eb_write_file_atomic(path, "1.25 1 1 1/1 1\n", 15), 0);
	struct eb_calib c;
	struct eb_calib_sample s;
	eb_calib_init(&c, dir);
	assert_int_equal(eb_calib_sample(&c, &s), 0);
	assert_true(s.kernel_ns > 0);
	assert_true(s.kernel_median_ns >= s.kernel_ns);
	assert_float_equal(s.steal_pct, -1, 0);   /* nothing to compare with yet */
	assert_float_equal(s.loadavg_1m, 1.25, 1e-12);
	snprintf(path, sizeof(path), "%s/stat", dir);
	assert_int_equal(eb_write_file_atomic(path, "cpu  150 0 0 130 0 0 0 20 0 0\n", 31), 0);
	assert_int_equal(eb_calib_sample(&c, &s), 0);
	assert_float_equal(s.steal_pct, 20.0, 1e-9);   /* 20 of 100 ticks */
	eb_rm_tree(dir);
}

/* Copy a fixture results.json into a fresh directory and render it; report.md into *md. */
static int render(const char *fixture, char *dir, char **md, char *err, size_t errcap)
{
	char src[512], dst[512];
	snprintf(src, sizeof(src), "%s/results/%s/results.json", FIXTURES, fixture);
	static char buf[1 << 20];
	FILE *f = fopen(src, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_non_null(mkdtemp(dir));
	snprintf(dst, sizeof(dst), "%s/results.json", dir);
	assert_int_equal(eb_write_file_atomic(dst, buf, n), 0);
	int rc = eb_report_write(dir, err, errcap);
	*md = NULL;
	if (rc == 0) {
		snprintf(dst, sizeof(dst), "%s/report.md", dir);
		f = fopen(dst, "r");
		assert_non_null(f);
		*md = calloc(1, 1 << 20);
		assert_non_null(*md);
		assert_true(fread(*md, 1, (1 << 20) - 1, f) > 0);
		fclose(f);
	}
	return rc;
}

static void test_report_v2(void **state)
{
	(void)state;
	char dir[] = "/tmp/edgebench-unit-XXXXXX", err[512], path[600];
	char *md;
	assert_int_equal(render("v2", dir, &md, err, sizeof(err)), 0);
	/*
	 * The at-a-glance ratio with its CI, and what each CI allows one to
	 * say, recomputed from the samples (the fixture's own comparisons are
	 * an older edgebench's bootstrap and are not read).  Expected values
	 * by hand (Python statistics): docker's ratios 1.02, 1.00, 1.01 ->
	 * geometric mean 1.010, t(0.975, 2) = 4.3027 -> 0.985..1.035;
	 * gvisor's 1.2, 1.15, 1.26 -> 1.202, 1.073..1.347.
	 */
	assert_non_null(strstr(md, "| docker/runc | 714.0, 1.01x (0.99\u20131.04) |"));
	/* the fixture measured cpu-hash only: columns of other workloads are left out */
	assert_non_null(strstr(md, "| runtime/mode | cpu-hash compute ms | memory MiB"));
	assert_null(strstr(md, "cold start ms |"));
	assert_non_null(strstr(md, "| cpu-hash | compute | docker/runc | native/native | 1.010 | 0.985\u20131.035 | 3 | no measurable difference |"));
	assert_non_null(strstr(md, "| cpu-hash | compute | gvisor/runsc | native/native | 1.202 | 1.073\u20131.347 | 3 | slower |"));
	/* what the run says comes first, before the environment, from the same samples; shown as the
	 * geometric mean of the trials (714, 800, 656.5 -> 721; 840, 920, 819 -> 859) */
	const char *says = strstr(md, "## What this run says");
	assert_non_null(says);
	assert_true(says < strstr(md, "## Environment"));
	assert_non_null(strstr(md, "| closest to native on compute | SHA-256 loop, the workload's own time | **docker/runc (721 ms)**, ahead of "
				   "gvisor/runsc (859 ms): the runner-up takes 1.19x as long (3 pairs, 95% CI 1.07\u20131.32). |"));
	/* the machine's noise, the schedule's seed, cells marked noisy, budget and failures */
	assert_non_null(strstr(md, "1 of 4 rounds were more than 10% off the median"));
	assert_non_null(strstr(md, "Not quiet enough to trust a 5% difference"));
	assert_non_null(strstr(md, "interleaved, seed 7 (repeat with `--seed 7`)"));
	assert_non_null(strstr(md, "NOISY: 1 of 3 interleaved trials"));
	assert_non_null(strstr(md, "stopped after 3 of 10 runs"));
	assert_non_null(strstr(md, "**failed**: node/liftoff/cpu-hash: run 2 failed (signal 9 (Killed))"));
	assert_non_null(strstr(md, "not available: wasmedge is not on PATH, install with: build it"));
	assert_null(strstr(md, "schema 1"));
	/* the study's figures beside ours: Docker cpu-hash, its Table 3 mean against this run's mean */
	assert_non_null(strstr(md, "## The reference study side by side"));
	assert_non_null(strstr(md, "| Table 3 | Docker | cpu-hash (2M rounds), mean | 386.87 ms | 803.8 ms (mean, n=3); docker/runc run | 2.08 |"));
	assert_non_null(strstr(md, "| Table 3 | WasmEdge | cpu-hash (2M rounds), mean | 19288.11 ms | -; wasmedge/interp run | - |"));
	snprintf(path, sizeof(path), "%s/cpu-hash_run.svg", dir);
	assert_int_equal(access(path, R_OK), 0);
	/* the CSV beside it: a summary row per series; a failed cell is one row with its error */
	char csv[8192] = "";
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	FILE *cf = fopen(path, "r");
	assert_non_null(cf);
	assert_true(fread(csv, 1, sizeof(csv) - 1, cf) > 0);
	fclose(cf);
	assert_non_null(strstr(csv, "runtime,mode,workload,network,firewall,status,series,unit,n,median,"));
	assert_non_null(strstr(csv, "\ndocker,runc,cpu-hash,,,ok,compute,ns,3,714000000,"));
	assert_non_null(strstr(csv, "\nnode,liftoff,cpu-hash,,,failed,,,,,,,,,,,,,,node/liftoff/cpu-hash: run 2 failed (signal 9 (Killed))\n"));
	assert_non_null(strstr(md, "![cpu-hash run time (launch -> exit), every run](cpu-hash_run.svg)"));
	free(md);
	eb_rm_tree(dir);
}

static void test_report_v1_and_bad_schema(void **state)
{
	(void)state;
	char dir[] = "/tmp/edgebench-unit-XXXXXX", err[512];
	char *md;
	assert_int_equal(render("v1", dir, &md, err, sizeof(err)), 0);
	assert_non_null(strstr(md, "Results schema 1"));
	assert_non_null(strstr(md, "predates paired comparisons"));
	assert_non_null(strstr(md, "noise of this machine during the run is unknown"));
	assert_non_null(strstr(md, "| native/native | "));   /* the glance row still renders */
	assert_non_null(strstr(md, "| native | native | http-hello | cold_start | 6 |"));
	free(md);
	/* a schema from the future: refused with a reason, nothing written */
	char path[600];
	snprintf(path, sizeof(path), "%s/results.json", dir);
	assert_int_equal(eb_write_file_atomic(path, "{\"schema_version\": 99}", 22), 0);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	unlink(path);
	assert_int_equal(eb_report_write(dir, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "schema_version 99 is not one this edgebench reads"));
	assert_int_not_equal(access(path, F_OK), 0);
	eb_rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_and_containers),
		cmocka_unit_test(test_wasm_runtimes),
		cmocka_unit_test(test_workload_checks),
		cmocka_unit_test(test_calib_parsers),
		cmocka_unit_test(test_report_v2),
		cmocka_unit_test(test_report_v1_and_bad_schema),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
