/*
 * phases_batch: the phases of a batch cell: a warm-up run, timed runs with their output checked.
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

/*
 * The run's own peak RSS while it runs (VmHWM: the runtime with its guest,
 * since exec), the largest read (a lower bound of the peak).  The unmeasured
 * warm-up run is read every 0.25 ms (a 2 ms hello is seen several times);
 * a measured run only every 10 ms, so reading never slows a short run down
 * (at 0.25 ms it added ~0.5 ms to a 3 ms wasmtime start on 2 cores).
 */
struct peak {
	int fine;
	unsigned calls;
	int64_t bytes;
};

static uint64_t watch_peak(void *arg, const struct eb_proc *p)
{
	struct peak *pk = arg;
	/* a measured run's first read would be of the process just exec'd: none until 10 ms */
	if (pk->fine || pk->calls++ > 0) {
		int64_t b = eb_proc_peak_rss(p->pid);
		if (b > pk->bytes)
			pk->bytes = b;
	}
	return pk->fine ? 250000ull : 10000000ull;
}

/* One run of a batch workload: launch -> exit, output checked. */
int mc_batch_once(struct eb_cell *c, unsigned t, uint64_t *elapsed, struct eb_wl_output *o)
{
	struct eb_instance in;
	struct eb_proc *pp = &in.proc;
	int rc = mc_launch(c, 1, &in);
	if (rc < 0)
		return rc;
	char out[4096];
	size_t out_len = 0;
	struct peak pk = { .fine = t == 0 };
	rc = eb_proc_wait_watch(pp, c->plan->batch_timeout_ns, out, sizeof(out), &out_len, watch_peak, &pk);
	c->last_peak_rss = pk.bytes > 0 ? (double)pk.bytes : -1;
	if (rc < 0) {
		if (rc == -ETIMEDOUT)
			mc_fail(c, rc, "run %u did not finish within %.0f s", t, (double)c->plan->batch_timeout_ns / 1e9);
		mc_stop_instance(c, &in);
		return rc;
	}
	*elapsed = pp->exit_ns - pp->launch_ns;
	/* a container's launched process is the docker CLI: its memory is not the workload's */
	if (c->rt->flags & EB_RT_JOINS_CGROUP)
		c->last_peak_rss = -1;
	int st = pp->wait_status;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		eb_proc_stop(pp, 0);   /* already gone: release fds */
	else
		mc_stop_instance(c, &in);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char sd[96], line[300];
		eb_describe_status(st, sd, sizeof(sd));
		mc_last_stderr_line(c, line, sizeof(line));
		return mc_fail(c, -EIO, "run %u failed (%s)%s%s", t, sd, line[0] ? ": " : "", line);
	}
	char why[300];
	memset(o, 0, sizeof(*o));
	if (c->w->check && (rc = c->w->check(&c->expect, out, o, why, sizeof(why))) < 0)
		return mc_fail(c, rc, "run %u %s", t, why);
	return 0;
}

/* run 0: unmeasured (page cache, runtime caches); its time refines the ETA */
int ph_batch_warmup(struct eb_cell *c, unsigned t)
{
	(void)t;
	struct eb_wl_output o;
	uint64_t elapsed;
	int rc = mc_batch_once(c, 0, &elapsed, &o);
	if (rc == 0)
		c->run_est_ns = elapsed;
	/* its memory, read finely (no time of it is measured); kept with the first measured run's */
	c->warmup_peak_rss = rc == 0 ? c->last_peak_rss : -1;
	return rc;
}

int ph_batch_run(struct eb_cell *c, unsigned t)
{
	struct eb_wl_output o;
	uint64_t elapsed;
	int rc = mc_batch_once(c, t + 1, &elapsed, &o);
	if (rc < 0)
		return rc;
	c->batch_spent_ns += elapsed;
	c->runs_done++;
	double v = (double)elapsed;
	if ((rc = mc_add(c, "run", NULL, &v, 1, (int32_t)t)) < 0)
		return rc;
	if (t == 0 && c->warmup_peak_rss > 0 && (rc = mc_add(c, "run_peak_rss", NULL, &c->warmup_peak_rss, 1, -1)) < 0)
		return rc;
	if (c->last_peak_rss > 0 && (rc = mc_add(c, "run_peak_rss", NULL, &c->last_peak_rss, 1, (int32_t)t)) < 0)
		return rc;
	if (!o.has_compute)
		return 0;
	double over = v - o.compute_ns;
	return mc_add(c, "compute", NULL, &o.compute_ns, 1, (int32_t)t) ?:
	       mc_add(c, "startup_overhead", NULL, &over, 1, (int32_t)t);
}

