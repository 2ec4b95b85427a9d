/*
 * series: the catalogue.  Order matters only for the report, which lists
 * charts in this order.
 */
#include "catalog/series.h"

#include <stdio.h>
#include <string.h>

const struct eb_series_def eb_series[] = {
	/* server workloads */
	{ "cold_start", "ns", "launch -> first HTTP 200 on the workload's read (http-hello: GET /; http-api: GET /items/1), a fresh instance per trial (artifact present, after one unmeasured priming start)",
	  EB_SERIES_PAIRED, "cold start (launch -> first 200), every trial", EB_CHART_STRIP_LOG },
	{ "cold_start_phase_%s", "ns", "launch -> the deployment reported its stage %s (a multi-process deployment: wasmcloud lattice, host)",
	  EB_SERIES_PAIRED, NULL, 0 },
	{ "deploy_cold_start", "ns", "a running deployment (wasmcloud lattice: through wadm; host: workload.stop/start over NATS, pull cache emptied): the application undeployed, then deployed again -> first 200 (what a running platform pays per new application)",
	  0, NULL, 0 },
	{ "full_cold_build", "ns", "rebuild of the deployable artifact from source (compile + package)", EB_SERIES_PAIRED, NULL, 0 },
	{ "full_cold_start", "ns", "launch -> first HTTP 200 right after the rebuild", EB_SERIES_PAIRED, NULL, 0 },
	{ "full_cold_total", "ns", "build + start", EB_SERIES_PAIRED | EB_SERIES_RATIO_FIGURE, NULL, 0 },
	{ "shared_%s_after_warmup", "bytes", "%s, after warm-up (5 samples, 20 ms apart)", 0, NULL, 0 },
	{ "%s_after_warmup", "bytes", "%s, after warm-up (5 samples, 20 ms apart)", 0, NULL, 0 },
	{ "warm_latency", "ns", "sequential reads (http-hello: GET /; http-api: GET /items/N over the data set) on one keep-alive connection, after warm-up", 0,
	  "warm latency (sequential reads), distribution", EB_CHART_CDF_LOG },
	{ "state_latency", "ns", "sequential GET /state on one keep-alive connection", 0, NULL, 0 },
	{ "burst_latency", "ns", "read latencies of every burst (burst_requests at burst_concurrency, keep-alive)", 0,
	  "burst latency (concurrent reads), distribution", EB_CHART_CDF_LOG },
	{ "burst_throughput", "req/s", "requests per second of each burst, first request to last response", EB_SERIES_HIGHER_BETTER, NULL, 0 },
	{ "sustained_keepalive_latency", "ns", "read latency under sustained_connections keep-alive connections, every round", 0, NULL, 0 },
	{ "sustained_keepalive_p50", "ns", "p50 of one sustained keep-alive round's latencies, one per round", EB_SERIES_PAIRED, NULL, 0 },
	{ "sustained_keepalive_p99", "ns", "p99 of one sustained keep-alive round's latencies, one per round", EB_SERIES_PAIRED, NULL, 0 },
	{ "sustained_close_p50", "ns", "p50 of one sustained connection-per-request round's latencies, one per round", EB_SERIES_PAIRED, NULL, 0 },
	{ "sustained_close_p99", "ns", "p99 of one sustained connection-per-request round's latencies, one per round", EB_SERIES_PAIRED, NULL, 0 },
	{ "sustained_close_latency", "ns", "read latency under sustained_connections, a new connection per request (connect included), every round", 0, NULL, 0 },
	{ "sustained_keepalive_throughput", "req/s", "completed requests per 250 ms window x 4, keep-alive, every round (the last, partial window of a round dropped)",
	  EB_SERIES_PAIRED | EB_SERIES_HIGHER_BETTER, "sustained throughput (keep-alive), every 250 ms window", EB_CHART_STRIP_LINEAR },
	{ "sustained_close_throughput", "req/s", "completed requests per 250 ms window x 4, connection per request, every round",
	  EB_SERIES_PAIRED | EB_SERIES_HIGHER_BETTER, NULL, 0 },
	{ "sustained_keepalive_pss", "bytes", "PSS of the instance's process tree, sampled every 100 ms under keep-alive load", 0, NULL, 0 },
	{ "sustained_keepalive_%s", "bytes", "%s, sampled every 100 ms under keep-alive load", 0, NULL, 0 },
	{ "sustained_close_%s", "bytes", "%s, sampled every 100 ms under connection-per-request load", 0, NULL, 0 },
	{ "sustained_mix_latency", "ns", "http-api: latency of a 90/10 read/write mix (GET /items/N, POST /items) on sustained_connections keep-alive connections, every round", 0, NULL, 0 },
	{ "sustained_mix_p50", "ns", "p50 of one read/write mix round's latencies, one per round", EB_SERIES_PAIRED, NULL, 0 },
	{ "sustained_mix_p99", "ns", "p99 of one read/write mix round's latencies, one per round", EB_SERIES_PAIRED, NULL, 0 },
	{ "sustained_mix_throughput", "req/s", "http-api: completed requests of the 90/10 read/write mix per 250 ms window x 4, every round",
	  EB_SERIES_PAIRED | EB_SERIES_HIGHER_BETTER, NULL, 0 },
	{ "sustained_mix_%s", "bytes", "%s, sampled every 100 ms under the read/write mix", 0, NULL, 0 },
	{ "write_latency", "ns", "http-api: sequential POST /items of a ~1 KB JSON item (parse, validate, INSERT) on one keep-alive connection", 0,
	  "warm write latency (sequential POST /items), distribution", EB_CHART_CDF_LOG },
	{ "db_open_per_request", "ns", "http-api where the runtime instantiates the guest per request (wasmtime serve without reuse): the guest's own CLOCK_MONOTONIC around opening the database (sqlite3_open, the schema, four prepared statements), reported per request", 0, NULL, 0 },
	{ "list_latency", "ns", "http-api: sequential GET /items?limit=10 (SELECT, 10 items serialised) on one keep-alive connection", 0, NULL, 0 },
	{ "curve_%s_latency", "ns", "open loop at a percentage of the cell's closed-loop keep-alive throughput: latency from each request's due time (coordinated omission corrected)", 0, NULL, 0 },
	{ "coldburst_%s_start", "ns", "scale from zero: launch -> first 200 of each of N instances launched at once (probed in turn)", 0, NULL, 0 },
	{ "density_start", "ns", "launch -> first 200 of each instance while the earlier ones keep running", 0, NULL, 0 },
	{ "density_cgroup_usage", "bytes", "the memory cgroup of the density sweep after each start (what the instances cost the host together)", 0, NULL, 0 },
	{ "density_newest_%s", "bytes", "%s of the newest instance right after its start, one per step of the sweep (falls as pages are shared)", 0, NULL, 0 },
	{ "density_%s", "bytes", "%s of each instance, all running side by side at the end of the sweep", 0, NULL, 0 },
	/* the study's instrument (--method study) */
	{ "study_cold_start", "ns", "the study's instrument: launch -> exit of the first `curl` that got HTTP 200, one `curl` per attempt and `sleep 0.01` between attempts",
	  EB_SERIES_PAIRED, NULL, 0 },
	{ "study_cold_start_attempts", "count", "curl processes the study's cold-start loop ran before the 200", 0, NULL, 0 },
	{ "study_latency", "ns", "the study's instrument: launch -> exit of one `curl` process per sequential GET / (after warm_up requests)", 0, NULL, 0 },
	{ "study_curl_time_total", "ns", "curl's own %{time_total} of the same requests", 0, NULL, 0 },
	{ "study_throughput", "req/s", "the study's instrument: burst_requests GET / with burst_concurrency `curl` processes at a time, requests / (first launch -> last exit)",
	  EB_SERIES_HIGHER_BETTER, NULL, 0 },
	/* batch workloads */
	{ "run", "ns", "launch -> exit of a fresh process (after one unmeasured warm-up run)", EB_SERIES_PAIRED,
	  "run time (launch -> exit), every run", EB_CHART_STRIP_LOG },
	{ "compute", "ns", "the workload's own CLOCK_MONOTONIC time around its loop", EB_SERIES_PAIRED | EB_SERIES_RATIO_FIGURE, NULL, 0 },
	{ "startup_overhead", "ns", "run minus compute: launch, runtime start-up, exit", EB_SERIES_PAIRED, NULL, 0 },
	{ "run_peak_rss", "bytes", "the run's own peak RSS (the runtime with its guest since exec: VmHWM), the largest read while "
	  "it runs (a lower bound): the unmeasured warm-up run every 0.25 ms, measured runs every 10 ms (a run shorter "
	  "than that has only the warm-up's); not for containers (the launched process is the docker CLI)", 0, NULL, 0 },
};
const size_t eb_series_count = sizeof(eb_series) / sizeof(eb_series[0]);

