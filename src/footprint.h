/*
 * footprint: memory and CPU of an instance, summed over its whole process
 * tree (a runtime may fork helpers).  RSS and PSS come from
 * /proc/PID/smaps_rollup (PSS splits shared pages fairly between the
 * processes that map them, so N instances' PSS adds up to real memory);
 * CPU time from /proc/PID/stat utime/stime.
 */
#ifndef EB_FOOTPRINT_H
#define EB_FOOTPRINT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct eb_footprint {
	uint64_t rss_bytes;
	uint64_t pss_bytes;
	uint64_t user_ns;      /* CPU time of the live processes in the tree */
	uint64_t sys_ns;
	unsigned nprocs;
};

/* Parse "Rss:" and "Pss:" (kB) out of smaps_rollup text.  0 or -EINVAL. */
__attribute__((warn_unused_result))
int eb_parse_smaps_rollup(const char *text, uint64_t *rss_bytes, uint64_t *pss_bytes);

/*
 * Parse /proc/PID/stat text: ppid, utime and stime in clock ticks.  The
 * command name may hold spaces and parentheses; fields are read after the
 * last ')'.  0 or -EINVAL.
 */
__attribute__((warn_unused_result))
int eb_parse_proc_stat(const char *text, pid_t *ppid, uint64_t *utime_ticks, uint64_t *stime_ticks);

/*
 * Sum the footprint of root and all its descendants, read from proc_root
 * (normally "/proc").  Returns 0, or -ESRCH when root is gone.
 */
__attribute__((warn_unused_result))
int eb_footprint_tree(const char *proc_root, pid_t root, struct eb_footprint *out);

#endif
