/*
 * compare: the arithmetic of paired ratios, then the walk over a results
 * document that finds what pairs with what.
 */
#include "compare.h"
#include "results.h"
#include "schedule.h"
#include "series.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int eb_paired_ratio(const double *x, const double *base, size_t n, uint64_t seed,
		    unsigned resamples, struct eb_ratio *out)
{
	if (n == 0)
		return -EINVAL;
	double *lr = malloc(n * sizeof(*lr));
	double *boot = resamples ? malloc(resamples * sizeof(*boot)) : NULL;
	int rc = 0;
	if (!lr || (resamples && !boot)) {
		rc = -ENOMEM;
		goto out;
	}
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !(base[i] > 0)) {
			rc = -EINVAL;
			goto out;
		}
		lr[i] = log(x[i] / base[i]);
		sum += lr[i];
	}
	out->n_pairs = n;
	out->ratio = exp(sum / (double)n);
	out->ci_lo = out->ci_hi = out->ratio;
	if (n < 2 || resamples == 0)
		goto out;
	struct eb_rng r;
	eb_rng_seed(&r, seed);
	for (unsigned b = 0; b < resamples; b++) {
		double s = 0;
		for (size_t i = 0; i < n; i++)
			s += lr[eb_rng_below(&r, n)];
		boot[b] = s / (double)n;
	}
	eb_sort_doubles(boot, resamples);
	out->ci_lo = exp(eb_percentile(boot, resamples, 2.5));
	out->ci_hi = exp(eb_percentile(boot, resamples, 97.5));
out:
	free(lr);
	free(boot);
	return rc;
}

int eb_ratio_of_medians(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
			unsigned resamples, struct eb_ratio *out)
{
	if (na == 0 || nb == 0)
		return -EINVAL;
	double *ra = malloc(na * sizeof(*ra)), *rb = malloc(nb * sizeof(*rb));
	double *boot = resamples ? malloc(resamples * sizeof(*boot)) : NULL;
	int rc = 0;
	if (!ra || !rb || (resamples && !boot)) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(ra, a, na * sizeof(*ra));
	memcpy(rb, b, nb * sizeof(*rb));
	double ma = eb_median_inplace(ra, na), mb = eb_median_inplace(rb, nb);
	if (!(ma > 0) || !(mb > 0)) {
		rc = -EINVAL;
		goto out;
	}
	out->ratio = mb / ma;
	out->ci_lo = out->ci_hi = out->ratio;
	out->n_pairs = 0;
	if (na < 2 || nb < 2 || !resamples)
		goto out;
	struct eb_rng r;
	eb_rng_seed(&r, seed);
	unsigned kept = 0;
	for (unsigned k = 0; k < resamples; k++) {
		for (size_t i = 0; i < na; i++)
			ra[i] = a[eb_rng_below(&r, na)];
		for (size_t i = 0; i < nb; i++)
			rb[i] = b[eb_rng_below(&r, nb)];
		double x = eb_median_inplace(ra, na), y = eb_median_inplace(rb, nb);
		if (x > 0)
			boot[kept++] = y / x;
	}
	if (kept) {
		eb_sort_doubles(boot, kept);
		out->ci_lo = eb_percentile(boot, kept, 2.5);
		out->ci_hi = eb_percentile(boot, kept, 97.5);
	}
out:
	free(ra);
	free(rb);
	free(boot);
	return rc;
}

static json_t *find_ok_cell(json_t *cells, const char *rt, const char *mode, const char *wl)
{
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c) {
		const char *st = eb_jstr(c, "status");
		if (st && !strcmp(st, "ok") &&
		    !strcmp(eb_jstr(c, "runtime"), rt) &&
		    !strcmp(eb_jstr(c, "mode"), mode) &&
		    !strcmp(eb_jstr(c, "workload"), wl))
			return c;
	}
	return NULL;
}

