/*
 * The results.json readers: whatever document `edgebench report` (and
 * `compare`) is handed
 * (a truncated file, a hand-edited one, another tool's JSON), it renders a
 * report or refuses with a reason, and never crashes.  The input is parsed
 * by jansson, then the report, the terminal table and the comparisons run
 * on it, writing into a scratch directory.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "analysis/compare.h"
#include "analysis/verdict.h"
#include "sys/fsutil.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

/* libFuzzer ends with exit(): our scratch directory goes with it */
static void cleanup(void)
{
	if (dir[0])
		eb_rm_tree(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/edgebench-fuzz-%d", (int)getpid());
		if (eb_mkdirs(dir) < 0)
			abort();
		atexit(cleanup);
	}
	char path[128], err[512];
	snprintf(path, sizeof(path), "%s/results.json", dir);
	if (eb_write_file_atomic(path, (const char *)data, size) < 0)
		abort();
	(void)eb_report_write(dir, err, sizeof(err));
	/* and `edgebench compare`, the run set against itself (its output to a file) */
	char cmp_md[128];
	snprintf(cmp_md, sizeof(cmp_md), "%s/compare.md", dir);
	char *argv[] = { "compare", "--out", cmp_md, dir, dir, NULL };
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w");
	if (stdout) {
		(void)eb_cmd_compare(5, argv);
		fclose(stdout);
	}
	stdout = saved;
	json_t *doc = json_loadb((const char *)data, size, 0, NULL);
	if (doc) {
		FILE *null = fopen("/dev/null", "w");
		if (null) {
			eb_report_table(null, doc);
			fclose(null);
		}
		json_t *cmp = eb_compare_cells(json_object_get(doc, "cells"), "native", "native");
		json_decref(cmp);
		cmp = eb_compare_conditions(json_object_get(doc, "cells"));
		json_decref(cmp);
		/* the verdicts read every cell's series, trials and values */
		cmp = eb_verdicts(doc);
		json_decref(cmp);
		json_decref(doc);
	}
	return 0;
}
