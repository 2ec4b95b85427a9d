/*
 * edgebench: measure the same workloads on several runtimes.  main only
 * picks the subcommand; each lives in its own cmd_*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "sys/fingerprint.h"
#include "sys/proc.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
	int times;   /* its output is timings: refused under emulation */
	int guarded; /* starts instances: a guard stops them if we die uncleanly (sys/proc.h) */
} commands[] = {
	{ "list", eb_cmd_list, "show every runtime and workload and whether it can run here", 0, 0 },
	{ "run", eb_cmd_run, "run the benchmark plan and write a results directory", 1, 1 },
	{ "load", eb_cmd_load, "drive HTTP load at a loopback URL and print wrk-style figures", 1, 0 },
	{ "report", eb_cmd_report, "turn a results directory into report.md and SVG charts", 0, 0 },
	{ "compare", eb_cmd_compare, "set two or more results directories side by side (machines, versions)", 0, 0 },
	{ "serve", eb_cmd_serve, "keep one server instance up under a runtime (for wrk, curl...)", 0, 1 },
	{ "replay", eb_cmd_replay, "replay an invocation trace against instance pools of each runtime (cold starts, latency, memory-time)", 1, 1 },
	{ "trace", eb_cmd_trace, "read an invocation trace (orcbench, Azure Functions 2019/2021) and say what it holds", 0, 0 },
	{ "wasmcloud-operator", eb_cmd_operator, "one wasmCloud 2.x host deployment, operated over NATS (run uses it)", 0, 1 },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: edgebench COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-18s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'edgebench COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	eb_signals_install();
	if (!strcmp(argv[1], "_sweep"))
		return eb_cmd_sweep(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		/* an emulated build (qemu-user) is for functional checks only: its figures would
		   time the emulator; EDGEBENCH_EMULATED=functional runs it, every figure marked */
		char why[512];
		const char *ok = getenv("EDGEBENCH_EMULATED");
		if (commands[i].times && eb_emulated(NULL, why, sizeof(why))) {
			if (!(ok && !strcmp(ok, "functional"))) {
				fprintf(stderr, "edgebench %s: %s; refused (EDGEBENCH_EMULATED=functional runs it as a functional check, no figure reported as a measurement)\n",
					argv[1], why);
				return 2;
			}
			printf("EMULATED, A FUNCTIONAL CHECK ONLY: %s; no figure printed is a measurement.\n", why);
			fflush(stdout);
		}
		if (commands[i].guarded) {
			char self[24];
			snprintf(self, sizeof(self), "%d", (int)getpid());
			char *sweep[] = { "edgebench", "_sweep", self, NULL };
			(void)eb_guard_start(sweep);   /* without one, a SIGKILL leaves instances as before */
		}
		return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "edgebench: unknown command '%s' (try 'edgebench --help')\n", argv[1]);
	return 2;
}
