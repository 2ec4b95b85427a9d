/*
 * workload: the programs under test, as data.  Each row says what kind of
 * program it is (the suite picks its phases by kind), its artefact names,
 * the arguments it takes, how many timed runs it gets and which option sets
 * them, and how to check what it printed.  A runtime turns a row into a
 * command line; nothing else in edgebench knows a workload by name.
 */
#ifndef EB_WORKLOAD_H
#define EB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

enum eb_workload_kind {
	EB_WL_SERVER,   /* long-running HTTP server: cold start, warm, load, footprint */
	EB_WL_BATCH,    /* runs to completion: launch -> exit timings */
};

enum eb_wl_args {
	EB_WL_ARGS_NONE,        /* no arguments */
	EB_WL_ARGS_SERVER,      /* [--addr 127.0.0.1] --port P */
	EB_WL_ARGS_ITERATIONS,  /* the iteration count (plan.iterations) */
};

/* What a batch run must print, worked out once per cell. */
struct eb_wl_expect {
	uint64_t iterations;
	char text[128];             /* e.g. the expected digest, or the exact line */
};

/* What a batch run printed that is worth keeping. */
struct eb_wl_output {
	int has_compute;
	double compute_ns;          /* the workload's own timing of its loop */
};

/* What a workload has (struct eb_workload.flags). */
#define EB_WL_STATE_COUNTER  1u   /* GET /state counts requests on one instance */
#define EB_WL_DATABASE       2u   /* each instance opens its own copy of a seeded database (--db PATH) */
#define EB_WL_REBUILDABLE    4u   /* full cold: runtimes with a build step rebuild it from source */
#define EB_WL_STUDY          8u   /* the reference study measured it: --method study measures it its way too */

/* The database workloads' data set and files. */
#define EB_WL_SEED_ITEMS     10000u
#define EB_WL_DB_FILE        "items.db"

struct eb_workload {
	const char *name;
	enum eb_workload_kind kind;
	const char *binary;         /* native artefact; wasm modules are <binary>.wasm */
	const char *summary;
	enum eb_wl_args args;
	unsigned flags;             /* EB_WL_* */
	const char *path;           /* servers: what the first 200 is probed on and load phases GET */
	const char *build_needs;    /* NULL, or what building it needs (its artefacts may be missing) */
	/* batch: timed runs, the option that changes them, and the check */
	unsigned default_runs;
	const char *runs_option;    /* e.g. "hash-runs" (for --hash-runs) */
	/* what a correct run prints, from the iteration count (NULL: nothing to work out) */
	void (*expect)(uint64_t iterations, struct eb_wl_expect *e);
	/* 0, or -EPROTO with a one-line reason in why */
	int (*check)(const struct eb_wl_expect *e, const char *stdout_text, struct eb_wl_output *o,
		     char *why, size_t cap);
};

extern const struct eb_workload eb_workloads[];
extern const unsigned eb_workload_count;

/* Upper bound of eb_workload_count, for per-workload arrays. */
#define EB_MAX_WORKLOADS 8

const struct eb_workload *eb_workload_find(const char *name);

/* Index of w in eb_workloads. */
unsigned eb_workload_index(const struct eb_workload *w);

/* "key=<value>" out of a workload's output (value up to a blank); 0 or -1. */
int eb_wl_field(const char *out, const char *key, char *val, size_t cap);

#endif
