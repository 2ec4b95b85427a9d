/*
 * calib: sensing the machine's noise.  Before every round the suite times
 * a fixed native kernel (a few milliseconds of our own SHA-256, in-process)
 * and reads the CPU time the hypervisor stole (/proc/stat) and the load
 * average.  The spread of the kernel's time over a run is the drift every
 * cell was exposed to; a cell measured while the kernel ran more than a
 * threshold away from its median is marked.  Measurement code: never prints.
 */
#ifndef EB_CALIB_H
#define EB_CALIB_H

#include <stdint.h>

/* SHA-256 rounds of the kernel (~3 ms at -O2 on a 2020s x86 core). */
#define EB_CALIB_ITERATIONS 10000u
/*
 * Kernel repetitions per round.  The fastest is the machine's speed in that
 * round: a slower repetition met a transient (often our own aftermath: a
 * container being removed), which is not drift.  The median is kept too.
 */
#define EB_CALIB_REPS 5u

struct eb_cpu_times {
	uint64_t total;    /* all fields of the "cpu" line, clock ticks */
	uint64_t idle;     /* idle + iowait */
	uint64_t steal;
};

/* The aggregate "cpu " line of /proc/stat text.  0 or -EINVAL. */
__attribute__((warn_unused_result))
int eb_parse_cpu_times(const char *proc_stat, struct eb_cpu_times *out);

/* The 1-minute figure of /proc/loadavg text.  0 or -EINVAL. */
__attribute__((warn_unused_result))
int eb_parse_loadavg(const char *text, double *one_min);

struct eb_calib {
	struct eb_cpu_times last;  /* at the previous sample */
	int have_last;
	const char *proc_root;     /* "/proc" (a fixture directory in tests) */
};

struct eb_calib_sample {
	uint64_t kernel_ns;        /* fastest of EB_CALIB_REPS timings */
	uint64_t kernel_median_ns; /* their median */
	double steal_pct;          /* of all CPU time since the previous sample; -1: unknown */
	double busy_pct;           /* non-idle share since the previous sample; -1: unknown */
	double loadavg_1m;         /* -1: unknown */
};

void eb_calib_init(struct eb_calib *c, const char *proc_root);

/* Time the kernel and read the counters.  0 (the kernel always runs). */
int eb_calib_sample(struct eb_calib *c, struct eb_calib_sample *out);

/*
 * Wait, a second at a time and at most max_s seconds, until the CPUs were
 * less than busy_pct busy over the last second (the aftermath of what ran
 * before, e.g. containers being removed, gone); out is the last sample.
 * Returns the seconds waited.  Stops early when the run is interrupted.
 */
unsigned eb_calib_wait_quiet(struct eb_calib *c, double busy_pct, unsigned max_s, struct eb_calib_sample *out);

#endif
