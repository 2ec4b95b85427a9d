/*
 * cmd_replay: `edgebench replay TRACE`: the trace replayed against each
 * runtime asked for (measure/replay.h), the runtimes in a freshly shuffled
 * order per repeat, a calibration of the machine before each replay, every
 * invocation kept raw in results.json (rewritten whole after each replay,
 * atomically), then the report (report/replay.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/replay.h"
#include "cli/cmd.h"
#include "measure/calib.h"
#include "measure/instance.h"
#include "measure/replay.h"
#include "plan/opts.h"
#include "plan/plan.h"
#include "plan/schedule.h"
#include "plan/trace.h"
#include "report/replay.h"
#include "runtimes/runtime.h"
#include "sys/clock.h"
#include "sys/fingerprint.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

#define MAX_TARGETS 32
#define QUIET_BUSY_PCT 25.0   /* a replay starts once the CPUs were this idle over a second (or after 30 s) */

static const char usage_text[] =
	"usage: edgebench replay TRACE [options]\n"
	"  replays a serverless invocation trace against instance pools of each runtime\n"
	"  --runtime R          runtime (repeatable; default native)\n"
	"  --mode M             use mode M where the runtime has it (repeatable; default: its first mode)\n"
	"  --format F           auto|orcbench|azure2019|azure2021 (default auto)\n"
	"  --durations-file F   Azure 2019: the per-function duration file\n"
	"  --seed N             spreads Azure 2019 counts and shuffles the runtime order (default 1)\n"
	"  --functions N        keep the first N functions to appear (default all)\n"
	"  --duration D         keep invocations in the first D of the trace (e.g. 3m; default all)\n"
	"  --speed X            trace seconds per replay second (default 1)\n"
	"  --keep-alive D       idle time an instance is kept, trace time; 0 scales to zero (default 10m);\n"
	"                       hybrid: the histogram policy of Serverless in the Wild (ATC'20)\n"
	"  --durations scaled|real  divide work durations by the speed too (default scaled)\n"
	"  --max-duration D     cut longer durations to D, trace time (default 1s; 0: none)\n"
	"  --work wait|cpu      the work: waiting (an I/O-bound function) or spinning the CPU (default wait)\n"
	"  --max-instances N    live instances at once, all functions (default 256)\n"
	"  --max-starting N     instance starts under way at once (default 4)\n"
	"  --drain D            after the trace's last arrival, drop what still waits after D (default 60s)\n"
	"  --repeats N          replays per runtime (default 1)\n"
	"  --port P             instance i listens on 127.0.0.1:P+i (default 21000)\n"
	"  --out DIR            results directory (default results/replay-<UTC time>)\n";

struct target {
	const struct eb_runtime *rt;
	const char *mode;
	char version[512];
};

/* wasmCloud's host mode: one running host, functions deployed on it as workloads (measure/replay.h) */
static int is_platform(const struct target *tg)
{
	return !strcmp(tg->rt->name, "wasmcloud") && !strcmp(tg->mode, "host");
}

static int bad(const char *what, const char *val, const char *expect)
{
	fprintf(stderr, "edgebench replay: bad value '%s' for %s (%s)\n", val, what, expect);
	return 2;
}

