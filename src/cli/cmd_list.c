/*
 * cmd_list: `edgebench list`, every runtime and workload, whether it can run
 * here, its version, and why not when not.
 */
#include <stdio.h>
#include <string.h>

#include "buildinfo.h"
#include "cli/cmd.h"
#include "runtimes/runtime.h"
#include "catalog/workload.h"

int eb_cmd_list(int argc, char **argv)
{
	const char *artifacts = EB_NATIVE_DIR, *wasm = EB_WASM_DIR;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--artifacts") && i + 1 < argc) {
			artifacts = argv[++i];
		} else if (!strcmp(argv[i], "--wasm-artifacts") && i + 1 < argc) {
			wasm = argv[++i];
		} else if (!strcmp(argv[i], "--help")) {
			printf("usage: edgebench list [--artifacts DIR] [--wasm-artifacts DIR]\n");
			return 0;
		} else {
			fprintf(stderr, "edgebench list: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	struct eb_launch_ctx ctx = { .artifact_dir = artifacts, .wasm_dir = wasm };
	printf("runtimes:\n");
	for (const struct eb_runtime *const *r = eb_runtimes; *r; r++) {
		struct eb_rt_status st;
		eb_rt_detect(*r, &ctx, &st);
		char modes[256] = "";
		for (const struct eb_rt_mode *m = (*r)->modes; m->name; m++)
			snprintf(modes + strlen(modes), sizeof(modes) - strlen(modes), "%s%s",
				 m == (*r)->modes ? "" : ",", m->name);
		if (st.available) {
			printf("  %-10s available      modes=%s  version: %s\n", (*r)->name, modes, st.version);
			if ((*r)->unsupported)
				printf("  %-10s note: %s\n", "", (*r)->unsupported);
			for (const struct eb_rt_mode *m = (*r)->modes; ((*r)->flags & EB_RT_MODES_DIFFER) && m->name; m++) {
				struct eb_rt_status ms;
				memset(&ms, 0, sizeof(ms));
				eb_rt_mode_detect(*r, &ctx, m->name, &ms);
				if (ms.available)
					printf("  %-10s mode %-8s available: %s\n", "", m->name, ms.version);
				else
					printf("  %-10s mode %-8s not available: %s, install with: %s\n", "", m->name, ms.why, ms.hint);
			}
		}
		else
			printf("  %-10s not available: %s, install with: %s\n", (*r)->name, st.why, st.hint);
	}
	printf("workloads:\n");
	for (unsigned i = 0; i < eb_workload_count; i++)
		printf("  %-10s %-6s %s\n", eb_workloads[i].name,
		       eb_workloads[i].kind == EB_WL_SERVER ? "server" : "batch", eb_workloads[i].summary);
	return 0;
}
