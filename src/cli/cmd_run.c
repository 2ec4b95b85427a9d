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

#include "measure/calib.h"
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "analysis/compare.h"
#include "cli/cmd.h"
#include "sys/fingerprint.h"
#include "cli/opts.h"
#include "sys/proc.h"
#include "cli/progress.h"
#include "report/report.h"
#include "sys/fsutil.h"
#include "data/results.h"
#include "runtimes/runtime.h"
#include "measure/study.h"
#include "measure/suite.h"

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
		"  --duration D         sustained load per mode, over all rounds (default 5s)\n"
		"  --connections N      sustained load connections (default 10)\n"
		"  --iterations N       cpu-hash SHA-256 iterations (default 2000000, as the study)\n"
		"  --hash-runs N        timed cpu-hash runs (default 10)\n"
		"  --hello-runs N       timed hello runs (default 50)\n"
		"  --cell-budget D      a batch cell stops its runs once this much was spent (default 60s; at least 3 runs)\n"
		"  --rounds N           the sustained run is split in N interleaved rounds (default 5: a verdict needs 3 pairs)\n"
		"  --order O            interleaved (default: trial i of every cell before trial i+1 of any,\n"
		"                       shuffled per round) or sequential (every trial of a cell, then the next)\n"
		"  --seed N             seed of the per-round shuffle (default: new per run, recorded)\n"
		"  --baseline RT/MODE   what paired ratios compare with (default native/native)\n"
		"  --noise-threshold P  mark rounds whose calibration is off its median by more than P%% (default 10)\n"
		"  --curve P,P,...      latency curve: open loop at these %% of each server's closed-loop\n"
		"                       throughput (default 10,25,50,75,90; 'none' skips it)\n"
		"  --curve-duration D   open-loop time per point (default 1s)\n"
		"  --curve-connections N  connection cap of the open loop (default 50)\n"
		"  --p99-threshold D    the report marks where each runtime's p99 crosses it (default 10ms)\n"
		"  --burst N,N,...      scale from zero: N server instances launched at once, for each N\n"
		"                       (default 1,4,16; at most 64; 'none' skips it)\n"
		"  --start-timeout D    a server that gives no 200 by then fails (default 10s)\n"
		"  --port P             server port on 127.0.0.1 (default: a free one)\n"
		"  --artifacts DIR      native workload binaries (default: this build's native/)\n"
		"  --full-cold-trials N rebuild-from-source + start trials, runtimes with a build step (default 3)\n"
		"  --mode M             only this runtime mode (repeatable; see 'edgebench list')\n"
		"  --density-max N      density sweep: at most N server instances side by side (default 50, max 200;\n"
		"                       0 skips; --density N is the same)\n"
		"  --density-budget S   ... or until their cgroup uses S of memory (default 2G)\n"
		"  --density-time D     ... or this long per cell (default 30s)\n"
		"  --wasm-artifacts DIR wasm32-wasi modules (default: this build's wasm/)\n"
		"  --network N,N        the path to the servers: loopback (default) and/or veth (the prober and load\n"
		"                       generator in a network namespace of ours, over a veth pair in 198.18.0.0/15)\n"
		"  --firewall F,F       off (default) and/or on: an nftables table of ours filtering input on our veth\n"
		"  --firewall-rules N   rules the firewall walks before the benchmark port (default 50)\n"
		"                       (each network x firewall condition is a cell of its own; servers only)\n"
		"  --method M           edgebench (default), or study: also measure every server as the study did\n"
		"                       (curl every 10 ms until a 200, a curl process per request) next to edgebench's\n");
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

/* Is mode one of rt's modes? */
static int has_mode(const struct eb_runtime *rt, const char *mode)
{
	for (const char *const *m = rt->modes; *m; m++)
		if (!strcmp(*m, mode))
			return 1;
	return 0;
}

#define OPT_RUNS_BASE 1000   /* getopt values of the per-workload --<x>-runs options */