static json_t *columns(const char *const *names, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

/* The raw record of one replay as results.json keeps it. */
static json_t *replay_json(const struct target *tg, unsigned repeat, unsigned position,
			   const struct eb_calib_sample *cs, const struct eb_replay_result *r)
{
	int platform = r->platform_ready_ms >= 0;
	static const char *const inv_cols[] = { EB_REPLAY_INV_COLUMNS };
	static const char *const inst_cols[] = { EB_REPLAY_INST_COLUMNS };
	static const char *const pt_cols[] = { EB_REPLAY_POINT_COLUMNS };
	json_t *inv = json_array(), *ins = json_array(), *tl = json_array();
	for (size_t i = 0; i < r->n_inv; i++) {
		const struct eb_replay_inv *v = &r->inv[i];
		json_array_append_new(inv, json_pack("[I,I,I,I,I,I,I,i,i,i,i]", (json_int_t)v->function,
			(json_int_t)(v->due / 1000), (json_int_t)(v->released / 1000), (json_int_t)(v->picked / 1000),
			(json_int_t)(v->sent / 1000), (json_int_t)(v->done / 1000), (json_int_t)v->work_us,
			v->cold, (int)v->instance, v->status, v->evicted));
	}
	for (size_t i = 0; i < r->n_inst; i++) {
		const struct eb_replay_instance *n = &r->inst[i];
		json_array_append_new(ins, json_pack("[I,I,I,I,I,f,f,s,i]", (json_int_t)n->function,
			(json_int_t)(n->launched / 1000), (json_int_t)(n->ready / 1000), (json_int_t)(n->stopped / 1000),
			(json_int_t)n->invocations, n->cpu_s, n->peak_bytes, n->why[0] ? n->why : "end", n->prewarmed));
	}
	for (size_t i = 0; i < r->n_pts; i++) {
		const struct eb_replay_point *p = &r->pts[i];
		json_array_append_new(tl, json_pack("[I,i,i,i,f,f]", (json_int_t)(p->t / 1000), (int)p->live, (int)p->busy,
						    (int)p->starting, p->bytes, p->idle_bytes));
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:{s:I, s:I, s:f, s:f, s:f}, s:I, s:f, s:I, s:s?, s:s?, s:s, s:b,"
			 " s:b, s:o, s:I, s:I, s:{s:o, s:o}, s:{s:o, s:o}, s:{s:o, s:o}}",
			 "runtime", tg->rt->name, "mode", tg->mode, "version", tg->version, "repeat", (int)repeat,
			 "position", (int)position,
			 "calibration", "kernel_ns", (json_int_t)cs->kernel_ns, "kernel_median_ns", (json_int_t)cs->kernel_median_ns,
			 "steal_pct", cs->steal_pct, "busy_pct", cs->busy_pct, "loadavg_1m", cs->loadavg_1m,
			 "t0_monotonic_ns", (json_int_t)r->t0_ns, "end_s", (double)r->end_ns / 1e9,
			 "clamped_durations", (json_int_t)r->clamped,
			 "memory_figure", r->memory_figure, "cpu_source", r->cpu_source,
			 "first_error", r->first_error, "interrupted", r->interrupted,
			 "realtime_dispatcher", r->realtime_dispatcher,
			 "platform", platform ? json_pack("{s:f, s:f, s:s}", "ready_ms", r->platform_ready_ms, "cpu_s", r->platform_cpu_s,
				"cold_start", "a workload deployed on the running host (workload.start over NATS) until its Host answers 200") : json_null(),
			 "failed", (json_int_t)r->failed, "dropped", (json_int_t)r->dropped,
			 "invocations", "columns", columns(inv_cols, RI_NCOL), "rows", inv,
			 "instances", "columns", columns(inst_cols, RN_NCOL), "rows", ins,
			 "timeline", "columns", columns(pt_cols, RP_NCOL), "rows", tl);
}

static int write_doc(const char *dir, json_t *doc)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/results.json", dir);
	char *text = json_dumps(doc, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	int rc = eb_write_file_atomic(path, text, strlen(text));
	free(text);
	return rc;
}

/* One unmeasured start and stop: primes what every later start finds (wasmtime's cache, the page cache). */
static int prime(const struct target *tg, const struct eb_workload *w, const struct eb_plan *plan, uint16_t port,
		 int log_fd, const char *log_path, char *err, size_t errcap)
{
	struct eb_launcher l = {
		.rt = tg->rt, .mode = tg->mode, .w = w,
		.lctx = { .artifact_dir = plan->artifact_dir, .wasm_dir = plan->wasm_dir, .addr = "127.0.0.1", .port = port },
		.ip_be = htonl(0x7f000001), .stderr_fd = log_fd, .stderr_path = "/dev/null",
		.start_timeout_ns = plan->start_timeout_ns, .probe_spacing_ns = plan->probe_spacing_ns,
		.err = err, .errcap = errcap,
	};
	if (log_fd >= 0)
		snprintf(l.stderr_path, sizeof(l.stderr_path), "%s", log_path);
	struct eb_instance in;
	uint64_t ready;
	int rc = eb_instance_start_server(&l, &in, &ready);
	if (rc == 0)
		eb_instance_stop(&l, &in);
	return rc;
}

int eb_cmd_replay(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_DFILE, O_SEED, O_FUNCS, O_DUR, O_SPEED, O_KEEP, O_DURS, O_MAXD, O_WORK, O_MAXI, O_REP,
	       O_PORT, O_OUT, O_MODE, O_MAXS, O_DRAIN };
	static const struct option longopts[] = {
		{ "runtime", required_argument, NULL, 'r' }, { "mode", required_argument, NULL, O_MODE },
		{ "format", required_argument, NULL, O_FORMAT }, { "durations-file", required_argument, NULL, O_DFILE },
		{ "seed", required_argument, NULL, O_SEED }, { "functions", required_argument, NULL, O_FUNCS },
		{ "duration", required_argument, NULL, O_DUR }, { "speed", required_argument, NULL, O_SPEED },
		{ "keep-alive", required_argument, NULL, O_KEEP }, { "durations", required_argument, NULL, O_DURS },
		{ "max-duration", required_argument, NULL, O_MAXD }, { "work", required_argument, NULL, O_WORK },
		{ "max-instances", required_argument, NULL, O_MAXI }, { "repeats", required_argument, NULL, O_REP },
		{ "port", required_argument, NULL, O_PORT }, { "max-starting", required_argument, NULL, O_MAXS },
		{ "drain", required_argument, NULL, O_DRAIN }, { "out", required_argument, NULL, O_OUT },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *rt_names[MAX_TARGETS], *modes[MAX_TARGETS], *dfile = NULL, *out_arg = NULL;
	size_t n_rt = 0, n_modes = 0;
	enum eb_trace_format fmt = EB_TRACE_AUTO;
	uint64_t seed = 1, functions = 0, cut_ns = 0, keep_ns = 600000000000ull, maxd_ns = 1000000000ull;
	uint64_t max_inst = 256, repeats = 1, port = 21000, max_starting = 4, drain_ns = 60000000000ull;
	double speed = 1;
	int scaled = 1, spin = 0, hybrid = 0, opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:o:h", longopts, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'r':
			if (n_rt == MAX_TARGETS)
				return bad("--runtime", optarg, "at most 32");
			rt_names[n_rt++] = optarg;
			break;
		case O_MODE:
			if (n_modes == MAX_TARGETS)
				return bad("--mode", optarg, "at most 32");
			modes[n_modes++] = optarg;
			break;
		case O_FORMAT:
			if (eb_trace_format_parse(optarg, &fmt) < 0)
				return bad("--format", optarg, "auto, orcbench, azure2019 or azure2021");
			break;
		case O_DFILE: dfile = optarg; break;
		case O_SEED:
			if (eb_parse_count(optarg, 0, UINT64_MAX, &seed) < 0)
				return bad("--seed", optarg, "a whole number");
			break;
		case O_FUNCS:
			if (eb_parse_count(optarg, 1, 1000000, &functions) < 0)
				return bad("--functions", optarg, "a whole number 1..1000000");
			break;
		case O_DUR:
			if (eb_parse_duration_ns(optarg, 1000000ull, 31ull * 86400 * 1000000000ull, &cut_ns) < 0)
				return bad("--duration", optarg, "a duration such as 3m or 90s");
			break;
		case O_SPEED:
			errno = 0;
			speed = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(speed >= 0.01 && speed <= 1000))
				return bad("--speed", optarg, "a number from 0.01 to 1000");
			break;
		case O_KEEP:
			hybrid = !strcmp(optarg, "hybrid");
			if (hybrid)
				keep_ns = 0;
			else if (!strcmp(optarg, "0"))
				keep_ns = 0;
			else if (eb_parse_duration_ns(optarg, 1000000ull, 86400ull * 1000000000ull, &keep_ns) < 0)
				return bad("--keep-alive", optarg, "0, a duration such as 10m (at most 24h) or hybrid");
			break;
		case O_DURS:
			if (strcmp(optarg, "scaled") && strcmp(optarg, "real"))
				return bad("--durations", optarg, "scaled or real");
			scaled = !strcmp(optarg, "scaled");
			break;
		case O_MAXD:
			if (!strcmp(optarg, "0"))
				maxd_ns = 0;
			else if (eb_parse_duration_ns(optarg, 1000ull, 600ull * 1000000000ull, &maxd_ns) < 0)
				return bad("--max-duration", optarg, "0 or a duration up to 10m");
			break;
		case O_WORK:
			if (strcmp(optarg, "wait") && strcmp(optarg, "cpu"))
				return bad("--work", optarg, "wait or cpu");
			spin = !strcmp(optarg, "cpu");
			break;
		case O_MAXI:
			if (eb_parse_count(optarg, 1, 1000, &max_inst) < 0)
				return bad("--max-instances", optarg, "a whole number 1..1000");
			break;
		case O_REP:
			if (eb_parse_count(optarg, 1, 100, &repeats) < 0)
				return bad("--repeats", optarg, "a whole number 1..100");
			break;
		case O_PORT:
			if (eb_parse_count(optarg, 1024, 64000, &port) < 0)
				return bad("--port", optarg, "1024..64000");
			break;
		case O_MAXS:
			if (eb_parse_count(optarg, 1, 1000, &max_starting) < 0)
				return bad("--max-starting", optarg, "a whole number 1..1000");
			break;
		case O_DRAIN:
			if (eb_parse_duration_ns(optarg, 1000000ull, 3600ull * 1000000000ull, &drain_ns) < 0)
				return bad("--drain", optarg, "a duration up to 1h");
			break;
		case 'o': case O_OUT: out_arg = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "edgebench replay: give one trace file (edgebench replay --help)\n");
		return 2;
	}
	if (port + max_inst > 65535) {
		fprintf(stderr, "edgebench replay: --port %llu + --max-instances %llu runs past port 65535\n",
			(unsigned long long)port, (unsigned long long)max_inst);
		return 2;
	}
	const char *trace_path = argv[optind];
	if (!n_rt)
		rt_names[n_rt++] = "native";

	/* runtimes and modes, all checked before anything runs */
	struct eb_plan plan;
	eb_plan_defaults(&plan);
	struct eb_launch_ctx lctx = { .artifact_dir = plan.artifact_dir, .wasm_dir = plan.wasm_dir };
	const struct eb_workload *w = eb_workload_find("http-hello");
	struct target tg[MAX_TARGETS];
	size_t n_tg = 0;
	for (size_t i = 0; i < n_rt; i++) {
		const struct eb_runtime *rt = eb_runtime_find(rt_names[i]);
		if (!rt) {
			fprintf(stderr, "edgebench replay: unknown runtime '%s' (see 'edgebench list')\n", rt_names[i]);
			return 2;
		}
		const char *mode = rt->modes[0].name;
		for (size_t m = 0; m < n_modes; m++)
			if (eb_rt_mode_find(rt, modes[m]))
				mode = modes[m];
		tg[n_tg].rt = rt;
		tg[n_tg].mode = mode;
		tg[n_tg].version[0] = 0;
		n_tg++;
	}
	for (size_t m = 0; m < n_modes; m++) {
		int any = 0;
		for (size_t i = 0; i < n_tg; i++)
			any |= !strcmp(tg[i].mode, modes[m]);
		if (!any) {
			fprintf(stderr, "edgebench replay: no runtime asked for has mode '%s' (see 'edgebench list')\n", modes[m]);
			return 2;
		}
	}

	struct eb_trace t;
	char err[1024];
	if (eb_trace_read(trace_path, fmt, seed, dfile, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgebench replay: %s\n", err);
		return 2;
	}
	eb_trace_cut(&t, functions, cut_ns);
	if (!t.n) {
		fprintf(stderr, "edgebench replay: %s: no invocations left after --functions/--duration\n", trace_path);
		eb_trace_free(&t);
		return 2;
	}

	char out_dir[1024];
	if (out_arg) {
		snprintf(out_dir, sizeof(out_dir), "%s", out_arg);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(out_dir, sizeof(out_dir), "results/replay-%Y%m%dT%H%M%SZ", &tm);
	}
	char probe_path[1100];
	snprintf(probe_path, sizeof(probe_path), "%s/results.json", out_dir);
	if (access(probe_path, F_OK) == 0) {
		fprintf(stderr, "edgebench replay: %s already holds results; pick another --out\n", out_dir);
		eb_trace_free(&t);
		return 2;
	}
	if (eb_mkdirs(out_dir) < 0) {
		fprintf(stderr, "edgebench replay: cannot create %s: %s\n", out_dir, strerror(errno));
		eb_trace_free(&t);
		return 2;
	}

	json_t *doc = json_object(), *rts = json_array(), *replays = json_array();
	json_object_set_new(doc, "kind", json_string("replay"));
	json_object_set_new(doc, "schema", json_integer(1));
	json_object_set_new(doc, "status", json_string("running"));
	json_object_set_new(doc, "fingerprint", eb_fingerprint(argc + 1, argv - 1));
	json_object_set_new(doc, "trace", json_pack("{s:s, s:s, s:I, s:I, s:f, s:I, s:s, s:I}", "path", trace_path,
		"format", eb_trace_format_name(t.format), "functions", (json_int_t)t.n_functions,
		"invocations", (json_int_t)t.n, "span_s", (double)t.inv[t.n - 1].at_ns / 1e9,
		"negative_durations", (json_int_t)t.negative_durations, "durations_from", t.durations_from ? t.durations_from : "the trace",
		"seed", (json_int_t)seed));
	json_object_set_new(doc, "config", json_pack("{s:f, s:f, s:s, s:s, s:f, s:s, s:I, s:I, s:I, s:f, s:s, s:f, s:s, s:s}",
		"speed", speed, "keep_alive_s", (double)keep_ns / 1e9, "keep_alive_policy", hybrid ? "hybrid" : "fixed", "durations", scaled ? "scaled" : "real",
		"max_duration_s", (double)maxd_ns / 1e9, "work", spin ? "cpu" : "wait", "max_instances", (json_int_t)max_inst,
		"repeats", (json_int_t)repeats, "max_starting", (json_int_t)max_starting, "drain_s", (double)drain_ns / 1e9,
		"workload", w->name, "sample_period_ms", 100.0,
		"instance", "one invocation at a time per instance; a cold invocation waits for its instance's first 200",
		"order", "runtimes shuffled per repeat from the seed, each replay on a machine checked quiet (CPUs under 25% busy over a second, waiting up to 30 s; the calibration kept)"));
	if (hybrid)
		json_object_set_new(json_object_get(doc, "config"), "hybrid",
				    json_pack("{s:i, s:i, s:i, s:i, s:i, s:f}", "bin_s", 60, "bins", EB_HYBRID_BINS, "min_idle_times",
					      EB_HYBRID_MIN_IDLE, "head_percentile", 5, "tail_percentile", 99, "margin", 0.1));
	json_object_set_new(doc, "runtimes", rts);
	json_object_set_new(doc, "replays", replays);

	/* every instance's stderr, appended to one log beside the results */
	char log_path[1100];
	snprintf(log_path, sizeof(log_path), "%s/instances.log", out_dir);
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	/* what an earlier run left, removed for every runtime first: Docker and gVisor share one image, so
	 * cleaning one after preparing the other removed the image it had just built (gVisor's runs exited 125) */
	for (size_t i = 0; i < n_tg; i++)
		eb_rt_cleanup(tg[i].rt);
	/* detect and prepare; a runtime that cannot be had is said so and kept out */
	size_t usable = 0;
	for (size_t i = 0; i < n_tg; i++) {
		struct eb_rt_status st;
		eb_rt_detect(tg[i].rt, &lctx, &st);
		if (st.available && (tg[i].rt->flags & EB_RT_MODES_DIFFER))
			eb_rt_mode_detect(tg[i].rt, &lctx, tg[i].mode, &st);
		char why[600] = "";
		if (!st.available) {
			snprintf(why, sizeof(why), "not available: %s, install with: %s", st.why, st.hint);
		} else if ((eb_rt_mode_find(tg[i].rt, tg[i].mode)->flags & EB_MODE_DEPLOYMENT) && !is_platform(&tg[i])) {
			snprintf(why, sizeof(why), "not replayed: each instance of this mode is a whole deployment of several processes; "
				 "the platform replay is wasmcloud's mode host (functions as workloads on one running host)");
		} else {
			json_t *info = json_object();
			char perr[600] = "";
			if (eb_rt_prepare(tg[i].rt, &lctx, info, perr, sizeof(perr)) < 0)
				snprintf(why, sizeof(why), "preparing failed: %s", perr[0] ? perr : "no reason given");
			else if (prime(&tg[i], w, &plan, (uint16_t)port, log_fd, log_path, perr, sizeof(perr)) < 0)
				snprintf(why, sizeof(why), "cannot start %s: %s", w->name, perr);
			json_decref(info);
		}
		snprintf(tg[i].version, sizeof(tg[i].version), "%s", st.available ? st.version : "");
		json_array_append_new(rts, json_pack("{s:s, s:s, s:s, s:s}", "runtime", tg[i].rt->name, "mode", tg[i].mode,
						     "version", tg[i].version, "status", why[0] ? why : "ok"));
		if (why[0]) {
			fprintf(stderr, "edgebench replay: %s/%s %s\n", tg[i].rt->name, tg[i].mode, why);
			tg[i].rt = NULL;
		} else {
			usable++;
		}
	}
	int rc = 0;
	if (!usable) {
		fprintf(stderr, "edgebench replay: no runtime asked for can replay\n");
		rc = 1;
	}
	struct eb_calib calib;
	eb_calib_init(&calib, "/proc");
	struct eb_replay_config cfg = {
		.trace = &t, .speed = speed, .keep_alive_ns = keep_ns, .durations_scaled = scaled, .max_duration_ns = maxd_ns,
		.spin = spin, .hybrid = hybrid, .max_instances = (unsigned)max_inst,
		.max_starting = (unsigned)max_starting, .drain_ns = drain_ns, .sample_period_ns = 100000000ull,
		.start_timeout_ns = plan.start_timeout_ns, .probe_spacing_ns = plan.probe_spacing_ns,
		.base_port = (uint16_t)port, .stderr_fd = log_fd, .stderr_path = log_path, .artifact_dir = plan.artifact_dir, .wasm_dir = plan.wasm_dir,
	};
	/* the harness's threads wake in microseconds, not after an idle vCPU's halt (sys/clock.h) */
	int qos = eb_idle_latency_hold();
	json_object_set_new(json_object_get(doc, "config"), "idle_cpus",
			    json_string(qos >= 0 ? "kept polling (/dev/cpu_dma_latency held at 0): a woken thread runs within microseconds"
						 : "may halt (/dev/cpu_dma_latency not writable): the harness's own wake-ups may add up to ~1 ms on a VM"));
	fprintf(stderr, "replaying %zu invocations of %zu functions (%.1f s of trace) at speed %g on %zu runtime(s), %llu time(s) each\n",
		t.n, t.n_functions, (double)t.inv[t.n - 1].at_ns / 1e9, speed, usable, (unsigned long long)repeats);
	for (uint64_t rep = 0; rc == 0 && rep < repeats && !eb_interrupted; rep++) {
		unsigned order[MAX_TARGETS];
		eb_sched_round_order(seed, EB_ORDER_INTERLEAVED, rep, order, (unsigned)n_tg);
		unsigned pos = 0;
		for (size_t k = 0; k < n_tg && !eb_interrupted; k++) {
			struct target *g = &tg[order[k]];
			if (!g->rt)
				continue;
			/* a machine checked quiet: the last replay's aftermath (containers being removed) gone */
			struct eb_calib_sample cs;
			uint64_t waited = 0;
			(void)eb_calib_sample(&calib, &cs);
			while (!eb_interrupted && waited < 30) {
				eb_sleep_ns(1000000000ull);
				waited++;
				(void)eb_calib_sample(&calib, &cs);
				if (cs.busy_pct >= 0 && cs.busy_pct < QUIET_BUSY_PCT)
					break;
			}
			struct eb_replay_result res;
			fprintf(stderr, "  %s/%s (repeat %llu) ...", g->rt->name, g->mode, (unsigned long long)rep + 1);
			cfg.platform = is_platform(g);
			int rrc = eb_replay_run(g->rt, g->mode, w, &cfg, &res, err, sizeof(err));
			if (rrc < 0) {
				fprintf(stderr, " failed\nedgebench replay: %s/%s: %s\n", g->rt->name, g->mode, err);
				rc = 1;
				break;
			}
			json_t *one = replay_json(g, (unsigned)rep, pos++, &cs, &res);
			json_object_set_new(json_object_get(one, "calibration"), "quiet_wait_s", json_integer((json_int_t)waited));
			json_object_set_new(json_object_get(one, "calibration"), "quiet",
					    json_boolean(cs.busy_pct >= 0 && cs.busy_pct < QUIET_BUSY_PCT));
			eb_replay_result_free(&res);
			struct eb_replay_figures f;
			if (!one || eb_replay_figures(one, &f) < 0) {
				json_decref(one);
				fprintf(stderr, " failed\nedgebench replay: out of memory keeping the record\n");
				rc = 1;
				break;
			}
			json_array_append_new(replays, one);
			fprintf(stderr, " %zu ok, %zu failed, %zu cold, p99 %.1f ms, %.3f GiB*s%s\n", f.ok, f.failed, f.cold,
				f.all_p99, f.gib_s, f.fell_behind ? ", the generator fell behind" : "");
			if (f.failed && json_string_length(json_object_get(one, "first_error")))
				fprintf(stderr, "    first failure: %s\n", json_string_value(json_object_get(one, "first_error")));
			if (write_doc(out_dir, doc) < 0) {
				fprintf(stderr, "edgebench replay: cannot write %s/results.json: %s\n", out_dir, strerror(errno));
				rc = 1;
				break;
			}
		}
	}
	if (qos >= 0)
		close(qos);
	if (log_fd >= 0)
		close(log_fd);
	for (size_t i = 0; i < n_tg; i++)
		if (tg[i].rt)
			eb_rt_cleanup(tg[i].rt);
	json_object_set_new(doc, "status", json_string(eb_interrupted ? "interrupted" : rc ? "failed" : "complete"));
	if (write_doc(out_dir, doc) < 0) {
		fprintf(stderr, "edgebench replay: cannot write %s/results.json\n", out_dir);
		rc = 1;
	}
	if (json_array_size(replays)) {
		if (eb_replay_report(doc, out_dir, err, sizeof(err)) < 0) {
			fprintf(stderr, "edgebench replay: the report: %s\n", err);
			rc = 1;
		} else {
			eb_replay_print_table(doc, stdout);
			printf("results: %s/results.json, report: %s/report.md\n", out_dir, out_dir);
		}
	}
	json_decref(doc);
	eb_trace_free(&t);
	if (eb_interrupted) {
		fprintf(stderr, "edgebench replay: interrupted; the replays done so far are in %s\n", out_dir);
		return 130;
	}
	return rc;
}
