/*
 * Every parser of text that comes from outside edgebench, on arbitrary
 * NUL-terminated input: the URL of `edgebench load`, counts and durations
 * of the command line, /proc/PID/smaps_rollup and stat, /proc/PID/cgroup,
 * /proc/stat and /proc/loadavg.  The first byte picks the parser, so one
 * corpus covers them all.  Invariants: a URL accepted is loopback and its
 * parts are NUL-terminated in their arrays; a parsed count is in range.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure/calib.h"
#include "sys/footprint.h"
#include "net/http.h"
#include "plan/opts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 8) {
	case 0: {
		struct eb_url u;
		if (eb_url_parse(s, &u) == 0) {
			assert((ntohl(u.ipv4_be) >> 24) == 127);
			assert(memchr(u.host, '\0', sizeof(u.host)) && memchr(u.path, '\0', sizeof(u.path)));
			assert(u.path[0] == '/');
		}
		break;
	}
	case 1: {
		uint64_t v;
		if (eb_parse_count(s, 3, 100000, &v) == 0)
			assert(v >= 3 && v <= 100000);
		if (eb_parse_duration_ns(s, 1000000, 600000000000ull, &v) == 0)
			assert(v >= 1000000 && v <= 600000000000ull);
		break;
	}
	case 2: {
		uint64_t rss, pss;
		(void)eb_parse_smaps_rollup(s, &rss, &pss);
		break;
	}
	case 3: {
		pid_t ppid;
		uint64_t u, st;
		(void)eb_parse_proc_stat(s, &ppid, &u, &st);
		break;
	}
	case 4: {
		char mem[128], cpu[128];
		int v2;
		if (eb_cgroup_paths(s, mem, sizeof(mem), cpu, sizeof(cpu), &v2) == 0)
			assert(memchr(mem, '\0', sizeof(mem)) && strncmp(mem, "/sys/fs/cgroup", 14) == 0);
		break;
	}
	case 5: {
		struct eb_cpu_times t;
		(void)eb_parse_cpu_times(s, &t);
		break;
	}
	default: {
		double la;
		if (eb_parse_loadavg(s, &la) == 0)
			assert(la >= 0);
		break;
	}
	}
	free(s);
	return 0;
}
