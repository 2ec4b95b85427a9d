/*
 * study: the reference study's curl-based instrument (see study.h).
 */
#include "measure/study.h"
#include "sys/clock.h"
#include "sys/fsutil.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CONC 64

static int curl_argv(const char *url, char *const **argv_out)
{
	static char *argv[12];
	static char url_buf[256];
	snprintf(url_buf, sizeof(url_buf), "%s", url);
	int k = 0;
	argv[k++] = "curl";
	argv[k++] = "-s";
	argv[k++] = "-o";
	argv[k++] = "/dev/null";
	argv[k++] = "-w";
	argv[k++] = "%{http_code} %{time_total}";
	argv[k++] = "--max-time";
	argv[k++] = "5";
	argv[k++] = url_buf;
	argv[k] = NULL;
	*argv_out = argv;
	return 0;
}

int eb_study_available(void)
{
	char path[1100];
	return eb_find_in_path("curl", path, sizeof(path)) == 0;
}

static void parse(const char *out, struct eb_study_get *g)
{
	g->status = 0;
	g->time_total_s = 0;
	(void)sscanf(out, "%d %lf", &g->status, &g->time_total_s);
}

int eb_study_get(const char *url, uint64_t timeout_ns, struct eb_study_get *out)
{
	char *const *argv;
	curl_argv(url, &argv);
	struct eb_spawn_opts o = { .capture_stdout = 1, .stderr_fd = -1 };
	struct eb_proc p;
	int rc = eb_spawn(argv, &o, &p);
	if (rc < 0)
		return rc;
	char text[128];
	rc = eb_proc_wait(&p, timeout_ns, text, sizeof(text), NULL);
	if (rc == 0) {
		out->wall_ns = p.exit_ns - p.launch_ns;
		parse(text, out);
	}
	eb_proc_stop(&p, 0);
	return rc;
}

int eb_study_poll(const char *url, struct eb_proc *server, uint64_t deadline_ns, uint64_t *ready_ns, unsigned *attempts)
{
	*attempts = 0;
	while (!eb_interrupted) {
		struct eb_study_get g;
		uint64_t now = eb_now_ns();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		int rc = eb_study_get(url, deadline_ns - now, &g);
		if (rc < 0)
			return rc;
		(*attempts)++;
		if (g.status == 200) {
			*ready_ns = eb_now_ns() - server->launch_ns;
			return 0;
		}
		if (eb_proc_exited(server))
			return -ECHILD;
		eb_sleep_ns(EB_STUDY_POLL_SLEEP_NS);
	}
	return -EINTR;
}

int eb_study_burst(const char *url, unsigned n, unsigned conc, uint64_t timeout_ns, uint64_t *elapsed_ns, unsigned *ok)
{
	struct eb_proc p[MAX_CONC];
	char out[MAX_CONC][64];
	size_t len[MAX_CONC];
	int live[MAX_CONC] = { 0 };
	char *const *argv;
	curl_argv(url, &argv);
	conc = conc < 1 ? 1 : conc > MAX_CONC ? MAX_CONC : conc;
	unsigned started = 0, done = 0;
	*ok = 0;
	uint64_t t0 = eb_now_ns(), deadline = t0 + timeout_ns, last_exit = t0;
	int rc = 0;
	while (done < n && rc == 0) {
		for (unsigned i = 0; i < conc && started < n; i++)
			if (!live[i]) {
				struct eb_spawn_opts o = { .capture_stdout = 1, .stderr_fd = -1 };
				if ((rc = eb_spawn(argv, &o, &p[i])) < 0)
					break;
				live[i] = 1;
				len[i] = 0;
				started++;
			}
		if (rc < 0)
			break;
		/* wait for any live curl to finish (its stdout closes as it exits) */
		struct pollfd pfd[MAX_CONC];
		for (unsigned i = 0; i < conc; i++)
			pfd[i] = (struct pollfd){ .fd = live[i] ? p[i].pidfd : -1, .events = POLLIN };
		if (eb_interrupted) {
			rc = -EINTR;
			break;
		}
		int r = eb_poll_deadline(pfd, conc, deadline, 0);
		if (r < 0) {
			rc = r;
			break;
		}
		for (unsigned i = 0; i < conc && r > 0; i++) {
			if (!live[i] || !pfd[i].revents)
				continue;
			int wrc = eb_proc_wait(&p[i], 5000000000ull, out[i], sizeof(out[i]), &len[i]);
			struct eb_study_get g;
			parse(wrc == 0 ? out[i] : "", &g);
			if (g.status == 200)
				(*ok)++;
			if (p[i].exit_ns > last_exit)
				last_exit = p[i].exit_ns;
			eb_proc_stop(&p[i], 0);
			live[i] = 0;
			done++;
		}
	}
	for (unsigned i = 0; i < conc; i++)
		if (live[i])
			eb_proc_stop(&p[i], 0);
	*elapsed_ns = last_exit - t0;
	return rc;
}
