/*
 * analysis/replay: what one replay's raw record (results.json "replays"[i]:
 * every invocation, every instance, the sampler's timeline) says, derived
 * the same way for the terminal, the report, the CSV and the tests.
 */
#ifndef EB_ANALYSIS_REPLAY_H
#define EB_ANALYSIS_REPLAY_H

#include <jansson.h>
#include <stddef.h>

/* The raw columns, in this order (results.json names them too). */
#define EB_REPLAY_INV_COLUMNS "function", "due_us", "released_us", "picked_us", "sent_us", "done_us", \
	"work_us", "cold", "instance", "status", "evicted"
enum { RI_FN, RI_DUE, RI_REL, RI_PICK, RI_SENT, RI_DONE, RI_WORK, RI_COLD, RI_INST, RI_STATUS, RI_EVICTED, RI_NCOL };
#define EB_REPLAY_INST_COLUMNS "function", "launched_us", "ready_us", "stopped_us", "invocations", "cpu_s", \
	"peak_bytes", "ended_by", "prewarmed"
enum { RN_FN, RN_LAUNCH, RN_READY, RN_STOP, RN_INV, RN_CPU, RN_PEAK, RN_WHY, RN_PREWARM, RN_NCOL };
/* waiting: since 2026-12-01 (before, live counted those slots as instances) */
#define EB_REPLAY_POINT_COLUMNS "t_us", "live", "busy", "starting", "bytes", "idle_bytes", "waiting"
enum { RP_T, RP_LIVE, RP_BUSY, RP_START, RP_BYTES, RP_IDLE, RP_WAIT, RP_NCOL };

/* A generator whose p99 lateness is above this fell behind its trace. */
#define EB_REPLAY_LATE_NS 1000000.0

struct eb_replay_figures {
	size_t invocations, ok, failed, cold;
	double cold_fraction;
	/* latency from the due time to the response, ms, over answered invocations */
	double all_p50, all_p99, all_p999, warm_p50, warm_p99, warm_p999, cold_p50, cold_p99, cold_p999;
	size_t n_warm, n_cold, evictions;
	/* what the platform added: latency minus the invocation's own work, ms */
	double added_warm_p50, added_warm_p99, added_cold_p50, added_cold_p99;
	double late_p50_ms, late_p99_ms, late_max_ms;   /* the generator's own lateness (released - due) */
	int fell_behind;
	double wait_p99_ms;         /* waiting for a worker: every instance busy at the limit */
	double peak_instances, mean_instances;
	double peak_waiting;         /* cold starts waiting for a turn at once (NAN: an older document, counted in live) */
	double gib_s, idle_gib_s;   /* memory held over the replay's wall time */
	double cpu_s;               /* of instances that could tell (-1: none could) */
	size_t instances, prewarmed;
	double per1k_gib_s, per1k_cpu_s, per1k_cold;
	double seconds;             /* the replay's wall time */
};

/* Figures of one replay object; 0, or -EINVAL when it is malformed. */
int eb_replay_figures(const json_t *replay, struct eb_replay_figures *f);

/*
 * Latencies (ms, sorted) of one replay's answered invocations: which 0 all,
 * 1 warm, 2 cold; minus_work: less the invocation's own work (what the
 * platform added).  Caller frees; NULL with *n 0 when there are none.
 */
double *eb_replay_latencies(const json_t *replay, int which, int minus_work, size_t *n);

#endif
