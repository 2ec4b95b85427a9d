/*
 * runtime: how a workload is launched, as data.  Each runtime is one entry
 * (in its own rt_*.c file) that can say whether it is usable here and why
 * not, and turn (mode, workload) into a command line.  The suite never
 * knows which runtime it is driving.
 */
#ifndef EB_RUNTIME_H
#define EB_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sys/proc.h"
#include "catalog/workload.h"

struct eb_rt_status {
	int available;
	char version[512];
	char why[256];      /* when not available */
	char hint[256];     /* how to make it available */
};

struct eb_launch_ctx {
	const char *artifact_dir;   /* directory holding the native workload binaries */
	const char *wasm_dir;       /* directory holding the wasm32-wasi modules */
	uint16_t port;              /* servers listen on addr:port */
	const char *addr;           /* 127.0.0.1, or the veth path's server address (NULL: 127.0.0.1) */
	uint64_t iterations;        /* cpu-hash */
	char instance[64];          /* unique per launch: "edgebench-<pid>-<n>" (container names) */
	const char *cgroup_parent;  /* NULL, or a cgroup of ours ("/edgebench-...") the instance must join */
	const char *data_dir;       /* database workloads: the instance's own directory (NULL: none) */
};

/* A stage of a start, as the instance reported it. */
struct eb_mark {
	char name[32];              /* [a-z0-9_] */
	uint64_t at_ns;             /* CLOCK_MONOTONIC; 0: not a stage but a note about this start */
	char note[128];             /* at_ns == 0: what the deployment said (e.g. allocator: "pooling") */
};

/* A launched workload: the process we started plus the runtime's own view. */
struct eb_instance {
	struct eb_proc proc;
	char name[64];              /* eb_launch_ctx.instance at launch */
	char data_dir[256];         /* its database directory, removed at its stop ("": none) */
	void *rt_data;              /* runtime-owned, released by its stop hook */
};

#define EB_MAX_METRICS 8

/*
 * One footprint sample of an instance.  mem[] are named memory figures in
 * bytes (e.g. "pss", "rss", "cgroup_memory", "shim_pss"); cpu is the CPU
 * time consumed so far by the instance, where the runtime can tell.
 */
struct eb_sample {
	size_t n_mem;
	struct {
		const char *name;
		const char *description;
		double bytes;
	} mem[EB_MAX_METRICS];
	int has_cpu;
	uint64_t cpu_user_ns, cpu_sys_ns;
	const char *cpu_source;
	int additive;               /* index in mem[] of the figure that adds up over instances (PSS), -1: none */
};

/* A command line built in place: argv points into buf. */
struct eb_argv {
	char why[256];              /* set by command() when it returns -ENOTSUP */
	int argc;
	char *argv[64];
	char buf[4096];
	size_t used;
};

__attribute__((format(printf, 2, 3), warn_unused_result))
int eb_argv_push(struct eb_argv *a, const char *fmt, ...);
void eb_argv_reset(struct eb_argv *a);
/* Space-joined command line for logs. */
void eb_argv_join(const struct eb_argv *a, char *out, size_t cap);

/* One way a runtime runs a workload. */
struct eb_rt_mode {
	const char *name;
	const char *note;           /* what the mode is (NULL: nothing to add) */
	unsigned flags;             /* EB_MODE_* */
};

/* The mode's one instance is a whole deployment of several processes: scale
 * from zero and density, which start many instances side by side, skip it. */
#define EB_MODE_DEPLOYMENT     1u
/* A server mode that instantiates the guest per request (wasmtime serve without reuse): state,
 * such as an open database, does not outlive a request. */
#define EB_MODE_INSTANCE_PER_REQUEST 2u

/* Capabilities, declared (struct eb_runtime.flags). */
#define EB_RT_JOINS_CGROUP     1u   /* command() places the instance in ctx->cgroup_parent itself
				     * (containers: --cgroup-parent); otherwise the suite moves its pid */
