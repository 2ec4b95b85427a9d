/*
 * compare: paired ratios with bootstrap confidence intervals.
 *
 * A runtime is compared with the baseline (native by default) on trials of
 * the same round: trial i of both ran next to each other, so drift of the
 * machine's speed hits both alike and cancels in x_i / b_i.  The ratio is
 * the geometric mean of the paired ratios (the mean of their logarithms:
 * symmetric, so A/B is exactly 1/(B/A)); its 95% CI is the percentile
 * bootstrap over pairs, from a recorded seed, so a report can be
 * reproduced exactly.
 */
#ifndef EB_COMPARE_H
#define EB_COMPARE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct eb_ratio {
	double ratio;
	double ci_lo, ci_hi;    /* 95% percentile bootstrap; equal to ratio when n_pairs < 2 */
	size_t n_pairs;
};

/*
 * Ratio of x to base over n pairs (x[i] with base[i]).  0, or -EINVAL when
 * n == 0 or a value is not positive, -ENOMEM.
 */
__attribute__((warn_unused_result))
int eb_paired_ratio(const double *x, const double *base, size_t n, uint64_t seed,
		    unsigned resamples, struct eb_ratio *out);

/*
 * Ratio of medians of two independent sample sets (b over a: runs on two
 * machines, or two versions), with a 95% percentile bootstrap CI that
 * resamples each set on its own (nothing pairs them).  0, or -EINVAL when
 * a set is empty or a median is not positive, -ENOMEM.
 */
__attribute__((warn_unused_result))
int eb_ratio_of_medians(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
			unsigned resamples, struct eb_ratio *out);

/*
 * Every comparison a results document supports: for each ok cell of a
 * workload that has an ok baseline cell (base_rt/base_mode), and each of
 * its series that the catalogue marks paired, the ratio over the trials
 * both cells ran (a trial's figure is the median of its samples, e.g. of
 * the 250 ms throughput windows of one sustained round).  Returns a new
 * array of {workload, series, runtime, mode, baseline, ratio, ci95, n_pairs}
 * (empty when nothing pairs), or NULL on allocation failure.
 */
json_t *eb_compare_cells(json_t *cells, const char *base_rt, const char *base_mode,
			 uint64_t seed, unsigned resamples);

/*
 * The network conditions of a run compared with each other, per server
 * cell: veth over loopback (same firewall) and firewall on over off (same
 * network), each a paired ratio over the trials both ran (rounds of the
 * same schedule) for cold start, p50 and p99 latency under load, and
 * throughput.  Returns a new array of {comparison, workload, runtime, mode,
 * series, percentile, figure, condition, reference, ratio, ci95, n_pairs}
 * (empty when the run had one condition), or NULL on allocation failure.
 */
json_t *eb_compare_conditions(json_t *cells, uint64_t seed, unsigned resamples);

#endif