const struct eb_glance_col eb_glance[] = {
	{ "cold start ms", "http-hello", "cold_start", 1e6, 2, 1 },
	{ "warm GET / us", "http-hello", "warm_latency", 1e3, 1, 0 },
	{ "keep-alive req/s", "http-hello", "sustained_keepalive_throughput", 1, 0, 1 },
	{ "api cold start ms", "http-api", "cold_start", 1e6, 2, 1 },
	{ "api read us", "http-api", "warm_latency", 1e3, 1, 0 },
	{ "api write us", "http-api", "write_latency", 1e3, 1, 0 },
	{ "api 90/10 req/s", "http-api", "sustained_mix_throughput", 1, 0, 1 },
	{ "cpu-hash compute ms", "cpu-hash", "compute", 1e6, 1, 1 },
	{ "hello ms", "hello", "run", 1e6, 2, 1 },
};
const size_t eb_glance_count = sizeof(eb_glance) / sizeof(eb_glance[0]);

/* Does name match pattern (one "%s" standing for [a-z0-9_]+)?  The figure goes to fig. */
static int match(const char *pattern, const char *name, char *fig, size_t cap)
{
	const char *pct = strstr(pattern, "%s");
	if (!pct)
		return !strcmp(pattern, name);
	size_t pre = (size_t)(pct - pattern), post = strlen(pct + 2), n = strlen(name);
	if (n <= pre + post || strncmp(name, pattern, pre) != 0 || strcmp(name + n - post, pct + 2) != 0)
		return 0;
	size_t flen = n - pre - post;
	for (size_t i = 0; i < flen; i++) {
		char c = name[pre + i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	if (fig && cap)
		snprintf(fig, cap, "%.*s", (int)flen, name + pre);
	return 1;
}

const struct eb_series_def *eb_series_find(const char *name, char *figure, size_t cap)
{
	if (figure && cap)
		figure[0] = '\0';
	for (size_t i = 0; i < eb_series_count; i++)
		if (!strstr(eb_series[i].name, "%s") && !strcmp(eb_series[i].name, name))
			return &eb_series[i];
	for (size_t i = 0; i < eb_series_count; i++)
		if (strstr(eb_series[i].name, "%s") && match(eb_series[i].name, name, figure, cap))
			return &eb_series[i];
	return NULL;
}
