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

const char *eb_build_arch(void)
{
#if defined(__x86_64__)
	return "x86_64";
#elif defined(__aarch64__)
	return "aarch64";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return "unknown";
#endif
}

/*
 * Each instruction set's kernel writes /proc/cpuinfo its own way: x86 has
 * "vendor_id" lines, ARM "CPU implementer".  qemu-user passes the host
 * kernel's file through, so an ARM build reading x86 lines (or the reverse)
 * runs emulated.
 */
int eb_emulated(const char *cpuinfo, char *why, size_t cap)
{
	/* this machine's answer, read once (main asks before a command, the fingerprint again) */
	static int mine = -1;
	static char mine_why[512];
	if (!cpuinfo && mine >= 0) {
		if (mine)
			snprintf(why, cap, "%s", mine_why);
		return mine;
	}
	if (!cpuinfo) {
		mine = eb_emulated("/proc/cpuinfo", mine_why, sizeof(mine_why));
		return eb_emulated(NULL, why, cap);
	}
	const char *path = cpuinfo;
	char buf[512];
	const char *arch = eb_build_arch(), *host = NULL;
	int x86 = proc_field(path, "vendor_id", buf, sizeof(buf)) == 0;
	int arm = proc_field(path, "CPU implementer", buf, sizeof(buf)) == 0;
	if (x86 && !arm && strcmp(arch, "x86_64"))
		host = "x86-64";
	else if (arm && !x86 && strcmp(arch, "aarch64") && strcmp(arch, "arm"))
		host = "ARM";
	if (!host)
		return 0;
	char model[256] = "";
	proc_field(path, "model name", model, sizeof(model));
	snprintf(why, cap, "this %s build runs on an %s CPU%s%s%s through an emulator (qemu-user): its timings measure the emulator",
		 arch, host, model[0] ? " (" : "", model, model[0] ? ")" : "");
	return 1;
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
	json_object_set_new(fp, "build_arch", json_string(eb_build_arch()));
	if (eb_emulated(NULL, buf, sizeof(buf)))
		json_object_set_new(fp, "emulated", json_string(buf));
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
