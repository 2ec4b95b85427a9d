/*
 * container: the engine is driven through its CLI (the same commands a user
 * would type), footprint comes from the container's own cgroup plus its
 * containerd-shim, and the shared daemons are reported apart from the
 * per-instance cost.
 */
#include "runtimes/container.h"
#include "sys/clock.h"
#include "sys/footprint.h"
#include "sys/proc.h"
#include "sys/fsutil.h"
#include "data/results.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildinfo.h"

#define IMAGE_REPO "edgebench-workloads"

/* What Docker and gVisor share: one image per run. */
struct eb_containers eb_containers;

const char *eb_docker_cli(void)
{
	return access("/usr/bin/docker", X_OK) == 0 ? "/usr/bin/docker" : "docker";
}


/* Trim trailing blanks and separators; inner newlines become "; ". */
static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == ','))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ';';
}

void eb_container_detect(const char *oci_runtime, struct eb_rt_status *st)
{
	memset(st, 0, sizeof(*st));
	const char *cli = eb_docker_cli();
	char out[1024], err[512];
	char *v[] = { (char *)cli, "version", "--format",
		      "{{.Server.Version}}|{{range .Server.Components}}{{if ne .Name \"Engine\"}}{{.Name}} {{.Version}}, {{end}}{{end}}", NULL };
	int rc = eb_run_tool(v, out, sizeof(out), err, sizeof(err), 20000000000ull);
	if (rc == -ENOENT) {
		snprintf(st->why, sizeof(st->why), "the docker CLI is not installed");
		snprintf(st->hint, sizeof(st->hint), "make setup (apt-get install docker.io, then starts dockerd)");
		return;
	}
	if (rc != 0) {
		snprintf(st->why, sizeof(st->why), "no Docker daemon answers (%.150s)", err[0] ? err : "docker version failed");
		snprintf(st->hint, sizeof(st->hint), "make setup (starts dockerd with --bridge=none), or start dockerd as root");
		return;
	}
	chomp(out);
	char engine[1024];
	snprintf(engine, sizeof(engine), "%s", out);
	char *comps = strchr(engine, '|');
	if (comps)
		*comps++ = '\0';
	char cg[128] = "";
	char *ci[] = { (char *)cli, "info", "--format", "cgroup v{{.CgroupVersion}} ({{.CgroupDriver}}); runtimes:{{range $k, $v := .Runtimes}} {{$k}}{{end}}", NULL };
	if (eb_run_tool(ci, cg, sizeof(cg), NULL, 0, 20000000000ull) == 0)
		chomp(cg);
	int has_runsc = strstr(cg, " runsc") != NULL;
	char *rt_list = strstr(cg, "; runtimes:");
	if (rt_list)
		*rt_list = '\0';   /* keep only the cgroup part for the version line */
	if (strcmp(oci_runtime, "runsc") == 0) {
		if (!has_runsc) {
			snprintf(st->why, sizeof(st->why), "runsc (gVisor) is not registered as a Docker runtime");
			snprintf(st->hint, sizeof(st->hint), "make setup (apt-get install runsc, adds it to /etc/docker/daemon.json, reloads dockerd)");
			return;
		}
		char rv[256] = "";
		char *r[] = { "runsc", "--version", NULL };
		if (eb_run_tool(r, rv, sizeof(rv), NULL, 0, 10000000000ull) != 0)
			snprintf(rv, sizeof(rv), "runsc (version unknown)");
		chomp(rv);
		snprintf(st->version, sizeof(st->version), "%.60s (default platform) via Docker Engine %.30s (%.100s); %.60s",
			 rv, engine, comps ? comps : "", cg);
	} else {
		snprintf(st->version, sizeof(st->version), "Docker Engine %.30s (%.120s); %.80s",
			 engine, comps ? comps : "", cg);
	}
	st->available = 1;
}

/* cp src dst (small files) keeping the mode. */

/*
 * Make a build context with the workload binaries (copied from artifact_dir,
 * or compiled from source when from_source) and docker build it as
 * image_tag.  The context directory is removed before returning.
 */
