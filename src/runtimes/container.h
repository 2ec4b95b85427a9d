/*
 * container: what the Docker-based runtimes (docker, gvisor) share: talking
 * to the engine through its CLI, the FROM-scratch image of our static
 * workload binaries, cgroup-based footprint, and cleanup of everything named
 * "edgebench-*".
 *
 * Networking is loopback only: every container runs with --network host and
 * the workload binds 127.0.0.1.  No image is ever pulled.
 */
#ifndef EB_CONTAINER_H
#define EB_CONTAINER_H

#include <jansson.h>
#include <stddef.h>

#include "runtimes/runtime.h"

/* The docker CLI to use: Debian's /usr/bin/docker when present (it matches
 * the Debian engine), else "docker" from PATH. */
const char *eb_docker_cli(void);

/* Engine availability and versions; oci_runtime is "runc" or "runsc". */
/* The context Docker and gVisor share (their rows' state): the image of this run. */
struct eb_containers {
	char image_tag[96];         /* "edgebench-workloads:run-<pid>", set by prepare */
	int built;
	double build_ms;
};
extern struct eb_containers eb_containers;

void eb_container_detect(const char *oci_runtime, struct eb_rt_status *st);

/* Build the run's image once (shared by docker and gvisor). */
int eb_container_prepare(void *state, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap);

/*
 * "docker run --rm --name <instance> --network host [--runtime=runsc] IMAGE
 * /<workload> ...".  The runtime's mode names the OCI runtime ("runc",
 * "runsc"), so docker and gvisor share this as their command hook.
 */
int eb_container_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
			 const struct eb_workload *w, struct eb_argv *a);

int eb_container_attach(void *state, struct eb_instance *in, char *err, size_t errcap);
int eb_container_sample(void *state, struct eb_instance *in, struct eb_sample *out);
int eb_container_shared_sample(void *state, struct eb_sample *out);
void eb_container_stop(void *state, struct eb_instance *in);
void eb_container_cleanup(void *state);
int eb_container_rebuild(void *state, const struct eb_launch_ctx *ctx, const char *mode, char *err, size_t errcap);

#endif
