/*
 * phase_table: the phase table: each phase with its trials, how to run one and its rough cost.
 */
#include "measure/phase.h"
#include "measure/phases.h"
#include "measure/study.h"
#include "catalog/series.h"
#include "data/stats.h"
#include "net/load.h"
#include "net/probe.h"
#include "sys/cgroup.h"
#include "sys/clock.h"
#include "sys/footprint.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the phase table ------------------------------------------------ */

static unsigned tr_one(const struct eb_cell *c) { (void)c; return 1; }
/* a whole deployment per start (NATS, wadm, host, provider: ~0.4 s once wadm knows the host first) */
#define DEPLOYMENT_COLD_TRIALS 10u
static unsigned tr_cold(const struct eb_cell *c)
{
	return mc_deployment(c) && c->plan->cold_trials > DEPLOYMENT_COLD_TRIALS ? DEPLOYMENT_COLD_TRIALS : c->plan->cold_trials;
}
static unsigned tr_full_cold(const struct eb_cell *c)
{
	return (c->rt->flags & EB_RT_REBUILDS) && (c->w->flags & EB_WL_REBUILDABLE) && mc_default_path(c) ? c->plan->full_cold_trials : 0;
}
static unsigned tr_state(const struct eb_cell *c) { return c->w->flags & EB_WL_STATE_COUNTER ? 1 : 0; }
static unsigned tr_database(const struct eb_cell *c) { return c->w->flags & EB_WL_DATABASE ? 1 : 0; }
static unsigned tr_bursts(const struct eb_cell *c) { return c->plan->bursts; }
static int study(const struct eb_cell *c)
{
	return c->plan->study_method && (c->w->flags & EB_WL_STUDY) && mc_default_path(c) && !mc_deployment(c);
}
static unsigned tr_study_cold(const struct eb_cell *c) { return study(c) ? c->plan->cold_trials : 0; }
static unsigned tr_deploy(const struct eb_cell *c) { return mc_deployment(c) && mc_default_path(c) ? 3 : 0; }
static unsigned tr_study(const struct eb_cell *c) { return study(c) ? 1 : 0; }
static unsigned tr_rounds(const struct eb_cell *c) { return c->plan->sustained_rounds; }
static unsigned tr_curve(const struct eb_cell *c) { return mc_default_path(c) ? c->plan->n_curve : 0; }
static unsigned tr_coldburst(const struct eb_cell *c) { return mc_default_path(c) && !mc_deployment(c) ? c->plan->n_burst_sizes : 0; }
static unsigned tr_density(const struct eb_cell *c) { return c->plan->density_max && mc_default_path(c) && !mc_deployment(c) ? 1 : 0; }

/* Rough costs, for the estimate and the ETA only. */
static uint64_t est_start(const struct eb_cell *c) { return mc_deployment(c) ? 2000000000ull : 250000000ull; }
static uint64_t est_full_cold(const struct eb_cell *c) { (void)c; return 1000000000ull; }   /* R9: 0.53 s a trial */
static uint64_t est_study_cold(const struct eb_cell *c) { (void)c; return 300000000ull; }
static uint64_t est_study(const struct eb_cell *c)
{
	return (uint64_t)(c->plan->warmup_requests + c->plan->warm_requests) * 8000000ull +
	       (uint64_t)c->plan->bursts * c->plan->burst_requests * 4000000ull;
}
static uint64_t est_short(const struct eb_cell *c) { (void)c; return 150000000ull; }
static uint64_t est_sustained(const struct eb_cell *c)
{
	uint64_t flavours = c->w->flags & EB_WL_DATABASE ? 3 : 2;   /* keep-alive, close (, the read/write mix) */
	return flavours * c->plan->sustained_ns / (c->plan->sustained_rounds ? c->plan->sustained_rounds : 1) + 400000000ull;
}
static uint64_t est_curve(const struct eb_cell *c) { return c->plan->curve_ns + 400000000ull; }
static uint64_t est_coldburst(const struct eb_cell *c)
{
	unsigned sum = 0;
	for (unsigned i = 0; i < c->plan->n_burst_sizes; i++)
		sum += c->plan->burst_sizes[i];
	return c->plan->n_burst_sizes ? (uint64_t)sum * 300000000ull / c->plan->n_burst_sizes : 0;
}
static uint64_t est_density(const struct eb_cell *c) { return c->plan->density_max * 200000000ull; }
static uint64_t est_run(const struct eb_cell *c)
{
	if (c->run_est_ns)
		return c->run_est_ns;
	/* before the warm-up run: ~0.45 us per SHA-256 round, else a short program */
	return c->w->args == EB_WL_ARGS_ITERATIONS ? c->plan->iterations * 450ull + 20000000ull : 20000000ull;
}

const struct eb_phase eb_phases[] = {
	{ "prime", EB_WL_SERVER, 0, 0, tr_one, ph_prime, est_start, 0, 0 },
	{ "cold_start", EB_WL_SERVER, 1, 0, tr_cold, ph_cold_start, est_start, 0, 0 },
	{ "study_cold_start", EB_WL_SERVER, 1, 0, tr_study_cold, ph_study_cold, est_study_cold, 0, 0 },
	{ "full_cold", EB_WL_SERVER, 1, 0, tr_full_cold, ph_full_cold, est_full_cold, 0, 0 },
	{ "warmup", EB_WL_SERVER, 0, 1, tr_one, ph_warmup, est_start, 0, 0 },
	{ "sequential", EB_WL_SERVER, 0, 1, tr_one, ph_sequential, est_short, 0, 0 },
	{ "state", EB_WL_SERVER, 0, 1, tr_state, ph_state, est_short, 0, 0 },
	{ "database_requests", EB_WL_SERVER, 0, 1, tr_database, ph_database_requests, est_short, 0, 0 },
	{ "bursts", EB_WL_SERVER, 0, 1, tr_bursts, ph_burst, est_short, 0, 0 },
	{ "study_requests", EB_WL_SERVER, 0, 1, tr_study, ph_study_requests, est_study, 0, 0 },
	{ "deploy_cold_start", EB_WL_SERVER, 0, 1, tr_deploy, ph_deploy_cold, est_start, 0, 0 },
	{ "sustained", EB_WL_SERVER, 1, 0, tr_rounds, ph_sustained, est_sustained, 0, 0 },
	{ "latency_curve", EB_WL_SERVER, 1, 0, tr_curve, ph_curve, est_curve, 0, 0 },
	{ "scale_from_zero", EB_WL_SERVER, 1, 0, tr_coldburst, ph_coldburst, est_coldburst, 0, 0 },
	{ "density", EB_WL_SERVER, 0, 0, tr_density, ph_density, est_density, 0, 0 },
	{ "batch_warmup", EB_WL_BATCH, 0, 0, tr_one, ph_batch_warmup, est_run, .budgeted = 0, .refines_estimate = 1 },
	{ "batch_run", EB_WL_BATCH, 1, 0, mc_tr_runs, ph_batch_run, est_run, .budgeted = 1, .refines_estimate = 0 },
};
const size_t eb_phase_count = sizeof(eb_phases) / sizeof(eb_phases[0]);

