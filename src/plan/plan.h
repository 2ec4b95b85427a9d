/*
 * plan: what a run measures, as data: the plan (every number a user can
 * set, with the study's defaults), the network conditions, and one cell to
 * measure.  The options that set the plan are one table (plan/options.h).
 * Uses the catalogue (workloads) and the runtime table; nothing else.
 */
#ifndef EB_PLAN_H
#define EB_PLAN_H

#include <jansson.h>
#include <stdint.h>

#include "catalog/workload.h"
#include "plan/schedule.h"
#include "runtimes/runtime.h"

struct eb_netpath;   /* net/netpath.h: the veth path, when a cell uses it */

/* The path between the harness and a server (net/netpath.h). */
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

#endif
