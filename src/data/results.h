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
#include <stdint.h>

#define EB_SCHEMA_VERSION 2
/* The oldest schema `edgebench report` still reads. */
#define EB_SCHEMA_OLDEST 1

struct eb_results {
	char dir[1024];
	json_t *doc;        /* the whole document */
	json_t *cells;      /* doc.cells */
};

/*
 * Create (or take an empty) directory and start a document.  Refuses a
 * directory that already holds results.json (-EEXIST) so earlier results
 * are never overwritten.  err receives a one-line reason on failure.
 */
__attribute__((warn_unused_result))
int eb_results_open(const char *dir, struct eb_results *r, char *err, size_t errcap);

/* A new cell object appended to doc.cells (borrowed reference). */
json_t *eb_results_cell(struct eb_results *r, const char *runtime, const char *mode,
			const char *workload);

/*
 * Add a series of samples to a cell: its summary goes into the JSON next to
 * every sample, and the raw log raw/<rt>/<mode>/<wl>/<name>.log is written.
 * trials, when not NULL, gives the trial each sample came from (a second
 * column in the raw log, "trials" in the JSON), which pairs it with the
 * baseline's sample of the same round.  header_lines, when not NULL, are
 * extra "# ..." lines for the raw log.
 */
__attribute__((warn_unused_result))
int eb_results_add_series(struct eb_results *r, json_t *cell, const char *name,
			  const char *unit, const char *description,
			  const double *samples, size_t n, const int32_t *trials,
			  const char *header_lines);

/* Write results.json atomically with the given status.  0 or -errno. */
__attribute__((warn_unused_result))
int eb_results_finish(struct eb_results *r, const char *status);

void eb_results_close(struct eb_results *r);

/*
 * Readers of a results document (it comes from disk: never trust its
 * shape): the string value of v, or of obj's key, and "" when absent or
 * not a string.
 */
static inline const char *eb_jsv(const json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

static inline const char *eb_jstr(const json_t *obj, const char *key)
{
	return eb_jsv(json_object_get(obj, key));
}

/* Why the run was emulated (fingerprint.emulated: no figure of it is a measurement), or NULL. */
static inline const char *eb_doc_emulated(const json_t *doc)
{
	return json_string_value(json_object_get(json_object_get(doc, "fingerprint"), "emulated"));
}

/* Is the cell on the default network path (loopback, no firewall; a batch cell has no path)? */
int eb_cell_on_default_path(json_t *cell);

/* The median of a cell's series called name, or -1 when it is absent or empty. */
double eb_series_median(json_t *cell, const char *name);

/*
 * One instance's memory after warm-up, as the runtime measured it (the
 * footprint figures of sys/footprint.c and runtimes/container.c): for a
 * process, the PSS of its process tree; for a container, its cgroup plus its
 * shim's PSS (tree_pss: the container's processes and shim by PSS); and the
 * shared daemons apart.  Medians in bytes; 0 where absent.
 */
struct eb_cell_memory {
	double total;          /* what one instance costs: pss, or cgroup + shim; 0: not measured */
	double pss;            /* a process runtime's PSS of the process tree */
	double cgroup, shim;   /* a container's cgroup and its containerd-shim's PSS */
	double tree_pss;       /* a container's processes and shim by PSS (the additive figure) */
	double own;            /* pss, else tree_pss: the instance's own share by PSS */
	double shared;         /* the shared daemons' PSS (dockerd, containerd), not the instance's */
};
void eb_cell_memory(json_t *cell, struct eb_cell_memory *m);

/* The series object of a cell called name (borrowed), or NULL. */
json_t *eb_find_series(json_t *cell, const char *name);

/*
 * The samples of a cell's series called name, each divided by div, in a
 * malloc'd array of *n (the caller frees); NULL when the series is absent,
 * empty, or memory ran out.
 */
double *eb_series_samples(json_t *cell, const char *name, double div, size_t *n);

#endif
