/*
 * hist: index math.  Group 0 holds [0, 2^S) one value per bucket; group
 * g >= 1 holds [2^(S+g-1), 2^(S+g)) in 2^(S-1) buckets of width 2^g.
 */
#include "net/hist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define S EB_HIST_SUB_BITS
#define HALF (1ull << (S - 1))

size_t eb_hist_index(uint64_t v)
{
	if (v > EB_HIST_MAX_NS)
		v = EB_HIST_MAX_NS;
	if (v < (1ull << S))
		return (size_t)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	unsigned g = msb - S + 1;
	return (size_t)((1ull << S) + (g - 1) * HALF + ((v >> g) - HALF));
}

uint64_t eb_hist_lowest(size_t i)
{
	if (i < (1ull << S))
		return i;
	size_t k = i - (1ull << S);
	unsigned g = (unsigned)(k / HALF) + 1;
	return (HALF + k % HALF) << g;
}

uint64_t eb_hist_highest(size_t i)
{
	if (i < (1ull << S))
		return i;
	unsigned g = (unsigned)((i - (1ull << S)) / HALF) + 1;
	return eb_hist_lowest(i) + (1ull << g) - 1;
}

int eb_hist_new(struct eb_hist **out)
{
	size_t n = eb_hist_index(EB_HIST_MAX_NS) + 1;
	struct eb_hist *h = calloc(1, sizeof(*h) + n * sizeof(h->counts[0]));
	if (!h)
		return -ENOMEM;
	h->n_buckets = n;
	h->min = UINT64_MAX;
	*out = h;
	return 0;
}

void eb_hist_free(struct eb_hist *h)
{
	free(h);
}

void eb_hist_reset(struct eb_hist *h)
{
	size_t n = h->n_buckets;
	memset(h, 0, sizeof(*h) + n * sizeof(h->counts[0]));
	h->n_buckets = n;
	h->min = UINT64_MAX;
}

void eb_hist_record(struct eb_hist *h, uint64_t v)
{
	if (v > EB_HIST_MAX_NS) {
		h->overflow++;
		v = EB_HIST_MAX_NS;
	}
	h->counts[eb_hist_index(v)]++;
	h->total++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void eb_hist_merge(struct eb_hist *dst, const struct eb_hist *src)
{
	for (size_t i = 0; i < dst->n_buckets; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	dst->overflow += src->overflow;
	dst->sum += src->sum;
	if (src->total) {
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
	}
}

uint64_t eb_hist_percentile(const struct eb_hist *h, double p)
{
	if (h->total == 0)
		return 0;
	if (p <= 0)
		return h->min;
	double want_d = p / 100.0 * (double)h->total;
	uint64_t want = (uint64_t)want_d;
	if ((double)want < want_d)
		want++;
	if (want == 0)
		want = 1;
	uint64_t seen = 0;
	for (size_t i = 0; i < h->n_buckets; i++) {
		seen += h->counts[i];
		if (seen >= want) {
			uint64_t v = eb_hist_highest(i);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

double eb_hist_mean(const struct eb_hist *h)
{
	return h->total ? h->sum / (double)h->total : 0.0;
}
