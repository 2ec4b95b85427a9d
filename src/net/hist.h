/*
 * hist: a log-linear latency histogram in the spirit of HdrHistogram.
 *
 * Values (nanoseconds) below 2^EB_HIST_SUB_BITS are exact; above, each
 * power-of-two range is split into 2^(EB_HIST_SUB_BITS-1) equal buckets, so
 * a recorded value is known to within 1/512 (0.2%).  Values above
 * EB_HIST_MAX_NS are clamped and counted in `overflow`.  Recording is O(1)
 * and never allocates; the counts live in one block from eb_hist_new().
 */
#ifndef EB_HIST_H
#define EB_HIST_H

#include <stddef.h>
#include <stdint.h>

#define EB_HIST_SUB_BITS 10
#define EB_HIST_MAX_NS ((1ull << 37) - 1)   /* ~137 s */

struct eb_hist {
	uint64_t total;      /* values recorded */
	uint64_t overflow;   /* of which clamped to EB_HIST_MAX_NS */
	uint64_t min, max;   /* exact extremes */
	double sum;
	size_t n_buckets;
	uint64_t counts[];
};

__attribute__((warn_unused_result))
int eb_hist_new(struct eb_hist **out);
void eb_hist_free(struct eb_hist *h);
void eb_hist_reset(struct eb_hist *h);
void eb_hist_record(struct eb_hist *h, uint64_t value);

/* Add every count of src into dst. */
void eb_hist_merge(struct eb_hist *dst, const struct eb_hist *src);

/*
 * Value at percentile p (0..100): the highest value equivalent to the
 * bucket holding the ceil(p/100 * total)-th value, capped by the exact max
 * (so p100 == max).  Returns 0 on an empty histogram.
 */
uint64_t eb_hist_percentile(const struct eb_hist *h, double p);
double eb_hist_mean(const struct eb_hist *h);

/* Bucket helpers, exposed for tests. */
size_t eb_hist_index(uint64_t value);
uint64_t eb_hist_lowest(size_t index);
uint64_t eb_hist_highest(size_t index);

#endif
