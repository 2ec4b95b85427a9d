/*
 * cgroup: a memory cgroup of edgebench's own, for measuring density to a
 * budget: instances are placed in it (a process by its pid, a container by
 * --cgroup-parent), its usage is what they cost the host together, and it
 * is removed afterwards from every controller where it appeared.  Names are
 * "edgebench-<pid>-<tag>", so a later run removes those of a crashed one.
 * cgroup v1's memory controller (charges move with a migrated process), or
 * v2 with the memory controller enabled at the root.
 */
#ifndef EB_CGROUP_H
#define EB_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct eb_cgroup {
	char rel[96];      /* "/edgebench-<pid>-<tag>", relative to a controller's root */
	char mem[600];     /* the memory controller's directory */
	char home[600];    /* the memory cgroup the harness itself lives in */
	int v2;
};

/* Create ours; 0, or a negative errno with a one-line reason in err (-ENOTSUP: no memory controller). */
__attribute__((warn_unused_result))
int eb_cgroup_create(const char *tag, struct eb_cgroup *cg, char *err, size_t errcap);

/*
 * Spawn into it: the harness steps in, spawns (the child is born there, so
 * every page it ever touches is charged there), and steps back out.
 * 0 or a negative errno; eb_cgroup_leave() always tries to go home.
 */
__attribute__((warn_unused_result))
int eb_cgroup_enter(const struct eb_cgroup *cg);
void eb_cgroup_leave(const struct eb_cgroup *cg);

/*
 * The same under another root and /proc/self/cgroup (the unit tests' fixture
 * trees of a v1 and a v2 host).
 */
__attribute__((warn_unused_result))
int eb_cgroup_create_at(const char *root, const char *self_path, const char *tag, struct eb_cgroup *cg, char *err,
			size_t errcap);

/* Move a process (and its threads) in; 0 or a negative errno. */
__attribute__((warn_unused_result))
int eb_cgroup_attach(const struct eb_cgroup *cg, pid_t pid);

/* Memory charged to the cgroup and its children, in bytes; 0 or a negative errno. */
__attribute__((warn_unused_result))
int eb_cgroup_usage(const struct eb_cgroup *cg, uint64_t *bytes);

/* Remove it (and what a container runtime created under it) from every controller; waits briefly for exits. */
void eb_cgroup_remove(struct eb_cgroup *cg);

/* Remove cgroups of ours whose run is gone (a crash). */
void eb_cgroup_cleanup_stale(void);

#endif
