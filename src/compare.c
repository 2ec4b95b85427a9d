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

/* The ok cell of rt/mode/wl under the network condition net/fw ("" for a batch cell). */
static json_t *find_ok_cell(json_t *cells, const char *rt, const char *mode, const char *wl, const char *net, const char *fw)
{
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c) {
		const char *st = eb_jstr(c, "status");
		if (st && !strcmp(st, "ok") &&
		    !strcmp(eb_jstr(c, "runtime"), rt) &&
		    !strcmp(eb_jstr(c, "mode"), mode) &&
		    !strcmp(eb_jstr(c, "workload"), wl) &&
		    !strcmp(eb_jstr(c, "network"), net) &&
		    !strcmp(eb_jstr(c, "firewall"), fw))
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
 * Percentile pct of each trial's samples, by trial index: med[t] for t <
 * *ntrials, NAN where the trial has no sample.  Caller frees.
 */
static double *trial_percentiles(json_t *series, double pct, size_t *ntrials)
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
		med[t] = eb_percentile(buf, k, pct);
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
		const char *net = eb_jstr(cell, "network"), *fw = eb_jstr(cell, "firewall");
		if (!st || strcmp(st, "ok") != 0 || (!strcmp(rt, base_rt) && !strcmp(mode, base_mode)))
			continue;
		/* the baseline under the same network condition */
		json_t *base = find_ok_cell(cells, base_rt, base_mode, wl, net, fw);
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
			double *mx = trial_percentiles(s, 50, &nx), *mb = trial_percentiles(bs, 50, &nb);
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
			snprintf(key, sizeof(key), "%s/%s/%s/%s%s%s%s%s", rt, mode, wl, name, net[0] ? "@" : "", net, fw[0] ? "/" : "", fw);
			uint64_t cseed = seed ^ fnv1a(key);
			json_t *o;
			if (n > 0 && eb_paired_ratio(mx, mb, n, cseed, resamples, &r) == 0 &&
			    (o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:[f, f], s:I}",
					   "workload", wl, "series", name, "runtime", rt, "mode", mode,
					   "baseline", baseline, "ratio", r.ratio, "ci95", r.ci_lo, r.ci_hi,
					   "n_pairs", (json_int_t)r.n_pairs))) {
				if (net[0]) {
					json_object_set_new(o, "network", json_string(net));
					json_object_set_new(o, "firewall", json_string(fw));
				}
				json_array_append_new(out, o);
			}
			free(mx);
			free(mb);
		}
	}
	return out;
}

/* What each condition comparison looks at: a series and the percentile of each trial. */
static const struct {
	const char *series;
	double pct;
	const char *figure;
} cond_figures[] = {
	{ "cold_start", 50, "cold start" },
	{ "sustained_keepalive_p50", 50, "p50 latency under load" },
	{ "sustained_keepalive_p99", 50, "p99 latency under load" },
	{ "sustained_keepalive_throughput", 50, "throughput" },
};

/* Paired ratio of cell x over cell b for one figure (trials of the same round); 0 or -1 when nothing pairs. */
static int cond_ratio(json_t *x, json_t *b, const char *series, double pct, uint64_t seed, unsigned resamples, struct eb_ratio *r)
{
	json_t *sx = find_series(x, series), *sb = find_series(b, series);
	if (!sx || !sb)
		return -1;
	size_t nx, nb, n = 0;
	double *mx = trial_percentiles(sx, pct, &nx), *mb = trial_percentiles(sb, pct, &nb);
	for (size_t t = 0; mx && mb && t < nx && t < nb; t++)
		if (!isnan(mx[t]) && !isnan(mb[t]) && mx[t] > 0 && mb[t] > 0) {
			mx[n] = mx[t];
			mb[n] = mb[t];
			n++;
		}
	int rc = n > 0 && eb_paired_ratio(mx, mb, n, seed, resamples, r) == 0 ? 0 : -1;
	free(mx);
	free(mb);
	return rc;
}

json_t *eb_compare_conditions(json_t *cells, uint64_t seed, unsigned resamples)
{
	json_t *out = json_array();
	if (!out)
		return NULL;
	size_t i;
	json_t *cell;
	json_array_foreach(cells, i, cell) {
		const char *net = eb_jstr(cell, "network"), *fw = eb_jstr(cell, "firewall");
		if (!net[0] || strcmp(eb_jstr(cell, "status"), "ok") != 0)
			continue;
		/* veth against loopback (same firewall), firewall on against off (same network) */
		struct { const char *net, *fw, *what; } ref[2] = {
			{ "loopback", fw, "veth vs loopback" }, { net, "off", "firewall on vs off" } };
		int applies[2] = { !strcmp(net, "veth"), !strcmp(fw, "on") };
		for (int k = 0; k < 2; k++) {
			if (!applies[k])
				continue;
			json_t *b = find_ok_cell(cells, eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"), eb_jstr(cell, "workload"),
						 ref[k].net, ref[k].fw);
			if (!b)
				continue;
			for (size_t f = 0; f < sizeof(cond_figures) / sizeof(cond_figures[0]); f++) {
				char key[400];
				snprintf(key, sizeof(key), "%s/%s/%s/%s/%s/%s/%g", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"),
					 eb_jstr(cell, "workload"), net, fw, cond_figures[f].series, cond_figures[f].pct + k * 1000);
				struct eb_ratio r;
				if (cond_ratio(cell, b, cond_figures[f].series, cond_figures[f].pct, seed ^ fnv1a(key), resamples, &r) < 0)
					continue;
				char a_cond[64], b_cond[64];
				snprintf(a_cond, sizeof(a_cond), "%s, firewall %s", net, fw);
				snprintf(b_cond, sizeof(b_cond), "%s, firewall %s", ref[k].net, ref[k].fw);
				json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:s, s:f, s:[f, f], s:I}",
					"comparison", ref[k].what, "workload", eb_jstr(cell, "workload"), "runtime", eb_jstr(cell, "runtime"),
					"mode", eb_jstr(cell, "mode"), "series", cond_figures[f].series, "percentile", cond_figures[f].pct,
					"figure", cond_figures[f].figure, "condition", a_cond, "reference", b_cond, "ratio", r.ratio,
					"ci95", r.ci_lo, r.ci_hi, "n_pairs", (json_int_t)r.n_pairs));
			}
		}
	}
	return out;
}
