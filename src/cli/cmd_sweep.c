/*
 * cmd_sweep: what a run that ended without cleaning up (SIGKILL, a crash)
 * left behind.  Not a user's command: the run's guard (sys/proc.h) becomes
 * `edgebench _sweep PID` once the run's instances are killed.  Each owner
 * of a kind of leftover removes those of runs no longer alive: containers
 * and images, namespaces and nftables tables, cgroups, datasets, scratch
 * directories and what still runs from them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd.h"
#include "measure/dataset.h"
#include "net/netpath.h"
#include "runtimes/runtime.h"
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "sys/fsutil.h"

int eb_cmd_sweep(int argc, char **argv)
{
	int pid = argc == 2 ? atoi(argv[1]) : 0;
	if (pid <= 0) {
		fprintf(stderr, "edgebench _sweep: usage: edgebench _sweep PID (the guard of a run calls it)\n");
		return 2;
	}
	/* the run's pipe closed as it died: wait (bounded) until it is gone (a zombie is) */
	for (int i = 0; i < 500 && eb_run_alive(pid); i++)
		eb_sleep_ns(10000000ull);
	if (eb_run_alive(pid)) {
		fprintf(stderr, "edgebench _sweep: run %d is still alive; nothing removed\n", pid);
		return 1;
	}
	for (size_t i = 0; eb_runtimes[i]; i++)
		eb_rt_cleanup(eb_runtimes[i]);
	eb_netpath_cleanup_stale();
	eb_cgroup_cleanup_stale();
	eb_dataset_cleanup();
	fprintf(stderr, "edgebench: run %d ended without cleaning up (killed or crashed); its guard stopped its instances and removed what it left\n", pid);
	return 0;
}