static json_t *find_series(json_t *cell, const char *name)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(cell, "series"), i, s)
		if (!strcmp(eb_jstr(s, "name"), name))
			return s;
	return NULL;
}

/*
 * The median of each trial's samples, by trial index: med[t] for t <
 * *ntrials, NAN where the trial has no sample.  Caller frees.
 */
static double *trial_medians(json_t *series, size_t *ntrials)
{
	json_t *samples = json_object_get(series, "samples"), *trials = json_object_get(series, "trials");
	size_t n = json_array_size(samples);
	*ntrials = 0;
	if (n == 0 || json_array_size(trials) != n)
		return NULL;
	size_t maxt = 0;
	for (size_t i = 0; i < n; i++) {
		json_int_t t = json_integer_value(json_array_get(trials, i));
		if (t >= 0 && (size_t)t + 1 > maxt)
			maxt = (size_t)t + 1;
	}
	double *med = malloc(maxt * sizeof(*med)), *buf = malloc(n * sizeof(*buf));
	if (!med || !buf) {
		free(med);
		free(buf);
		return NULL;
	}
	for (size_t t = 0; t < maxt; t++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (json_integer_value(json_array_get(trials, i)) == (json_int_t)t)
				buf[k++] = json_number_value(json_array_get(samples, i));
		if (k == 0) {
			med[t] = NAN;
			continue;
		}
		eb_sort_doubles(buf, k);
		med[t] = eb_percentile(buf, k, 50);
	}
	free(buf);
	*ntrials = maxt;
	return med;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

json_t *eb_compare_cells(json_t *cells, const char *base_rt, const char *base_mode,
			 uint64_t seed, unsigned resamples)
{
	json_t *out = json_array();
	if (!out)
		return NULL;
	char baseline[160];
	snprintf(baseline, sizeof(baseline), "%s/%s", base_rt, base_mode);
	size_t i;
	json_t *cell;
	json_array_foreach(cells, i, cell) {
		const char *rt = eb_jstr(cell, "runtime");
		const char *mode = eb_jstr(cell, "mode");
		const char *wl = eb_jstr(cell, "workload");
		const char *st = eb_jstr(cell, "status");
		if (!st || strcmp(st, "ok") != 0 || (!strcmp(rt, base_rt) && !strcmp(mode, base_mode)))
			continue;
		json_t *base = find_ok_cell(cells, base_rt, base_mode, wl);
		if (!base)
			continue;
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(cell, "series"), j, s) {
			const char *name = eb_jstr(s, "name");
			const struct eb_series_def *def = eb_series_find(name, NULL, 0);
			json_t *bs = find_series(base, name);
			if (!def || !(def->flags & EB_SERIES_PAIRED) || !bs)
				continue;
			size_t nx, nb;
			double *mx = trial_medians(s, &nx), *mb = trial_medians(bs, &nb);
			size_t n = 0;
			for (size_t t = 0; mx && mb && t < nx && t < nb; t++)
				if (!isnan(mx[t]) && !isnan(mb[t]) && mx[t] > 0 && mb[t] > 0) {
					mx[n] = mx[t];   /* compact the pairs in place (n <= t) */
					mb[n] = mb[t];
					n++;
				}
			struct eb_ratio r;
			/* one seed per comparison, from its names: adding a cell changes no other CI */
			char key[400];
			snprintf(key, sizeof(key), "%s/%s/%s/%s", rt, mode, wl, name);
			uint64_t cseed = seed ^ fnv1a(key);
			if (n > 0 && eb_paired_ratio(mx, mb, n, cseed, resamples, &r) == 0)
				json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:[f, f], s:I}",
					"workload", wl, "series", name, "runtime", rt, "mode", mode,
					"baseline", baseline, "ratio", r.ratio, "ci95", r.ci_lo, r.ci_hi,
					"n_pairs", (json_int_t)r.n_pairs));
			free(mx);
			free(mb);
		}
	}
	return out;
}
