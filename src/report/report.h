/*
 * report: exporters.  Everything here reads a results document (the JSON)
 * and recomputes each summary from the kept samples, so a table can never
 * disagree with the raw data.
 */
#ifndef EB_REPORT_H
#define EB_REPORT_H

#include <jansson.h>
#include <stdio.h>

/* The summary table (median, p90, p99, min, max, n per series) on f. */
void eb_report_table(FILE *f, json_t *doc);

/*
 * Write DIR/report.md and the SVG charts from DIR/results.json.  Returns 0 or a
 * negative errno with a one-line reason in err.
 */
__attribute__((warn_unused_result))
int eb_report_write(const char *dir, char *err, size_t errcap);

#endif
