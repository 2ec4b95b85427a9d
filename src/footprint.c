/*
 * footprint: one pass over /proc builds (pid, ppid) pairs, a breadth-first
 * walk from the root picks the tree, then each member's smaps_rollup and
 * stat are read.  Processes that vanish mid-walk are skipped.
 */
#include "footprint.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len < cap - 1) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (int)len;
}

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
		if (read_text(path, buf, sizeof(buf)) <= 0)
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
		if (read_text(path, buf, sizeof(buf)) <= 0)
			continue;
		pid_t ppid;
		uint64_t u, s, rss, pss;
		if (eb_parse_proc_stat(buf, &ppid, &u, &s) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%d/smaps_rollup", proc_root, (int)tree[i]);
		if (read_text(path, buf, sizeof(buf)) <= 0 || eb_parse_smaps_rollup(buf, &rss, &pss) < 0)
			continue;
		out->rss_bytes += rss;
		out->pss_bytes += pss;
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
