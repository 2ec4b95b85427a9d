/*
 * cmd_replay: `edgebench replay TRACE`: the trace replayed against each
 * runtime asked for (measure/replay.h), the runtimes in a freshly shuffled
 * order per repeat, a calibration of the machine before each replay, every
 * invocation kept raw in results.json (rewritten whole after each replay,
 * atomically), then the report (report/replay.c).
 */
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
		json_array_append_new(tl, json_pack("[I,i,i,i,f,f,i]", (json_int_t)(p->t / 1000), (int)p->live, (int)p->busy,
						    (int)p->starting, p->bytes, p->idle_bytes, (int)p->waiting));
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:{s:I, s:I, s:f, s:f, s:f}, s:I, s:f, s:f, s:I, s:s?, s:s?, s:s, s:b,"
			 " s:b, s:o, s:I, s:I, s:{s:o, s:o}, s:{s:o, s:o}, s:{s:o, s:o}}",
			 "runtime", tg->rt->name, "mode", tg->mode, "version", tg->version, "repeat", (int)repeat,
			 "position", (int)position,
			 "calibration", "kernel_ns", (json_int_t)cs->kernel_ns, "kernel_median_ns", (json_int_t)cs->kernel_median_ns,
			 "steal_pct", cs->steal_pct, "busy_pct", cs->busy_pct, "loadavg_1m", cs->loadavg_1m,
			 "t0_monotonic_ns", (json_int_t)r->t0_ns, "end_s", (double)r->end_ns / 1e9, "teardown_s", (double)r->teardown_ns / 1e9,
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

/* The command: its options (most straight into the replay's config), its targets and its document. */
struct replay_cmd {
	const char *rt_names[MAX_TARGETS], *modes[MAX_TARGETS], *dfile, *out_arg, *trace_path;
	size_t n_rt, n_modes;
	enum eb_trace_format fmt;
	uint64_t seed, functions, cut_ns, repeats;
	struct eb_replay_config cfg;
	struct eb_plan plan;
	struct eb_launch_ctx lctx;
	const struct eb_workload *w;
	struct target tg[MAX_TARGETS];
	size_t n_tg, usable;
	struct eb_trace t;
	char out_dir[1024], log_path[1100];
	int log_fd;
	json_t *doc, *replays;
	char err[1024];
};

