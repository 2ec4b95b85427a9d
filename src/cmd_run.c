/*
 * cmd_run: `edgebench run`, the plan from the command line, one cell per
 * (runtime, mode, workload), results to a fresh directory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "fingerprint.h"
#include "opts.h"
#include "proc.h"
#include "progress.h"
#include "report.h"
#include "fsutil.h"
#include "results.h"
#include "runtime.h"
#include "suite.h"

#define MAX_SEL 32

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: edgebench run [OPTIONS]\n"
		"  --runtime R          runtime to measure (repeatable; default: every available one)\n"
		"  --workload W         workload (repeatable; default: all)\n"
		"  --out DIR            results directory (default results/<UTC time>); must not hold results\n"
		"  --trials N           cold-start trials, a fresh process each (default 20)\n"
		"  --warmup N           unmeasured warm-up requests (default 5, as the study)\n"
		"  --requests N         sequential warm requests (default 50, as the study)\n"
		"  --burst-requests N   requests per burst (default 200, as the study)\n"
		"  --concurrency N      burst concurrency (default 10, as the study)\n"
		"  --bursts N           bursts (default 5)\n"
		"  --duration D         sustained load per mode (default 3s)\n"
		"  --connections N      sustained load connections (default 10)\n"
		"  --iterations N       cpu-hash SHA-256 iterations (default 2000000, as the study)\n"
		"  --hash-runs N        timed cpu-hash runs (default 10)\n"
		"  --hello-runs N       timed hello runs (default 50)\n"
		"  --start-timeout D    a server that gives no 200 by then fails (default 10s)\n"
		"  --port P             server port on 127.0.0.1 (default: a free one)\n"
		"  --artifacts DIR      native workload binaries (default: this build's native/)\n"
		"  --full-cold-trials N rebuild-from-source + start trials, runtimes with a build step (default 3)\n"
		"  --mode M             only this runtime mode (repeatable; see 'edgebench list')\n"
		"  --density N          server instances started side by side for density (default 10; 0 skips)\n"
		"  --wasm-artifacts DIR wasm32-wasi modules (default: this build's wasm/)\n");
}

static int num(const char *flag, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	if (eb_parse_count(arg, min, max, out) < 0) {
		fprintf(stderr, "edgebench run: bad value '%s' for %s (a whole number %llu..%llu)\n", arg, flag,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

static int dur(const char *flag, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	if (eb_parse_duration_ns(arg, min, max, out) < 0) {
		fprintf(stderr, "edgebench run: bad duration '%s' for %s (e.g. 3s, 500ms)\n", arg, flag);
		return -1;
	}
	return 0;
}

int eb_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runtime", required_argument, NULL, 'r' },
		{ "workload", required_argument, NULL, 'w' },
		{ "out", required_argument, NULL, 'o' },
		{ "trials", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 1 },
		{ "requests", required_argument, NULL, 2 },
		{ "burst-requests", required_argument, NULL, 3 },
		{ "concurrency", required_argument, NULL, 4 },
		{ "bursts", required_argument, NULL, 5 },
		{ "duration", required_argument, NULL, 6 },
		{ "connections", required_argument, NULL, 7 },
		{ "iterations", required_argument, NULL, 8 },
		{ "hash-runs", required_argument, NULL, 9 },
		{ "hello-runs", required_argument, NULL, 10 },
		{ "start-timeout", required_argument, NULL, 11 },
		{ "port", required_argument, NULL, 12 },
		{ "artifacts", required_argument, NULL, 13 },
		{ "full-cold-trials", required_argument, NULL, 14 },
		{ "wasm-artifacts", required_argument, NULL, 15 },
		{ "mode", required_argument, NULL, 16 },
		{ "density", required_argument, NULL, 17 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct eb_plan plan;
	eb_plan_defaults(&plan);
	const struct eb_runtime *rts[MAX_SEL];
	const struct eb_workload *wls[MAX_SEL];
	size_t nrt = 0, nwl = 0, nmode = 0;
	const char *modes_sel[MAX_SEL];
	const char *out_dir = NULL;
	uint64_t x;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:w:o:t:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r': {
			const struct eb_runtime *r = eb_runtime_find(optarg);
			if (!r) {
				fprintf(stderr, "edgebench run: unknown runtime '%s' (see 'edgebench list')\n", optarg);
				return 2;
			}
			if (nrt < MAX_SEL)
				rts[nrt++] = r;
			break;
		}
		case 'w': {
			const struct eb_workload *w = eb_workload_find(optarg);
			if (!w) {
				fprintf(stderr, "edgebench run: unknown workload '%s' (see 'edgebench list')\n", optarg);
				return 2;
			}
			if (nwl < MAX_SEL)
				wls[nwl++] = w;
			break;
		}
		case 'o': out_dir = optarg; break;
		case 't': if (num("--trials", optarg, 1, 100000, &x)) return 2; plan.cold_trials = (unsigned)x; break;
		case 1: if (num("--warmup", optarg, 0, 100000, &x)) return 2; plan.warmup_requests = (unsigned)x; break;
		case 2: if (num("--requests", optarg, 1, 1000000, &x)) return 2; plan.warm_requests = (unsigned)x; break;
		case 3: if (num("--burst-requests", optarg, 1, 1000000, &x)) return 2; plan.burst_requests = (unsigned)x; break;
		case 4: if (num("--concurrency", optarg, 1, 1000, &x)) return 2; plan.burst_concurrency = (unsigned)x; break;
		case 5: if (num("--bursts", optarg, 1, 256, &x)) return 2; plan.bursts = (unsigned)x; break;
		case 6: if (dur("--duration", optarg, 100000000ull, 600000000000ull, &plan.sustained_ns)) return 2; break;
		case 7: if (num("--connections", optarg, 1, 1000, &x)) return 2; plan.sustained_connections = (unsigned)x; break;
		case 8: if (num("--iterations", optarg, 1, 10000000000ull, &plan.iterations)) return 2; break;
		case 9: if (num("--hash-runs", optarg, 1, 10000, &x)) return 2; plan.hash_runs = (unsigned)x; break;
		case 10: if (num("--hello-runs", optarg, 1, 100000, &x)) return 2; plan.hello_runs = (unsigned)x; break;
		case 11: if (dur("--start-timeout", optarg, 1000000ull, 600000000000ull, &plan.start_timeout_ns)) return 2; break;
		case 12: if (num("--port", optarg, 1, 65535, &x)) return 2; plan.port = (uint16_t)x; break;
		case 13: plan.artifact_dir = optarg; break;
		case 15: plan.wasm_dir = optarg; break;
		case 17: if (num("--density", optarg, 0, 50, &x)) return 2; plan.density_instances = (unsigned)x; break;
		case 16:
			if (nmode < MAX_SEL)
				modes_sel[nmode++] = optarg;
			break;
		case 14: if (num("--full-cold-trials", optarg, 0, 1000, &x)) return 2; plan.full_cold_trials = (unsigned)x; break;
		case 'h': run_usage(stdout); return 0;
		default: run_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgebench run: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	int explicit_rt = nrt > 0;
	if (!nrt)
		for (const struct eb_runtime *const *r = eb_runtimes; *r && nrt < MAX_SEL; r++)
			rts[nrt++] = *r;
	if (!nwl)
		for (unsigned i = 0; i < eb_workload_count; i++)
			wls[nwl++] = &eb_workloads[i];

	/* availability first: an explicitly requested runtime must be usable */
	struct eb_launch_ctx lctx = { .artifact_dir = plan.artifact_dir, .wasm_dir = plan.wasm_dir };
	struct eb_rt_status st[MAX_SEL];
	for (size_t i = 0; i < nrt; i++) {
		rts[i]->detect(&lctx, &st[i]);
		if (!st[i].available && explicit_rt) {
			fprintf(stderr, "edgebench run: runtime %s not available: %s, install with: %s\n",
				rts[i]->name, st[i].why, st[i].hint);
			return 2;
		}
	}

	char dflt[256];
	if (!out_dir) {
		time_t now = time(NULL);   /* a directory name, not an interval */
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(dflt, sizeof(dflt), "results/%Y%m%dT%H%M%SZ", &tm);
		snprintf(dflt + strlen(dflt), sizeof(dflt) - strlen(dflt), "-%d", (int)getpid());
		out_dir = dflt;
	}
	struct eb_results res;
	char err[1400];
	if (eb_results_open(out_dir, &res, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgebench run: %s\n", err);
		eb_results_close(&res);
		return 2;
	}
	char log_dir[1100];
	snprintf(log_dir, sizeof(log_dir), "%s/logs", out_dir);
	if (eb_mkdirs(log_dir) < 0) {
		fprintf(stderr, "edgebench run: cannot create %s: %s\n", log_dir, strerror(errno));
		eb_results_close(&res);
		return 2;
	}
	plan.log_dir = log_dir;
	plan.progress = eb_progress;
	eb_progress_init();

	json_object_set_new(res.doc, "fingerprint", eb_fingerprint(argc + 1, argv - 1));
	json_object_set_new(res.doc, "config", json_pack(
		"{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:i, s:I, s:i, s:i, s:f, s:f, s:i, s:i}",
		"artifact_dir", plan.artifact_dir, "wasm_dir", plan.wasm_dir, "cold_trials", plan.cold_trials,
		"warmup_requests", plan.warmup_requests, "warm_requests", plan.warm_requests,
		"burst_requests", plan.burst_requests, "burst_concurrency", plan.burst_concurrency,
		"bursts", plan.bursts, "sustained_seconds", (double)plan.sustained_ns / 1e9,
		"sustained_connections", plan.sustained_connections, "iterations", (json_int_t)plan.iterations,
		"hash_runs", plan.hash_runs, "hello_runs", plan.hello_runs,
		"start_timeout_seconds", (double)plan.start_timeout_ns / 1e9,
		"probe_spacing_us", (double)plan.probe_spacing_ns / 1e3,
		"full_cold_trials", plan.full_cold_trials, "density_instances", plan.density_instances));
	/* every known runtime is listed, so a report names what was not measured */
	json_t *rtj = json_array();
	json_t *fpv = json_object();
	json_object_set_new(json_object_get(res.doc, "fingerprint"), "runtime_versions", fpv);
	for (const struct eb_runtime *const *r = eb_runtimes; *r; r++) {
		struct eb_rt_status s;
		int sel = 0;
		for (size_t i = 0; i < nrt; i++)
			if (rts[i] == *r) {
				s = st[i];
				sel = 1;
			}
		if (!sel)
			(*r)->detect(&lctx, &s);
		json_t *o = json_pack("{s:s, s:b, s:b}", "name", (*r)->name, "available", s.available,
				      "selected", sel);
		if (s.available) {
			json_object_set_new(o, "version", json_string(s.version));
			json_object_set_new(fpv, (*r)->name, json_string(s.version));
		} else {
			json_object_set_new(o, "why", json_string(s.why));
			json_object_set_new(o, "hint", json_string(s.hint));
			if (sel)
				eb_progress_note("%s not available: %s, install with: %s", (*r)->name, s.why, s.hint);
		}
		json_array_append_new(rtj, o);
	}
	json_object_set_new(res.doc, "runtimes", rtj);

	/* leftovers of an earlier, crashed run go first */
	for (size_t i = 0; i < nrt; i++)
		if (st[i].available && rts[i]->cleanup)
			rts[i]->cleanup();

	uint64_t t0 = eb_now_ns();
	int failed = 0, interrupted = 0;
	json_t *prep = json_object();
	json_object_set_new(res.doc, "runtime_setup", prep);
	for (size_t i = 0; i < nrt && !interrupted; i++) {
		if (!st[i].available)
			continue;
		char prep_err[1024] = "";
		if (rts[i]->prepare) {
			json_t *info = json_object();
			json_object_set_new(prep, rts[i]->name, info);
			eb_progress_note("preparing %s", rts[i]->name);
			if (rts[i]->prepare(&lctx, info, prep_err, sizeof(prep_err)) < 0 && !prep_err[0])
				snprintf(prep_err, sizeof(prep_err), "%s: preparation failed", rts[i]->name);
			if (prep_err[0]) {
				failed = 1;
				eb_progress_note("edgebench run: %s", prep_err);
			}
		}
		for (const char *const *m = rts[i]->modes; *m && !interrupted; m++) {
			int want = nmode == 0;
			for (size_t k = 0; k < nmode; k++)
				want |= !strcmp(modes_sel[k], *m);
			if (!want)
				continue;
			for (size_t j = 0; j < nwl && !interrupted; j++) {
				json_t *cell = eb_results_cell(&res, rts[i]->name, *m, wls[j]->name);
				if (prep_err[0]) {
					json_object_set_new(cell, "status", json_string("failed"));
					json_object_set_new(cell, "error", json_string(prep_err));
					continue;
				}
				eb_progress_note("measuring %s/%s/%s", rts[i]->name, *m, wls[j]->name);
				err[0] = '\0';
				int rc = eb_suite_run_cell(&plan, rts[i], *m, wls[j], &res, cell, err, sizeof(err));
				if (rc == -EINTR || eb_interrupted) {
					interrupted = 1;
					json_object_set_new(cell, "status", json_string("interrupted"));
					json_object_set_new(cell, "error", json_string("interrupted by signal"));
				} else if (rc == -ENOTSUP) {
					json_object_set_new(cell, "status", json_string("unsupported"));
					json_object_set_new(cell, "error", json_string(err));
				} else if (rc < 0) {
					failed = 1;
					json_object_set_new(cell, "status", json_string("failed"));
					json_object_set_new(cell, "error", json_string(err));
					eb_progress_note("edgebench run: %s", err);
				}
				size_t k;
				json_t *w;
				json_array_foreach(json_object_get(cell, "warnings"), k, w)
					eb_progress_note("WARNING %s/%s/%s: %s", rts[i]->name, *m, wls[j]->name,
							 json_string_value(w));
			}
		}
	}
	eb_spawn_kill_all();
	for (size_t i = 0; i < nrt; i++)
		if (st[i].available && rts[i]->cleanup)
			rts[i]->cleanup();
	json_object_set_new(res.doc, "duration_seconds", json_real((double)(eb_now_ns() - t0) / 1e9));
	const char *status = interrupted ? "interrupted" : failed ? "failed" : "complete";
	int rc = eb_results_finish(&res, status);
	eb_progress_done();
	if (rc < 0) {
		fprintf(stderr, "edgebench run: cannot write %s/results.json: %s\n", out_dir, strerror(-rc));
		eb_results_close(&res);
		return 1;
	}
	if (!interrupted) {
		eb_report_table(stdout, res.doc);
		if (eb_report_write(out_dir, err, sizeof(err)) < 0)
			fprintf(stderr, "edgebench run: %s\n", err);
	}
	fprintf(stderr, "edgebench run: %s; results in %s/results.json\n", status, out_dir);
	eb_results_close(&res);
	return interrupted ? 130 : failed ? 1 : 0;
}
