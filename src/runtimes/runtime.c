/*
 * runtime: the table of runtimes and the argv builder they share.
 */
#include "runtimes/runtime.h"
#include "sys/clock.h"
#include "sys/footprint.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern const struct eb_runtime eb_rt_native;
extern const struct eb_runtime eb_rt_docker;
extern const struct eb_runtime eb_rt_gvisor;
extern const struct eb_runtime eb_rt_wasmtime;
extern const struct eb_runtime eb_rt_wasmtime_src;
extern const struct eb_runtime eb_rt_wasmedge;
extern const struct eb_runtime eb_rt_wamr;
extern const struct eb_runtime eb_rt_node;
extern const struct eb_runtime eb_rt_wasmcloud;

const struct eb_runtime *const eb_runtimes[] = {
	&eb_rt_native,
	&eb_rt_docker,
	&eb_rt_gvisor,
	&eb_rt_wasmtime,
	&eb_rt_wasmtime_src,
	&eb_rt_wasmedge,
	&eb_rt_wamr,
	&eb_rt_node,
	&eb_rt_wasmcloud,
	NULL,
};

const struct eb_runtime *eb_runtime_find(const char *name)
{
	for (const struct eb_runtime *const *r = eb_runtimes; *r; r++)
		if (!strcmp((*r)->name, name))
			return *r;
	return NULL;
}

void eb_argv_reset(struct eb_argv *a)
{
	a->argc = 0;
	a->used = 0;
	a->why[0] = '\0';
	a->argv[0] = NULL;
}

int eb_argv_push(struct eb_argv *a, const char *fmt, ...)
{
	if (a->argc + 1 >= (int)(sizeof(a->argv) / sizeof(a->argv[0])))
		return -E2BIG;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(a->buf + a->used, sizeof(a->buf) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used)
		return -E2BIG;
	a->argv[a->argc++] = a->buf + a->used;
	a->argv[a->argc] = NULL;
	a->used += (size_t)n + 1;
	return 0;
}

