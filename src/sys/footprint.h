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

/* The same, and each process of the tree to each() (its comm, RSS and PSS) as it is added. */
__attribute__((warn_unused_result))
int eb_footprint_tree_each(const char *proc_root, pid_t root, struct eb_footprint *out,
			   void (*each)(void *arg, pid_t pid, const char *comm, uint64_t rss_bytes, uint64_t pss_bytes),
			   void *arg);

/*
 * PSS/RSS summed over every process under proc_root whose comm is one of
 * names (NULL-terminated), e.g. a container engine's daemons.  0, or
 * -ESRCH when none runs.
 */
__attribute__((warn_unused_result))
int eb_footprint_by_comm(const char *proc_root, const char *const names[], struct eb_footprint *sum);

/*
 * The memory and cpuacct cgroup directories of a process, from its
 * /proc/PID/cgroup text (v1, joined v1 controllers, or v2).  0 or -ENOENT.
 */
int eb_cgroup_paths(const char *proc_cgroup, char *mem, size_t memcap, char *cpu, size_t cpucap, int *v2);

/* A cgroup file holding one number (memory.current...).  0 or a negative errno. */
int eb_cgroup_read_u64(const char *dir, const char *file, uint64_t *out);

/* The value of "key value" lines (memory.stat, cpuacct.stat, cpu.stat).  0 or -ENOENT. */
int eb_cgroup_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out);

#endif
