/*
 * rt_docker: the workloads in a Docker container (runc), FROM scratch,
 * --network host.  Cold start is `docker run` launched -> first HTTP 200.
 */
#include "runtimes/container.h"

static const struct eb_rt_mode docker_modes[] = {
	{ .name = "runc", },
	{ .name = NULL },
};

static void docker_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	(void)state;
	(void)ctx;
	eb_container_detect("runc", st);
}

const struct eb_runtime eb_rt_docker = {
	.name = "docker",
	.summary = "Docker Engine with runc, FROM-scratch image of the static binaries",
	.modes = docker_modes,
	.data_path = "a bind mount of the directory at /data (docker run --volume), the host filesystem through runc",
	.flags = EB_RT_JOINS_CGROUP | EB_RT_REBUILDS | EB_RT_SHARED_DAEMON,
	.state = &eb_containers,
	.detect = docker_detect,
	.command = eb_container_command,   /* the mode is the OCI runtime */
	.prepare = eb_container_prepare,
	.cleanup = eb_container_cleanup,
	.attach = eb_container_attach,
	.sample = eb_container_sample,
	.shared_sample = eb_container_shared_sample,
	.stop = eb_container_stop,
	.rebuild = eb_container_rebuild,
};
