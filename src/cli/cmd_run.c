/*
 * cmd_run: `edgebench run`: the request from the command line (the option
 * table of plan/options.h), one cell per (runtime, mode, workload, network
 * condition), the suite, results to a fresh directory, the report.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/compare.h"
#include "cli/cmd.h"
#include "cli/progress.h"
#include "data/results.h"
#include "measure/calib.h"
#include "measure/dataset.h"
#include "measure/study.h"
#include "measure/suite.h"
#include "net/load.h"
#include "net/netpath.h"
#include "plan/options.h"
#include "report/report.h"
#include "runtimes/runtime.h"
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "sys/fingerprint.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

#define OPT_BASE 1000   /* getopt value of table row i: OPT_BASE + i; of --<x>-runs: OPT_RUNS_BASE + workload */
#define OPT_RUNS_BASE 2000

/* One run being set up, measured and written. */
struct run {
	struct eb_run_request req;
	const struct eb_runtime *rts[EB_MAX_SEL];
	struct eb_rt_status st[EB_MAX_SEL];
	size_t nrt;
	int explicit_rt;
	struct eb_launch_ctx lctx;
	struct eb_netpath net;
	int want_net;
	char out_dir[256];
	char log_dir[1100];
	struct eb_results res;
	struct eb_cell_spec specs[EB_MAX_SEL * EB_MAX_SEL * 8];
	size_t ncell;
	int failed, interrupted;
};

