/*
 * proc: launching and ending the processes under test.
 *
 * Every child is started with posix_spawn (glibc implements it with
 * clone(CLONE_VM|CLONE_VFORK), so launch cost does not grow with the
 * harness's own memory and an exec failure comes back as an errno, not as a
 * child that "started slowly").  Each child leads its own process group and
 * is registered until reaped, so a signal or an error path can end the whole
 * tree.  SIGINT/SIGTERM/SIGHUP set eb_interrupted and SIGKILL every
 * registered group at once; the caller's loops see the flag and unwind.
 */
#ifndef EB_PROC_H
#define EB_PROC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern volatile sig_atomic_t eb_interrupted;

struct eb_proc {
	pid_t pid;            /* also the process group id */
	int pidfd;            /* readable when the child exits */
	int stdout_fd;        /* read end, or -1 */
	int stdin_fd;         /* write end of its stdin (stdin_pipe), or -1 (0 in a zeroed struct: none either) */
	int reaped;
	int wait_status;      /* valid when reaped */
	uint64_t launch_ns;   /* CLOCK_MONOTONIC just before the spawn */
	uint64_t exit_ns;     /* when the exit was seen, 0 if not yet */
	int cleanup;          /* a cleanup command: waits are not cut short by eb_interrupted */
	int have_cpu;         /* reaped with its rusage: */
	uint64_t cpu_ns;      /* user + system CPU of the child and the children it waited for (microseconds' precision) */
};

struct eb_spawn_opts {
	int capture_stdout;       /* stdout to a pipe (eb_proc.stdout_fd) */
	int stdin_pipe;           /* stdin from a pipe (eb_proc.stdin_fd), e.g. to drive a platform */
	int stderr_fd;            /* dup'ed to the child's stderr; -1: /dev/null */
	char *const *envp;        /* NULL: inherit */
};

/* Install the signal handlers (once, from main). */
void eb_signals_install(void);

/*
 * Start the guard (once, from main, before any thread): should this process
 * end without exit() (SIGKILL, a crash), the guard SIGKILLs every process
 * group we started that is still registered, then execs /proc/self/exe
 * with sweep_argv (NULL: none).  0, or a negative errno (no guard).
 */
int eb_guard_start(char *const sweep_argv[]);

/*
 * Start argv[0] (searched in PATH).  Returns 0, or a negative errno: the
 * child's exec error (-ENOENT, -EACCES, ...) or a local failure.
 */
__attribute__((warn_unused_result))
int eb_spawn(char *const argv[], const struct eb_spawn_opts *opts, struct eb_proc *out);

/* Has the child exited?  Reaps it when so; returns 1/0. */
int eb_proc_exited(struct eb_proc *p);

/*
 * Wait for exit for at most timeout_ns, collecting stdout into
 * out[0..cap) (NUL-terminated, excess dropped) when captured.  Returns 0
 * when exited and reaped, -ETIMEDOUT, or -EINTR when interrupted.
 */
__attribute__((warn_unused_result))
int eb_proc_wait(struct eb_proc *p, uint64_t timeout_ns, char *out, size_t cap, size_t *out_len);

/*
 * The same, calling watch(arg, p) once at the start and then whenever the
 * slice it returns (ns, 0: none) passes without an event: a sampler of the
 * running child (its memory) that never delays seeing its exit.
 */
__attribute__((warn_unused_result))
int eb_proc_wait_watch(struct eb_proc *p, uint64_t timeout_ns, char *out, size_t cap, size_t *out_len,
		       uint64_t (*watch)(void *arg, const struct eb_proc *p), void *arg);

/*
 * A process's own peak RSS so far (VmHWM of /proc/PID/status: its memory
 * since exec, not the harness's), bytes; a negative errno when it is gone.
 */
int64_t eb_proc_peak_rss(pid_t pid);

/* SIGTERM the group, wait up to grace_ns, SIGKILL, reap, release fds. */
void eb_proc_stop(struct eb_proc *p, uint64_t grace_ns);

/* One-line description of a wait status ("exit 3", "signal 11 (Segmentation fault)"). */
void eb_describe_status(int wait_status, char *buf, size_t cap);

/* Kill every still-registered group (SIGKILL) and reap them. */
void eb_spawn_kill_all(void);

/*
 * Run a tool (docker, ip, nft) to completion, also while a run unwinds
 * after Ctrl-C: stdout into out (may be NULL), stderr's last line into err.
 * Returns its exit status (>= 0) or a negative errno (-ENOENT: not installed).
 */
int eb_run_tool(char *const argv[], char *out, size_t cap, char *err, size_t errcap, uint64_t timeout_ns);

#endif
