/*
 * proc: posix_spawn + pidfd.  The registry is a fixed array so the signal
 * handler can walk it without locks or allocation.
 */
#include "sys/proc.h"
#include "sys/fsutil.h"
#include "sys/clock.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

volatile sig_atomic_t eb_interrupted;

#define MAX_LIVE 2048  /* > --density max (50), --burst max (64), a replay's instances (1000) and their helpers */
static volatile pid_t live_here[MAX_LIVE];
/* the registry: live_here, or memory shared with the guard (eb_guard_start) */
static volatile pid_t *live = live_here;
static int guard_fd = -1;
static pid_t guard_pid = -1;

/*
 * A free registry slot, claimed (-1 until the pid is known), or -1: a child
 * we could not track is never started.  Claimed atomically: a replay's
 * workers spawn from many threads at once.
 */
static int registry_slot(void)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == 0 && __sync_bool_compare_and_swap(&live[i], 0, -1))
			return i;
	return -1;
}

static void registry_del(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == pid)
			live[i] = 0;
}

static void on_signal(int sig)
{
	int saved = errno;
	eb_interrupted = sig;
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] > 0)
			kill(-live[i], SIGKILL);
	errno = saved;
}

void eb_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;   /* no SA_RESTART: blocking calls return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * The guard: a child forked before any thread, sharing the registry, that
 * waits on a pipe only we write.  A clean exit says so (a byte, then we
 * wait for it); any other end of ours (SIGKILL, a crash, the OOM killer)
 * closes the pipe, and the guard SIGKILLs every process group still
 * registered, then becomes sweep_argv (/proc/self/exe), which removes what
 * else a dead run leaves: containers, namespaces, cgroups, directories.
 */
