/*
 * instance: launch, first 200, stop, from launch details alone.
 */
#include "measure/instance.h"
#include "measure/dataset.h"
#include "net/probe.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned launch_seq;

static void drop_data(struct eb_instance *in)
{
	if (in->data_dir[0])
		eb_rm_tree(in->data_dir);
	in->data_dir[0] = 0;
}

int eb_instance_fail(struct eb_launcher *l, int rc, const char *fmt, ...)
{
	if (!l->err || !l->errcap)
		return rc;
	int n = snprintf(l->err, l->errcap, "%s/%s/%s: ", l->rt->name, l->mode, l->w->name);
	if (n < 0 || (size_t)n >= l->errcap)
		return rc;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->errcap - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

void eb_instance_last_line(const struct eb_launcher *l, char *out, size_t cap)
{
	eb_last_line(l->stderr_path, out, cap);
}

int eb_instance_launch(struct eb_launcher *l, int capture, struct eb_instance *in)
{
	memset(in, 0, sizeof(*in));
	in->proc.pid = -1;
	in->proc.pidfd = in->proc.stdout_fd = -1;
	snprintf(l->lctx.instance, sizeof(l->lctx.instance), "edgebench-%d-%u", (int)getpid(), __atomic_add_fetch(&launch_seq, 1, __ATOMIC_RELAXED));
	snprintf(in->name, sizeof(in->name), "%s", l->lctx.instance);
	l->lctx.data_dir = NULL;
	if (l->seed) {
		/* its own copy of the seeded database, before the launch (not timed) */
		char why[600];
		int drc = eb_dataset_instance(l->seed, in->name, in->data_dir, sizeof(in->data_dir), why, sizeof(why));
		if (drc < 0)
			return eb_instance_fail(l, drc, "%s", why);
		l->lctx.data_dir = in->data_dir;
	}
	int rc = eb_rt_command(l->rt, &l->lctx, l->mode, l->w, &l->argv);
	if (rc < 0) {
		if (rc == -ENOTSUP && l->argv.why[0] && l->err)
			snprintf(l->err, l->errcap, "%s", l->argv.why);
		else
			eb_instance_fail(l, rc, "%s cannot run %s (%s)", l->rt->name, l->w->name, strerror(-rc));
		drop_data(in);
		return rc;
	}
	struct eb_spawn_opts o = { .capture_stdout = capture || l->control, .stdin_pipe = l->control,
				   .stderr_fd = l->stderr_fd, .envp = l->envp };
	/* a runtime that does not join the cgroup itself is born in it */
	int entered = l->cg && !(l->rt->flags & EB_RT_JOINS_CGROUP) && eb_cgroup_enter(l->cg) == 0;
	rc = eb_spawn(l->argv.argv, &o, &in->proc);
	if (entered)
		eb_cgroup_leave(l->cg);
	if (rc < 0) {
		eb_instance_fail(l, rc, "cannot launch %s: %s", l->argv.argv[0], strerror(-rc));
		drop_data(in);
	}
	return rc;
}

void eb_instance_stop(const struct eb_launcher *l, struct eb_instance *in)
{
	eb_rt_stop(l->rt, in);
	drop_data(in);
}

int eb_instance_start_server(struct eb_launcher *l, struct eb_instance *in, uint64_t *ready_ns)
{
	int busy = eb_port_in_use(l->ip_be, l->lctx.port);
	if (busy != 0)
		return eb_instance_fail(l, -EADDRINUSE, "port %s:%u is busy (another server listens there); pick another with --port",
					l->lctx.addr, (unsigned)l->lctx.port);
	int rc = eb_instance_launch(l, 0, in);
	if (rc < 0)
		return rc;
	struct eb_proc *p = &in->proc;
	struct eb_probe_result pr;
	rc = eb_probe_until_ok(l->ip_be, l->lctx.port, l->w->path, p, p->launch_ns + l->start_timeout_ns, l->probe_spacing_ns, &pr);
	if (rc == 0) {
		*ready_ns = pr.ready_ns - p->launch_ns;
		return 0;
	}
	char line[300], st[96];
	if (rc == -ECHILD) {
		eb_describe_status(p->wait_status, st, sizeof(st));
		eb_instance_last_line(l, line, sizeof(line));
		eb_instance_fail(l, rc, "server exited (%s) before answering%s%s", st, line[0] ? ": " : "", line);
	} else if (rc == -ETIMEDOUT) {
		char last[64];
		if (pr.last_status)
			snprintf(last, sizeof(last), "HTTP %d", pr.last_status);
		else
			snprintf(last, sizeof(last), "%s", strerror(pr.last_error));
		eb_instance_fail(l, rc, "no HTTP 200 from %s:%u within %.1f s (%u attempts, last: %s)", l->lctx.addr,
				 (unsigned)l->lctx.port, (double)l->start_timeout_ns / 1e9, pr.attempts, last);
	} else if (rc != -EINTR) {
		eb_instance_fail(l, rc, "probing %s:%u: %s", l->lctx.addr, (unsigned)l->lctx.port, strerror(-rc));
	}
	eb_instance_stop(l, in);
	return rc;
}
