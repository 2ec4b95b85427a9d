/*
 * rt_native: the baseline.  The workloads' own static binaries, exec'ed
 * directly; its cold start is the floor every other runtime is compared with.
 */
#include "runtimes/runtime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"

static const struct eb_rt_mode native_modes[] = {
	{ .name = "native", },
	{ .name = NULL },
};

static void native_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	(void)state;
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < eb_workload_count; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", ctx->artifact_dir, eb_workloads[i].binary);
		if (eb_workloads[i].build_needs)
			continue;   /* optional: its cells say what it needs */
		if (access(path, X_OK) != 0) {
			snprintf(st->why, sizeof(st->why), "workload binary %.200s is missing", path);
			snprintf(st->hint, sizeof(st->hint), "make build");
			return;
		}
	}
	st->available = 1;
	snprintf(st->version, sizeof(st->version), "static binaries (%s)", EB_WL_CC_VERSION);
}

static int native_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
			  const struct eb_workload *w, struct eb_argv *a)
{
	(void)state;
	(void)mode;
	eb_argv_reset(a);
	if (eb_wl_missing(ctx->artifact_dir, w, a->why, sizeof(a->why)))
		return -ENOTSUP;
	int rc = eb_argv_push(a, "%s/%s", ctx->artifact_dir, w->binary);
	rc = rc ?: eb_argv_push_workload_args(a, ctx, w, 1, NULL);
	return rc;
}

const struct eb_runtime eb_rt_native = {
	.name = "native",
	.summary = "the workload's static binary, exec'ed directly (the baseline)",
	.modes = native_modes,
	.data_path = "the directory itself (open(2) on the host filesystem)",
	.detect = native_detect,
	.command = native_command,
};
