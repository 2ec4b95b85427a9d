/*
 * cmd_operator: `edgebench wasmcloud-operator ...`, one wasmCloud 2.x host
 * deployment (nats-server + `wash host` + our workload), operated by us over
 * NATS until stopped (wc_operator.h).  `edgebench run` launches it as the
 * instance of mode wasmcloud/host; it can be run by hand to look at one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "plan/opts.h"
#include "runtimes/wasmcloud/wc_operator.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: edgebench wasmcloud-operator --nats-server PATH --nats-port P --wash PATH\n"
		   "         --http-addr ADDR --http-port P --image REF --work DIR [--stage-timeout 60s]\n"
		   "Starts nats-server and `wash host`, waits for the host's heartbeat, starts the\n"
		   "http-hello workload (image REF, bound to Host ADDR) and stays up: SIGUSR1 stops and\n"
		   "starts the workload again, SIGTERM stops everything and removes DIR.  Stages go to DIR/phases.\n");
}

int eb_cmd_operator(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "nats-server", required_argument, NULL, 'n' },
		{ "nats-port", required_argument, NULL, 'N' },
		{ "wash", required_argument, NULL, 'w' },
		{ "http-addr", required_argument, NULL, 'a' },
		{ "http-port", required_argument, NULL, 'p' },
		{ "image", required_argument, NULL, 'i' },
		{ "work", required_argument, NULL, 'd' },
		{ "stage-timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct eb_wc_operator_args a = { 0 };
	uint64_t v;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n': a.nats_server = optarg; break;
		case 'w': a.wash = optarg; break;
		case 'a': a.http_addr = optarg; break;
		case 'i': a.image = optarg; break;
		case 'd': a.work = optarg; break;
		case 'N':
		case 'p':
			if (eb_parse_count(optarg, 1, 65535, &v) < 0) {
				fprintf(stderr, "edgebench wasmcloud-operator: bad port '%s' (1-65535)\n", optarg);
				return 2;
			}
			if (opt == 'N')
				a.nats_port = (uint16_t)v;
			else
				a.http_port = (uint16_t)v;
			break;
		case 't':
			if (eb_parse_duration_ns(optarg, 1000000000ull, 3600000000000ull, &a.stage_timeout_ns) < 0) {
				fprintf(stderr, "edgebench wasmcloud-operator: bad --stage-timeout '%s' (1s-1h)\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!a.nats_server || !a.nats_port || !a.wash || !a.http_addr || !a.http_port || !a.image || !a.work ||
	    optind != argc) {
		fprintf(stderr, "edgebench wasmcloud-operator: --nats-server, --nats-port, --wash, --http-addr, "
				"--http-port, --image and --work are required\n");
		return 2;
	}
	/* driven by a trace replay: commands on stdin (wc_operator.h) */
	const char *ctl = getenv("EDGEBENCH_WC_CONTROL");
	a.control = ctl && !strcmp(ctl, "1");
	char err[1024];
	int rc = eb_wc_operator_run(&a, err, sizeof(err));
	if (rc)
		fprintf(stderr, "edgebench wasmcloud-operator: %s\n", err[0] ? err : "failed");
	return rc;
}
