/*
 * schedule: splitmix64 (Steele, Lea, Flood 2014; the seeding generator of
 * xoshiro) and a Fisher-Yates shuffle per round.
 */
#include "plan/schedule.h"

#include <errno.h>
#include <string.h>

void eb_rng_seed(struct eb_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t eb_rng_next(struct eb_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t eb_rng_below(struct eb_rng *r, uint64_t n)
{
	/* reject the top partial block so every value is equally likely */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = eb_rng_next(r);
	while (x >= limit);
	return x % n;
}

void eb_sched_round_order(uint64_t seed, enum eb_order order, uint64_t round, unsigned *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		out[i] = i;
	if (order == EB_ORDER_SEQUENTIAL || n < 2)
		return;
	struct eb_rng r;
	/* one generator step mixes (seed, round) into an independent stream */
	eb_rng_seed(&r, seed ^ (round * 0xd1b54a32d192ed03ull));
	(void)eb_rng_next(&r);
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = (unsigned)eb_rng_below(&r, (uint64_t)i + 1);
		unsigned t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
}

const char *eb_order_name(enum eb_order o)
{
	return o == EB_ORDER_SEQUENTIAL ? "sequential" : "interleaved";
}

int eb_order_parse(const char *s, enum eb_order *out)
{
	if (!strcmp(s, "interleaved"))
		*out = EB_ORDER_INTERLEAVED;
	else if (!strcmp(s, "sequential"))
		*out = EB_ORDER_SEQUENTIAL;
	else
		return -EINVAL;
	return 0;
}
