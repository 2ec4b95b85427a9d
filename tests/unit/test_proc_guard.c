/*
 * proc's guard and fsutil's eb_run_alive: a zombie is a dead run; a
 * process that ends without exit() has its registered process groups
 * killed by the guard; one that exits cleanly leaves them to itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/clock.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

static char state_of(pid_t pid)
{
	char path[64], st[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (eb_read_small(path, st, sizeof(st)) < 0)
		return '?';
	const char *rp = strrchr(st, ')');
	return rp ? rp[2] : '?';
}

static void test_zombie_is_not_alive(void **state)
{
	(void)state;
	assert_true(eb_run_alive(getpid()));
	assert_false(eb_run_alive(0));
	assert_false(eb_run_alive(-5));
	pid_t c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	assert_true(c > 0);
	assert_true(eb_run_alive(c));
	kill(c, SIGKILL);
	for (int i = 0; i < 500 && state_of(c) != 'Z'; i++)
		usleep(2000);
	assert_int_equal(state_of(c), 'Z');   /* not reaped yet: kill(c, 0) still succeeds */
	assert_int_equal(kill(c, 0), 0);
	assert_false(eb_run_alive(c));
	waitpid(c, NULL, 0);
	assert_false(eb_run_alive(c));
}

/*
 * A "run" (a forked child) starts its guard, then a workload (sleep, its
 * own session) through eb_spawn, and writes the workload's pid to a pipe;
 * then it ends as told: exit(0) (the workload left running, as a leak
 * would be), or SIGKILL.  Returns the workload's pid; the run is reaped.
 */
static pid_t run_and_end(int how_kill)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t run = fork();
	if (run == 0) {
		close(p[0]);
		if (eb_guard_start(NULL) < 0)
			_exit(3);
		char *argv[] = { "sleep", "30", NULL };
		struct eb_spawn_opts o = { .stderr_fd = -1 };
		struct eb_proc w;
		if (eb_spawn(argv, &o, &w) < 0)
			_exit(4);
		if (write(p[1], &w.pid, sizeof(w.pid)) != sizeof(w.pid))
			_exit(5);
		if (how_kill)
			raise(SIGKILL);
		exit(0);
	}
	close(p[1]);
	pid_t w = -1;
	assert_int_equal(read(p[0], &w, sizeof(w)), (ssize_t)sizeof(w));
	close(p[0]);
	int st;
	assert_int_equal(waitpid(run, &st, 0), run);
	if (how_kill) {
		assert_true(WIFSIGNALED(st));
	} else {
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	return w;
}

static int gone_within(pid_t pid, unsigned ms)
{
	for (unsigned i = 0; i < ms / 5; i++) {
		if (kill(pid, 0) < 0 || state_of(pid) == 'Z')
			return 1;
		usleep(5000);
	}
	return 0;
}

static void test_guard_kills_what_a_killed_run_started(void **state)
{
	(void)state;
	pid_t w = run_and_end(1);
	assert_true(w > 0);
	int gone = gone_within(w, 5000);
	if (!gone)
		kill(-w, SIGKILL);
	assert_true(gone);
}

static void test_clean_exit_is_left_alone(void **state)
{
	(void)state;
	/* a clean exit says so: the guard ends without touching anything (no sweep after every command) */
	pid_t w = run_and_end(0);
	assert_true(w > 0);
	int gone = gone_within(w, 500);
	kill(-w, SIGKILL);
	assert_false(gone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zombie_is_not_alive),
		cmocka_unit_test(test_guard_kills_what_a_killed_run_started),
		cmocka_unit_test(test_clean_exit_is_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
