/*
 * verdict: what a run says, question by question, from its own samples.
 *
 * A user brings questions (which runtime starts fastest? serves the most
 * requests? uses the least memory?); for each, the best runtime/mode and
 * the runner-up, and how sure the run is of that order: the paired ratio of
 * runner-up to best over the rounds both ran (compare.c's t interval and
 * verdict), so "best" is said only where the interval excludes 1.0 with
 * enough pairs.  Figures without repeats inside a run (memory of one
 * instance, one density sweep) are ranked by value and say so.  Nothing
 * here is typed in: every line is derived from results.json.
 */
#ifndef EB_VERDICT_H
#define EB_VERDICT_H

#include <jansson.h>

/*
 * One entry per question the run can answer: {question, figure, unit,
 * best, best_value, runner_up, runner_up_value (absent with one
 * candidate), ratio, ci95, n_pairs, verdict (compare.c's words, or "not
 * paired: ranked by value"), says (one sentence)}.  Only ok cells on the
 * default network path take part.  A new array, or NULL when memory ran out.
 */
json_t *eb_verdicts(json_t *doc);

#endif