#define EB_RT_REBUILDS         2u   /* rebuild() makes a fresh artifact from source: full cold starts */
#define EB_RT_SHARED_DAEMON    4u   /* shared_sample() measures a daemon no instance owns */
#define EB_RT_MODES_DIFFER     8u   /* modes need different things: mode_detect() says which are usable */
#define EB_RT_ON_REQUEST      16u   /* measured only when asked for by name (--runtime), never by default */

struct eb_runtime {
	const char *name;
	const char *summary;
	const struct eb_rt_mode *modes;   /* ending with { NULL }; the first is the default */
	const char *unsupported;    /* for `list`: which workloads it cannot run, and why */
	const char *data_path;      /* how a database workload's instance reaches its directory (NULL: it cannot) */
	unsigned flags;             /* EB_RT_* */
	/*
	 * The runtime's own context: what it resolves and sets up (its binary,
	 * work directory, image, AOT artefacts), handed to every hook below as
	 * `state` (an instance's own data is its rt_data).  NULL for a runtime
	 * that keeps nothing.
	 */
	void *state;
	void (*detect)(void *state, const struct eb_launch_ctx *ctx, struct eb_rt_status *st);
	/* Optional, for runtimes whose modes need different things (wasmcloud):
	 * one mode's availability and exact versions, after detect said available. */
	void (*mode_detect)(void *state, const struct eb_launch_ctx *ctx, const char *mode, struct eb_rt_status *st);
	/* Build the command; -ENOTSUP when this runtime does not run w. */
	int (*command)(void *state, const struct eb_launch_ctx *ctx, const char *mode,
		       const struct eb_workload *w, struct eb_argv *out);

	/* Everything below is optional (NULL: the native behaviour); callers
	 * go through eb_rt_* (below), which fill in the defaults. */

	/*
	 * Once per run before the runtime's first cell (e.g. build an image);
	 * facts worth keeping go into info (versions, build time).  0 or a
	 * negative errno with a one-line reason in err.
	 */
	int (*prepare)(void *state, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap);
	/* Remove everything of ours this runtime may have left (stale or current). */
	void (*cleanup)(void *state);
	/* After a server answered: learn what sampling needs (cgroup paths...). */
	int (*attach)(void *state, struct eb_instance *in, char *err, size_t errcap);
	/* Footprint of one instance; default: RSS/PSS/CPU of its process tree. */
	int (*sample)(void *state, struct eb_instance *in, struct eb_sample *out);
	/* Shared cost not owned by any instance (a daemon); default: none. */
	int (*shared_sample)(void *state, struct eb_sample *out);
	/* End an instance and release rt_data; default: SIGTERM its group. */
	void (*stop)(void *state, struct eb_instance *in);
	/*
	 * "Full cold": rebuild the deployable artifact from source (timed by
	 * the caller), so the next launch starts from a fresh build.
	 */
	int (*rebuild)(void *state, const struct eb_launch_ctx *ctx, const char *mode, char *err, size_t errcap);
	/*
	 * Stages of a start the instance itself reported (a deployment that
	 * brings up several processes): up to cap {name, CLOCK_MONOTONIC ns}
	 * into marks, read once it answered.  Returns how many; default none.
	 */
	size_t (*start_marks)(void *state, struct eb_instance *in, struct eb_mark *marks, size_t cap);
};

/* Is w's native binary missing from artifact_dir although it is optional (build_needs)?  1 with why filled. */
int eb_wl_missing(const char *artifact_dir, const struct eb_workload *w, char *why, size_t cap);

/* "<wasm_dir>/<workload>.wasm" into out; 0 or -ENAMETOOLONG. */
int eb_wasm_module(const struct eb_launch_ctx *ctx, const struct eb_workload *w, char *out, size_t cap);

/* "<wasm_dir>/http-hello.component.wasm" (the wasi:http component); 0 or -ENAMETOOLONG. */
int eb_component_path(const struct eb_launch_ctx *ctx, char *out, size_t cap);

