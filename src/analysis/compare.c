/*
 * compare: the arithmetic of paired ratios, then the walk over a results
 * document that finds what pairs with what.
 */
#include "analysis/compare.h"
#include "data/results.h"
#include "catalog/series.h"
#include "data/stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *eb_verdict_name(enum eb_verdict v)
{
	switch (v) {
	case EB_VERDICT_TOO_FEW: return "too few pairs";
	case EB_VERDICT_SAME: return "no measurable difference";
	case EB_VERDICT_ABOVE: return "above";
	case EB_VERDICT_BELOW: return "below";
	}
	return "?";
}

/*
 * t(0.975, df), remembered for whole df up to 256 (the simulation in the
 * unit tests asks for it a million times; a bisection costs ~20 us).
 */
static double t975(double df)
{
	static double memo[257];
	if (df == floor(df) && df >= 1 && df <= 256) {
		size_t k = (size_t)df;
		if (memo[k] == 0)
			memo[k] = eb_t_quantile(0.975, df);
		return memo[k];
	}
	return eb_t_quantile(0.975, df);
}

static void set_verdict(struct eb_ratio *r, size_t n)
{
	if (n < EB_MIN_PAIRS || !r->has_ci)
		r->verdict = EB_VERDICT_TOO_FEW;
	else if (r->ci_lo <= 1.0 && r->ci_hi >= 1.0)
		r->verdict = EB_VERDICT_SAME;
	else
		r->verdict = r->ci_lo > 1.0 ? EB_VERDICT_ABOVE : EB_VERDICT_BELOW;
}

/* log(v[i]) into lr[]; -EINVAL if a value is not positive. */
static int logs(const double *v, size_t n, double *lr)
{
	for (size_t i = 0; i < n; i++) {
		if (!(v[i] > 0) || !isfinite(v[i]))
			return -EINVAL;
		lr[i] = log(v[i]);
	}
	return 0;
}

int eb_paired_ratio(const double *x, const double *base, size_t n, struct eb_ratio *out)
{
	if (n == 0)
		return -EINVAL;
	double *lr = malloc(n * sizeof(*lr));
	if (!lr)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !(base[i] > 0) || !isfinite(x[i]) || !isfinite(base[i])) {
			rc = -EINVAL;
			goto out;
		}
		lr[i] = log(x[i] / base[i]);
	}
	double mean, var;
	eb_mean_var(lr, n, &mean, &var);
	memset(out, 0, sizeof(*out));
	out->n_pairs = n;
	out->ratio = exp(mean);
	out->ci_lo = out->ci_hi = out->ratio;
	if (n >= 2) {
		double half = t975((double)(n - 1)) * sqrt(var / (double)n);
		if (n <= EB_WIDEN_MAX) {
			/* few pairs: never narrower than the pairs' own spread (see compare.h) */
			for (size_t i = 0; i < n; i++)
				if (1.05 * fabs(lr[i] - mean) > half)
					half = 1.05 * fabs(lr[i] - mean);
		}
		out->ci_lo = exp(mean - half);
		out->ci_hi = exp(mean + half);
		out->has_ci = 1;
	}
	set_verdict(out, n);
out:
	free(lr);
	return rc;
}

