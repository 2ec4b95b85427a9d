/*
 * report/replay: a replay's results document (kind "replay") as a report:
 * report.md (the question answered per runtime: latency from arrival,
 * cold starts, instances, memory-time and CPU per 1,000 invocations, with
 * rankings no stronger than the repeats allow), replay.csv (one row per
 * replay), replay_instances.svg and replay_latency_cdf.svg.  Every figure
 * is recomputed from the raw rows (analysis/replay.h).
 */
#ifndef EB_REPORT_REPLAY_H
#define EB_REPORT_REPLAY_H

#include <jansson.h>
#include <stdio.h>

/* 0, or a negative errno with one line in err. */
__attribute__((warn_unused_result))
int eb_replay_report(json_t *doc, const char *dir, char *err, size_t errcap);

#include "sys/textbuf.h"

/*
 * Trace replays side by side (`edgebench compare`): what differs in trace
 * and config, then per runtime/mode each run's median over its repeats of
 * the figures that answer the question, with the repeat count; no claim of
 * a difference is made (the spread across repeats is shown instead).
 */
void eb_replay_compare(struct eb_buf *t, json_t **docs, const char *const *dirs, int n);

/* One line per replay on f. */
void eb_replay_print_table(json_t *doc, FILE *f);

#endif