/* First line of `argv` output into out (for versions); 0 or a negative errno. */
int eb_first_line_of(char *const argv[], char *out, size_t cap);

/*
 * The workload's own arguments after the module/binary: for a server
 * "[--addr 127.0.0.1] --port P" (with_addr: the build takes --addr) and, for
 * a database workload, "--db DATA_DIR/items.db" with data_dir the instance's
 * directory as the instance sees it (NULL: ctx->data_dir, the host's path);
 * for cpu-hash the iteration count, for hello nothing.
 */
__attribute__((warn_unused_result))
int eb_argv_push_workload_args(struct eb_argv *a, const struct eb_launch_ctx *ctx,
			       const struct eb_workload *w, int with_addr, const char *data_dir);

/* Where a sandboxed instance (container, wasm guest) sees its database directory. */
#define EB_GUEST_DATA_DIR "/data"

/*
 * The check every wasm runtime starts with: does `version_argv` run (its
 * first line into version), and are the wasm modules built?  Returns 1 when
 * both hold; otherwise fills st->why/hint (why_missing/hint when the tool
 * does not run) and returns 0.
 */
int eb_wasm_detect(const struct eb_launch_ctx *ctx, char *const version_argv[],
		   const char *why_missing, const char *hint, struct eb_rt_status *st,
		   char *version, size_t cap);

/* Does `tool ARG` run and exit 0?  (ARG e.g. "--version") */
int eb_tool_runs(const char *tool, const char *arg);

/*
 * Ahead-of-time compile every workload's module: for each workload,
 * in = "<wasm_dir>/<module_name(w)>.wasm", out = "<dir>/<module_name(w)><ext>",
 * argv_for() builds the compiler's command; a module not built is skipped.
 * Times go to info as aot_compile_ms.<workload>.  0, or a negative errno with a reason in err.
 */
int eb_aot_compile_all(const struct eb_launch_ctx *ctx, const char *dir, const char *ext,
		       const char *(*module_name)(const struct eb_workload *w),
		       int (*argv_for)(const void *arg, const char *in, const char *out, struct eb_argv *a),
		       const void *arg, json_t *info, char *err, size_t errcap);

/* The default sample: the instance's process tree from /proc. */
int eb_sample_process_tree(struct eb_instance *in, struct eb_sample *out);

/*
 * The hooks with their defaults filled in (curl's Curl_none_* idea): the
 * suite calls these and never asks whether a hook is set.
 */
void eb_rt_stop(const struct eb_runtime *rt, struct eb_instance *in);
int eb_rt_sample(const struct eb_runtime *rt, struct eb_instance *in, struct eb_sample *out);
int eb_rt_attach(const struct eb_runtime *rt, struct eb_instance *in, char *err, size_t errcap);
size_t eb_rt_start_marks(const struct eb_runtime *rt, struct eb_instance *in, struct eb_mark *marks, size_t cap);

void eb_rt_detect(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, struct eb_rt_status *st);
int eb_rt_command(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, const char *mode,
		  const struct eb_workload *w, struct eb_argv *out);
void eb_rt_mode_detect(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, const char *mode,
		       struct eb_rt_status *st);
int eb_rt_prepare(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, json_t *info, char *err, size_t errcap);
void eb_rt_cleanup(const struct eb_runtime *rt);
int eb_rt_shared_sample(const struct eb_runtime *rt, struct eb_sample *out);
int eb_rt_rebuild(const struct eb_runtime *rt, const struct eb_launch_ctx *ctx, const char *mode, char *err, size_t errcap);

/* rt's mode called name, or NULL. */
const struct eb_rt_mode *eb_rt_mode_find(const struct eb_runtime *rt, const char *name);

/* NULL-terminated table of every runtime edgebench knows. */
extern const struct eb_runtime *const eb_runtimes[];

const struct eb_runtime *eb_runtime_find(const char *name);

#endif