int eb_unpaired_ratio(const double *a, size_t na, const double *b, size_t nb, struct eb_ratio *out)
{
	if (na == 0 || nb == 0)
		return -EINVAL;
	double *la = malloc(na * sizeof(*la)), *lb = malloc(nb * sizeof(*lb));
	int rc = -ENOMEM;
	if (!la || !lb)
		goto out;
	if ((rc = logs(a, na, la)) < 0 || (rc = logs(b, nb, lb)) < 0)
		goto out;
	double ma, va, mb, vb;
	eb_mean_var(la, na, &ma, &va);
	eb_mean_var(lb, nb, &mb, &vb);
	memset(out, 0, sizeof(*out));
	out->n_pairs = na < nb ? na : nb;
	out->ratio = exp(mb - ma);
	out->ci_lo = out->ci_hi = out->ratio;
	if (na >= 2 && nb >= 2) {
		double sa = va / (double)na, sb = vb / (double)nb, se2 = sa + sb;
		double half = 0;
		if (se2 > 0) {
			/*
			 * Welch's standard error with the conservative degrees of
			 * freedom min(na, nb) - 1 (Hsu): Welch-Satterthwaite's df
			 * let 3 trials against 10 exclude the truth 6.7% of the
			 * time in the unit tests' simulation.
			 */
			half = t975((double)((na < nb ? na : nb) - 1)) * sqrt(se2);
		}
		out->ci_lo = exp(mb - ma - half);
		out->ci_hi = exp(mb - ma + half);
		out->has_ci = 1;
	}
	set_verdict(out, out->n_pairs);
	rc = 0;
out:
	free(la);
	free(lb);
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


struct trial_value {
	json_int_t trial;
	double v;
};

static int cmp_trial(const void *pa, const void *pb)
{
	const struct trial_value *x = pa, *y = pb;
	if (x->trial != y->trial)
		return (x->trial > y->trial) - (x->trial < y->trial);
	return (x->v > y->v) - (x->v < y->v);
}

/*
 * Percentile pct of each trial's samples, in ascending trial order, with
 * the trial ids in *ids (both malloc'd, *n long).  The samples are sorted
 * by (trial, value) once, so 200,000 samples take milliseconds.  NULL when
 * the series has no trials or memory ran out.
 */
static double *trial_figures_indexed(json_t *series, double pct, json_int_t **ids, size_t *nout)
{
	json_t *samples = json_object_get(series, "samples"), *trials = json_object_get(series, "trials");
	size_t n = json_array_size(samples);
	*nout = 0;
	*ids = NULL;
	if (n == 0 || json_array_size(trials) != n)
		return NULL;
	struct trial_value *tv = malloc(n * sizeof(*tv));
	double *fig = malloc(n * sizeof(*fig)), *buf = malloc(n * sizeof(*buf));
	json_int_t *id = malloc(n * sizeof(*id));
	if (!tv || !fig || !buf || !id) {
		free(tv), free(fig), free(buf), free(id);
		return NULL;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(trials, i), *v = json_array_get(samples, i);
		if (!json_is_integer(t) || json_integer_value(t) < 0 || !json_is_number(v))
			continue;
		tv[m].trial = json_integer_value(t);
		tv[m].v = json_number_value(v);
		m++;
	}
	qsort(tv, m, sizeof(*tv), cmp_trial);
	size_t k = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i, len = 0;
		while (j < m && tv[j].trial == tv[i].trial)
			buf[len++] = tv[j++].v;   /* already ascending */
		id[k] = tv[i].trial;
		fig[k++] = eb_percentile(buf, len, pct);
		i = j;
	}
	free(tv);
	free(buf);
	if (k == 0) {
		free(fig);
		free(id);
		return NULL;
	}
	*ids = id;
	*nout = k;
	return fig;
}

double *eb_trial_figures(json_t *series, double pct, size_t *n)
{
	json_int_t *ids;
	double *fig = trial_figures_indexed(series, pct, &ids, n);
	free(ids);
	return fig;
}

/* The trial figures of two series paired by trial index: x[i] with b[i], *n pairs.  Caller frees both. */
static int paired_figures(json_t *sx, json_t *sb, double pct, double **x, double **b, size_t *n)
{
	*x = *b = NULL;
	*n = 0;
	size_t nx, nb;
	json_int_t *tx = NULL, *tb = NULL;
	double *fx = trial_figures_indexed(sx, pct, &tx, &nx), *fb = trial_figures_indexed(sb, pct, &tb, &nb);
	if (!fx || !fb) {
		free(fx), free(fb), free(tx), free(tb);
		return -1;
	}
	size_t i = 0, j = 0, k = 0;
	while (i < nx && j < nb) {
		if (tx[i] < tb[j])
			i++;
		else if (tx[i] > tb[j])
			j++;
		else {
			if (fx[i] > 0 && fb[j] > 0) {
				fx[k] = fx[i];   /* compact in place (k <= i, j) */
				fb[k] = fb[j];
				k++;
			}
			i++, j++;
		}
	}
	free(tx);
	free(tb);
	*x = fx;
	*b = fb;
	*n = k;
	return 0;
}

