/*
 * cmd_serve: `edgebench serve --runtime R [--mode M] [--workload W] --port P`,
 * one server instance (http-hello, or http-api with its own seeded
 * database) on 127.0.0.1:P under any runtime, kept up until Ctrl-C, so wrk,
 * curl or your own client can check our figures.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "plan/opts.h"
#include "runtimes/runtime.h"
#include "measure/serve.h"

static void ready(void *arg, uint64_t ready_ns, const char *command)
{
	unsigned port = *(unsigned *)arg;
	printf("serving http://127.0.0.1:%u/ (first 200 after %.3f ms): %s\n", port, (double)ready_ns / 1e6, command);
	printf("Ctrl-C stops it and removes everything it started\n");
	fflush(stdout);
}

int eb_cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runtime", required_argument, NULL, 'r' },
		{ "mode", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "workload", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rt_name = "native", *mode = NULL;
	const struct eb_workload *w = eb_workload_find("http-hello");
	uint64_t port = 0;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:m:p:w:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			w = eb_workload_find(optarg);
			if (!w || w->kind != EB_WL_SERVER) {
				fprintf(stderr, "edgebench serve: '%s' is not a server workload (see 'edgebench list')\n", optarg);
				return 2;
			}
			break;
		case 'r': rt_name = optarg; break;
		case 'm': mode = optarg; break;
		case 'p':
			if (eb_parse_count(optarg, 1, 65535, &port) < 0) {
				fprintf(stderr, "edgebench serve: bad port '%s' (1..65535)\n", optarg);
				return 2;
			}
			break;
		case 'h':
			printf("usage: edgebench serve [--runtime R] [--mode M] [--workload W] --port P\n");
			return 0;
		default:
			fprintf(stderr, "usage: edgebench serve [--runtime R] [--mode M] [--workload W] --port P\n");
			return 2;
		}
	}
	if (!port) {
		fprintf(stderr, "edgebench serve: --port is required\n");
		return 2;
	}
	const struct eb_runtime *rt = eb_runtime_find(rt_name);
	if (!rt) {
		fprintf(stderr, "edgebench serve: unknown runtime '%s' (see 'edgebench list')\n", rt_name);
		return 2;
	}
	if (!mode)
		mode = rt->modes[0].name;
	if (!eb_rt_mode_find(rt, mode)) {
		fprintf(stderr, "edgebench serve: runtime %s has no mode '%s' (see 'edgebench list')\n", rt_name, mode);
		return 2;
	}
	struct eb_plan plan;
	eb_plan_defaults(&plan);
	struct eb_launch_ctx lctx = { .artifact_dir = plan.artifact_dir, .wasm_dir = plan.wasm_dir };
	struct eb_rt_status st;
	eb_rt_detect(rt, &lctx, &st);
	if (!st.available) {
		fprintf(stderr, "edgebench serve: runtime %s not available: %s, install with: %s\n", rt_name, st.why, st.hint);
		return 2;
	}
	char err[1024] = "";
	eb_rt_cleanup(rt);
	json_t *info = json_object();
	int prc = eb_rt_prepare(rt, &lctx, info, err, sizeof(err));
	json_decref(info);
	if (prc < 0) {
		fprintf(stderr, "edgebench serve: %s\n", err);
		return 1;
	}
	unsigned p = (unsigned)port;
	int rc = eb_serve(&plan, rt, mode, w, (uint16_t)port, ready, &p, err, sizeof(err));
	eb_rt_cleanup(rt);
	/* the runtime's own reason (e.g. a component not built) wins over the
	 * generic one, which only fills a silence */
	if (rc < 0 && !err[0])
		snprintf(err, sizeof(err), "%s", rt->unsupported ? rt->unsupported : "cannot serve");
	if (rc < 0) {
		fprintf(stderr, "edgebench serve: %s\n", err);
		return 1;
	}
	return 0;
}
