/*
 * serve: an instance from launch details, up until interrupted.
 */
#include "measure/serve.h"
#include "measure/instance.h"
#include "measure/dataset.h"
#include "sys/proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int eb_serve(const struct eb_plan *plan, const struct eb_runtime *rt, const char *mode,
	     const struct eb_workload *w, uint16_t port,
	     void (*on_ready)(void *arg, uint64_t ready_ns, const char *command), void *arg,
	     char *err, size_t errcap)
{
	struct eb_launcher l = {
		.rt = rt, .mode = mode, .w = w,
		.lctx = { .artifact_dir = plan->artifact_dir, .wasm_dir = plan->wasm_dir, .addr = "127.0.0.1",
			  .port = port, .iterations = plan->iterations },
		.ip_be = htonl(INADDR_LOOPBACK), .stderr_fd = STDERR_FILENO, .stderr_path = "/dev/null",
		.start_timeout_ns = plan->start_timeout_ns, .probe_spacing_ns = plan->probe_spacing_ns,
		.err = err, .errcap = errcap,
	};
	char seed[300];
	if (w->flags & EB_WL_DATABASE) {
		int drc = eb_dataset_seed(plan->artifact_dir, w, seed, sizeof(seed), err, errcap);
		if (drc < 0)
			return drc;
		l.seed = seed;
	}
	struct eb_instance in;
	uint64_t ready;
	int rc = eb_instance_start_server(&l, &in, &ready);
	if (rc < 0) {
		eb_dataset_cleanup();
		return rc;
	}
	char cmd[1200];
	eb_argv_join(&l.argv, cmd, sizeof(cmd));
	on_ready(arg, ready, cmd);
	while (!eb_interrupted) {
		struct pollfd pfd = { .fd = in.proc.pidfd, .events = POLLIN };
		if (poll(&pfd, 1, 1000) > 0 && eb_proc_exited(&in.proc)) {
			char st[96];
			eb_describe_status(in.proc.wait_status, st, sizeof(st));
			snprintf(err, errcap, "the %s instance exited (%s)", rt->name, st);
			rc = -ECHILD;
			break;
		}
	}
	eb_instance_stop(&l, &in);
	eb_dataset_cleanup();
	return rc;
}
