/*
 * schedule: the order in which trials run.  On a shared machine the speed of
 * the CPU drifts over minutes, so a runtime measured in one slow minute
 * looks slow.  The suite therefore runs trial i of every cell before trial
 * i+1 of any (a "round"), in an order shuffled per round from a recorded
 * seed, so drift spreads over all cells alike and trials of one round can
 * be compared pairwise.  `sequential` keeps the old order: every trial of a
 * cell, then the next cell.
 *
 * The generator is splitmix64: small, fast, statistically fine for
 * shuffling and bootstrap resampling, and the same on every machine, so a
 * seed reproduces a schedule exactly.
 */
#ifndef EB_SCHEDULE_H
#define EB_SCHEDULE_H

#include <stdint.h>

enum eb_order {
	EB_ORDER_INTERLEAVED,   /* trial i of every cell, shuffled per round */
	EB_ORDER_SEQUENTIAL,    /* every trial of a cell, then the next cell */
};

struct eb_rng {
	uint64_t state;
};

void eb_rng_seed(struct eb_rng *r, uint64_t seed);
uint64_t eb_rng_next(struct eb_rng *r);
/* Uniform in [0, n), n >= 1, without modulo bias. */
uint64_t eb_rng_below(struct eb_rng *r, uint64_t n);

/*
 * The order of n cells in round `round`: out[k] is the index of the cell
 * that runs k-th.  Interleaved: a Fisher-Yates shuffle from a generator
 * seeded by (seed, round) alone, so a round's order does not depend on how
 * many rounds came before it or which cells dropped out.  Sequential: 0..n-1.
 */
void eb_sched_round_order(uint64_t seed, enum eb_order order, uint64_t round, unsigned *out, unsigned n);

/* "interleaved" / "sequential" <-> enum; parse returns 0 or -EINVAL. */
const char *eb_order_name(enum eb_order o);
__attribute__((warn_unused_result))
int eb_order_parse(const char *s, enum eb_order *out);

#endif
