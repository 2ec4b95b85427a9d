/*
 * phases_study: the reference study's instrument (--method study): curl every 10 ms for the
 * first 200, one curl process per request.
 */
#include "measure/phase.h"
#include "measure/phases.h"
#include "measure/study.h"
#include "catalog/series.h"
#include "data/stats.h"
#include "net/load.h"
#include "net/probe.h"
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "sys/footprint.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the study's instrument (--method study) -------------------------- */

void mc_study_url(const struct eb_cell *c, char *url, size_t cap)
{
	snprintf(url, cap, "http://%s:%u/", c->lx.lctx.addr, (unsigned)c->lx.lctx.port);
}

/* cold start as the study timed it: curl every 10 ms until a 200 */
int ph_study_cold(struct eb_cell *c, unsigned t)
{
	struct eb_instance in;
	int rc = eb_port_in_use(c->lx.ip_be, c->lx.lctx.port);
	if (rc != 0)
		return mc_fail(c, -EADDRINUSE, "port %s:%u is busy", c->lx.lctx.addr, (unsigned)c->lx.lctx.port);
	if ((rc = mc_launch(c, 0, &in)) < 0)
		return rc;
	char url[96];
	mc_study_url(c, url, sizeof(url));
	uint64_t ready;
	unsigned attempts;
	rc = eb_study_poll(url, &in.proc, in.proc.launch_ns + c->plan->start_timeout_ns, &ready, &attempts);
	mc_stop_instance(c, &in);
	if (rc == -ENOENT)
		return mc_fail(c, rc, "--method study needs curl on PATH (apt-get install curl)");
	if (rc == -ECHILD)
		return mc_fail(c, rc, "server exited before curl got a 200 (study method)");
	if (rc == -ETIMEDOUT)
		return mc_fail(c, rc, "curl got no 200 within %.1f s (%u attempts, study method)", (double)c->plan->start_timeout_ns / 1e9, attempts);
	if (rc < 0)
		return rc == -EINTR ? rc : mc_fail(c, rc, "study method: %s", strerror(-rc));
	double v = (double)ready, a = attempts;
	return mc_add(c, "study_cold_start", NULL, &v, 1, (int32_t)t) ?: mc_add(c, "study_cold_start_attempts", NULL, &a, 1, (int32_t)t);
}

/* warm latency and throughput as the study timed them: a curl process per request */
int ph_study_requests(struct eb_cell *c, unsigned t)
{
	(void)t;
	const struct eb_plan *pl = c->plan;
	char url[96];
	mc_study_url(c, url, sizeof(url));
	int rc = 0;
	for (unsigned i = 0; i < pl->warmup_requests + pl->warm_requests && rc == 0; i++) {
		struct eb_study_get g;
		if ((rc = eb_study_get(url, 10000000000ull, &g)) < 0)
			return rc == -EINTR ? rc : mc_fail(c, rc, "study method: curl: %s", strerror(-rc));
		if (g.status != 200)
			return mc_fail(c, -EPROTO, "study method: curl got HTTP %d", g.status);
		if (i < pl->warmup_requests)
			continue;
		double wall = (double)g.wall_ns, tt = g.time_total_s * 1e9;
		rc = mc_add(c, "study_latency", NULL, &wall, 1, -1) ?: mc_add(c, "study_curl_time_total", NULL, &tt, 1, -1);
	}
	for (unsigned b = 0; b < pl->bursts && rc == 0; b++) {
		uint64_t el;
		unsigned ok;
		if ((rc = eb_study_burst(url, pl->burst_requests, pl->burst_concurrency, 120000000000ull, &el, &ok)) < 0)
			return rc == -EINTR ? rc : mc_fail(c, rc, "study method: curl burst: %s", strerror(-rc));
		if (ok != pl->burst_requests)
			return mc_fail(c, -EPROTO, "study method: %u of %u curl requests got 200", ok, pl->burst_requests);
		double v = el > 0 ? (double)pl->burst_requests * 1e9 / (double)el : 0;
		rc = mc_add(c, "study_throughput", NULL, &v, 1, (int32_t)b);
	}
	return rc;
}

