/*
 * rt_wamr: WAMR's iwasm, the Bytecode Alliance's runtime for embedded and
 * edge devices.  Used when `iwasm` is on PATH (no registry route installs
 * it here; it builds from source with cmake in seconds).
 *
 * Modes: interp (iwasm's interpreter, the build's default: fast-interp) and
 * aot (modules compiled by `wamrc`, which needs LLVM, when it is on PATH).
 * http-hello runs as the WASI module built from main_wasi.c, whose listener
 * comes from WAMR's socket imports; iwasm gets --addr-pool=127.0.0.1/32, so
 * the guest may bind loopback and nothing else.
 */
#include "runtimes/runtime.h"
#include "sys/fsutil.h"
#include "data/results.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"

static const struct eb_rt_mode wamr_modes[] = {
	{ .name = "interp", .note =
	  "iwasm's interpreter (the default build: fast interpreter)", },
	{ .name = "aot", .note =
	  "ahead-of-time compiled by wamrc (LLVM) to .aot, loaded by iwasm", },
	{ .name = NULL },
};
/* WAMR's context: where wamrc's output went ("" when there is no wamrc). */
struct wamr_state {
	char aot_dir[128];
};
static struct wamr_state wamr_state;

/* A server's module is its socket build, <binary>.wamr. */
static const char *module_name(const struct eb_workload *w)
{
	static char names[EB_MAX_WORKLOADS][96];
	if (w->kind != EB_WL_SERVER)
		return w->binary;
	char *n = names[eb_workload_index(w)];
	snprintf(n, sizeof(names[0]), "%s.wamr", w->binary);
	return n;
}

static void wamr_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	(void)state;
	char v[128];
	char *argv[] = { "iwasm", "--version", NULL };
	if (!eb_wasm_detect(ctx, argv, "iwasm (WAMR) is not on PATH and no registry route installs it here",
			    "build WAMR from source (product-mini/platforms/linux: cmake -DWAMR_BUILD_SIMD=0 -DWAMR_BUILD_SOCKET=1 && make) and put iwasm on PATH",
			    st, v, sizeof(v)))
		return;
	st->available = 1;
	snprintf(st->version, sizeof(st->version), "%.40s; wamrc %s; modules: %.60s", v,
		 eb_tool_runs("wamrc", "--version") ? "present" : "absent (no aot mode)", EB_WASM_CC_VERSION);
}

static int wamr_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
			const struct eb_workload *w, struct eb_argv *a)
{
	const struct wamr_state *s = state;
	eb_argv_reset(a);
	if (w->kind == EB_WL_SERVER && ctx->addr && strcmp(ctx->addr, "127.0.0.1") != 0) {
		snprintf(a->why, sizeof(a->why), "its servers bind 127.0.0.1 in the guest (the socket imports take no address from us): no veth path");
		return -ENOTSUP;
	}
	char module[1200];
	if (!strcmp(mode, "aot")) {
		if (!s->aot_dir[0]) {
			snprintf(a->why, sizeof(a->why), "aot needs wamrc (WAMR's LLVM-based compiler) on PATH; it is not here");
			return -ENOTSUP;
		}
		snprintf(module, sizeof(module), "%s/%s.aot", s->aot_dir, module_name(w));
	} else {
		snprintf(module, sizeof(module), "%s/%s.wasm", ctx->wasm_dir, module_name(w));
	}
	int rc = eb_argv_push(a, "iwasm");
	if (rc == 0 && w->kind == EB_WL_SERVER)
		rc = eb_argv_push(a, "--addr-pool=127.0.0.1/32");
	/* a database workload: the instance's directory mapped into the guest */
	if (rc == 0 && (w->flags & EB_WL_DATABASE))
		rc = eb_argv_push(a, "--map-dir=" EB_GUEST_DATA_DIR "::%s", ctx->data_dir ? ctx->data_dir : ".");
	return rc ?: eb_argv_push(a, "%s", module) ?: eb_argv_push_workload_args(a, ctx, w, 0, EB_GUEST_DATA_DIR);
}

static int wamrc_argv(const void *arg, const char *in, const char *out, struct eb_argv *a)
{
	(void)arg;
	return eb_argv_push(a, "wamrc") ?: eb_argv_push(a, "-o") ?: eb_argv_push(a, "%s", out) ?:
	       eb_argv_push(a, "%s", in);
}

/* With wamrc present, compile every module ahead of time (timed). */
static int wamr_prepare(void *state, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	if (!eb_tool_runs("wamrc", "--version")) {
		json_object_set_new(info, "aot", json_string("wamrc not on PATH: aot mode unsupported"));
		return 0;
	}
	struct wamr_state *s = state;
	int rc = eb_workdir("wamr", s->aot_dir, sizeof(s->aot_dir), err, errcap);
	if (rc < 0)
		return rc;
	return eb_aot_compile_all(ctx, s->aot_dir, ".aot", module_name, wamrc_argv, NULL, info, err, errcap);
}

static void wamr_cleanup(void *state)
{
	((struct wamr_state *)state)->aot_dir[0] = '\0';
	eb_workdir_cleanup("wamr");
}

const struct eb_runtime eb_rt_wamr = {
	.name = "wamr",
	.summary = "WAMR iwasm (interpreter; AOT with wamrc)",
	.modes = wamr_modes,
	.data_path = "the directory mapped to /data (iwasm --map-dir=/data::DIR), WASI preview1",
	.unsupported = "mode aot needs wamrc on PATH",
	.state = &wamr_state,
	.detect = wamr_detect,
	.command = wamr_command,
	.prepare = wamr_prepare,
	.cleanup = wamr_cleanup,
};
