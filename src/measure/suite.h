/*
 * suite: the measurement plan, as data, and the scheduler that runs it.
 *
 * A cell is one (runtime, mode, workload).  What a cell does is a table of
 * phases (suite.c): for a server, a priming start, cold starts, full cold
 * starts, warm-up, sequential GET / and /state, bursts, sustained load in
 * rounds, density; for a batch program, a warm-up run and timed runs.
 * Phases that repeat trials (cold starts, full cold, sustained rounds,
 * batch runs) are interleaved: trial i of every cell of a workload runs
 * before trial i+1 of any, in an order shuffled per round from the plan's
 * seed, with a calibration of the machine's speed before every round.  The
 * other phases run cell by cell.  Every series a phase adds is declared in
 * the catalogue (series.h).  Results go to the cells and the document;
 * nothing here prints (progress goes through the plan's hooks).
 */
#ifndef EB_SUITE_H
#define EB_SUITE_H

#include <jansson.h>
#include <stdint.h>

#include "net/netpath.h"
#include "data/results.h"
#include "runtimes/runtime.h"
#include "plan/schedule.h"
#include "catalog/workload.h"

/* The path between the harness and a server (netpath.h). */
enum eb_network { EB_NET_LOOPBACK = 0, EB_NET_VETH = 1 };

/* A batch cell stops at its time budget only after this many timed runs. */
#define EB_MIN_RUNS 3u

struct eb_plan {
	const char *artifact_dir;
	const char *wasm_dir;
	uint16_t port;                 /* 0: a free port is chosen per cell */
	unsigned cold_trials;          /* study: cold start per trial */
	unsigned warmup_requests;      /* study: 5 */
	unsigned warm_requests;        /* study: 50 sequential */
	unsigned burst_requests;       /* study: 200 ... */
	unsigned burst_concurrency;    /* ... at concurrency 10 */
	unsigned bursts;               /* repetitions of the burst */
	uint64_t sustained_ns;         /* sustained load per mode, over all rounds */
	unsigned sustained_rounds;     /* ... split in this many interleaved rounds */
	unsigned sustained_connections;
	/* the latency curve: open loop at these percentages of the cell's
	 * closed-loop keep-alive throughput (from the sustained rounds) */
	unsigned curve_pct[8];
	unsigned n_curve;              /* 0: no curve */
	uint64_t curve_ns;             /* open-loop time per point */
	unsigned curve_connections;    /* connection cap of the open loop */
	uint64_t p99_threshold_ns;     /* the report marks where p99 crosses it */
	/* scale from zero: N instances launched at once, for each N here */
	unsigned burst_sizes[8];
	unsigned n_burst_sizes;        /* 0: none */
	uint64_t start_timeout_ns;     /* a start that never answers */
	uint64_t probe_spacing_ns;
	uint64_t iterations;           /* cpu-hash; study: 2,000,000 */
	unsigned runs[EB_MAX_WORKLOADS]; /* batch: timed runs, by index in eb_workloads */
	uint64_t cell_budget_ns;       /* batch: stop a cell's runs after this much (>= EB_MIN_RUNS runs) */
	unsigned full_cold_trials;     /* study Table 5: 3 (runtimes with a rebuild step) */
	/* density to the limit: instances started one after another in a cgroup
	 * of ours until its memory reaches the budget, a start fails, or a cap */
	unsigned density_max;          /* count cap (0: skip density) */
	uint64_t density_budget_bytes;
	uint64_t density_time_ns;      /* time cap per cell */
	uint64_t batch_timeout_ns;
	enum eb_order order;
	uint64_t seed;                 /* shuffles the order of every round */
	double noise_threshold;        /* calibration off its median by more than this marks a round */
	const char *log_dir;           /* workload stderr goes here */
	struct eb_netpath *net;        /* the veth path and firewall, when a cell uses them (else NULL) */
	int study_method;              /* also measure servers with the study's curl instrument (study.h) */
	/* where to say what is being measured (NULL: nowhere); the suite itself never prints */
	void (*progress)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* a live line */
	void (*note)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));       /* a line that stays */
};

/* "loopback" or "veth". */
const char *eb_network_name(enum eb_network n);

/* The plan with the study's numbers. */
void eb_plan_defaults(struct eb_plan *p);

/* One cell to measure: its JSON object is already in the results document. */
struct eb_cell_spec {
	const struct eb_runtime *rt;
	const char *mode;
	const struct eb_workload *w;
	json_t *json;
	enum eb_network network;
	int firewall;
};

/*
 * Measure every cell.  A cell that fails is recorded as failed (status,
 * error) and the others go on; an unsupported one as unsupported.  The
 * schedule that ran and the calibration of every round go into res->doc
 * ("schedule", "calibration").  Returns 0 when every cell ran (some may
 * have failed: see *failed), -EINTR when interrupted (unfinished cells are
 * marked "interrupted"; what was measured is kept), or -ENOMEM.
 */
__attribute__((warn_unused_result))
int eb_suite_run(const struct eb_plan *plan, struct eb_cell_spec *cells, size_t n,
		 struct eb_results *res, int *failed);

/* A rough estimate of eb_suite_run's duration, for the user to decide. */
uint64_t eb_suite_estimate_ns(const struct eb_plan *plan, const struct eb_cell_spec *cells, size_t n);

/*
 * Start one server instance on 127.0.0.1:port and keep it up until
 * SIGINT/SIGTERM (edgebench serve), so any tool can be pointed at any
 * runtime.  on_ready is called once it answers 200.  Returns 0 after an
 * interrupt, or a negative errno with a one-line reason in err.
 */
__attribute__((warn_unused_result))
int eb_suite_serve(const struct eb_plan *plan, const struct eb_runtime *rt, const char *mode,
		   const struct eb_workload *w, uint16_t port,
		   void (*on_ready)(void *arg, uint64_t ready_ns, const char *command), void *arg,
		   char *err, size_t errcap);

#endif