void eb_argv_join(const struct eb_argv *a, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < a->argc && len < cap; i++) {
		int n = snprintf(out + len, cap - len, "%s%s", i ? " " : "", a->argv[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

int eb_sample_process_tree(struct eb_instance *in, struct eb_sample *out)
{
	struct eb_footprint f;
	int rc = eb_footprint_tree("/proc", in->proc.pid, &f);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->mem[0].name = "rss";
	out->mem[0].description = "RSS of the instance's process tree";
	out->mem[0].bytes = (double)f.rss_bytes;
	out->mem[1].name = "pss";
	out->mem[1].description = "PSS of the instance's process tree";
	out->mem[1].bytes = (double)f.pss_bytes;
	out->n_mem = 2;
	out->additive = 1;
	out->has_cpu = 1;
	out->cpu_user_ns = f.user_ns;
	out->cpu_sys_ns = f.sys_ns;
	out->cpu_source = "utime/stime of the instance's process tree (/proc/PID/stat, clock ticks)";
	return 0;
}

void eb_rt_stop(const struct eb_runtime *rt, struct eb_instance *in)
{
	if (rt->stop)
		rt->stop(rt->state, in);
	else
		eb_proc_stop(&in->proc, 2000000000ull);
}

int eb_rt_sample(const struct eb_runtime *rt, struct eb_instance *in, struct eb_sample *out)
{
	return rt->sample ? rt->sample(rt->state, in, out) : eb_sample_process_tree(in, out);
}

int eb_rt_attach(const struct eb_runtime *rt, struct eb_instance *in, char *err, size_t errcap)
{
	return rt->attach ? rt->attach(rt->state, in, err, errcap) : 0;
}

void eb_rt_detect(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, struct eb_rt_status *st)
{
	rt->detect(rt->state, ctx, st);
}

int eb_rt_command(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, const char *mode,
		  const struct eb_workload *w, struct eb_argv *out)
{
	return rt->command(rt->state, ctx, mode, w, out);
}

void eb_rt_mode_detect(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, const char *mode,
		       struct eb_rt_status *st)
{
	if (rt->mode_detect)
		rt->mode_detect(rt->state, ctx, mode, st);
	else
		rt->detect(rt->state, ctx, st);
}

int eb_rt_prepare(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap)
{
	return rt->prepare ? rt->prepare(rt->state, ctx, info, err, errcap) : 0;
}

void eb_rt_cleanup(const struct eb_runtime *rt)
{
	if (rt->cleanup)
		rt->cleanup(rt->state);
}

int eb_rt_shared_sample(const struct eb_runtime *rt, struct eb_sample *out)
{
	if (!(rt->flags & EB_RT_SHARED_DAEMON) || !rt->shared_sample)
		return -ENOTSUP;
	return rt->shared_sample(rt->state, out);
}

int eb_rt_rebuild(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, const char *mode, char *err, size_t errcap)
{
	if (!(rt->flags & EB_RT_REBUILDS) || !rt->rebuild) {
		snprintf(err, errcap, "%s has no build step", rt->name);
		return -ENOTSUP;
	}
	return rt->rebuild(rt->state, ctx, mode, err, errcap);
}

const struct eb_rt_mode *eb_rt_mode_find(const struct eb_runtime *rt, const char *name)
{
	for (const struct eb_rt_mode *m = rt->modes; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

size_t eb_rt_start_marks(const struct eb_runtime *rt, struct eb_instance *in, struct eb_mark *marks, size_t cap)
{
	return rt->start_marks ? rt->start_marks(rt->state, in, marks, cap) : 0;
}

int eb_wl_missing(const char *artifact_dir, const struct eb_workload *w, char *why, size_t cap)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", artifact_dir, w->binary);
	if (!w->build_needs || access(path, X_OK) == 0)
		return 0;
	snprintf(why, cap, "%s is not built (%.120s): it needs %s", w->name, path, w->build_needs);
	return 1;
}

int eb_wasm_module(const struct eb_launch_ctx *ctx, const struct eb_workload *w, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s.wasm", ctx->wasm_dir, w->binary);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int eb_component_path(const struct eb_launch_ctx *ctx, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/http-hello.component.wasm", ctx->wasm_dir);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int eb_first_line_of(char *const argv[], char *out, size_t cap)
{
	struct eb_spawn_opts o = { .capture_stdout = 1, .stderr_fd = -1 };
	struct eb_proc p;
	int rc = eb_spawn(argv, &o, &p);
	if (rc < 0)
		return rc;
	p.cleanup = 1;
	rc = eb_proc_wait(&p, 30000000000ull, out, cap, NULL);
	int st = p.wait_status;
	eb_proc_stop(&p, 0);
	if (rc < 0)
		return rc;
	out[strcspn(out, "\n")] = '\0';
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && out[0] ? 0 : -EIO;
}

int eb_tool_runs(const char *tool, const char *arg)
{
	char out[256];
	char *argv[] = { (char *)tool, (char *)arg, NULL };
	return eb_first_line_of(argv, out, sizeof(out)) == 0;
}

int eb_aot_compile_all(const struct eb_launch_ctx *ctx, const char *dir, const char *ext,
		       const char *(*module_name)(const struct eb_workload *w),
		       int (*argv_for)(const void *arg, const char *in, const char *out, struct eb_argv *a),
		       const void *arg, json_t *info, char *err, size_t errcap)
{
	json_t *ms = json_object();
	json_object_set_new(info, "aot_compile_ms", ms);
	for (unsigned i = 0; i < eb_workload_count; i++) {
		char in[1200], out[1200], line[256];
		struct eb_argv a;
		snprintf(in, sizeof(in), "%s/%s.wasm", ctx->wasm_dir, module_name(&eb_workloads[i]));
		snprintf(out, sizeof(out), "%s/%s%s", dir, module_name(&eb_workloads[i]), ext);
		if (access(in, R_OK) != 0)
			continue;   /* not built (e.g. no component): its cells say so when they start */
		eb_argv_reset(&a);
		int rc = argv_for(arg, in, out, &a);
		if (rc < 0)
			return rc;
		uint64_t t0 = eb_now_ns();
		(void)eb_first_line_of(a.argv, line, sizeof(line));
		if (access(out, R_OK) != 0) {
			snprintf(err, errcap, "%s could not compile %s ahead of time", a.argv[0], in);
			return -EIO;
		}
		json_object_set_new(ms, eb_workloads[i].name, json_real((double)(eb_now_ns() - t0) / 1e6));
	}
	return 0;
}

int eb_argv_push_workload_args(struct eb_argv *a, const struct eb_launch_ctx *ctx,
			       const struct eb_workload *w, int with_addr, const char *data_dir)
{
	if (!data_dir)
		data_dir = ctx->data_dir ? ctx->data_dir : ".";
	int rc = 0;
	switch (w->args) {
	case EB_WL_ARGS_SERVER:
		if (with_addr)
			rc = eb_argv_push(a, "--addr") ?: eb_argv_push(a, "%s", ctx->addr ? ctx->addr : "127.0.0.1");
		if (rc == 0)
			rc = eb_argv_push(a, "--port") ?: eb_argv_push(a, "%u", (unsigned)ctx->port);
		if (rc == 0 && (w->flags & EB_WL_DATABASE))
			rc = eb_argv_push(a, "--db") ?: eb_argv_push(a, "%s/" EB_WL_DB_FILE, data_dir);
		break;
	case EB_WL_ARGS_ITERATIONS:
		rc = eb_argv_push(a, "%llu", (unsigned long long)ctx->iterations);
		break;
	case EB_WL_ARGS_NONE:
		break;
	}
	return rc;
}

int eb_wasm_detect(const struct eb_launch_ctx *ctx, char *const version_argv[],
		   const char *why_missing, const char *hint, struct eb_rt_status *st,
		   char *version, size_t cap)
{
	memset(st, 0, sizeof(*st));
	if (eb_first_line_of(version_argv, version, cap) < 0) {
		snprintf(st->why, sizeof(st->why), "%s", why_missing);
		snprintf(st->hint, sizeof(st->hint), "%s", hint);
		return 0;
	}
	char path[1024];
	snprintf(path, sizeof(path), "%s/cpu-hash.wasm", ctx->wasm_dir);
	if (access(path, R_OK) != 0) {
		snprintf(st->why, sizeof(st->why), "wasm module %.200s is missing", path);
		snprintf(st->hint, sizeof(st->hint), "make build (needs clang, lld, wasi-libc: make setup)");
		return 0;
	}
	return 1;
}
