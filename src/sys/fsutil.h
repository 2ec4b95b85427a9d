/*
 * fsutil: files and directories as edgebench uses them.  Every function
 * returns 0 (or a length) or a negative errno and never prints.
 */
#ifndef EB_FSUTIL_H
#define EB_FSUTIL_H

#include <stddef.h>

/* Read at most cap-1 bytes of a (small, /proc-like) file, NUL-terminated; length or -errno. */
__attribute__((warn_unused_result))
int eb_read_small(const char *path, char *buf, size_t cap);

/* The whole file at path in a malloc'd buffer (NUL-terminated; *len without it); 0 or a negative errno. */
int eb_read_whole(const char *path, char **out, size_t *len);

/* Write a whole file atomically (tmp + fsync + rename); 0 or -errno. */
__attribute__((warn_unused_result))
int eb_write_file_atomic(const char *path, const char *data, size_t len);

/* mkdir -p; 0 or -errno. */
__attribute__((warn_unused_result))
int eb_mkdirs(const char *path);

/* Copy the file src to dst (created with mode, or truncated); 0 or a negative errno. */
int eb_copy_file(const char *src, const char *dst, int mode);

/* rm -r of a directory we own (no symlinks followed). */
void eb_rm_tree(const char *dir);

/* The last non-empty line of a (log) file, from its last 4 KB, into out ("" when none). */
void eb_last_line(const char *path, char *out, size_t cap);

/*
 * Per-run scratch directories: /tmp/edgebench-<tag>-<pid>.  eb_workdir()
 * creates ours (on failure out is emptied and err says why);
 * eb_workdir_cleanup() removes ours and those of runs whose process is gone
 * (a crash), never a live run's, and first SIGKILLs the processes whose
 * command line still names such a directory (what a SIGKILLed run left
 * running: a whole process group when the process leads one).
 */
__attribute__((warn_unused_result))
int eb_workdir(const char *tag, char *out, size_t cap, char *err, size_t errcap);
void eb_workdir_cleanup(const char *tag);

/*
 * Is the run of process pid alive (and so the owner of what is named after
 * it)?  A zombie is not: a run SIGKILLed a moment ago stays one until its
 * parent reaps it, and its leftovers are already stale.  Our own pid is.
 */
int eb_run_alive(int pid);

/* The first executable name in $PATH's directories into out; 0, or -ENOENT when there is none. */
int eb_find_in_path(const char *name, char *out, size_t cap);

#endif
