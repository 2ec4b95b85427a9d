/*
 * instance: one runtime instance of a workload, from its launch details
 * (runtime, mode, workload, where it listens, where its stderr goes, the
 * cgroup it is born in): launch, start a server and wait for its first
 * 200, stop.  It knows nothing of cells, phases or results, so `serve`
 * and the cell start instances the same way.  Never prints: errors are
 * one line in the launcher's err ("runtime/mode/workload: why").
 */
#ifndef EB_INSTANCE_H
#define EB_INSTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/workload.h"
#include "runtimes/runtime.h"
#include "sys/cgroup.h"

struct eb_launcher {
	const struct eb_runtime *rt;
	const char *mode;
	const struct eb_workload *w;
	struct eb_launch_ctx lctx;  /* address, port, artifacts; .instance is set per launch */
	struct eb_argv argv;        /* the last command built */
	uint32_t ip_be;             /* where the server answers (lctx.addr) */
	int stderr_fd;
	char stderr_path[1200];     /* for the last line of a failed start */
	struct eb_cgroup *cg;       /* NULL, or the cgroup a launched instance is born in */
	uint64_t start_timeout_ns;  /* a server that gives no 200 by then fails */
	uint64_t probe_spacing_ns;
	const char *seed;           /* database workloads: the seeded database each launch gets a copy of */
	int control;                /* a platform driven over its stdin/stdout (proc.stdin_fd, proc.stdout_fd) */
	char *const *envp;          /* NULL: ours */
	char *err;                  /* the caller's buffer for one line */
	size_t errcap;
};

/* Build the command for a fresh instance name and start it (stdout captured if asked). */
__attribute__((warn_unused_result))
int eb_instance_launch(struct eb_launcher *l, int capture, struct eb_instance *in);

/*
 * Launch a server and probe it until its first 200; *ready_ns is launch to
 * 200.  On failure the instance is stopped: -EADDRINUSE (port busy),
 * -ECHILD (exited first: in->proc.wait_status says how), -ETIMEDOUT, -EINTR.
 */
__attribute__((warn_unused_result))
int eb_instance_start_server(struct eb_launcher *l, struct eb_instance *in, uint64_t *ready_ns);

void eb_instance_stop(const struct eb_launcher *l, struct eb_instance *in);

/* The last non-empty line the instance wrote to its stderr log. */
void eb_instance_last_line(const struct eb_launcher *l, char *out, size_t cap);

/* A one-line error in l->err, prefixed with runtime/mode/workload; returns rc. */
int eb_instance_fail(struct eb_launcher *l, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