int eb_cmd_run(int argc, char **argv)
{
	static const struct option fixed[] = {
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
		{ "start-timeout", required_argument, NULL, 11 },
		{ "port", required_argument, NULL, 12 },
		{ "artifacts", required_argument, NULL, 13 },
		{ "full-cold-trials", required_argument, NULL, 14 },
		{ "wasm-artifacts", required_argument, NULL, 15 },
		{ "mode", required_argument, NULL, 16 },
		{ "density", required_argument, NULL, 17 },
		{ "density-max", required_argument, NULL, 17 },
		{ "density-budget", required_argument, NULL, 29 },
		{ "density-time", required_argument, NULL, 30 },
		{ "cell-budget", required_argument, NULL, 18 },
		{ "rounds", required_argument, NULL, 19 },
		{ "order", required_argument, NULL, 20 },
		{ "seed", required_argument, NULL, 21 },
		{ "baseline", required_argument, NULL, 22 },
		{ "noise-threshold", required_argument, NULL, 23 },
		{ "curve", required_argument, NULL, 24 },
		{ "curve-duration", required_argument, NULL, 25 },
		{ "curve-connections", required_argument, NULL, 26 },
		{ "p99-threshold", required_argument, NULL, 27 },
		{ "burst", required_argument, NULL, 28 },
		{ "network", required_argument, NULL, 31 },
		{ "firewall", required_argument, NULL, 32 },
		{ "firewall-rules", required_argument, NULL, 33 },
		{ "method", required_argument, NULL, 34 },
		{ "help", no_argument, NULL, 'h' },
	};
	/* the fixed options, then one --<x>-runs per batch workload (from its row) */
	struct option longopts[sizeof(fixed) / sizeof(fixed[0]) + EB_MAX_WORKLOADS + 1];
	size_t nopt = sizeof(fixed) / sizeof(fixed[0]);
	memcpy(longopts, fixed, sizeof(fixed));
	for (unsigned i = 0; i < eb_workload_count; i++)
		if (eb_workloads[i].runs_option)
			longopts[nopt++] = (struct option){ eb_workloads[i].runs_option, required_argument, NULL,
							    OPT_RUNS_BASE + (int)i };
	longopts[nopt] = (struct option){ NULL, 0, NULL, 0 };

	struct eb_plan plan;
	eb_plan_defaults(&plan);
	plan.seed = eb_now_ns() ^ ((uint64_t)getpid() << 32);   /* a new order per run, recorded */
	const struct eb_runtime *rts[MAX_SEL];
	const struct eb_workload *wls[MAX_SEL];
	size_t nrt = 0, nwl = 0, nmode = 0;
	const char *modes_sel[MAX_SEL];
	const char *out_dir = NULL;
	char base_rt[64] = "native", base_mode[64] = "native";
	int net_sel[2] = { 1, 0 }, fw_sel[2] = { 1, 0 };   /* [loopback, veth], [off, on] */
	unsigned fw_rules = EB_FW_RULES_DEFAULT;
	uint64_t x;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:w:o:t:h", longopts, NULL)) != -1) {
		if (opt >= OPT_RUNS_BASE && opt < OPT_RUNS_BASE + (int)eb_workload_count) {
			unsigned wi = (unsigned)(opt - OPT_RUNS_BASE);
			char flag[64];
			snprintf(flag, sizeof(flag), "--%s", eb_workloads[wi].runs_option);
			if (num(flag, optarg, 1, 100000, &x))
				return 2;
			plan.runs[wi] = (unsigned)x;
			continue;
		}
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
		case 11: if (dur("--start-timeout", optarg, 1000000ull, 600000000000ull, &plan.start_timeout_ns)) return 2; break;
		case 12: if (num("--port", optarg, 1, 65535, &x)) return 2; plan.port = (uint16_t)x; break;
		case 13: plan.artifact_dir = optarg; break;
		case 14: if (num("--full-cold-trials", optarg, 0, 1000, &x)) return 2; plan.full_cold_trials = (unsigned)x; break;
		case 15: plan.wasm_dir = optarg; break;
		case 16:
			if (nmode < MAX_SEL)
				modes_sel[nmode++] = optarg;
			break;
		case 17: if (num("--density-max", optarg, 0, 200, &x)) return 2; plan.density_max = (unsigned)x; break;
		case 29:
			if (eb_parse_bytes(optarg, 1ull << 20, 1ull << 40, &plan.density_budget_bytes) < 0) {
				fprintf(stderr, "edgebench run: bad value '%s' for --density-budget (1M..1024G, e.g. 2G, 512M)\n", optarg);
				return 2;
			}
			break;
		case 30: if (dur("--density-time", optarg, 1000000000ull, 3600000000000ull, &plan.density_time_ns)) return 2; break;
		case 18: if (dur("--cell-budget", optarg, 1000000ull, 86400000000000ull, &plan.cell_budget_ns)) return 2; break;
		case 19: if (num("--rounds", optarg, 1, 100, &x)) return 2; plan.sustained_rounds = (unsigned)x; break;
		case 20:
			if (eb_order_parse(optarg, &plan.order) < 0) {
				fprintf(stderr, "edgebench run: bad value '%s' for --order (interleaved or sequential)\n", optarg);
				return 2;
			}
			break;
		case 21: if (num("--seed", optarg, 0, UINT64_MAX, &plan.seed)) return 2; break;
		case 22: {
			const char *slash = strchr(optarg, '/');
			const struct eb_runtime *r = NULL;
			if (slash && (size_t)(slash - optarg) < sizeof(base_rt) && strlen(slash + 1) < sizeof(base_mode)) {
				snprintf(base_rt, sizeof(base_rt), "%.*s", (int)(slash - optarg), optarg);
				snprintf(base_mode, sizeof(base_mode), "%s", slash + 1);
				r = eb_runtime_find(base_rt);
			}
			if (!r || !has_mode(r, base_mode)) {
				fprintf(stderr, "edgebench run: bad value '%s' for --baseline (RUNTIME/MODE of 'edgebench list', e.g. native/native)\n", optarg);
				return 2;
			}
			break;
		}
		case 23:
			if (num("--noise-threshold", optarg, 1, 100, &x))
				return 2;
			plan.noise_threshold = (double)x / 100.0;
			break;
		case 24:
			if (eb_parse_count_list(optarg, 1, 100, plan.curve_pct, sizeof(plan.curve_pct) / sizeof(plan.curve_pct[0]),
						&plan.n_curve) < 0) {
				fprintf(stderr, "edgebench run: bad value '%s' for --curve (up to 8 percentages 1..100, e.g. 10,50,90, or none)\n", optarg);
				return 2;
			}
			break;
		case 25: if (dur("--curve-duration", optarg, 100000000ull, 600000000000ull, &plan.curve_ns)) return 2; break;
		case 26: if (num("--curve-connections", optarg, 1, 1000, &x)) return 2; plan.curve_connections = (unsigned)x; break;
		case 27: if (dur("--p99-threshold", optarg, 1000ull, 60000000000ull, &plan.p99_threshold_ns)) return 2; break;
		case 28:
			if (eb_parse_count_list(optarg, 1, 64, plan.burst_sizes, sizeof(plan.burst_sizes) / sizeof(plan.burst_sizes[0]),
						&plan.n_burst_sizes) < 0) {
				fprintf(stderr, "edgebench run: bad value '%s' for --burst (up to 8 counts 1..64, e.g. 1,4,16,64, or none)\n", optarg);
				return 2;
			}
			break;
		case 31:
		case 32: {
			/* a comma-separated list of two known words */
			const char *const *words = opt == 31 ? (const char *const[]){ "loopback", "veth" } : (const char *const[]){ "off", "on" };
			int *sel = opt == 31 ? net_sel : fw_sel;
			sel[0] = sel[1] = 0;
			const char *p = optarg;
			while (1) {
				size_t n = strcspn(p, ",");
				int k = n == strlen(words[0]) && !strncmp(p, words[0], n) ? 0 :
					n == strlen(words[1]) && !strncmp(p, words[1], n) ? 1 : -1;
				if (k < 0) {
					fprintf(stderr, "edgebench run: bad value '%s' for %s (%s, %s or both, comma-separated)\n", optarg,
						opt == 31 ? "--network" : "--firewall", words[0], words[1]);
					return 2;
				}
				sel[k] = 1;
				if (!p[n])
					break;
				p += n + 1;
			}
			break;
		}
		case 33: if (num("--firewall-rules", optarg, 0, 10000, &x)) return 2; fw_rules = (unsigned)x; break;
		case 34:
			if (!strcmp(optarg, "study") || !strcmp(optarg, "edgebench,study") || !strcmp(optarg, "study,edgebench"))
				plan.study_method = 1;
			else if (!strcmp(optarg, "edgebench"))
				plan.study_method = 0;
			else {
				fprintf(stderr, "edgebench run: bad value '%s' for --method (edgebench or study)\n", optarg);
				return 2;
			}
			break;
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
	/* a mode no selected runtime has would measure nothing: say so */
	for (size_t k = 0; k < nmode; k++) {
		int known = 0;
		for (size_t i = 0; i < nrt; i++)
			known |= has_mode(rts[i], modes_sel[k]);
		if (!known) {
			fprintf(stderr, "edgebench run: no selected runtime has a mode '%s' (see 'edgebench list')\n", modes_sel[k]);
			return 2;
		}
	}

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

	if (plan.study_method && !eb_study_available()) {
		fprintf(stderr, "edgebench run: --method study needs curl on PATH (apt-get install curl)\n");
		return 2;
	}
	/* the veth path and the firewall: set up before anything is written, so
	 * a host that cannot have them fails here with one line */
	static struct eb_netpath net = { .ns_fd = -1, .root_fd = -1 };
	int want_net = net_sel[1] || fw_sel[1];
	eb_netpath_cleanup_stale();
	if (want_net) {
		char nerr[600];
		if (geteuid() != 0) {
			fprintf(stderr, "edgebench run: --network veth and --firewall on need root (network namespaces, veth, nftables)\n");
			return 2;
		}
		if (eb_netpath_up(&net, fw_rules, nerr, sizeof(nerr)) < 0) {
			fprintf(stderr, "edgebench run: cannot set up the veth path: %s\n", nerr);
			return 2;
		}
		/* the firewall once, now: a ruleset nft refuses fails the run before it starts */
		if (fw_sel[1] && (eb_netpath_firewall(&net, 1, nerr, sizeof(nerr)) < 0 ||
				  eb_netpath_firewall(&net, 0, nerr, sizeof(nerr)) < 0)) {
			fprintf(stderr, "edgebench run: cannot load our nftables table: %s\n", nerr);
			eb_netpath_down(&net);
			return 2;
		}
		plan.net = &net;
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
		eb_netpath_down(&net);
		return 2;
	}
	char log_dir[1100];
	snprintf(log_dir, sizeof(log_dir), "%s/logs", out_dir);
	if (eb_mkdirs(log_dir) < 0) {
		fprintf(stderr, "edgebench run: cannot create %s: %s\n", log_dir, strerror(errno));
		eb_results_close(&res);
		eb_netpath_down(&net);
		return 2;
	}
	plan.log_dir = log_dir;
	plan.progress = eb_progress;
	plan.note = eb_progress_note;
	eb_progress_init();

	json_object_set_new(res.doc, "fingerprint", eb_fingerprint(argc + 1, argv - 1));
	char baseline[160], seed_txt[32];
	snprintf(baseline, sizeof(baseline), "%s/%s", base_rt, base_mode);
	snprintf(seed_txt, sizeof(seed_txt), "%llu", (unsigned long long)plan.seed);
	json_t *config = json_pack(
		"{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:i, s:i, s:I, s:f, s:f, s:i, s:i}",
		"artifact_dir", plan.artifact_dir, "wasm_dir", plan.wasm_dir, "cold_trials", plan.cold_trials,
		"warmup_requests", plan.warmup_requests, "warm_requests", plan.warm_requests,
		"burst_requests", plan.burst_requests, "burst_concurrency", plan.burst_concurrency,
		"bursts", plan.bursts, "sustained_seconds", (double)plan.sustained_ns / 1e9,
		"sustained_rounds", plan.sustained_rounds,
		"sustained_connections", plan.sustained_connections, "iterations", (json_int_t)plan.iterations,
		"start_timeout_seconds", (double)plan.start_timeout_ns / 1e9,
		"probe_spacing_us", (double)plan.probe_spacing_ns / 1e3,
		"full_cold_trials", plan.full_cold_trials, "density_max", plan.density_max);
	json_t *runs = json_object();
	for (unsigned i = 0; i < eb_workload_count; i++)
		if (eb_workloads[i].kind == EB_WL_BATCH)
			json_object_set_new(runs, eb_workloads[i].name, json_integer(plan.runs[i]));
	json_object_set_new(config, "runs", runs);
	json_object_set_new(config, "cell_budget_seconds", json_real((double)plan.cell_budget_ns / 1e9));
	json_object_set_new(config, "order", json_string(eb_order_name(plan.order)));
	json_object_set_new(config, "seed", json_string(seed_txt));   /* a string: JSON numbers lose 64-bit precision */
	json_object_set_new(config, "baseline", json_string(baseline));
	json_object_set_new(config, "interval_method", json_string("student-t on log ratios"));
	json_object_set_new(config, "interval_confidence", json_real(0.95));
	json_object_set_new(config, "noise_threshold_pct", json_real(plan.noise_threshold * 100));
	json_t *curve = json_array();
	for (unsigned i = 0; i < plan.n_curve; i++)
		json_array_append_new(curve, json_integer(plan.curve_pct[i]));
	json_object_set_new(config, "latency_curve", json_pack("{s:o, s:f, s:i, s:f}", "percent", curve,
		"seconds_per_point", (double)plan.curve_ns / 1e9, "connections", (int)plan.curve_connections,
		"p99_threshold_ms", (double)plan.p99_threshold_ns / 1e6));
	json_object_set_new(config, "calibration", json_pack("{s:s, s:i, s:i}", "kernel", "sha256_chain, in-process",
							     "iterations", (int)EB_CALIB_ITERATIONS, "reps", (int)EB_CALIB_REPS));
	json_t *bs = json_array();
	for (unsigned i = 0; i < plan.n_burst_sizes; i++)
		json_array_append_new(bs, json_integer(plan.burst_sizes[i]));
	json_object_set_new(config, "scale_from_zero", bs);
	json_object_set_new(config, "density_budget_bytes", json_real((double)plan.density_budget_bytes));
	json_object_set_new(config, "density_time_seconds", json_real((double)plan.density_time_ns / 1e9));
	json_t *nets = json_array(), *fws = json_array();
	for (int k = 0; k < 2; k++) {
		if (net_sel[k])
			json_array_append_new(nets, json_string(eb_network_name((enum eb_network)k)));
		if (fw_sel[k])
			json_array_append_new(fws, json_string(k ? "on" : "off"));
	}
	json_object_set_new(config, "networks", nets);
	json_object_set_new(config, "firewalls", fws);
	json_object_set_new(config, "firewall_rules", json_integer(fw_rules));
	json_object_set_new(config, "method", json_string(plan.study_method ? "edgebench+study" : "edgebench"));
	if (want_net)
		json_object_set_new(config, "veth", json_pack("{s:s, s:s, s:s, s:s}", "namespace", net.ns_name, "server_address",
							      net.server_ip, "interface", net.host_if, "nft_table", net.table));
	json_object_set_new(res.doc, "config", config);
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
	eb_cgroup_cleanup_stale();
	for (size_t i = 0; i < nrt; i++)
		if (st[i].available && rts[i]->cleanup)
			rts[i]->cleanup();

	uint64_t t0 = eb_now_ns();
	int failed = 0, interrupted = 0;
	json_t *prep = json_object();
	json_object_set_new(res.doc, "runtime_setup", prep);
	static struct eb_cell_spec specs[MAX_SEL * MAX_SEL * 8];
	size_t ncell = 0;
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
			interrupted = eb_interrupted;
		}
		for (const char *const *m = rts[i]->modes; *m; m++) {
			int want = nmode == 0;
			for (size_t k = 0; k < nmode; k++)
				want |= !strcmp(modes_sel[k], *m);
			for (size_t j = 0; want && j < nwl; j++)
				for (int nk = 0; nk < 2; nk++)
					for (int fk = 0; fk < 2 && ncell < sizeof(specs) / sizeof(specs[0]); fk++) {
						/* a server is a cell per network condition; a batch program uses no network */
						int server = wls[j]->kind == EB_WL_SERVER;
						if (server ? !(net_sel[nk] && fw_sel[fk]) : (nk || fk))
							continue;
						json_t *cell = eb_results_cell(&res, rts[i]->name, *m, wls[j]->name);
						if (server) {
							json_object_set_new(cell, "network", json_string(eb_network_name((enum eb_network)nk)));
							json_object_set_new(cell, "firewall", json_string(fk ? "on" : "off"));
						}
						if (prep_err[0]) {
							json_object_set_new(cell, "status", json_string("failed"));
							json_object_set_new(cell, "error", json_string(prep_err));
							continue;
						}
						specs[ncell++] = (struct eb_cell_spec){ rts[i], *m, wls[j], cell, (enum eb_network)nk, fk };
					}
		}
	}
	if (!interrupted) {
		uint64_t est = eb_suite_estimate_ns(&plan, specs, ncell);
		eb_progress_note("measuring %zu cells, %s order, seed %s: about %.0f min (estimate; the live line shows the time left)",
				 ncell, eb_order_name(plan.order), seed_txt, (double)est / 60e9 + 0.5);
		int rc = eb_suite_run(&plan, specs, ncell, &res, &failed);
		if (rc == -EINTR || eb_interrupted)
			interrupted = 1;
		else if (rc < 0) {
			failed = 1;
			eb_progress_note("edgebench run: %s", strerror(-rc));
		}
	}
	for (size_t i = 0; i < ncell; i++) {
		size_t k;
		json_t *w;
		json_array_foreach(json_object_get(specs[i].json, "warnings"), k, w)
			eb_progress_note("WARNING %s/%s/%s: %s", specs[i].rt->name, specs[i].mode, specs[i].w->name,
					 json_string_value(w));
	}
	eb_spawn_kill_all();
	for (size_t i = 0; i < nrt; i++)
		if (st[i].available && rts[i]->cleanup)
			rts[i]->cleanup();
	uint64_t rxp, txp;
	int have_counters = want_net && eb_netpath_counters(&net, &rxp, &txp) == 0;
	eb_netpath_down(&net);
	json_t *cmp = eb_compare_cells(res.cells, base_rt, base_mode);
	json_object_set_new(res.doc, "comparisons", cmp ? cmp : json_array());
	if (have_counters) {
		/* what crossed the pair: the proof that veth cells' traffic took it */
		json_t *v = json_object_get(json_object_get(res.doc, "config"), "veth");
		json_object_set_new(v, "server_side_rx_packets", json_integer((json_int_t)rxp));
		json_object_set_new(v, "server_side_tx_packets", json_integer((json_int_t)txp));
	}
	if (want_net) {
		json_t *cc = eb_compare_conditions(res.cells);
		json_object_set_new(res.doc, "condition_comparisons", cc ? cc : json_array());
	}
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
