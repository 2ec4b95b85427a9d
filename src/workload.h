/*
 * workload: the programs under test, as data.  A runtime turns a workload
 * into a command line; the suite knows only the workload's kind.
 */
#ifndef EB_WORKLOAD_H
#define EB_WORKLOAD_H

enum eb_workload_kind {
	EB_WL_SERVER,   /* long-running HTTP server: cold start, warm, load, footprint */
	EB_WL_BATCH,    /* runs to completion: launch -> exit timings */
};

struct eb_workload {
	const char *name;
	enum eb_workload_kind kind;
	const char *binary;       /* file name of the native artifact */
	const char *summary;
};

extern const struct eb_workload eb_workloads[];
extern const unsigned eb_workload_count;

const struct eb_workload *eb_workload_find(const char *name);

#endif