/* Options into c; 0, 1 after --help, or 2 after a one-line error. */
static int parse(struct replay_cmd *c, int argc, char **argv)
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
	struct eb_replay_config *cfg = &c->cfg;
	uint64_t v;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:o:h", longopts, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'r':
			if (c->n_rt == MAX_TARGETS)
				return bad("--runtime", optarg, "at most 32");
			c->rt_names[c->n_rt++] = optarg;
			break;
		case O_MODE:
			if (c->n_modes == MAX_TARGETS)
				return bad("--mode", optarg, "at most 32");
			c->modes[c->n_modes++] = optarg;
			break;
		case O_FORMAT:
			if (eb_trace_format_parse(optarg, &c->fmt) < 0)
				return bad("--format", optarg, "auto, orcbench, azure2019 or azure2021");
			break;
		case O_DFILE: c->dfile = optarg; break;
		case O_SEED:
			if (eb_parse_count(optarg, 0, UINT64_MAX, &c->seed) < 0)
				return bad("--seed", optarg, "a whole number");
			break;
		case O_FUNCS:
			if (eb_parse_count(optarg, 1, 1000000, &c->functions) < 0)
				return bad("--functions", optarg, "a whole number 1..1000000");
			break;
		case O_DUR:
			if (eb_parse_duration_ns(optarg, 1000000ull, 31ull * 86400 * 1000000000ull, &c->cut_ns) < 0)
				return bad("--duration", optarg, "a duration such as 3m or 90s");
			break;
		case O_SPEED:
			errno = 0;
			cfg->speed = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(cfg->speed >= 0.01 && cfg->speed <= 1000))
				return bad("--speed", optarg, "a number from 0.01 to 1000");
			break;
		case O_KEEP:
			cfg->hybrid = !strcmp(optarg, "hybrid");
			if (cfg->hybrid || !strcmp(optarg, "0"))
				cfg->keep_alive_ns = 0;
			else if (eb_parse_duration_ns(optarg, 1000000ull, 86400ull * 1000000000ull, &cfg->keep_alive_ns) < 0)
				return bad("--keep-alive", optarg, "0, a duration such as 10m (at most 24h) or hybrid");
			break;
		case O_DURS:
			if (strcmp(optarg, "scaled") && strcmp(optarg, "real"))
				return bad("--durations", optarg, "scaled or real");
			cfg->durations_scaled = !strcmp(optarg, "scaled");
			break;
		case O_MAXD:
			if (!strcmp(optarg, "0"))
				cfg->max_duration_ns = 0;
			else if (eb_parse_duration_ns(optarg, 1000ull, 600ull * 1000000000ull, &cfg->max_duration_ns) < 0)
				return bad("--max-duration", optarg, "0 or a duration up to 10m");
			break;
		case O_WORK:
			if (strcmp(optarg, "wait") && strcmp(optarg, "cpu"))
				return bad("--work", optarg, "wait or cpu");
			cfg->spin = !strcmp(optarg, "cpu");
			break;
		case O_MAXI:
			if (eb_parse_count(optarg, 1, 1000, &v) < 0)
				return bad("--max-instances", optarg, "a whole number 1..1000");
			cfg->max_instances = (unsigned)v;
			break;
		case O_REP:
			if (eb_parse_count(optarg, 1, 100, &c->repeats) < 0)
				return bad("--repeats", optarg, "a whole number 1..100");
			break;
		case O_PORT:
			if (eb_parse_count(optarg, 1024, 64000, &v) < 0)
				return bad("--port", optarg, "1024..64000");
			cfg->base_port = (uint16_t)v;
			break;
		case O_MAXS:
			if (eb_parse_count(optarg, 1, 1000, &v) < 0)
				return bad("--max-starting", optarg, "a whole number 1..1000");
			cfg->max_starting = (unsigned)v;
			break;
		case O_DRAIN:
			if (eb_parse_duration_ns(optarg, 1000000ull, 3600ull * 1000000000ull, &cfg->drain_ns) < 0)
				return bad("--drain", optarg, "a duration up to 1h");
			break;
		case 'o': case O_OUT: c->out_arg = optarg; break;
		case 'h': fputs(usage_text, stdout); return 1;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "edgebench replay: give one trace file (edgebench replay --help)\n");
		return 2;
	}
	if ((unsigned)cfg->base_port + cfg->max_instances > 65535) {
		fprintf(stderr, "edgebench replay: --port %u + --max-instances %u runs past port 65535\n",
			(unsigned)cfg->base_port, cfg->max_instances);
		return 2;
	}
	c->trace_path = argv[optind];
	if (!c->n_rt)
		c->rt_names[c->n_rt++] = "native";
	return 0;
}

/* Each runtime asked for, in the mode asked for where it has it; 0 or 2. */
static int select_targets(struct replay_cmd *c)
{
	for (size_t i = 0; i < c->n_rt; i++) {
		const struct eb_runtime *rt = eb_runtime_find(c->rt_names[i]);
		if (!rt) {
			fprintf(stderr, "edgebench replay: unknown runtime '%s' (see 'edgebench list')\n", c->rt_names[i]);
			return 2;
		}
		const char *mode = rt->modes[0].name;
		for (size_t m = 0; m < c->n_modes; m++)
			if (eb_rt_mode_find(rt, c->modes[m]))
				mode = c->modes[m];
		c->tg[c->n_tg++] = (struct target){ .rt = rt, .mode = mode };
	}
	for (size_t m = 0; m < c->n_modes; m++) {
		int any = 0;
		for (size_t i = 0; i < c->n_tg; i++)
			any |= !strcmp(c->tg[i].mode, c->modes[m]);
		if (!any) {
			fprintf(stderr, "edgebench replay: no runtime asked for has mode '%s' (see 'edgebench list')\n", c->modes[m]);
			return 2;
		}
	}
	return 0;
}

/* The trace, cut; 0 or 2. */
static int read_trace(struct replay_cmd *c)
{
	if (eb_trace_read(c->trace_path, c->fmt, c->seed, c->dfile, &c->t, c->err, sizeof(c->err)) < 0) {
		fprintf(stderr, "edgebench replay: %s\n", c->err);
		return 2;
	}
	eb_trace_cut(&c->t, c->functions, c->cut_ns);
	if (!c->t.n) {
		fprintf(stderr, "edgebench replay: %s: no invocations left after --functions/--duration\n", c->trace_path);
		return 2;
	}
	c->cfg.trace = &c->t;
	return 0;
}

