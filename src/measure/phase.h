/*
 * phase: one cell's measurements as a table of phases, and the cell they
 * work on.  A phase is {name, the workload kind it applies to, whether its
 * trials are interleaved across cells, whether it runs on the cell's warm
 * instance, how many trials a cell gets, how to run one, a rough cost}.
 * Adding a measurement is a row in eb_phases (phase_table.c) and its series in
 * the catalogue (series.c).
 */
#ifndef EB_PHASE_H
#define EB_PHASE_H

#include <jansson.h>
#include <stdint.h>

#include "sys/cgroup.h"
#include "net/hist.h"
#include "data/results.h"
#include "runtimes/runtime.h"
#include "measure/instance.h"
#include "plan/plan.h"
#include "catalog/workload.h"
#include "net/load.h"

#define EB_LOAD_SAMPLES_MAX (4u << 20)   /* latencies kept per load run */
#define EB_READ_MIX 64u                  /* database workloads: distinct GET /items/N in the read mix */
#define EB_RW_MIX   20u                  /* ... and the read/write mix: 18 reads, 2 writes (90/10) */
#define EB_RW_POSTS 2u
#define EB_WINDOWS_MAX      4096u        /* throughput windows per load run */

/* What every cell of a run shares: where results go, and load buffers. */
struct eb_workspace {
	struct eb_results *res;
	double *scratch;            /* EB_LOAD_SAMPLES_MAX */
	uint64_t *windows;          /* EB_WINDOWS_MAX */
	struct eb_hist *h;
};

/* One series being collected: samples and the trial each came from. */
struct eb_acc {
	char name[96];
	const struct eb_series_def *def;
	char description[400];
	double *v;
	int32_t *trial;             /* parallel to v; -1: not from a trial */
	size_t n, cap;
	int paired;
};

/* One (runtime, mode, workload) being measured. */
struct eb_cell {
	struct eb_workspace *ws;
	const struct eb_plan *plan;
	const struct eb_runtime *rt;
	const char *mode;
	const struct eb_workload *w;
	enum eb_network network;    /* the path between the harness and the server */
	int firewall;               /* our nftables table on that path */
	json_t *json;
	char err[1400];
	int done;                   /* failed, unsupported or interrupted: skipped from now on */
	struct eb_launcher lx;      /* how its instances start (lx.cg: density's cgroup, else NULL) */
	struct eb_instance in;
	int in_up;
	struct eb_acc *acc;
	size_t n_acc;
	struct eb_wl_expect expect;
	uint64_t run_est_ns;        /* batch: the warm-up run's duration */
	uint64_t batch_spent_ns;
	double last_peak_rss;       /* the last batch run's own peak RSS seen while it ran, bytes (-1: none) */
	double warmup_peak_rss;     /* the warm-up run's, read finely (-1: none) */
	unsigned runs_done;
	int budget_stopped;
	struct {                    /* sustained: totals over rounds (keep-alive, close, read/write mix) */
		uint64_t requests, elapsed_ns, user_ns, sys_ns;
		int cpu_ok;
		const char *cpu_source;
	} sus[3];
	/* database workloads: the reads every load phase sends (GET /items/N over the data set), the
	 * read/write mix (EB_MIX_READS reads per POST), and what the checks counted */
	char seed[300];
	char read_paths[EB_READ_MIX][24];
	struct eb_load_request read_mix[EB_READ_MIX];
	struct eb_load_request rw_mix[EB_RW_MIX];
	char post_bodies[EB_RW_POSTS][1500];
	struct {
		uint64_t created, rows_checked, rows_wrong;
		char first_wrong[200];
	} db;
};

/* One row of the phase table. */
struct eb_phase {
	const char *name;
	enum eb_workload_kind kind;
	int interleaved;            /* trial i of every cell before trial i+1 of any */
	int on_instance;            /* runs on the cell's long-lived warm instance */
	unsigned (*trials)(const struct eb_cell *c);
	int (*run)(struct eb_cell *c, unsigned trial);
	uint64_t (*estimate_ns)(const struct eb_cell *c);   /* per trial */
	int budgeted;               /* trials stop once the cell's time budget is spent */
	int refines_estimate;       /* running it tells what the cell's later trials cost */
};

extern const struct eb_phase eb_phases[];
extern const size_t eb_phase_count;

/* Set up a cell (port, log, command); -ENOTSUP when the runtime cannot run it, reason in c->err. */
__attribute__((warn_unused_result))
int eb_cell_init(struct eb_cell *c, struct eb_workspace *ws, const struct eb_plan *plan,
		 const struct eb_cell_spec *spec);
/* Write the cell's collected series to the results and forget them. */
int eb_cell_flush(struct eb_cell *c);
/* The end of a cell: "failed", "unsupported" or "interrupted", with its reason. */
void eb_cell_done(struct eb_cell *c, const char *status, const char *why);
/* Summaries only known at the end (run counts, sustained totals, zero_errors); closes the log. */
void eb_cell_finish(struct eb_cell *c);
/* The cell's long-lived warm instance, started and attached once; and its end. */
__attribute__((warn_unused_result))
int eb_cell_ensure_instance(struct eb_cell *c);
void eb_cell_drop_instance(struct eb_cell *c);
/* Is the warm instance (if up) still running?  0, or -ECHILD with "exited (status) during what" in c->err. */
int eb_cell_check_instance(struct eb_cell *c, const char *what);
/* Has a budgeted phase's trial t run out of the cell's time budget?  (Never before EB_MIN_RUNS.) */
int eb_cell_over_budget(struct eb_cell *c, unsigned t);

#endif
