/*
 * plan: the study's numbers as defaults, and the names of the network
 * conditions.
 */
#include "plan/plan.h"

#include <string.h>

#include "buildinfo.h"

void eb_plan_defaults(struct eb_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->artifact_dir = EB_NATIVE_DIR;
	p->wasm_dir = EB_WASM_DIR;
	p->cold_trials = 20;
	p->warmup_requests = 5;
	p->warm_requests = 50;
	p->burst_requests = 200;
	p->burst_concurrency = 10;
	p->bursts = 5;
	p->sustained_ns = 5000000000ull;   /* in 5 rounds of 1 s: 5 pairs for a verdict (3 s in 3 rounds gave 3) */
	p->sustained_rounds = 5;
	p->sustained_connections = 10;
	static const unsigned curve[] = { 10, 25, 50, 75, 90 };
	memcpy(p->curve_pct, curve, sizeof(curve));
	p->n_curve = sizeof(curve) / sizeof(curve[0]);
	p->curve_ns = 1000000000ull;
	p->curve_connections = 50;
	p->p99_threshold_ns = 10000000ull;
	static const unsigned bursts[] = { 1, 4, 16 };
	memcpy(p->burst_sizes, bursts, sizeof(bursts));
	p->n_burst_sizes = sizeof(bursts) / sizeof(bursts[0]);
	p->start_timeout_ns = 10000000000ull;
	p->probe_spacing_ns = 200000ull;
	p->iterations = 2000000ull;
	for (unsigned i = 0; i < eb_workload_count; i++)
		p->runs[i] = eb_workloads[i].default_runs;
	p->cell_budget_ns = 60000000000ull;
	p->full_cold_trials = 3;
	p->density_max = 50;
	p->density_budget_bytes = 2ull << 30;
	p->density_time_ns = 30000000000ull;
	p->batch_timeout_ns = 600000000000ull;
	p->order = EB_ORDER_INTERLEAVED;
	p->seed = 0x5eed;
	p->noise_threshold = 0.10;
}

const char *eb_network_name(enum eb_network n)
{
	return n == EB_NET_VETH ? "veth" : "loopback";
}
