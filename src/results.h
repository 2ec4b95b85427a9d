/*
 * results: where measurements go.  A results directory holds
 *
 *   raw/<runtime>/<mode>/<workload>/<series>.log   every sample, one per line
 *   results.json                                   every sample + summaries
 *
 * Raw logs are written as each series completes; results.json is written
 * once at the end, to a temporary name then renamed, with a "status" field
 * ("complete", "failed", "interrupted") so no reader mistakes a partial run
 * for a complete one.  The schema is docs/results-schema.md.
 */
#ifndef EB_RESULTS_H
#define EB_RESULTS_H

#include <jansson.h>
#include <stddef.h>

#define EB_SCHEMA_VERSION 1

struct eb_results {
	char dir[1024];
	json_t *doc;        /* the whole document */
	json_t *cells;      /* doc.cells */
};

/*
 * Create (or take an empty) directory and start a document.  Refuses a
 * directory that already holds results.json (-EEXIST) so earlier results
 * are never overwritten.  errbuf receives a one-line reason on failure.
 */
__attribute__((warn_unused_result))
int eb_results_open(const char *dir, struct eb_results *r, char *errbuf, size_t errcap);

/* A new cell object appended to doc.cells (borrowed reference). */
json_t *eb_results_cell(struct eb_results *r, const char *runtime, const char *mode,
			const char *workload);

/*
 * Add a series of samples to a cell: its summary goes into the JSON next to
 * every sample, and the raw log raw/<rt>/<mode>/<wl>/<name>.log is written.
 * header_lines, when not NULL, are extra "# ..." lines for the raw log.
 */
__attribute__((warn_unused_result))
int eb_results_add_series(struct eb_results *r, json_t *cell, const char *name,
			  const char *unit, const char *description,
			  const double *samples, size_t n, const char *header_lines);

/* Write results.json atomically with the given status.  0 or -errno. */
__attribute__((warn_unused_result))
int eb_results_finish(struct eb_results *r, const char *status);

void eb_results_close(struct eb_results *r);

/* Write a whole file atomically (tmp + fsync + rename); 0 or -errno. */
__attribute__((warn_unused_result))
int eb_write_file_atomic(const char *path, const char *data, size_t len);

/* mkdir -p; 0 or -errno. */
__attribute__((warn_unused_result))
int eb_mkdirs(const char *path);

/* rm -r of a directory we own (no symlinks followed). */
void eb_rm_tree(const char *dir);

/*
 * Per-run scratch directories: /tmp/edgebench-<tag>-<pid>.  eb_workdir()
 * creates ours (on failure out is emptied and err says why);
 * eb_workdir_cleanup() removes ours and those of runs whose process is gone
 * (a crash), never a live run's.
 */
__attribute__((warn_unused_result))
int eb_workdir(const char *tag, char *out, size_t cap, char *err, size_t errcap);
void eb_workdir_cleanup(const char *tag);

#endif