static void guard_release(void)
{
	if (guard_fd < 0)
		return;
	while (write(guard_fd, "x", 1) < 0 && errno == EINTR)
		;
	close(guard_fd);
	guard_fd = -1;
	while (waitpid(guard_pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int eb_guard_start(char *const sweep_argv[])
{
	volatile pid_t *shared = mmap(NULL, sizeof(pid_t) * MAX_LIVE, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -errno;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		int e = errno;
		munmap((void *)shared, sizeof(pid_t) * MAX_LIVE);
		return -e;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		munmap((void *)shared, sizeof(pid_t) * MAX_LIVE);
		return -e;
	}
	if (pid == 0) {
		/* the guard (named so, for ps and the tests): Ctrl-C and kill(1) are for the run, which stops its own */
		prctl(PR_SET_NAME, "eb-guard");
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		close(p[1]);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {   /* a reader of our stdout waits for its end, not the guard's */
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			close(null);
		}
		char b;
		ssize_t n;
		while ((n = read(p[0], &b, 1)) < 0 && errno == EINTR)
			;
		if (n == 1)
			_exit(0);
		for (int i = 0; i < MAX_LIVE; i++)
			if (shared[i] > 0)
				kill(-shared[i], SIGKILL);
		if (sweep_argv)
			execv("/proc/self/exe", sweep_argv);
		_exit(0);
	}
	close(p[0]);
	live = shared;
	guard_fd = p[1];
	guard_pid = pid;
	atexit(guard_release);
	return 0;
}

void eb_sleep_ns(uint64_t ns)
{
	eb_sleep_ns_until(eb_now_ns() + ns, (volatile int *)&eb_interrupted);
}

int eb_spawn(char *const argv[], const struct eb_spawn_opts *opts, struct eb_proc *out)
{
	int pipefd[2] = { -1, -1 }, inpipe[2] = { -1, -1 };
	int devnull = -1, rc;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;

	memset(out, 0, sizeof(*out));
	out->pid = -1;
	out->pidfd = out->stdout_fd = out->stdin_fd = -1;
	if (opts->capture_stdout && pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	if (opts->stdin_pipe && pipe2(inpipe, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out_pipe;
	}
	if (opts->stderr_fd < 0 && (devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		rc = -errno;
		goto out_pipe;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* a workload's stdout is never ours (results go there): the pipe, or its log */
	if (opts->capture_stdout)
		posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	else
		posix_spawn_file_actions_adddup2(&fa, opts->stderr_fd >= 0 ? opts->stderr_fd : devnull, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, opts->stderr_fd >= 0 ? opts->stderr_fd : devnull,
					 STDERR_FILENO);
	if (opts->stdin_pipe)
		posix_spawn_file_actions_adddup2(&fa, inpipe[0], STDIN_FILENO);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	/*
	 * A session of its own (and so a process group of its own, pgid ==
	 * pid).  With the kernel's autogroup scheduling (on by default) CPU is
	 * shared fairly between sessions, not processes: a container's
	 * processes live in containerd-shim's session, so a native workload
	 * left in the harness's session would share one slice with whatever
	 * else that session runs (we measured the same binary 30% slower
	 * natively than in Docker while a build ran in the shell that started
	 * edgebench).  Every runtime's instance now starts on the same footing.
	 */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
					POSIX_SPAWN_SETSIGDEF);

	/* Block our handlers so a signal cannot land between spawn and registration. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	int slot = registry_slot();
	pid_t pid;
	out->launch_ns = eb_now_ns();
	if (slot < 0)
		rc = EAGAIN;
	else
		rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, opts->envp ? opts->envp : environ);
	if (rc == 0)
		live[slot] = pid;
	else if (slot >= 0)
		live[slot] = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		rc = -rc;
		goto out_pipe;
	}
	out->pid = pid;
	out->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (out->pidfd < 0) {
		rc = -errno;
		eb_proc_stop(out, 0);
		goto out_pipe;
	}
	if (opts->capture_stdout) {
		close(pipefd[1]);
		pipefd[1] = -1;
		out->stdout_fd = pipefd[0];
		pipefd[0] = -1;
	}
	if (opts->stdin_pipe) {
		out->stdin_fd = inpipe[1];
		inpipe[1] = -1;
	}
	rc = 0;
out_pipe:
	if (devnull >= 0)
		close(devnull);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (inpipe[0] >= 0)
		close(inpipe[0]);
	if (inpipe[1] >= 0)
		close(inpipe[1]);
	return rc;
}

static void reap(struct eb_proc *p, int status, const struct rusage *ru)
{
	p->reaped = 1;
	if (ru) {
		p->cpu_ns = ((uint64_t)ru->ru_utime.tv_sec + (uint64_t)ru->ru_stime.tv_sec) * 1000000000ull +
			    ((uint64_t)ru->ru_utime.tv_usec + (uint64_t)ru->ru_stime.tv_usec) * 1000ull;
		p->have_cpu = 1;
	}
	p->wait_status = status;
	if (!p->exit_ns)
		p->exit_ns = eb_now_ns();
	/* take down anything the child left in its group */
	kill(-p->pid, SIGKILL);
	registry_del(p->pid);
}

int eb_proc_exited(struct eb_proc *p)
{
	if (p->reaped)
		return 1;
	int status;
	struct rusage ru;
	pid_t r = wait4(p->pid, &status, WNOHANG, &ru);
	if (r == p->pid) {
		reap(p, status, &ru);
		return 1;
	}
	return 0;
}

int eb_proc_wait(struct eb_proc *p, uint64_t timeout_ns, char *out, size_t cap, size_t *out_len)
{
	return eb_proc_wait_watch(p, timeout_ns, out, cap, out_len, NULL, NULL);
}

int eb_proc_wait_watch(struct eb_proc *p, uint64_t timeout_ns, char *out, size_t cap, size_t *out_len,
		       uint64_t (*watch)(void *arg, const struct eb_proc *p), void *arg)
{
	size_t len = 0;
	uint64_t slice = watch ? watch(arg, p) : 0;
	uint64_t deadline = eb_now_ns() + timeout_ns;
	int out_open = p->stdout_fd >= 0;
	while (!p->reaped || out_open) {
		if (eb_interrupted && !p->cleanup)
			return -EINTR;
		struct pollfd pfd[2] = {
			{ .fd = p->reaped ? -1 : p->pidfd, .events = POLLIN },
			{ .fd = out_open ? p->stdout_fd : -1, .events = POLLIN },
		};
		int n = eb_poll_deadline(pfd, 2, deadline, slice);
		if (n < 0)
			return n;
		if (n == 0) {
			if (watch && !p->reaped)
				slice = watch(arg, p);
			continue;
		}
		if (pfd[0].revents) {
			p->exit_ns = eb_now_ns();
			int status;
			struct rusage ru;
			pid_t r;
			while ((r = wait4(p->pid, &status, 0, &ru)) < 0 && errno == EINTR)
				;
			if (r == p->pid)
				reap(p, status, &ru);
		}
		if (pfd[1].revents) {
			char tmp[4096];
			ssize_t r = read(p->stdout_fd, tmp, sizeof(tmp));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				out_open = 0;
			} else if (out && cap > 1 && len < cap - 1) {
				size_t take = (size_t)r < cap - 1 - len ? (size_t)r : cap - 1 - len;
				memcpy(out + len, tmp, take);
				len += take;
			}
		}
	}
	if (out && cap)
		out[len] = '\0';
	if (out_len)
		*out_len = len;
	return 0;
}

void eb_proc_stop(struct eb_proc *p, uint64_t grace_ns)
{
	if (p->pid > 0 && !p->reaped) {
		if (grace_ns) {
			kill(-p->pid, SIGTERM);
			uint64_t deadline = eb_now_ns() + grace_ns;
			while (!eb_proc_exited(p) && eb_now_ns() < deadline) {
				struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
				poll(&pfd, 1, 5);
			}
		}
		if (!p->reaped) {
			kill(-p->pid, SIGKILL);
			int status;
			struct rusage ru;
			pid_t r;
			while ((r = wait4(p->pid, &status, 0, &ru)) < 0 && errno == EINTR)
				;
			reap(p, r == p->pid ? status : 0, r == p->pid ? &ru : NULL);
		}
	}
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->stdout_fd >= 0)
		close(p->stdout_fd);
	if (p->stdin_fd > 0)
		close(p->stdin_fd);
	p->pidfd = p->stdout_fd = p->stdin_fd = -1;
}

void eb_describe_status(int st, char *buf, size_t cap)
{
	if (WIFEXITED(st))
		snprintf(buf, cap, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, cap, "signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, cap, "status 0x%x", st);
}

void eb_spawn_kill_all(void)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		pid_t pid = live[i];
		if (pid > 0) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			live[i] = 0;
		}
	}
}

/* A tool run to completion (see proc.h). */
int eb_run_tool(char *const argv[], char *out, size_t cap, char *err, size_t errcap, uint64_t timeout_ns)
{
	int efd = memfd_create("edgebench-stderr", MFD_CLOEXEC);
	if (efd < 0)
		return -errno;
	struct eb_spawn_opts o = { .capture_stdout = 1, .stderr_fd = efd };
	struct eb_proc p;
	char dummy[8];
	int rc = eb_spawn(argv, &o, &p);
	if (rc < 0) {
		close(efd);
		return rc;
	}
	/* tools finish even while a run unwinds after Ctrl-C: they are how
	 * containers, namespaces and tables get removed; each has its own timeout */
	p.cleanup = 1;
	rc = eb_proc_wait(&p, timeout_ns, out ? out : dummy, out ? cap : sizeof(dummy), NULL);
	if (rc < 0) {
		eb_proc_stop(&p, 0);
		close(efd);
		return rc;
	}
	int st = p.wait_status;
	eb_proc_stop(&p, 0);
	if (err && errcap) {
		char buf[2048];
		ssize_t n = pread(efd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			buf[--n] = '\0';
		char *nl = strrchr(buf, '\n');
		snprintf(err, errcap, "%.*s", (int)errcap - 1, nl ? nl + 1 : buf);
	}
	close(efd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int64_t eb_proc_peak_rss(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	int n = eb_read_small(path, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? n : -EIO;
	const char *h = strstr(buf, "\nVmHWM:");
	if (!h)
		return -ENODATA;   /* a zombie, or a kernel thread */
	long long kb = strtoll(h + 8, NULL, 10);
	return kb > 0 ? (int64_t)kb * 1024 : -ENODATA;
}
