/*
 * runtime: how a workload is launched, as data.  Each runtime is one entry
 * (in its own rt_*.c file) that can say whether it is usable here and why
 * not, and turn (mode, workload) into a command line.  The suite never
 * knows which runtime it is driving.
 */
#ifndef EB_RUNTIME_H
#define EB_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "workload.h"

struct eb_rt_status {
	int available;
	char version[256];
	char why[256];      /* when not available */
	char hint[256];     /* how to make it available */
};

struct eb_launch_ctx {
	const char *artifact_dir;   /* directory holding the native workload binaries */
	uint16_t port;              /* servers listen on 127.0.0.1:port */
	uint64_t iterations;        /* cpu-hash */
};

/* A command line built in place: argv points into buf. */
struct eb_argv {
	int argc;
	char *argv[64];
	char buf[4096];
	size_t used;
};

__attribute__((format(printf, 2, 3), warn_unused_result))
int eb_argv_push(struct eb_argv *a, const char *fmt, ...);
void eb_argv_reset(struct eb_argv *a);
/* Space-joined command line for logs. */
void eb_argv_join(const struct eb_argv *a, char *out, size_t cap);

struct eb_runtime {
	const char *name;
	const char *summary;
	const char *const *modes;   /* NULL-terminated; the first is the default */
	void (*detect)(const struct eb_launch_ctx *ctx, struct eb_rt_status *st);
	/* Build the command; -ENOTSUP when this runtime does not run w. */
	int (*command)(const struct eb_launch_ctx *ctx, const char *mode,
		       const struct eb_workload *w, struct eb_argv *out);
};

/* NULL-terminated table of every runtime edgebench knows. */
extern const struct eb_runtime *const eb_runtimes[];

const struct eb_runtime *eb_runtime_find(const char *name);

#endif
