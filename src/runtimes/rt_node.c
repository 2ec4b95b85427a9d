/*
 * rt_node: WASI command modules under Node.js's V8, through the small runner
 * runners/node-wasi.mjs (Node has no CLI flag that runs a .wasm).
 *
 * V8 compiles wasm with two tiers: Liftoff (baseline, fast to compile) and
 * TurboFan (optimising).  The default starts in Liftoff and tiers a
 * function up once it has run hot; there is no on-stack replacement, so a
 * hot loop that never returns stays in Liftoff.  We measure three modes:
 *   default   Node's own choice (Liftoff + dynamic tier-up)
 *   turbofan  --no-liftoff: everything optimised before it runs
 *   liftoff   --liftoff-only: the baseline tier alone
 * Servers are not supported: Node cannot hand a listening socket to a WASI
 * guest.
 */
#include "runtimes/runtime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"

static const struct eb_rt_mode node_modes[] = {
	{ .name = "default", .note =
	  "Node's default: Liftoff baseline, dynamic tier-up to TurboFan for hot functions", },
	{ .name = "turbofan", .note =
	  "--no-liftoff: TurboFan (optimising) only", },
	{ .name = "liftoff", .note =
	  "--liftoff-only: the baseline compiler only", },
	{ .name = NULL },
};

static void node_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	(void)state;
	char v[128];
	char *argv[] = { "node", "--version", NULL };
	if (!eb_wasm_detect(ctx, argv, "node is not on PATH", "apt-get install nodejs (or put Node.js >= 20 on PATH)",
			    st, v, sizeof(v)))
		return;
	char v8[128] = "";
	char *v8argv[] = { "node", "-p", "process.versions.v8", NULL };
	(void)eb_first_line_of(v8argv, v8, sizeof(v8));
	st->available = 1;
	snprintf(st->version, sizeof(st->version), "Node.js %s (V8 %s), node:wasi preview1; modules: %s",
		 v, v8, EB_WASM_CC_VERSION);
}

static int node_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
			const struct eb_workload *w, struct eb_argv *a)
{
	(void)state;
	if (w->kind == EB_WL_SERVER) {
		eb_argv_reset(a);
		snprintf(a->why, sizeof(a->why), "Node cannot hand a listening socket to a WASI guest, so %s does not run here", w->name);
		return -ENOTSUP;
	}
	char module[1024];
	int rc = eb_wasm_module(ctx, w, module, sizeof(module));
	if (rc < 0)
		return rc;
	eb_argv_reset(a);
	rc = eb_argv_push(a, "node") ?: eb_argv_push(a, "--no-warnings");
	if (rc == 0 && !strcmp(mode, "turbofan"))
		rc = eb_argv_push(a, "--no-liftoff");
	else if (rc == 0 && !strcmp(mode, "liftoff"))
		rc = eb_argv_push(a, "--liftoff-only");
	if (rc == 0)
		rc = eb_argv_push(a, "%s/runners/node-wasi.mjs", EB_SOURCE_DIR) ?: eb_argv_push(a, "%s", module);
	return rc ?: eb_argv_push_workload_args(a, ctx, w, 0, NULL);
}

const struct eb_runtime eb_rt_node = {
	.name = "node",
	.summary = "Node.js/V8 running the WASI module through node:wasi",
	.modes = node_modes,
	.unsupported = "Node cannot hand a listening socket to a WASI guest, so http-hello does not run here",
	.detect = node_detect,
	.command = node_command,
};
