/*
 * cgroup: plain files under /sys/fs/cgroup.  Removal walks every v1
 * controller (Docker's cgroupfs driver creates --cgroup-parent in each) and
 * removes child directories first (a container's own, once it is gone).
 */
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "sys/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT "/sys/fs/cgroup"

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -errno;
	int rc = fputs(s, f) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

int eb_cgroup_create(const char *tag, struct eb_cgroup *cg, char *err, size_t errcap)
{
	return eb_cgroup_create_at(ROOT, "/proc/self/cgroup", tag, cg, err, errcap);
}

int eb_cgroup_create_at(const char *root, const char *self_path, const char *tag, struct eb_cgroup *cg, char *err,
			size_t errcap)
{
	memset(cg, 0, sizeof(*cg));
	snprintf(cg->rel, sizeof(cg->rel), "/edgebench-%d-%s", (int)getpid(), tag);
	char buf[512], path[600];
	snprintf(path, sizeof(path), "%.500s/memory/memory.usage_in_bytes", root);
	int v1 = access(path, R_OK) == 0;
	snprintf(path, sizeof(path), "%.500s/cgroup.subtree_control", root);
	if (v1) {
		snprintf(cg->mem, sizeof(cg->mem), "%.400s/memory%s", root, cg->rel);
	} else if (eb_read_small(path, buf, sizeof(buf)) > 0 && strstr(buf, "memory")) {
		cg->v2 = 1;
		snprintf(cg->mem, sizeof(cg->mem), "%.400s%s", root, cg->rel);
	} else {
		snprintf(err, errcap, "no cgroup memory controller to measure density against (neither v1 memory nor v2 with memory enabled at the root)");
		return -ENOTSUP;
	}
	/* where the harness lives now, to come back to after each spawn */
	char self[4096];
	if (eb_read_small(self_path, self, sizeof(self)) > 0) {
		for (char *l = self; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
			char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (!c2)
				continue;
			size_t clen = (size_t)(c2 - c1 - 1);
			int match = cg->v2 ? clen == 0 : (clen >= 6 && strstr(c1 + 1, "memory") && strstr(c1 + 1, "memory") < c2);
			if (match) {
				snprintf(cg->home, sizeof(cg->home), "%.300s%s%.*s", root, cg->v2 ? "" : "/memory",
					 (int)strcspn(c2 + 1, "\n"), c2 + 1);
				break;
			}
		}
	}
	if (!cg->home[0]) {
		snprintf(err, errcap, "cannot tell which memory cgroup edgebench runs in (/proc/self/cgroup)");
		return -ENOTSUP;
	}
	if (mkdir(cg->mem, 0755) < 0 && errno != EEXIST) {
		int e = errno;
		snprintf(err, errcap, "cannot create the cgroup %s: %s", cg->mem, strerror(e));
		cg->mem[0] = '\0';
		return -e;
	}
	return 0;
}

int eb_cgroup_attach(const struct eb_cgroup *cg, pid_t pid)
{
	char p[700], v[32];
	snprintf(p, sizeof(p), "%s/cgroup.procs", cg->mem);
	snprintf(v, sizeof(v), "%d\n", (int)pid);
	return write_str(p, v);
}

int eb_cgroup_enter(const struct eb_cgroup *cg)
{
	return eb_cgroup_attach(cg, getpid());
}

void eb_cgroup_leave(const struct eb_cgroup *cg)
{
	char p[700], v[32];
	snprintf(p, sizeof(p), "%s/cgroup.procs", cg->home);
	snprintf(v, sizeof(v), "%d\n", (int)getpid());
	(void)write_str(p, v);
}

int eb_cgroup_usage(const struct eb_cgroup *cg, uint64_t *bytes)
{
	char p[700], buf[64];
	snprintf(p, sizeof(p), "%s/%s", cg->mem, cg->v2 ? "memory.current" : "memory.usage_in_bytes");
	int rc = eb_read_small(p, buf, sizeof(buf));
	if (rc <= 0)
		return rc < 0 ? rc : -EIO;
	char *end;
	*bytes = strtoull(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

/* rmdir dir after its child directories (cgroup files cannot be unlinked, only directories). */
static int rm_cgroup_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		(void)rm_cgroup_dir(sub);
	}
	closedir(d);
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

/* Remove rel from every controller (v1) or the unified root (v2), retrying while tasks exit. */
static void remove_rel(const char *rel)
{
	uint64_t deadline = eb_now_ns() + 3000000000ull;
	for (;;) {
		int busy = 0;
		DIR *d = opendir(ROOT);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char dir[1024];
			snprintf(dir, sizeof(dir), ROOT "/%s%s", e->d_name, rel);
			if (rm_cgroup_dir(dir) == -EBUSY)
				busy = 1;
		}
		if (d)
			closedir(d);
		char v2dir[600];
		snprintf(v2dir, sizeof(v2dir), ROOT "%s", rel);
		if (rm_cgroup_dir(v2dir) == -EBUSY)
			busy = 1;
		if (!busy || eb_now_ns() >= deadline)
			return;
		eb_sleep_ns(50000000ull);
	}
}

void eb_cgroup_remove(struct eb_cgroup *cg)
{
	if (cg->rel[0])
		remove_rel(cg->rel);
	cg->rel[0] = cg->mem[0] = '\0';
}

void eb_cgroup_cleanup_stale(void)
{
	const char *dirs[] = { ROOT "/memory", ROOT, NULL };
	for (int i = 0; dirs[i]; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			int pid;
			if (sscanf(e->d_name, "edgebench-%d-", &pid) != 1 || pid <= 0)
				continue;
			if (pid != getpid() && eb_run_alive(pid))
				continue;   /* a live run's */
			char rel[300];
			snprintf(rel, sizeof(rel), "/%s", e->d_name);
			remove_rel(rel);
		}
		if (d)
			closedir(d);
	}
}
