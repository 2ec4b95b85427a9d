/*
 * rt_wasmedge: WasmEdge, used when `wasmedge` is on PATH (no Debian, PyPI,
 * npm or crates.io route installs it; it builds from source with cmake).
 *
 * Modes, reported apart because they differ by an order of magnitude on
 * CPU-bound code (the study's 18.5 s SHA-256 was almost certainly the
 * interpreter):
 *   interp  `wasmedge --force-interpreter`
 *   aot     modules compiled by `wasmedge compile` (LLVM builds only) to a
 *           native shared object, then run by wasmedge
 * http-hello runs as the WASI module built from main_wasi.c with
 * -DEB_SOCK_WASMEDGE, whose listener comes from WasmEdge's socket imports.
 */
#include "runtimes/runtime.h"
#include "sys/fsutil.h"
#include "data/results.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"

static const struct eb_rt_mode we_modes[] = {
	{ .name = "interp", .note =
	  "wasmedge --force-interpreter: WasmEdge's interpreter", },
	{ .name = "aot", .note =
	  "ahead-of-time compiled by `wasmedge compile` (LLVM) to a shared object", },
	{ .name = NULL },
};
/* WasmEdge's context: where `wasmedge compile` put its output, or why aot is off. */
struct we_state {
	char aot_dir[128];
	char aot_why[256];
};
static struct we_state we_state = { .aot_why = "aot is set up at the start of a run" };

/* A server's module is its socket build, <binary>.wasmedge. */
static const char *module_name(const struct eb_workload *w)
{
	static char names[EB_MAX_WORKLOADS][96];
	if (w->kind != EB_WL_SERVER)
		return w->binary;
	char *n = names[eb_workload_index(w)];
	snprintf(n, sizeof(names[0]), "%s.wasmedge", w->binary);
	return n;
}

static void we_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	(void)state;
	char v[128];
	char *argv[] = { "wasmedge", "--version", NULL };
	if (!eb_wasm_detect(ctx, argv, "wasmedge is not on PATH and no registry route installs it here",
			    "build WasmEdge from source (cmake; -DWASMEDGE_BUILD_AOT_RUNTIME=OFF for the interpreter only, LLVM for aot) and put wasmedge on PATH",
			    st, v, sizeof(v)))
		return;
	st->available = 1;
	snprintf(st->version, sizeof(st->version), "%.60s; modules: %.60s (aot: a trial `wasmedge compile` at run start)",
		 v, EB_WASM_CC_VERSION);
}

static int we_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
		      const struct eb_workload *w, struct eb_argv *a)
{
	const struct we_state *s = state;
	eb_argv_reset(a);
	if (w->kind == EB_WL_SERVER && ctx->addr && strcmp(ctx->addr, "127.0.0.1") != 0) {
		snprintf(a->why, sizeof(a->why), "its servers bind 127.0.0.1 in the guest (the socket imports take no address from us): no veth path");
		return -ENOTSUP;
	}
	char module[1200];
	int rc = eb_argv_push(a, "wasmedge");
	if (!strcmp(mode, "aot")) {
		if (!s->aot_dir[0]) {
			snprintf(a->why, sizeof(a->why), "%s", s->aot_why);
			return -ENOTSUP;
		}
		snprintf(module, sizeof(module), "%s/%s.so", s->aot_dir, module_name(w));
	} else {
		snprintf(module, sizeof(module), "%s/%s.wasm", ctx->wasm_dir, module_name(w));
		if (rc == 0)
			rc = eb_argv_push(a, "--force-interpreter");
	}
	/* a database workload: the instance's directory mapped into the guest (--dir GUEST:HOST) */
	if (rc == 0 && (w->flags & EB_WL_DATABASE))
		rc = eb_argv_push(a, "--dir") ?: eb_argv_push(a, EB_GUEST_DATA_DIR ":%s", ctx->data_dir ? ctx->data_dir : ".");
	return rc ?: eb_argv_push(a, "%s", module) ?: eb_argv_push_workload_args(a, ctx, w, 0, EB_GUEST_DATA_DIR);
}

static int compile_argv(const void *arg, const char *in, const char *out, struct eb_argv *a)
{
	(void)arg;
	return eb_argv_push(a, "wasmedge") ?: eb_argv_push(a, "compile") ?:
	       eb_argv_push(a, "%s", in) ?: eb_argv_push(a, "%s", out);
}

/*
 * AOT: `wasmedge compile` every module (timed).  An interpreter-only build
 * has the subcommand but cannot compile, so the first failure turns the aot
 * mode off with its reason instead of failing the runtime.
 */
static int we_prepare(void *state, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	struct we_state *s = state;
	int rc = eb_workdir("wasmedge", s->aot_dir, sizeof(s->aot_dir), err, errcap);
	if (rc < 0)
		return rc;
	char why[256];
	if (eb_aot_compile_all(ctx, s->aot_dir, ".so", module_name, compile_argv, NULL, info, why, sizeof(why)) < 0) {
		snprintf(s->aot_why, sizeof(s->aot_why), "aot needs an LLVM-enabled WasmEdge: %.200s", why);
		json_object_set_new(info, "aot", json_string(s->aot_why));
		s->aot_dir[0] = '\0';
	}
	return 0;
}

static void we_cleanup(void *state)
{
	((struct we_state *)state)->aot_dir[0] = '\0';
	eb_workdir_cleanup("wasmedge");
}

const struct eb_runtime eb_rt_wasmedge = {
	.name = "wasmedge",
	.summary = "WasmEdge (interpreter; AOT with an LLVM build)",
	.modes = we_modes,
	.data_path = "the directory mapped to /data (wasmedge --dir /data:DIR), WASI preview1",
	.unsupported = "mode aot needs an LLVM-enabled WasmEdge (wasmedge compile)",
	.state = &we_state,
	.detect = we_detect,
	.command = we_command,
	.prepare = we_prepare,
	.cleanup = we_cleanup,
};
