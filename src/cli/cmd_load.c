/*
 * cmd_load: `edgebench load URL`, the load generator on its own, printing
 * what wrk prints so the two can be compared on any loopback server.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "net/hist.h"
#include "net/http.h"
#include "net/load.h"
#include "plan/opts.h"

static void load_usage(FILE *f)
{
	fprintf(f,
		"usage: edgebench load URL [-c CONNECTIONS] [-d DURATION | -n REQUESTS]\n"
		"                          [--keepalive | --close] [--timeout DURATION] [--rate R]\n"
		"  URL          http://127.0.0.1:PORT/PATH (loopback only)\n"
		"  -c N         connections (default 10)\n"
		"  -d DURATION  run time, e.g. 10s, 500ms (default 10s)\n"
		"  -n N         number of requests instead of a duration\n"
		"  --keepalive  reuse connections (default); --close: one connection per request\n"
		"  --timeout D  per-request timeout (default 2s)\n"
		"  --rate R     open loop: R requests per second on a fixed schedule, latency from\n"
		"               each request's due time, up to -c connections (default: closed loop)\n");
}

static void fmt_ns(double ns, char *buf, size_t cap)
{
	if (ns < 1e3)
		snprintf(buf, cap, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, cap, "%.2fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, cap, "%.2fms", ns / 1e6);
	else
		snprintf(buf, cap, "%.2fs", ns / 1e9);
}

int eb_cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "connections", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "requests", required_argument, NULL, 'n' },
		{ "keepalive", no_argument, NULL, 'k' },
		{ "close", no_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t conns = 10, duration_ns = 0, requests = 0, timeout_ns = 2000000000ull, rate = 0;
	int keepalive = 1, opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:d:n:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (eb_parse_count(optarg, 1, 10000, &conns) < 0) {
				fprintf(stderr, "edgebench load: bad connection count '%s' (1..10000)\n", optarg);
				return 2;
			}
			break;
		case 'd':
			if (eb_parse_duration_ns(optarg, 1000000ull, 3600000000000ull, &duration_ns) < 0) {
				fprintf(stderr, "edgebench load: bad duration '%s' (e.g. 10s, 500ms; 1ms..1h)\n", optarg);
				return 2;
			}
			break;
		case 'n':
			if (eb_parse_count(optarg, 1, 100000000ull, &requests) < 0) {
				fprintf(stderr, "edgebench load: bad request count '%s' (1..100M)\n", optarg);
				return 2;
			}
			break;
		case 'k': keepalive = 1; break;
		case 'C': keepalive = 0; break;
		case 't':
			if (eb_parse_duration_ns(optarg, 1000000ull, 600000000000ull, &timeout_ns) < 0) {
				fprintf(stderr, "edgebench load: bad timeout '%s'\n", optarg);
				return 2;
			}
			break;
		case 'R':
			if (eb_parse_count(optarg, 1, 10000000ull, &rate) < 0) {
				fprintf(stderr, "edgebench load: bad rate '%s' (requests per second, 1..10M)\n", optarg);
				return 2;
			}
			break;
		case 'h':
			load_usage(stdout);
			return 0;
		default:
			load_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "edgebench load: expected exactly one URL (see --help)\n");
		return 2;
	}
	if (duration_ns && requests) {
		fprintf(stderr, "edgebench load: give -d or -n, not both\n");
		return 2;
	}
	if (!duration_ns && !requests)
		duration_ns = 10000000000ull;
	struct eb_url url;
	int rc = eb_url_parse(argv[optind], &url);
	if (rc == -EPERM) {
		fprintf(stderr, "edgebench load: %s is not a loopback address; edgebench only sends load to 127.0.0.0/8\n", url.host);
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "edgebench load: bad URL '%s' (expected http://127.0.0.1:PORT/PATH)\n", argv[optind]);
		return 2;
	}

	struct eb_hist *hist;
	if (eb_hist_new(&hist) < 0) {
		fprintf(stderr, "edgebench load: out of memory\n");
		return 1;
	}
	struct eb_load_config cfg = {
		.ip_be = url.ipv4_be, .port = url.port, .path = url.path,
		.connections = (unsigned)conns, .requests = requests, .duration_ns = duration_ns,
		.keepalive = keepalive, .timeout_ns = timeout_ns, .rate_per_s = (double)rate,
	};
	struct eb_load_result res;
	if (duration_ns)
		printf("Running %.2fs test @ %s\n", (double)duration_ns / 1e9, argv[optind]);
	else
		printf("Running %llu requests @ %s\n", (unsigned long long)requests, argv[optind]);
	printf("  1 thread and %llu connections, %s\n", (unsigned long long)conns,
	       keepalive ? "keep-alive" : "connection per request");
	if (rate)
		printf("  open loop at %llu req/s: latency from each request's due time (coordinated omission corrected)\n",
		       (unsigned long long)rate);
	else
		printf("  closed loop: each connection sends its next request when the last returns\n");
	fflush(stdout);
	rc = eb_load_run(&cfg, hist, &res);
	if (rc < 0) {
		fprintf(stderr, "edgebench load: %s\n", strerror(-rc));
		eb_hist_free(hist);
		return 1;
	}
	char a[32], b[32], c[32], d[32];
	fmt_ns(eb_hist_mean(hist), a, sizeof(a));
	fmt_ns((double)eb_hist_percentile(hist, 50), b, sizeof(b));
	fmt_ns((double)eb_hist_percentile(hist, 99), c, sizeof(c));
	fmt_ns((double)(hist->total ? hist->max : 0), d, sizeof(d));
	printf("  Latency      mean %s   p50 %s   p99 %s   max %s\n", a, b, c, d);
	printf("  Latency Distribution (nearest rank of a 0.2%%-resolution histogram, as wrk; run and report interpolate: docs/statistics.md)\n");
	static const double pct[] = { 50, 75, 90, 99, 99.9, 99.99, 100 };
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		fmt_ns((double)eb_hist_percentile(hist, pct[i]), a, sizeof(a));
		printf("    %7g%%  %s\n", pct[i], a);
	}
	double secs = (double)res.elapsed_ns / 1e9;
	printf("  %llu requests in %.2fs, %.2fMB read, %llu connections opened\n",
	       (unsigned long long)res.completed, secs, (double)res.bytes_read / 1048576.0,
	       (unsigned long long)res.connects);
	uint64_t errs = eb_load_errors(&res);
	if (errs)
		printf("  Socket errors: connect %llu, read %llu, write %llu, parse %llu, timeout %llu\n",
		       (unsigned long long)res.err_connect, (unsigned long long)res.err_read,
		       (unsigned long long)res.err_write, (unsigned long long)res.err_parse,
		       (unsigned long long)res.timeouts);
	uint64_t bad = res.completed - res.status_2xx - res.status_3xx;
	if (bad)
		printf("  Non-2xx or 3xx responses: %llu\n", (unsigned long long)bad);
	printf("Requests/sec: %10.2f\n", secs > 0 ? (double)res.completed / secs : 0.0);
	if (rate) {
		double achieved = secs > 0 ? (double)res.completed / secs : 0.0;
		printf("Offered/sec:  %10.2f   (longest wait of a due request before it was sent: %.2fms)\n",
		       (double)rate, (double)res.late_max_ns / 1e6);
		printf("  Due %llu, sent %llu, never sent %llu, in flight at the end %llu (neither has a latency in the figures above)\n",
		       (unsigned long long)res.due, (unsigned long long)(res.due - res.unsent), (unsigned long long)res.unsent,
		       (unsigned long long)res.in_flight_at_end);
		printf("  Generator late (> %.0f ms after due, a connection free): %llu requests, worst %.2fms; all connections busy: %llu times\n",
		       (double)EB_LOAD_LATE_BOUND_NS / 1e6, (unsigned long long)res.gen_late_count, (double)res.gen_late_max_ns / 1e6,
		       (unsigned long long)res.queued);
		if (eb_load_generator_bound(&res, (double)rate, achieved))
			printf("  GENERATOR-BOUND: edgebench could not offer %.0f req/s (achieved %.0f; shortfall %.0f req/s): the figures above "
			       "describe the generator's limit, not the server's\n", (double)rate, achieved, (double)rate - achieved);
		else if (res.unsent || res.in_flight_at_end)
			printf("  Shortfall: %llu requests due were never sent and %llu were unanswered at the end; p99 above leaves them out\n",
			       (unsigned long long)res.unsent, (unsigned long long)res.in_flight_at_end);
	}
	printf("Transfer/sec: %9.2fKB\n", secs > 0 ? (double)res.bytes_read / 1024.0 / secs : 0.0);
	eb_hist_free(hist);
	if (res.interrupted) {
		fprintf(stderr, "edgebench load: interrupted\n");
		return 130;
	}
	if (errs || bad) {
		fprintf(stderr, "edgebench load: WARNING: %llu errors and %llu non-2xx/3xx responses\n",
			(unsigned long long)errs, (unsigned long long)bad);
		return 1;
	}
	return 0;
}
