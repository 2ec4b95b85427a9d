/*
 * fsutil: the file helpers every module shares: mkdir -p, whole-file atomic
 * writes (tmp + fsync + rename, so a reader never sees half a file), small
 * file reads, rm -r of our own scratch trees, and per-run work directories
 * that a crashed run's successor can find and remove.
 */
#include "sys/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int eb_read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	int rc = 0;
	while (len < cap - 1) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return rc < 0 ? rc : (int)len;
}

int eb_mkdirs(const char *path)
{
	char tmp[1024];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int eb_write_file_atomic(const char *path, const char *data, size_t len)
{
	char tmp[1100];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	int rc = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

void eb_rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[1200];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat sb;
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			eb_rm_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int eb_workdir(const char *tag, char *out, size_t cap, char *err, size_t errcap)
{
	int n = snprintf(out, cap, "/tmp/edgebench-%s-%d", tag, (int)getpid());
	int rc = n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : eb_mkdirs(out);
	if (rc < 0) {
		snprintf(err, errcap, "cannot create /tmp/edgebench-%s-%d: %s", tag, (int)getpid(), strerror(-rc));
		out[0] = '\0';
	}
	return rc;
}

void eb_last_line(const char *path, char *out, size_t cap)
{
	char buf[4096];
	out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, from);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	char *nl = strrchr(buf, '\n');
	snprintf(out, cap, "%s", nl ? nl + 1 : buf);
}

/* SIGKILL every process whose command line contains dir followed by '/' or its end */
static void kill_users(const char *dir)
{
	size_t dl = strlen(dir);
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end, path[300], cmd[4096];
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		int n = eb_read_small(path, cmd, sizeof(cmd));
		for (int i = 0; i < n - 1; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		const char *m = n > 0 ? strstr(cmd, dir) : NULL;
		if (!m || (m[dl] != '/' && m[dl] != ' ' && m[dl] != '\0'))
			continue;
		if (getpgid((pid_t)pid) == (pid_t)pid)
			kill(-(pid_t)pid, SIGKILL);
		kill((pid_t)pid, SIGKILL);
	}
	closedir(d);
}

int eb_run_alive(int pid)
{
	if (pid <= 0)
		return 0;
	if (pid == getpid())
		return 1;
	if (kill((pid_t)pid, 0) < 0 && errno != EPERM)
		return 0;
	char path[64], st[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (eb_read_small(path, st, sizeof(st)) < 0)
		return 1;   /* it answered kill(): alive, its state unknown */
	const char *rp = strrchr(st, ')');   /* "pid (comm) S ...": comm may hold ')' */
	return !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
}

void eb_workdir_cleanup(const char *tag)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "edgebench-%s-", tag);
	size_t pl = strlen(prefix);
	DIR *d = opendir("/tmp");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, prefix, pl) != 0)
			continue;
		long pid = strtol(e->d_name + pl, &end, 10);
		if (end == e->d_name + pl || *end || pid <= 0)
			continue;
		if (pid != getpid() && eb_run_alive((int)pid))
			continue;   /* a live run's */
		char path[300];
		snprintf(path, sizeof(path), "/tmp/%s", e->d_name);
		kill_users(path);
		eb_rm_tree(path);
	}
	closedir(d);
}

int eb_find_in_path(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path ? path : "");
	char *save, *dir;
	for (dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, cap, "%s/%s", dir, name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

int eb_copy_file(const char *src, const char *dst, int mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		rc = -errno;
		goto done;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	}
done:
	if (out >= 0)
		close(out);
	close(in);
	return rc;
}

int eb_read_whole(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	int rc = 0;
	while (buf) {
		if (n == cap) {
			if (cap >= (1ull << 31)) {
				rc = -EFBIG;
				break;
			}
			char *p = realloc(buf, cap * 2 + 1);
			if (!p) {
				rc = -ENOMEM;
				break;
			}
			buf = p;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}
