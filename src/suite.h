/*
 * suite: the measurement plan for one (runtime, mode, workload) cell.
 *
 * Server workloads: cold start trials (each a fresh process, launch -> first
 * HTTP 200), then one instance for warm latency, /state exactness, bursts,
 * sustained load in keep-alive and connection-per-request modes, and
 * footprint.  Batch workloads: timed runs launch -> exit, output checked on
 * every run.  Results go to the cell; nothing here prints.
 */
#ifndef EB_SUITE_H
#define EB_SUITE_H

#include <jansson.h>
#include <stdint.h>

#include "results.h"
#include "runtime.h"
#include "workload.h"

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
	uint64_t sustained_ns;         /* sustained load per mode */
	unsigned sustained_connections;
	uint64_t start_timeout_ns;     /* a start that never answers */
	uint64_t probe_spacing_ns;
	uint64_t iterations;           /* cpu-hash; study: 2,000,000 */
	unsigned hash_runs;
	unsigned full_cold_trials;
	unsigned density_instances;    /* instances started side by side (0: skip) */     /* study Table 5: 3 (runtimes with a rebuild step) */
	unsigned hello_runs;
	uint64_t batch_timeout_ns;
	const char *log_dir;           /* workload stderr goes here */
	/* where to say what is being measured (NULL: nowhere); the suite itself never prints */
	void (*progress)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
};

/* The plan with the study's numbers. */
void eb_plan_defaults(struct eb_plan *p);

/*
 * Measure one cell into `cell`.  Returns 0 when measured (warnings may be
 * recorded in the cell), -EINTR when interrupted, or another negative errno
 * with a one-line reason in err.
 */
__attribute__((warn_unused_result))
int eb_suite_run_cell(const struct eb_plan *plan, const struct eb_runtime *rt,
		      const char *mode, const struct eb_workload *w,
		      struct eb_results *res, json_t *cell, char *err, size_t errcap);

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
