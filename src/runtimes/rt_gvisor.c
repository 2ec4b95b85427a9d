/*
 * rt_gvisor: the same container under gVisor (runsc), whose kernel is a
 * user-space sandbox: the middle ground between containers and microVMs.
 * runsc must be registered with Docker with runtimeArgs ["--network=host"]
 * (scripts/setup.sh does it); without that it refuses host networking.
 */
#include "runtimes/container.h"

static const struct eb_rt_mode gvisor_modes[] = {
	{ .name = "runsc", },
	{ .name = NULL },
};

static void gvisor_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	(void)state;
	(void)ctx;
	eb_container_detect("runsc", st);
}

const struct eb_runtime eb_rt_gvisor = {
	.name = "gvisor",
	.summary = "Docker Engine with gVisor (runsc), same image",
	.modes = gvisor_modes,
	.data_path = "a bind mount of the directory at /data, served to the sandbox by gVisor's gofer",
	.flags = EB_RT_JOINS_CGROUP | EB_RT_REBUILDS | EB_RT_SHARED_DAEMON,
	.state = &eb_containers,
	.detect = gvisor_detect,
	.command = eb_container_command,   /* the mode is the OCI runtime */
	.prepare = eb_container_prepare,
	.cleanup = eb_container_cleanup,
	.attach = eb_container_attach,
	.sample = eb_container_sample,
	.shared_sample = eb_container_shared_sample,
	.stop = eb_container_stop,
	.rebuild = eb_container_rebuild,
};
