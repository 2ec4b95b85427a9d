/*
 * rt_pending: runtimes edgebench knows about but has no adapter for yet.
 * They are listed, and reported as not available with the reason, so a
 * reader of any report sees what was not measured and why; nothing about
 * them is simulated.  Each moves to its own rt_*.c when its adapter lands.
 */
#include "runtime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const no_modes[] = { "-", NULL };

#define PENDING(id, label, hint_text)                                              \
	static void id##_detect(const struct eb_launch_ctx *ctx, struct eb_rt_status *st) \
	{                                                                          \
		(void)ctx;                                                         \
		memset(st, 0, sizeof(*st));                                        \
		snprintf(st->why, sizeof(st->why),                                 \
			 "edgebench has no adapter for " label " yet");             \
		snprintf(st->hint, sizeof(st->hint), "%s", hint_text);            \
	}                                                                          \
	static int id##_command(const struct eb_launch_ctx *ctx, const char *mode, \
				const struct eb_workload *w, struct eb_argv *a)    \
	{                                                                          \
		(void)ctx; (void)mode; (void)w; (void)a;                           \
		return -ENOTSUP;                                                   \
	}                                                                          \
	const struct eb_runtime eb_rt_##id = {                                     \
		.name = #id, .summary = label, .modes = no_modes,                  \
		.detect = id##_detect, .command = id##_command,                    \
	}

PENDING(wasmcloud, "wasmCloud", "no adapter planned yet; see ../shared/FIELD-NOTES.md");
