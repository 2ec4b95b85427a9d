/*
 * footprint: one pass over /proc builds (pid, ppid) pairs, a breadth-first
 * walk from the root picks the tree, then each member's smaps_rollup and
 * stat are read.  Processes that vanish mid-walk are skipped.
 */
#include "sys/footprint.h"
#include "sys/fsutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int field_kb(const char *text, const char *name, uint64_t *out)
{
	size_t nl = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, nl) == 0 && p[nl] == ':') {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(p + nl + 1, &end, 10);
			if (errno || end == p + nl + 1)
				return -EINVAL;
			*out = (uint64_t)v * 1024;
			return 0;
		}
	}
	return -EINVAL;
}

int eb_parse_smaps_rollup(const char *text, uint64_t *rss, uint64_t *pss)
{
	if (field_kb(text, "Rss", rss) < 0 || field_kb(text, "Pss", pss) < 0)
		return -EINVAL;
	return 0;
}

int eb_parse_proc_stat(const char *text, pid_t *ppid, uint64_t *ut, uint64_t *st)
{
	const char *p = strrchr(text, ')');
	if (!p)
		return -EINVAL;
	/* after ") ": state(3) ppid(4) ... utime(14) stime(15) */
	char state;
	int pp;
	unsigned long long u, s;
	if (sscanf(p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &state, &pp, &u, &s) != 4)
		return -EINVAL;
	*ppid = pp;
	*ut = u;
	*st = s;
	return 0;
}

struct pp {
	pid_t pid, ppid;
};

int eb_footprint_tree(const char *proc_root, pid_t root, struct eb_footprint *out)
{
	return eb_footprint_tree_each(proc_root, root, out, NULL, NULL);
}

