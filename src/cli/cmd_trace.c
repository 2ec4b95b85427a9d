/*
 * cmd_trace: `edgebench trace FILE`: read an invocation trace as a replay
 * would (plan/trace.h) and say what is in it, so a trace is checked before
 * any runtime is measured with it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "data/stats.h"
#include "plan/opts.h"
#include "plan/trace.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: edgebench trace FILE [--format auto|orcbench|azure2019|azure2021] [--seed N]\n"
		   "                      [--durations FILE] [--functions N] [--duration D]\n"
		   "  reads an invocation trace (orcbench output, the Azure Functions 2019 per-minute counts,\n"
		   "  the Azure Functions 2021 per-invocation trace) and prints what it holds\n");
}

int eb_cmd_trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },
		{ "durations", required_argument, NULL, 'd' },
		{ "functions", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum eb_trace_format fmt = EB_TRACE_AUTO;
	uint64_t seed = 1, functions = 0, max_ns = 0;
	const char *durations = NULL;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (eb_trace_format_parse(optarg, &fmt) < 0) {
				fprintf(stderr, "edgebench trace: bad value '%s' for --format (auto, orcbench, azure2019 or azure2021)\n", optarg);
				return 2;
			}
			break;
		case 's':
			if (eb_parse_count(optarg, 0, UINT64_MAX, &seed) < 0) {
				fprintf(stderr, "edgebench trace: bad value '%s' for --seed (a whole number)\n", optarg);
				return 2;
			}
			break;
		case 'd': durations = optarg; break;
		case 'n':
			if (eb_parse_count(optarg, 1, 1000000, &functions) < 0) {
				fprintf(stderr, "edgebench trace: bad value '%s' for --functions (a whole number 1..1000000)\n", optarg);
				return 2;
			}
			break;
		case 't':
			if (eb_parse_duration_ns(optarg, 1000000ull, 31ull * 86400 * 1000000000ull, &max_ns) < 0) {
				fprintf(stderr, "edgebench trace: bad duration '%s' for --duration (e.g. 10m, 90s)\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "edgebench trace: give one trace file (edgebench trace --help)\n");
		return 2;
	}
	struct eb_trace t;
	char err[512];
	if (eb_trace_read(argv[optind], fmt, seed, durations, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgebench trace: %s\n", err);
		return 2;
	}
	eb_trace_cut(&t, (size_t)functions, max_ns);
	if (t.n == 0) {
		fprintf(stderr, "edgebench trace: no invocation is left after --functions/--duration\n");
		eb_trace_free(&t);
		return 1;
	}
	double *d = malloc(t.n * sizeof(*d));
	size_t *per = calloc(t.n_functions, sizeof(*per));
	if (!d || !per) {
		fprintf(stderr, "edgebench trace: out of memory\n");
		free(d);
		free(per);
		eb_trace_free(&t);
		return 1;
	}
	for (size_t i = 0; i < t.n; i++) {
		d[i] = (double)t.inv[i].duration_ns / 1e6;
		per[t.inv[i].function]++;
	}
	eb_sort_doubles(d, t.n);
	double span = (double)t.inv[t.n - 1].at_ns / 1e9;
	size_t active = 0, busiest = 0;
	for (size_t f = 0; f < t.n_functions; f++) {
		active += per[f] > 0;
		if (per[f] > per[busiest])
			busiest = f;
	}
	printf("trace %s (%s)\n", argv[optind], eb_trace_format_name(t.format));
	printf("  invocations   %zu over %.1f s (%.2f per second)\n", t.n, span, span > 0 ? (double)t.n / span : 0.0);
	printf("  functions     %zu with invocations; the busiest %s has %zu\n", active, t.functions[busiest], per[busiest]);
	printf("  durations ms  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f (%s)\n", eb_percentile(d, t.n, 50),
	       eb_percentile(d, t.n, 90), eb_percentile(d, t.n, 99), d[t.n - 1], t.durations_from);
	if (t.negative_durations)
		printf("  note          %zu negative durations were read as 0 ms\n", t.negative_durations);
	free(d);
	free(per);
	eb_trace_free(&t);
	return 0;
}