static int build_image(const char *image_tag, const char *artifact_dir, int from_source, char *err, size_t errcap)
{
	char ctx[] = "/tmp/edgebench-ctx-XXXXXX";
	if (!mkdtemp(ctx)) {
		snprintf(err, errcap, "cannot create a build context in /tmp: %s", strerror(errno));
		return -errno;
	}
	int rc = 0;
	char src[1200], dst[1200], msg[512] = "";
	char dockerfile[1024];
	size_t dl = (size_t)snprintf(dockerfile, sizeof(dockerfile),
				     "# edgebench: our static workload binaries and nothing else\n"
				     "FROM scratch\nLABEL org.edgebench=workloads\nCOPY");
	for (unsigned i = 0; i < eb_workload_count; i++) {
		const struct eb_workload *w = &eb_workloads[i];
		snprintf(src, sizeof(src), "%s/%s", artifact_dir, w->binary);
		if (w->build_needs && access(src, R_OK) != 0)
			continue;   /* not built here: its cells say so */
		dl += (size_t)snprintf(dockerfile + dl, sizeof(dockerfile) - dl, " %s", w->binary);
		snprintf(dst, sizeof(dst), "%s/%s", ctx, w->binary);
		/* the server is what full cold rebuilds (the study's build + start) */
		if (from_source && (w->flags & EB_WL_REBUILDABLE)) {
			/* what a deployment pipeline does: compile the server, then package it */
			char o[256];
			char *cc[] = { EB_WL_CC, "-std=c11", "-D_GNU_SOURCE", "-O2", "-static",
				       "-I" EB_SOURCE_DIR "/workloads/http-hello",
				       EB_SOURCE_DIR "/workloads/http-hello/main.c",
				       EB_SOURCE_DIR "/workloads/http-hello/hh_core.c", "-o", dst, NULL };
			rc = eb_run_tool(cc, o, sizeof(o), msg, sizeof(msg), 120000000000ull);
			if (rc != 0) {
				snprintf(err, errcap, "compiling http-hello from source with %s failed: %s", EB_WL_CC, msg);
				rc = rc < 0 ? rc : -EIO;
				goto out;
			}
			continue;
		}
		if ((rc = eb_copy_file(src, dst, 0755)) < 0) {
			snprintf(err, errcap, "cannot copy %s into the image context: %s", src, strerror(-rc));
			goto out;
		}
	}
	dl += (size_t)snprintf(dockerfile + dl, sizeof(dockerfile) - dl, " /\n");
	snprintf(dst, sizeof(dst), "%s/Dockerfile", ctx);
	if ((rc = eb_write_file_atomic(dst, dockerfile, strlen(dockerfile))) < 0) {
		snprintf(err, errcap, "cannot write %s: %s", dst, strerror(-rc));
		goto out;
	}
	/* the classic builder: works offline with FROM scratch, no BuildKit pulls */
	setenv("DOCKER_BUILDKIT", "0", 1);
	char *b[] = { (char *)eb_docker_cli(), "build", "-q", "-t", (char *)image_tag, ctx, NULL };
	rc = eb_run_tool(b, NULL, 0, msg, sizeof(msg), 300000000000ull);
	if (rc != 0) {
		snprintf(err, errcap, "docker build of %s failed: %s", image_tag, msg);
		rc = rc < 0 ? rc : -EIO;
	}
out:
	eb_rm_tree(ctx);
	return rc;
}

int eb_container_prepare(void *state, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	struct eb_containers *s = state;
	if (!s->built) {
		snprintf(s->image_tag, sizeof(s->image_tag), IMAGE_REPO ":run-%d", (int)getpid());
		uint64_t t0 = eb_now_ns();
		int rc = build_image(s->image_tag, ctx->artifact_dir, 0, err, errcap);
		if (rc < 0)
			return rc;
		s->build_ms = (double)(eb_now_ns() - t0) / 1e6;
		s->built = 1;
	}
	json_object_set_new(info, "image", json_string(s->image_tag));
	json_object_set_new(info, "image_build_ms", json_real(s->build_ms));
	json_object_set_new(info, "image_note", json_string("FROM scratch + the static workload binaries; docker build (classic builder), built once per run"));
	return 0;
}

int eb_container_command(void *state, const struct eb_launch_ctx *ctx, const char *mode,
			 const struct eb_workload *w, struct eb_argv *a)
{
	const struct eb_containers *s = state;
	const char *oci_runtime = mode;
	eb_argv_reset(a);
	if (eb_wl_missing(ctx->artifact_dir, w, a->why, sizeof(a->why)))
		return -ENOTSUP;
	int rc = eb_argv_push(a, "%s", eb_docker_cli()) ?: eb_argv_push(a, "run") ?:
		 eb_argv_push(a, "--rm") ?: eb_argv_push(a, "--name") ?: eb_argv_push(a, "%s", ctx->instance) ?:
		 eb_argv_push(a, "--network") ?: eb_argv_push(a, "host");
	if (rc == 0 && strcmp(oci_runtime, "runc") != 0)
		rc = eb_argv_push(a, "--runtime=%s", oci_runtime);
	if (rc == 0 && ctx->cgroup_parent)
		rc = eb_argv_push(a, "--cgroup-parent=%s", ctx->cgroup_parent);
	/* a database workload's directory: a bind mount */
	int mounted = rc == 0 && (w->flags & EB_WL_DATABASE) && ctx->data_dir;
	if (mounted)
		rc = eb_argv_push(a, "--volume") ?: eb_argv_push(a, "%s:" EB_GUEST_DATA_DIR, ctx->data_dir);
	if (rc == 0)
		rc = eb_argv_push(a, "%s", s->image_tag[0] ? s->image_tag : IMAGE_REPO ":unbuilt") ?:
		     eb_argv_push(a, "/%s", w->binary) ?:
		     eb_argv_push_workload_args(a, ctx, w, 1, mounted ? EB_GUEST_DATA_DIR : NULL);
	return rc;
}