int eb_footprint_tree_each(const char *proc_root, pid_t root, struct eb_footprint *out,
			   void (*each)(void *arg, pid_t pid, const char *comm, uint64_t rss_bytes, uint64_t pss_bytes),
			   void *arg)
{
	memset(out, 0, sizeof(*out));
	DIR *d = opendir(proc_root);
	if (!d)
		return -errno;
	size_t n = 0, cap = 512;
	struct pp *all = malloc(cap * sizeof(*all));
	pid_t *tree = NULL;
	char path[600], buf[4096];
	int rc = 0;
	if (!all) {
		closedir(d);
		return -ENOMEM;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/stat", proc_root, e->d_name);
		if (eb_read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		pid_t ppid;
		uint64_t u, s;
		if (eb_parse_proc_stat(buf, &ppid, &u, &s) < 0)
			continue;
		if (n == cap) {
			struct pp *bigger = realloc(all, 2 * cap * sizeof(*all));
			if (!bigger) {
				rc = -ENOMEM;
				goto out;
			}
			all = bigger;
			cap *= 2;
		}
		all[n].pid = (pid_t)atoi(e->d_name);
		all[n].ppid = ppid;
		n++;
	}
	tree = malloc((n + 1) * sizeof(*tree));
	if (!tree) {
		rc = -ENOMEM;
		goto out;
	}
	size_t nt = 0;
	tree[nt++] = root;
	for (size_t i = 0; i < nt; i++)
		for (size_t j = 0; j < n; j++)
			if (all[j].ppid == tree[i] && all[j].pid != root)
				tree[nt++] = all[j].pid;

	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	for (size_t i = 0; i < nt; i++) {
		snprintf(path, sizeof(path), "%s/%d/stat", proc_root, (int)tree[i]);
		if (eb_read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		pid_t ppid;
		uint64_t u, s, rss, pss;
		if (eb_parse_proc_stat(buf, &ppid, &u, &s) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%d/smaps_rollup", proc_root, (int)tree[i]);
		if (eb_read_small(path, buf, sizeof(buf)) <= 0 || eb_parse_smaps_rollup(buf, &rss, &pss) < 0)
			continue;
		out->rss_bytes += rss;
		out->pss_bytes += pss;
		if (each) {
			char comm[64] = "";
			snprintf(path, sizeof(path), "%s/%d/comm", proc_root, (int)tree[i]);
			if (eb_read_small(path, comm, sizeof(comm)) > 0)
				comm[strcspn(comm, "\n")] = '\0';
			each(arg, tree[i], comm, rss, pss);
		}
		out->user_ns += u * (1000000000ull / (uint64_t)hz);
		out->sys_ns += s * (1000000000ull / (uint64_t)hz);
		out->nprocs++;
	}
	if (out->nprocs == 0)
		rc = -ESRCH;
out:
	closedir(d);
	free(all);
	free(tree);
	return rc;
}

int eb_footprint_by_comm(const char *proc_root, const char *const names[], struct eb_footprint *sum)
{
	memset(sum, 0, sizeof(*sum));
	DIR *d = opendir(proc_root);
	if (!d)
		return -errno;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300], comm[64], buf[4096];
		snprintf(path, sizeof(path), "%s/%s/comm", proc_root, e->d_name);
		if (eb_read_small(path, comm, sizeof(comm)) <= 0)
			continue;
		comm[strcspn(comm, "\n")] = '\0';
		int match = 0;
		for (int i = 0; names[i]; i++)
			match |= !strcmp(comm, names[i]);
		if (!match)
			continue;
		snprintf(path, sizeof(path), "%s/%s/smaps_rollup", proc_root, e->d_name);
		uint64_t rss, pss;
		if (eb_read_small(path, buf, sizeof(buf)) > 0 && eb_parse_smaps_rollup(buf, &rss, &pss) == 0) {
			sum->rss_bytes += rss;
			sum->pss_bytes += pss;
			sum->nprocs++;
		}
	}
	closedir(d);
	return sum->nprocs ? 0 : -ESRCH;
}

/* cgroups: where a container's memory and CPU accounting live, and the figures in them */

int eb_cgroup_paths(const char *text, char *mem, size_t memcap, char *cpu, size_t cpucap, int *v2)
{
	mem[0] = cpu[0] = '\0';
	*v2 = 0;
	char unified[512] = "";
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *c1 = strchr(line, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		size_t clen = (size_t)(c2 - c1 - 1);
		size_t plen = strcspn(c2 + 1, "\n");
		char ctrls[128], path[400];
		snprintf(ctrls, sizeof(ctrls), "%.*s", (int)clen, c1 + 1);
		snprintf(path, sizeof(path), "%.*s", (int)plen, c2 + 1);
		if (clen == 0) {
			snprintf(unified, sizeof(unified), "%s", path);
			continue;
		}
		/* controller lists like "cpu,cpuacct" */
		char *save, *tok;
		for (tok = strtok_r(ctrls, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "memory"))
				snprintf(mem, memcap, "/sys/fs/cgroup/memory%s", path);
			if (!strcmp(tok, "cpuacct"))
				snprintf(cpu, cpucap, "/sys/fs/cgroup/%.*s%s", (int)clen, c1 + 1, path);
		}
	}
	if (!mem[0] && unified[0]) {
		*v2 = 1;
		snprintf(mem, memcap, "/sys/fs/cgroup%s", unified);
		snprintf(cpu, cpucap, "/sys/fs/cgroup%s", unified);
	}
	return mem[0] ? 0 : -ENOENT;
}

int eb_cgroup_read_u64(const char *dir, const char *file, uint64_t *out)
{
	char path[700], buf[64];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int rc = eb_read_small(path, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	char *end;
	*out = strtoull(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

int eb_cgroup_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out)
{
	char path[700], buf[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (eb_read_small(path, buf, sizeof(buf)) < 0)
		return -ENOENT;
	size_t kl = strlen(key);
	for (char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ' ') {
			*out = strtoull(l + kl + 1, NULL, 10);
			return 0;
		}
	return -ENOENT;
}
