/*
 * replay: an invocation trace (plan/trace.h) replayed against one runtime,
 * the way a serverless platform serves it.
 *
 * Each function of the trace has a pool of instances of the runtime under
 * test; an instance serves one invocation at a time (as Lambda does).  An
 * invocation that finds no idle instance of its function starts one, and
 * its latency includes that cold start.  Invocations are released open
 * loop at their due times (trace time / speed) by a dispatcher that only
 * keeps time; up to max_instances workers take them in due order, so an
 * invocation that arrives when every instance is busy and no more may be
 * started waits (throttled, as a concurrency limit does), and that wait is
 * in its latency.  An idle instance lives keep_alive (trace time, so
 * keep_alive / speed of replay time) after its last invocation, or is
 * stopped at once with keep_alive 0; when the instance limit is reached, a
 * cold start evicts the least recently used idle instance of another
 * function.  Every invocation asks the instance's GET /work for its
 * duration of work (spinning or waiting).  A sampler reads each live
 * instance's memory (PSS, or the container's own figure) and counts them.
 *
 * Measurement code: never prints; everything is kept raw in the result.
 */
#ifndef EB_REPLAY_H
#define EB_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/workload.h"
#include "plan/trace.h"
#include "runtimes/runtime.h"

#define EB_HYBRID_BINS 240             /* 1-minute bins: 4 hours */
#define EB_HYBRID_MIN_IDLE 10          /* idle times before the histogram is trusted */

struct eb_replay_config {
	const struct eb_trace *trace;
	double speed;                /* trace seconds per replay second (>= 0.001) */
	uint64_t keep_alive_ns;      /* trace time an idle instance is kept; 0: stopped after each invocation */
	/*
	 * The hybrid histogram policy of "Serverless in the Wild" (ATC'20)
	 * instead of a fixed keep-alive: per function, a histogram of its idle
	 * times (1-minute bins of trace time up to 4 hours); once it holds
	 * EB_HYBRID_MIN_IDLE of them, the instance is stopped after each
	 * invocation and pre-warmed at the 5th percentile (less 10%), kept
	 * until the 99th (plus 10%); with a 5th percentile under a minute, kept
	 * alive until the 99th; before that, kept the whole 4 hours.  Idle
	 * times beyond 4 hours are counted out of bounds (the paper's ARIMA
	 * fallback for them is not modelled).
	 */
	int hybrid;
	int durations_scaled;        /* 1: durations divided by speed too (the trace on a faster clock) */
	uint64_t max_duration_ns;    /* durations above it (trace time) are cut to it; 0: none */
	int spin;                    /* 1: the work spins the CPU, 0: it waits (an I/O-bound function) */
	unsigned max_instances;      /* live instances at once, across functions (>= 1) */
	unsigned max_starting;       /* instance starts under way at once (>= 1); a cold invocation beyond waits */
	uint64_t drain_ns;           /* after the last due time, invocations not yet picked are dropped (bounded replays) */
	uint64_t sample_period_ns;   /* the memory sampler's period (replay time) */
	uint64_t start_timeout_ns, probe_spacing_ns;
	uint16_t base_port;          /* instance slot i listens on 127.0.0.1:base_port+i */
	int stderr_fd;               /* every instance's stderr (-1: none), in stderr_path, whose last line a failed start quotes */
	const char *stderr_path;
	const char *artifact_dir, *wasm_dir;
	/*
	 * A platform (wasmCloud's host mode): one running host, the platform
	 * process driven over its stdin (wc_operator.h's control commands);
	 * an instance is a workload deployed on it ("start"), reached by its
	 * own Host name on the host's one HTTP port, removed with "stop"; the
	 * cold start is that deploy.  Memory and CPU are the host's, shared.
	 */
	int platform;
};

