/*
 * suite: the scheduler that runs a plan (plan/plan.h).
 *
 * A cell is one (runtime, mode, workload).  What a cell does is a table of
 * phases (suite.c): for a server, a priming start, cold starts, full cold
 * starts, warm-up, sequential GET / and /state, bursts, sustained load in
 * rounds, density; for a batch program, a warm-up run and timed runs.
 * Phases that repeat trials (cold starts, full cold, sustained rounds,
 * batch runs) are interleaved: trial i of every cell of a workload runs
 * before trial i+1 of any, in an order shuffled per round from the plan's
 * seed, with a calibration of the machine's speed before every round.  The
 * other phases run cell by cell.  Every series a phase adds is declared in
 * the catalogue (series.h).  Results go to the cells and the document;
 * nothing here prints (progress goes through the plan's hooks).
 */
#ifndef EB_SUITE_H
#define EB_SUITE_H

#include <jansson.h>
#include <stdint.h>

#include "data/results.h"
#include "plan/plan.h"

/*
 * Measure every cell.  A cell that fails is recorded as failed (status,
 * error) and the others go on; an unsupported one as unsupported.  The
 * schedule that ran and the calibration of every round go into res->doc
 * ("schedule", "calibration").  Returns 0 when every cell ran (some may
 * have failed: see *failed), -EINTR when interrupted (unfinished cells are
 * marked "interrupted"; what was measured is kept), or -ENOMEM.
 */
__attribute__((warn_unused_result))
int eb_suite_run(const struct eb_plan *plan, struct eb_cell_spec *cells, size_t n,
		 struct eb_results *res, int *failed);

/* A rough estimate of eb_suite_run's duration, for the user to decide. */
uint64_t eb_suite_estimate_ns(const struct eb_plan *plan, const struct eb_cell_spec *cells, size_t n);

#endif