void eb_ratio_to_json(json_t *o, const struct eb_ratio *r)
{
	json_object_set_new(o, "ratio", json_real(r->ratio));
	json_object_set_new(o, "ci95", r->has_ci ? json_pack("[f, f]", r->ci_lo, r->ci_hi) : json_null());
	json_object_set_new(o, "n_pairs", json_integer((json_int_t)r->n_pairs));
	json_object_set_new(o, "verdict", json_string(eb_verdict_name(r->verdict)));
}

int eb_series_ratio(json_t *sx, json_t *sb, double pct, struct eb_ratio *r)
{
	double *mx, *mb;
	size_t n;
	if (!sx || !sb || paired_figures(sx, sb, pct, &mx, &mb, &n) < 0)
		return -1;
	int rc = n > 0 && eb_paired_ratio(mx, mb, n, r) == 0 ? 0 : -1;
	free(mx);
	free(mb);
	return rc;
}

json_t *eb_compare_cells(json_t *cells, const char *base_rt, const char *base_mode)
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
			struct eb_ratio r;
			if (!def || !(def->flags & EB_SERIES_PAIRED) || eb_series_ratio(s, eb_find_series(base, name), 50, &r) < 0)
				continue;
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "workload", wl, "series", name, "runtime", rt,
					      "mode", mode, "baseline", baseline);
			if (!o)
				continue;
			eb_ratio_to_json(o, &r);
			if (net[0]) {
				json_object_set_new(o, "network", json_string(net));
				json_object_set_new(o, "firewall", json_string(fw));
			}
			json_array_append_new(out, o);
		}
	}
	return out;
}

const struct eb_condition_figure eb_condition_figures[] = {
	{ "cold_start", 50, "cold start", "cold start ms", 1e6, 3 },
	{ "sustained_keepalive_p50", 50, "p50 latency under load", "p50 under load ms", 1e6, 3 },
	{ "sustained_keepalive_p99", 50, "p99 latency under load", "p99 under load ms", 1e6, 3 },
	{ "sustained_keepalive_throughput", 50, "throughput", "keep-alive req/s", 1, 0 },
};
const size_t eb_condition_figure_count = sizeof(eb_condition_figures) / sizeof(eb_condition_figures[0]);
#define cond_figures eb_condition_figures

json_t *eb_compare_conditions(json_t *cells)
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
				struct eb_ratio r;
				if (eb_series_ratio(eb_find_series(cell, cond_figures[f].series), eb_find_series(b, cond_figures[f].series),
						 cond_figures[f].pct, &r) < 0)
					continue;
				char a_cond[64], b_cond[64];
				snprintf(a_cond, sizeof(a_cond), "%s, firewall %s", net, fw);
				snprintf(b_cond, sizeof(b_cond), "%s, firewall %s", ref[k].net, ref[k].fw);
				json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:s}",
					"comparison", ref[k].what, "workload", eb_jstr(cell, "workload"), "runtime", eb_jstr(cell, "runtime"),
					"mode", eb_jstr(cell, "mode"), "series", cond_figures[f].series, "percentile", cond_figures[f].pct,
					"figure", cond_figures[f].figure, "condition", a_cond, "reference", b_cond);
				if (!o)
					continue;
				eb_ratio_to_json(o, &r);
				json_array_append_new(out, o);
			}
		}
	}
	return out;
}