struct cdata {
	char id[80];
	pid_t init_pid;
	pid_t shim_pid;
	char mem_dir[512];
	char cpu_dir[512];
	int v2;
};

int eb_container_attach(void *state, struct eb_instance *in, char *err, size_t errcap)
{
	(void)state;
	struct cdata *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	char out[256] = "", msg[256] = "";
	char *v[] = { (char *)eb_docker_cli(), "inspect", "-f", "{{.Id}} {{.State.Pid}}", in->name, NULL };
	int rc = eb_run_tool(v, out, sizeof(out), msg, sizeof(msg), 20000000000ull);
	int pid = 0;
	if (rc != 0 || sscanf(out, "%79s %d", d->id, &pid) != 2 || pid <= 0) {
		snprintf(err, errcap, "docker inspect %s failed: %s", in->name, msg[0] ? msg : out);
		free(d);
		return -EIO;
	}
	d->init_pid = pid;
	char path[128], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	uint64_t u, s;
	if (eb_read_small(path, buf, sizeof(buf)) <= 0 || eb_parse_proc_stat(buf, &d->shim_pid, &u, &s) < 0)
		d->shim_pid = 0;   /* footprint then lacks the shim figures */
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	if (eb_read_small(path, buf, sizeof(buf)) < 0 ||
	    eb_cgroup_paths(buf, d->mem_dir, sizeof(d->mem_dir), d->cpu_dir, sizeof(d->cpu_dir), &d->v2) < 0 ||
	    access(d->mem_dir, R_OK) != 0) {
		snprintf(err, errcap, "cannot find the memory cgroup of container %s (pid %d)", in->name, pid);
		free(d);
		return -ENOENT;
	}
	in->rt_data = d;
	return 0;
}

static void add_mem(struct eb_sample *o, const char *name, const char *desc, double bytes)
{
	if (o->n_mem < EB_MAX_METRICS) {
		o->mem[o->n_mem].name = name;
		o->mem[o->n_mem].description = desc;
		o->mem[o->n_mem].bytes = bytes;
		o->n_mem++;
	}
}

int eb_container_sample(void *state, struct eb_instance *in, struct eb_sample *out)
{
	(void)state;
	struct cdata *d = in->rt_data;
	if (!d)
		return -ENODATA;
	memset(out, 0, sizeof(*out));
	out->additive = -1;
	uint64_t usage, peak, anon;
	if (eb_cgroup_read_u64(d->mem_dir, d->v2 ? "memory.current" : "memory.usage_in_bytes", &usage) < 0)
		return -ESRCH;
	add_mem(out, "cgroup_memory", "the container's memory cgroup usage (anon + page cache + kernel)", (double)usage);
	if (eb_cgroup_read_u64(d->mem_dir, d->v2 ? "memory.peak" : "memory.max_usage_in_bytes", &peak) == 0)
		add_mem(out, "cgroup_memory_peak", "the container's memory cgroup high-water mark", (double)peak);
	if (eb_cgroup_read_keyed(d->mem_dir, "memory.stat", d->v2 ? "anon" : "total_rss", &anon) == 0)
		add_mem(out, "cgroup_anon", "anonymous (resident, not page cache) memory of the container's cgroup", (double)anon);
	struct eb_footprint shim, tree;
	if (d->shim_pid > 0 && eb_footprint_tree("/proc", d->shim_pid, &tree) == 0) {
		/* the shim alone: its tree minus what lives below it */
		char path[128], buf[4096];
		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)d->shim_pid);
		if (eb_read_small(path, buf, sizeof(buf)) > 0 &&
		    eb_parse_smaps_rollup(buf, &shim.rss_bytes, &shim.pss_bytes) == 0) {
			add_mem(out, "shim_pss", "PSS of the per-container containerd-shim process", (double)shim.pss_bytes);
			add_mem(out, "shim_rss", "RSS of the per-container containerd-shim process", (double)shim.rss_bytes);
		}
		out->additive = (int)out->n_mem;
		add_mem(out, "tree_pss", "PSS of the shim's whole process tree (shim + container processes)", (double)tree.pss_bytes);
	}
	uint64_t cu, cs;
	if (!d->v2 && eb_cgroup_read_keyed(d->cpu_dir, "cpuacct.stat", "user", &cu) == 0 &&
	    eb_cgroup_read_keyed(d->cpu_dir, "cpuacct.stat", "system", &cs) == 0) {
		long hz = sysconf(_SC_CLK_TCK);
		out->has_cpu = 1;
		out->cpu_user_ns = cu * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
		out->cpu_sys_ns = cs * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
		out->cpu_source = "the container's cpuacct cgroup (cpuacct.stat, clock ticks)";
	} else if (d->v2 && eb_cgroup_read_keyed(d->cpu_dir, "cpu.stat", "user_usec", &cu) == 0 &&
		   eb_cgroup_read_keyed(d->cpu_dir, "cpu.stat", "system_usec", &cs) == 0) {
		out->has_cpu = 1;
		out->cpu_user_ns = cu * 1000;
		out->cpu_sys_ns = cs * 1000;
		out->cpu_source = "the container's cgroup (cpu.stat)";
	}
	return 0;
}

