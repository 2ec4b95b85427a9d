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

/* One line per replay on f. */
void eb_replay_print_table(json_t *doc, FILE *f);

#endif
