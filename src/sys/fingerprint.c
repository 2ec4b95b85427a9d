/*
 * fingerprint: read from /proc, /sys, uname and the build-time buildinfo.h.
 * Missing sources leave a field out rather than guessing.
 */
#include "sys/fingerprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "buildinfo.h"

/* Value of the first "key<spaces>: value" line in path, into out. */
static int proc_field(const char *path, const char *key, char *out, size_t cap)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[8192];
	size_t kl = strlen(key);
	int rc = -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) != 0)
			continue;
		char *p = line + kl;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ':' && *p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '"')
			p++;
		size_t len = strcspn(p, "\"\n");
		snprintf(out, cap, "%.*s", (int)len, p);
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

static int first_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int rc = fgets(out, (int)cap, f) ? 0 : -1;
	fclose(f);
	if (rc == 0)
		out[strcspn(out, "\n")] = '\0';
	return rc;
}

json_t *eb_fingerprint(int argc, char **argv)
{
	json_t *fp = json_object();
	if (!fp)
		return NULL;
	char buf[8192];
	if (proc_field("/proc/cpuinfo", "model name", buf, sizeof(buf)) == 0)
		json_object_set_new(fp, "cpu_model", json_string(buf));
	if (proc_field("/proc/cpuinfo", "flags", buf, sizeof(buf)) == 0)
		json_object_set_new(fp, "cpu_flags", json_string(buf));
	json_object_set_new(fp, "cores_online", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	if (proc_field("/proc/meminfo", "MemTotal", buf, sizeof(buf)) == 0)
		json_object_set_new(fp, "mem_total_bytes", json_integer(strtoll(buf, NULL, 10) * 1024));
	struct utsname u;
	if (uname(&u) == 0) {
		json_object_set_new(fp, "kernel", json_string(u.release));
		json_object_set_new(fp, "kernel_version", json_string(u.version));
		json_object_set_new(fp, "machine", json_string(u.machine));
	}
	if (proc_field("/etc/os-release", "PRETTY_NAME", buf, sizeof(buf)) == 0)
		json_object_set_new(fp, "os", json_string(buf));
	if (first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof(buf)) == 0)
		json_object_set_new(fp, "cpu_governor", json_string(buf));
	if (first_line("/proc/loadavg", buf, sizeof(buf)) == 0)
		json_object_set_new(fp, "loadavg_at_start", json_string(buf));
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
		json_object_set_new(fp, "cgroup_mode", json_string("v2 (unified)"));
	else if (access("/sys/fs/cgroup/unified", F_OK) == 0)
		json_object_set_new(fp, "cgroup_mode", json_string("v1 (hybrid)"));
	else
		json_object_set_new(fp, "cgroup_mode", json_string("v1 (legacy)"));
	json_object_set_new(fp, "compiler", json_string(EB_CC_VERSION));
	json_object_set_new(fp, "workload_compiler", json_string(EB_WL_CC_VERSION));
	json_object_set_new(fp, "harness_cflags", json_string(EB_BUILD_CFLAGS));
	json_object_set_new(fp, "edgebench_commit", json_string(EB_GIT_COMMIT));
	json_t *cmd = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	json_object_set_new(fp, "command", cmd);
	time_t now = time(NULL);   /* a label for the run, never used for intervals */
	struct tm tm;
	if (gmtime_r(&now, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		json_object_set_new(fp, "started_utc", json_string(buf));
	return fp;
}