/* One invocation as it happened; times in ns since the replay's t0. */
struct eb_replay_inv {
	uint64_t due;                /* when the trace says it arrives (scaled) */
	uint64_t released;           /* when the dispatcher released it (due + generator lateness) */
	uint64_t picked;             /* when a worker took it (released + waiting for a worker) */
	uint64_t sent;               /* request written to a ready instance (after any cold start) */
	uint64_t done;               /* response complete, or the failure seen */
	uint64_t work_us;            /* the work it asked for */
	uint32_t function;
	int32_t instance;            /* index in instances, -1: none started */
	int status;                  /* HTTP status, or a negative errno */
	int cold;                    /* it started its instance */
	int evicted;                 /* its start evicted another function's idle instance */
};

/* One instance: its life and what it cost. */
struct eb_replay_instance {
	uint32_t function;
	uint64_t launched, ready, stopped;   /* since t0; ready 0: never answered */
	uint32_t invocations;
	double cpu_s;                /* CPU time of the instance at its stop (-1: the runtime cannot tell) */
	double peak_bytes;           /* largest memory sample */
	char why[24];                /* how it ended: "keep-alive", "after-invocation", "evicted", "end", "failed" */
	int prewarmed;               /* started ahead of its invocation (hybrid policy) */
};

/* The sampler's view at one moment. */
struct eb_replay_point {
	uint64_t t;                  /* since t0 */
	uint32_t live, busy, starting;   /* instances: all, serving, starting */
	uint32_t waiting;            /* cold starts waiting for a turn to start (slots taken, no instance yet) */
	double bytes, idle_bytes;    /* memory of the ready instances, and of the idle ones among them */
};

struct eb_replay_result {
	uint64_t t0_ns;              /* CLOCK_MONOTONIC of the replay's time 0 */
	uint64_t end_ns;             /* since t0, the replay's end: the pool closed, every instance still up ends here */
	uint64_t teardown_ns;        /* then stopping them took this long (not counted in any instance's life) */
	struct eb_replay_inv *inv;   /* trace order */
	size_t n_inv;
	struct eb_replay_instance *inst;
	size_t n_inst, inst_cap;
	struct eb_replay_point *pts;
	size_t n_pts, pts_cap;
	size_t clamped;              /* durations cut to max_duration */
	const char *memory_figure;   /* the sample's figure used ("pss", "tree_pss", "cgroup_memory") */
	const char *cpu_source;      /* NULL: none */
	int interrupted;
	int realtime_dispatcher;     /* the dispatcher ran at SCHED_FIFO (root) */
	double platform_ready_ms;    /* a platform: its own start, launch to first 200 (not an invocation's); -1: none */
	double platform_cpu_s;       /* a platform: its CPU over the replay (rusage at its stop); -1: none */
	char first_error[300];       /* the first failed start or request, "" if none */
	size_t failed;               /* invocations without a 200 */
	size_t dropped;              /* of those, dropped unserved after the drain time (-ETIME) */
};

/*
 * Replay cfg->trace on rt/mode with workload w (a server with /work).
 * 0 (the result filled, failures counted in it) or a negative errno with
 * one line in err (nothing could run).  Free with eb_replay_result_free.
 */
__attribute__((warn_unused_result))
int eb_replay_run(const struct eb_runtime *rt, const char *mode, const struct eb_workload *w,
		  const struct eb_replay_config *cfg, struct eb_replay_result *out, char *err, size_t errcap);

void eb_replay_result_free(struct eb_replay_result *r);

/*
 * One unmeasured start and stop of an instance on 127.0.0.1:cfg->base_port,
 * before a runtime's replays: it primes what every later start finds
 * (Wasmtime's cache, the page cache) and proves the runtime can serve.
 * 0 or a negative errno with one line in err.
 */
__attribute__((warn_unused_result))
int eb_replay_prime(const struct eb_runtime *rt, const char *mode, const struct eb_workload *w,
		    const struct eb_replay_config *cfg, char *err, size_t errcap);

/* The request path for an invocation's work: "/work?us=N&how=cpu|wait". */
int eb_replay_work_path(char *buf, size_t cap, uint64_t us, int spin);

#endif