int eb_container_shared_sample(void *state, struct eb_sample *out)
{
	(void)state;
	static const char *const daemons[] = { "dockerd", "containerd", NULL };
	struct eb_footprint f;
	int rc = eb_footprint_by_comm("/proc", daemons, &f);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->additive = -1;
	add_mem(out, "daemon_pss", "PSS of dockerd + containerd, shared by every container on the host", (double)f.pss_bytes);
	add_mem(out, "daemon_rss", "RSS of dockerd + containerd", (double)f.rss_bytes);
	return 0;
}

static void rm_container(const char *name)
{
	char *v[] = { (char *)eb_docker_cli(), "rm", "-f", (char *)name, NULL };
	(void)eb_run_tool(v, NULL, 0, NULL, 0, 60000000000ull);
}

void eb_container_stop(void *state, struct eb_instance *in)
{
	(void)state;
	/* the container first (the attached client follows it), then the client */
	if (in->name[0])
		rm_container(in->name);
	eb_proc_stop(&in->proc, 2000000000ull);
	free(in->rt_data);
	in->rt_data = NULL;
}

/* Is name "edgebench-<pid>-..." owned by a live process other than us? */
static int owned_by_live_run(const char *name)
{
	int pid = 0;
	if (sscanf(name, "edgebench-%d-", &pid) != 1 || pid <= 0)
		return 0;
	return pid != getpid() && eb_run_alive(pid);
}

void eb_container_cleanup(void *state)
{
	(void)state;
	char out[8192] = "";
	char *ps[] = { (char *)eb_docker_cli(), "ps", "-a", "--filter", "name=^edgebench-", "--format", "{{.Names}}", NULL };
	if (eb_run_tool(ps, out, sizeof(out), NULL, 0, 30000000000ull) == 0) {
		char *save, *name;
		for (name = strtok_r(out, "\n", &save); name; name = strtok_r(NULL, "\n", &save))
			if (!owned_by_live_run(name))
				rm_container(name);
	}
	char imgs[8192] = "";
	char *im[] = { (char *)eb_docker_cli(), "images", "--filter", "reference=" IMAGE_REPO, "--format", "{{.Repository}}:{{.Tag}}", NULL };
	if (eb_run_tool(im, imgs, sizeof(imgs), NULL, 0, 30000000000ull) == 0) {
		char *save, *ref;
		for (ref = strtok_r(imgs, "\n", &save); ref; ref = strtok_r(NULL, "\n", &save)) {
			int pid = 0;
			if (sscanf(ref, IMAGE_REPO ":run-%d", &pid) == 1 && pid != getpid() && eb_run_alive(pid))
				continue;   /* a live run's image */
			char *rmi[] = { (char *)eb_docker_cli(), "rmi", "-f", ref, NULL };
			(void)eb_run_tool(rmi, NULL, 0, NULL, 0, 60000000000ull);
		}
	}
	/* build contexts of runs that died mid-build */
	DIR *d = opendir("/tmp");
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (!strncmp(e->d_name, "edgebench-ctx-", 14)) {
				char path[300];
				snprintf(path, sizeof(path), "/tmp/%s", e->d_name);
				eb_rm_tree(path);
			}
		closedir(d);
	}
}

int eb_container_rebuild(void *state, const struct eb_launch_ctx *ctx, const char *mode, char *err, size_t errcap)
{
	struct eb_containers *s = state;
	(void)mode;
	char *rmi[] = { (char *)eb_docker_cli(), "rmi", "-f", s->image_tag, NULL };
	(void)eb_run_tool(rmi, NULL, 0, NULL, 0, 60000000000ull);
	return build_image(s->image_tag, ctx->artifact_dir, 1, err, errcap);
}