/* The results directory (new) and the document's head: fingerprint, trace, config; 0 or 2. */
static int open_results(struct replay_cmd *c, int argc, char **argv)
{
	if (c->out_arg) {
		snprintf(c->out_dir, sizeof(c->out_dir), "%s", c->out_arg);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(c->out_dir, sizeof(c->out_dir), "results/replay-%Y%m%dT%H%M%SZ", &tm);
	}
	char probe_path[1100];
	snprintf(probe_path, sizeof(probe_path), "%s/results.json", c->out_dir);
	if (access(probe_path, F_OK) == 0) {
		fprintf(stderr, "edgebench replay: %s already holds results; pick another --out\n", c->out_dir);
		return 2;
	}
	if (eb_mkdirs(c->out_dir) < 0) {
		fprintf(stderr, "edgebench replay: cannot create %s: %s\n", c->out_dir, strerror(errno));
		return 2;
	}
	const struct eb_trace *t = &c->t;
	const struct eb_replay_config *cfg = &c->cfg;
	c->doc = json_object();
	c->replays = json_array();
	json_object_set_new(c->doc, "kind", json_string("replay"));
	json_object_set_new(c->doc, "schema", json_integer(1));
	json_object_set_new(c->doc, "status", json_string("running"));
	json_object_set_new(c->doc, "fingerprint", eb_fingerprint(argc + 1, argv - 1));
	json_object_set_new(c->doc, "trace", json_pack("{s:s, s:s, s:I, s:I, s:f, s:I, s:s, s:I}", "path", c->trace_path,
		"format", eb_trace_format_name(t->format), "functions", (json_int_t)t->n_functions,
		"invocations", (json_int_t)t->n, "span_s", (double)t->inv[t->n - 1].at_ns / 1e9,
		"negative_durations", (json_int_t)t->negative_durations, "durations_from", t->durations_from ? t->durations_from : "the trace",
		"seed", (json_int_t)c->seed));
	json_t *config = json_pack("{s:f, s:f, s:s, s:s, s:f, s:s, s:I, s:I, s:I, s:f, s:s, s:f, s:s, s:s}",
		"speed", cfg->speed, "keep_alive_s", (double)cfg->keep_alive_ns / 1e9, "keep_alive_policy", cfg->hybrid ? "hybrid" : "fixed",
		"durations", cfg->durations_scaled ? "scaled" : "real",
		"max_duration_s", (double)cfg->max_duration_ns / 1e9, "work", cfg->spin ? "cpu" : "wait",
		"max_instances", (json_int_t)cfg->max_instances, "repeats", (json_int_t)c->repeats,
		"max_starting", (json_int_t)cfg->max_starting, "drain_s", (double)cfg->drain_ns / 1e9,
		"workload", c->w->name, "sample_period_ms", (double)cfg->sample_period_ns / 1e6,
		"instance", "one invocation at a time per instance; a cold invocation waits for its instance's first 200",
		"order", "runtimes shuffled per repeat from the seed, each replay on a machine checked quiet (CPUs under 25% busy over a second, waiting up to 30 s; the calibration kept)");
	if (cfg->hybrid)
		json_object_set_new(config, "hybrid", json_pack("{s:i, s:i, s:i, s:i, s:i, s:f}", "bin_s", 60, "bins", EB_HYBRID_BINS,
								   "min_idle_times", EB_HYBRID_MIN_IDLE, "head_percentile", 5,
								   "tail_percentile", 99, "margin", 0.1));
	json_object_set_new(c->doc, "config", config);
	json_object_set_new(c->doc, "runtimes", json_array());
	json_object_set_new(c->doc, "replays", c->replays);
	/* every instance's stderr, appended to one log beside the results */
	snprintf(c->log_path, sizeof(c->log_path), "%s/instances.log", c->out_dir);
	c->log_fd = open(c->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	c->cfg.stderr_fd = c->log_fd;
	c->cfg.stderr_path = c->log_path;
	return 0;
}

/* Detect, prepare and prime each target; one that cannot replay says why and is kept out. */
static void prepare_targets(struct replay_cmd *c)
{
	/* what an earlier run left, removed for every runtime first: Docker and gVisor share one image, so
	 * cleaning one after preparing the other removed the image it had just built (gVisor's runs exited 125) */
	for (size_t i = 0; i < c->n_tg; i++)
		eb_rt_cleanup(c->tg[i].rt);
	json_t *rts = json_object_get(c->doc, "runtimes");
	for (size_t i = 0; i < c->n_tg; i++) {
		struct target *g = &c->tg[i];
		struct eb_rt_status st;
		eb_rt_detect(g->rt, &c->lctx, &st);
		if (st.available && (g->rt->flags & EB_RT_MODES_DIFFER))
			eb_rt_mode_detect(g->rt, &c->lctx, g->mode, &st);
		char why[600] = "";
		if (!st.available) {
			snprintf(why, sizeof(why), "not available: %s, install with: %s", st.why, st.hint);
		} else if ((eb_rt_mode_find(g->rt, g->mode)->flags & EB_MODE_DEPLOYMENT) && !is_platform(g)) {
			snprintf(why, sizeof(why), "not replayed: each instance of this mode is a whole deployment of several processes; "
				 "the platform replay is wasmcloud's mode host (functions as workloads on one running host)");
		} else {
			json_t *info = json_object();
			char perr[600] = "";
			if (eb_rt_prepare(g->rt, &c->lctx, info, perr, sizeof(perr)) < 0)
				snprintf(why, sizeof(why), "preparing failed: %s", perr[0] ? perr : "no reason given");
			else if (eb_replay_prime(g->rt, g->mode, c->w, &c->cfg, perr, sizeof(perr)) < 0)
				snprintf(why, sizeof(why), "cannot start %s: %s", c->w->name, perr);
			json_decref(info);
		}
		snprintf(g->version, sizeof(g->version), "%s", st.available ? st.version : "");
		json_array_append_new(rts, json_pack("{s:s, s:s, s:s, s:s}", "runtime", g->rt->name, "mode", g->mode,
						     "version", g->version, "status", why[0] ? why : "ok"));
		if (why[0]) {
			fprintf(stderr, "edgebench replay: %s/%s %s\n", g->rt->name, g->mode, why);
			g->rt = NULL;
		} else {
			c->usable++;
		}
	}
}

/* One replay of target g on a machine checked quiet, kept in the document; 0 or 1. */
static int replay_one(struct replay_cmd *c, struct target *g, struct eb_calib *calib, unsigned rep, unsigned pos)
{
	/* a machine checked quiet: the last replay's aftermath (containers being removed) gone */
	struct eb_calib_sample cs;
	unsigned waited = eb_calib_wait_quiet(calib, QUIET_BUSY_PCT, 30, &cs);
	struct eb_replay_result res;
	fprintf(stderr, "  %s/%s (repeat %u) ...", g->rt->name, g->mode, rep + 1);
	c->cfg.platform = is_platform(g);
	if (eb_replay_run(g->rt, g->mode, c->w, &c->cfg, &res, c->err, sizeof(c->err)) < 0) {
		fprintf(stderr, " failed\nedgebench replay: %s/%s: %s\n", g->rt->name, g->mode, c->err);
		return 1;
	}
	json_t *one = replay_json(g, rep, pos, &cs, &res);
	eb_replay_result_free(&res);
	struct eb_replay_figures f;
	if (!one || eb_replay_figures(one, &f) < 0) {
		json_decref(one);
		fprintf(stderr, " failed\nedgebench replay: out of memory keeping the record\n");
		return 1;
	}
	json_object_set_new(json_object_get(one, "calibration"), "quiet_wait_s", json_integer((json_int_t)waited));
	json_object_set_new(json_object_get(one, "calibration"), "quiet",
			    json_boolean(cs.busy_pct >= 0 && cs.busy_pct < QUIET_BUSY_PCT));
	json_array_append_new(c->replays, one);
	fprintf(stderr, " %zu ok, %zu failed, %zu cold, p99 %.1f ms, %.3f GiB*s%s\n", f.ok, f.failed, f.cold,
		f.all_p99, f.gib_s, f.fell_behind ? ", the generator fell behind" : "");
	if (f.failed && json_string_length(json_object_get(one, "first_error")))
		fprintf(stderr, "    first failure: %s\n", json_string_value(json_object_get(one, "first_error")));
	if (write_doc(c->out_dir, c->doc) < 0) {
		fprintf(stderr, "edgebench replay: cannot write %s/results.json: %s\n", c->out_dir, strerror(errno));
		return 1;
	}
	return 0;
}

/* Every usable target, repeats times, in an order shuffled per repeat; 0 or 1. */
static int replay_all(struct replay_cmd *c)
{
	struct eb_calib calib;
	eb_calib_init(&calib, "/proc");
	/* the harness's threads wake in microseconds, not after an idle vCPU's halt (sys/clock.h) */
	int qos = eb_idle_latency_hold();
	json_object_set_new(json_object_get(c->doc, "config"), "idle_cpus",
			    json_string(qos >= 0 ? "kept polling (/dev/cpu_dma_latency held at 0): a woken thread runs within microseconds"
						 : "may halt (/dev/cpu_dma_latency not writable): the harness's own wake-ups may add up to ~1 ms on a VM"));
	fprintf(stderr, "replaying %zu invocations of %zu functions (%.1f s of trace) at speed %g on %zu runtime(s), %llu time(s) each\n",
		c->t.n, c->t.n_functions, (double)c->t.inv[c->t.n - 1].at_ns / 1e9, c->cfg.speed, c->usable,
		(unsigned long long)c->repeats);
	int rc = 0;
	for (uint64_t rep = 0; rc == 0 && rep < c->repeats && !eb_interrupted; rep++) {
		unsigned order[MAX_TARGETS], pos = 0;
		eb_sched_round_order(c->seed, EB_ORDER_INTERLEAVED, rep, order, (unsigned)c->n_tg);
		for (size_t k = 0; rc == 0 && k < c->n_tg && !eb_interrupted; k++)
			if (c->tg[order[k]].rt)
				rc = replay_one(c, &c->tg[order[k]], &calib, (unsigned)rep, pos++);
	}
	if (qos >= 0)
		close(qos);
	return rc;
}

/* The document's last state, the report and the table; the exit status. */
static int finish(struct replay_cmd *c, int rc)
{
	if (c->log_fd >= 0)
		close(c->log_fd);
	for (size_t i = 0; i < c->n_tg; i++)
		if (c->tg[i].rt)
			eb_rt_cleanup(c->tg[i].rt);
	json_object_set_new(c->doc, "status", json_string(eb_interrupted ? "interrupted" : rc ? "failed" : "complete"));
	if (write_doc(c->out_dir, c->doc) < 0) {
		fprintf(stderr, "edgebench replay: cannot write %s/results.json\n", c->out_dir);
		rc = 1;
	}
	if (json_array_size(c->replays)) {
		if (eb_replay_report(c->doc, c->out_dir, c->err, sizeof(c->err)) < 0) {
			fprintf(stderr, "edgebench replay: the report: %s\n", c->err);
			rc = 1;
		} else {
			eb_replay_print_table(c->doc, stdout);
			printf("results: %s/results.json, report: %s/report.md\n", c->out_dir, c->out_dir);
		}
	}
	if (eb_interrupted) {
		fprintf(stderr, "edgebench replay: interrupted; the replays done so far are in %s\n", c->out_dir);
		return 130;
	}
	return rc;
}

int eb_cmd_replay(int argc, char **argv)
{
	static struct replay_cmd c;
	memset(&c, 0, sizeof(c));
	c.seed = 1;
	c.repeats = 1;
	c.log_fd = -1;
	c.cfg = (struct eb_replay_config){
		.speed = 1, .keep_alive_ns = 600000000000ull, .durations_scaled = 1, .max_duration_ns = 1000000000ull,
		.max_instances = 256, .max_starting = 4, .drain_ns = 60000000000ull, .sample_period_ns = 100000000ull,
		.base_port = 21000, .stderr_fd = -1,
	};
	eb_plan_defaults(&c.plan);
	c.cfg.start_timeout_ns = c.plan.start_timeout_ns;
	c.cfg.probe_spacing_ns = c.plan.probe_spacing_ns;
	c.cfg.artifact_dir = c.plan.artifact_dir;
	c.cfg.wasm_dir = c.plan.wasm_dir;
	c.lctx = (struct eb_launch_ctx){ .artifact_dir = c.plan.artifact_dir, .wasm_dir = c.plan.wasm_dir };
	c.w = eb_workload_find("http-hello");
	int rc = parse(&c, argc, argv);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = select_targets(&c)) || (rc = read_trace(&c)) || (rc = open_results(&c, argc, argv))) {
		eb_trace_free(&c.t);
		return rc;
	}
	prepare_targets(&c);
	rc = 0;
	if (!c.usable) {
		fprintf(stderr, "edgebench replay: no runtime asked for can replay\n");
		rc = 1;
	}
	if (rc == 0)
		rc = replay_all(&c);
	rc = finish(&c, rc);
	json_decref(c.doc);
	eb_trace_free(&c.t);
	return rc;
}