static void print_help_text(FILE *f, const char *text, const char *dflt)
{
	/* continuation lines of a row's help are indented under the first */
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		fprintf(f, "%s%.*s", p == text ? "" : "\n                       ", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
	if (dflt)
		fprintf(f, " (default %s)", dflt);
	fputc('\n', f);
}

static void run_usage(FILE *f)
{
	struct eb_run_request d;
	eb_run_request_defaults(&d);
	fprintf(f, "usage: edgebench run [OPTIONS]\n");
	for (size_t i = 0; i < eb_run_option_count; i++) {
		const struct eb_option *o = &eb_run_options[i];
		char name[64], dflt[128], help[256];
		if (o->kind == EB_OPT_RUNS) {
			for (unsigned w = 0; w < eb_workload_count; w++)
				if (eb_workloads[w].runs_option) {
					snprintf(name, sizeof(name), "--%s %s", eb_workloads[w].runs_option, o->arg);
					{
						/* the row's help names the workload where it says %s */
						const char *at = strstr(o->help, "%s");
						int pre = at ? (int)(at - o->help) : (int)strlen(o->help);
						snprintf(help, sizeof(help), "%.*s%s%s", pre, o->help, at ? eb_workloads[w].name : "",
							 at ? at + 2 : "");
					}
					snprintf(dflt, sizeof(dflt), "%u", d.plan.runs[w]);
					fprintf(f, "  %-21s", name);
					print_help_text(f, help, dflt);
				}
			continue;
		}
		if (!o->flag)
			continue;
		if (o->short_name)
			snprintf(name, sizeof(name), "-%c, --%s %s", o->short_name, o->flag, o->arg);
		else
			snprintf(name, sizeof(name), "--%s %s", o->flag, o->arg);
		eb_option_default_text(o, &d, dflt, sizeof(dflt));
		fprintf(f, "  %-21s", name);
		if (strlen(name) > 20)
			fprintf(f, "\n  %-21s", "");
		print_help_text(f, o->help, dflt);
		if (o->alias)
			fprintf(f, "  --%-19s the same as --%s\n", o->alias, o->flag);
	}
}

/* The command line into r->req: 0, 1 after --help, 2 after a one-line error. */
static int parse(struct run *r, int argc, char **argv)
{
	struct option longopts[2 * 64 + EB_MAX_WORKLOADS + 1];
	char shorts[32] = "h";
	size_t nopt = 0;
	for (size_t i = 0; i < eb_run_option_count && nopt + 2 < 2 * 64; i++) {
		const struct eb_option *o = &eb_run_options[i];
		if (!o->flag)
			continue;
		int val = o->short_name ? o->short_name : OPT_BASE + (int)i;
		longopts[nopt++] = (struct option){ o->flag, required_argument, NULL, val };
		if (o->alias)
			longopts[nopt++] = (struct option){ o->alias, required_argument, NULL, val };
		if (o->short_name)
			snprintf(shorts + strlen(shorts), sizeof(shorts) - strlen(shorts), "%c:", o->short_name);
	}
	for (unsigned w = 0; w < eb_workload_count; w++)
		if (eb_workloads[w].runs_option)
			longopts[nopt++] = (struct option){ eb_workloads[w].runs_option, required_argument, NULL, OPT_RUNS_BASE + (int)w };
	longopts[nopt++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[nopt] = (struct option){ NULL, 0, NULL, 0 };

	eb_run_request_defaults(&r->req);
	r->req.plan.seed = eb_now_ns() ^ ((uint64_t)getpid() << 32);   /* a new order per run, recorded */
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		const struct eb_option *o = NULL;
		const char *flag = NULL;
		if (opt == 'h') {
			run_usage(stdout);
			return 1;
		}
		if (opt >= OPT_RUNS_BASE && opt < OPT_RUNS_BASE + (int)eb_workload_count) {
			flag = eb_workloads[opt - OPT_RUNS_BASE].runs_option;
			for (size_t i = 0; i < eb_run_option_count; i++)
				if (eb_run_options[i].kind == EB_OPT_RUNS)
					o = &eb_run_options[i];
		} else if (opt >= OPT_BASE && opt < OPT_BASE + (int)eb_run_option_count) {
			o = &eb_run_options[opt - OPT_BASE];
		} else {
			for (size_t i = 0; i < eb_run_option_count && !o; i++)
				if (eb_run_options[i].short_name == opt)
					o = &eb_run_options[i];
		}
		if (!o) {
			run_usage(stderr);
			return 2;
		}
		char err[512];
		if (eb_option_set(o, flag ? flag : o->flag, &r->req, optarg, err, sizeof(err)) < 0) {
			fprintf(stderr, "edgebench run: %s\n", err);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgebench run: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}


/* What to measure, and whether it can be: 0, or 2 after a one-line error. */
static int select_runtimes(struct run *r)
{
	struct eb_run_request *q = &r->req;
	r->explicit_rt = q->n_runtimes > 0;
	for (unsigned i = 0; i < q->n_runtimes; i++)
		r->rts[r->nrt++] = q->runtimes[i];
	if (!r->nrt)
		for (const struct eb_runtime *const *rt = eb_runtimes; *rt && r->nrt < EB_MAX_SEL; rt++)
			if (!((*rt)->flags & EB_RT_ON_REQUEST))
				r->rts[r->nrt++] = *rt;
	if (!q->n_workloads)
		for (unsigned i = 0; i < eb_workload_count && i < EB_MAX_SEL; i++)
			q->workloads[q->n_workloads++] = &eb_workloads[i];
	/* a mode no selected runtime has would measure nothing: say so */
	for (unsigned k = 0; k < q->n_modes; k++) {
		int known = 0;
		for (size_t i = 0; i < r->nrt; i++)
			known |= eb_rt_mode_find(r->rts[i], q->modes[k]) != NULL;
		if (!known) {
			fprintf(stderr, "edgebench run: no selected runtime has a mode '%s' (see 'edgebench list')\n", q->modes[k]);
			return 2;
		}
	}
	/* availability first: an explicitly requested runtime must be usable */
	r->lctx = (struct eb_launch_ctx){ .artifact_dir = q->plan.artifact_dir, .wasm_dir = q->plan.wasm_dir };
	for (size_t i = 0; i < r->nrt; i++) {
		eb_rt_detect(r->rts[i], &r->lctx, &r->st[i]);
		if (!r->st[i].available && r->explicit_rt) {
			fprintf(stderr, "edgebench run: runtime %s not available: %s, install with: %s\n",
				r->rts[i]->name, r->st[i].why, r->st[i].hint);
			return 2;
		}
	}
	if (q->plan.study_method && !eb_study_available()) {
		fprintf(stderr, "edgebench run: --method study needs curl on PATH (apt-get install curl)\n");
		return 2;
	}
	return 0;
}

/* The veth path and the firewall, before anything is written, so a host
 * that cannot have them fails here with one line.  0, or 2. */
static int network_up(struct run *r)
{
	r->want_net = (r->req.networks & (1u << EB_NET_VETH)) || (r->req.firewalls & 2u);
	eb_netpath_cleanup_stale();
	if (!r->want_net)
		return 0;
	char nerr[600];
	if (geteuid() != 0) {
		fprintf(stderr, "edgebench run: --network veth and --firewall on need root (network namespaces, veth, nftables)\n");
		return 2;
	}
	if (eb_netpath_up(&r->net, r->req.firewall_rules, nerr, sizeof(nerr)) < 0) {
		fprintf(stderr, "edgebench run: cannot set up the veth path: %s\n", nerr);
		return 2;
	}
	/* the firewall once, now: a ruleset nft refuses fails the run before it starts */
	if ((r->req.firewalls & 2u) && (eb_netpath_firewall(&r->net, 1, nerr, sizeof(nerr)) < 0 ||
					eb_netpath_firewall(&r->net, 0, nerr, sizeof(nerr)) < 0)) {
		fprintf(stderr, "edgebench run: cannot load our nftables table: %s\n", nerr);
		eb_netpath_down(&r->net);
		return 2;
	}
	r->req.plan.net = &r->net;
	return 0;
}

/* A fresh results directory and its logs/: 0, or 2. */
static int open_results(struct run *r)
{
	if (r->req.out_dir)
		snprintf(r->out_dir, sizeof(r->out_dir), "%s", r->req.out_dir);
	else {
		time_t now = time(NULL);   /* a directory name, not an interval */
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(r->out_dir, sizeof(r->out_dir), "results/%Y%m%dT%H%M%SZ", &tm);
		snprintf(r->out_dir + strlen(r->out_dir), sizeof(r->out_dir) - strlen(r->out_dir), "-%d", (int)getpid());
	}
	char err[1400];
	if (eb_results_open(r->out_dir, &r->res, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgebench run: %s\n", err);
		eb_results_close(&r->res);
		return 2;
	}
	snprintf(r->log_dir, sizeof(r->log_dir), "%s/logs", r->out_dir);
	if (eb_mkdirs(r->log_dir) < 0) {
		fprintf(stderr, "edgebench run: cannot create %s: %s\n", r->log_dir, strerror(errno));
		eb_results_close(&r->res);
		return 2;
	}
	r->req.plan.log_dir = r->log_dir;
	r->req.plan.progress = eb_progress;
	r->req.plan.note = eb_progress_note;
	return 0;
}

/* The fingerprint, the config (the option table's, plus the instrument's facts) and every known runtime. */
static void record_plan(struct run *r, int argc, char **argv)
{
	json_t *doc = r->res.doc;
	json_object_set_new(doc, "fingerprint", eb_fingerprint(argc + 1, argv - 1));
	json_t *config = eb_run_config_json(&r->req);
	json_object_set_new(config, "interval_method", json_string("student-t on log ratios"));
	json_object_set_new(config, "interval_confidence", json_real(0.95));
	json_object_set_new(config, "calibration", json_pack("{s:s, s:i, s:i}", "kernel", "sha256_chain, in-process",
							     "iterations", (int)EB_CALIB_ITERATIONS, "reps", (int)EB_CALIB_REPS));
	json_t *curve = json_object_get(config, "latency_curve");
	if (curve)   /* the open loop's rule for "late by the generator's fault" (net/load.h) */
		json_object_set_new(curve, "generator_late_bound_ms", json_real((double)EB_LOAD_LATE_BOUND_NS / 1e6));
	if (r->want_net)
		json_object_set_new(config, "veth", json_pack("{s:s, s:s, s:s, s:s}", "namespace", r->net.ns_name, "server_address",
							      r->net.server_ip, "interface", r->net.host_if, "nft_table", r->net.table));
	json_object_set_new(doc, "config", config);
	/* every known runtime is listed, so a report names what was not measured */
	json_t *rtj = json_array();
	json_t *fpv = json_object();
	json_object_set_new(json_object_get(doc, "fingerprint"), "runtime_versions", fpv);
	for (const struct eb_runtime *const *rt = eb_runtimes; *rt; rt++) {
		struct eb_rt_status s;
		int sel = 0;
		for (size_t i = 0; i < r->nrt; i++)
			if (r->rts[i] == *rt) {
				s = r->st[i];
				sel = 1;
			}
		if (!sel)
			eb_rt_detect(*rt, &r->lctx, &s);
		json_t *o = json_pack("{s:s, s:b, s:b}", "name", (*rt)->name, "available", s.available, "selected", sel);
		if (s.available) {
			json_object_set_new(o, "version", json_string(s.version));
			json_object_set_new(fpv, (*rt)->name, json_string(s.version));
		} else {
			json_object_set_new(o, "why", json_string(s.why));
			json_object_set_new(o, "hint", json_string(s.hint));
			if (sel)
				eb_progress_note("%s not available: %s, install with: %s", (*rt)->name, s.why, s.hint);
		}
		json_array_append_new(rtj, o);
	}
	json_object_set_new(doc, "runtimes", rtj);
}

/* Runtime i's cells: one per selected mode, workload and (servers) network condition. */
static void add_cells(struct run *r, size_t i, const char *prep_err)
{
	const struct eb_run_request *q = &r->req;
	for (const struct eb_rt_mode *mode = r->rts[i]->modes; mode->name; mode++) {
		const char *const *m = &mode->name;
		int want = q->n_modes == 0;
		for (unsigned k = 0; k < q->n_modes; k++)
			want |= !strcmp(q->modes[k], *m);
		for (unsigned j = 0; want && j < q->n_workloads; j++)
			for (int nk = 0; nk < 2; nk++)
				for (int fk = 0; fk < 2 && r->ncell < sizeof(r->specs) / sizeof(r->specs[0]); fk++) {
					/* a server is a cell per network condition; a batch program uses no network */
					int server = q->workloads[j]->kind == EB_WL_SERVER;
					if (server ? !((q->networks >> nk & 1) && (q->firewalls >> fk & 1)) : (nk || fk))
						continue;
					json_t *cell = eb_results_cell(&r->res, r->rts[i]->name, *m, q->workloads[j]->name);
					if (server) {
						json_object_set_new(cell, "network", json_string(eb_network_name((enum eb_network)nk)));
						json_object_set_new(cell, "firewall", json_string(fk ? "on" : "off"));
					}
					if (prep_err[0]) {
						json_object_set_new(cell, "status", json_string("failed"));
						json_object_set_new(cell, "error", json_string(prep_err));
						continue;
					}
					r->specs[r->ncell++] = (struct eb_cell_spec){ r->rts[i], *m, q->workloads[j], cell,
										      (enum eb_network)nk, fk };
				}
	}
}

/* Every available runtime prepared (a failed preparation fails its cells), then the cells. */
static void prepare_cells(struct run *r)
{
	json_t *prep = json_object();
	json_object_set_new(r->res.doc, "runtime_setup", prep);
	for (size_t i = 0; i < r->nrt && !r->interrupted; i++) {
		if (!r->st[i].available)
			continue;
		char prep_err[1024] = "";
		json_t *info = json_object();
		json_object_set_new(prep, r->rts[i]->name, info);
		eb_progress_note("preparing %s", r->rts[i]->name);
		if (eb_rt_prepare(r->rts[i], &r->lctx, info, prep_err, sizeof(prep_err)) < 0 && !prep_err[0])
			snprintf(prep_err, sizeof(prep_err), "%s: preparation failed", r->rts[i]->name);
		if (!json_object_size(info))
			json_object_del(prep, r->rts[i]->name);
		if (prep_err[0]) {
			r->failed = 1;
			eb_progress_note("edgebench run: %s", prep_err);
		}
		r->interrupted = eb_interrupted;
		add_cells(r, i, prep_err);
	}
}

static void measure(struct run *r)
{
	if (r->interrupted)
		return;
	const struct eb_plan *plan = &r->req.plan;
	uint64_t est = eb_suite_estimate_ns(plan, r->specs, r->ncell);
	eb_progress_note("measuring %zu cells, %s order, seed %llu: about %.0f min (estimate; the live line shows the time left)",
			 r->ncell, eb_order_name(plan->order), (unsigned long long)plan->seed, (double)est / 60e9 + 0.5);
	int rc = eb_suite_run(plan, r->specs, r->ncell, &r->res, &r->failed);
	if (rc == -EINTR || eb_interrupted)
		r->interrupted = 1;
	else if (rc < 0) {
		r->failed = 1;
		eb_progress_note("edgebench run: %s", strerror(-rc));
	}
	for (size_t i = 0; i < r->ncell; i++) {
		size_t k;
		json_t *w;
		json_array_foreach(json_object_get(r->specs[i].json, "warnings"), k, w)
			eb_progress_note("WARNING %s/%s/%s: %s", r->specs[i].rt->name, r->specs[i].mode, r->specs[i].w->name,
					 json_string_value(w));
	}
}

/* Everything of ours stopped, the comparisons, results.json and the report: the exit code. */
static int finish(struct run *r, uint64_t t0)
{
	eb_spawn_kill_all();
	for (size_t i = 0; i < r->nrt; i++)
		if (r->st[i].available)
			eb_rt_cleanup(r->rts[i]);
	uint64_t rxp, txp;
	int have_counters = r->want_net && eb_netpath_counters(&r->net, &rxp, &txp) == 0;
	eb_netpath_down(&r->net);
	json_t *doc = r->res.doc;
	json_t *cmp = eb_compare_cells(r->res.cells, r->req.baseline_rt, r->req.baseline_mode);
	json_object_set_new(doc, "comparisons", cmp ? cmp : json_array());
	if (have_counters) {
		/* what crossed the pair: the proof that veth cells' traffic took it */
		json_t *v = json_object_get(json_object_get(doc, "config"), "veth");
		json_object_set_new(v, "server_side_rx_packets", json_integer((json_int_t)rxp));
		json_object_set_new(v, "server_side_tx_packets", json_integer((json_int_t)txp));
	}
	if (r->want_net) {
		json_t *cc = eb_compare_conditions(r->res.cells);
		json_object_set_new(doc, "condition_comparisons", cc ? cc : json_array());
	}
	json_object_set_new(doc, "duration_seconds", json_real((double)(eb_now_ns() - t0) / 1e9));
	const char *status = r->interrupted ? "interrupted" : r->failed ? "failed" : "complete";
	int rc = eb_results_finish(&r->res, status);
	eb_progress_done();
	if (rc < 0) {
		fprintf(stderr, "edgebench run: cannot write %s/results.json: %s\n", r->out_dir, strerror(-rc));
		eb_results_close(&r->res);
		return 1;
	}
	if (!r->interrupted) {
		char err[1400];
		eb_report_table(stdout, doc);
		if (eb_report_write(r->out_dir, err, sizeof(err)) < 0)
			fprintf(stderr, "edgebench run: %s\n", err);
	}
	fprintf(stderr, "edgebench run: %s; results in %s/results.json\n", status, r->out_dir);
	eb_results_close(&r->res);
	return r->interrupted ? 130 : r->failed ? 1 : 0;
}

int eb_cmd_run(int argc, char **argv)
{
	static struct run r;   /* large (the cell specs); one run per process */
	memset(&r, 0, sizeof(r));
	r.net = (struct eb_netpath){ .ns_fd = -1, .root_fd = -1 };
	int rc = parse(&r, argc, argv);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = select_runtimes(&r)) || (rc = network_up(&r)))
		return rc;
	if ((rc = open_results(&r))) {
		eb_netpath_down(&r.net);
		return rc;
	}
	eb_progress_init();
	record_plan(&r, argc, argv);
	/* leftovers of an earlier, crashed run go first */
	eb_cgroup_cleanup_stale();
	eb_dataset_cleanup();
	for (size_t i = 0; i < r.nrt; i++)
		if (r.st[i].available)
			eb_rt_cleanup(r.rts[i]);
	uint64_t t0 = eb_now_ns();
	prepare_cells(&r);
	measure(&r);
	return finish(&r, t0);
}
