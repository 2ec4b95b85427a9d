/*
 * verdict: the questions as data, a candidate figure per cell, the best two
 * and the paired evidence between them (see verdict.h).
 */
#include "analysis/verdict.h"
#include "analysis/compare.h"
#include "data/results.h"
#include "data/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum figure_kind {
	FIG_PAIRED,     /* a catalogued paired series: ranked by the geometric mean of its trials, compared by round */
	FIG_MEMORY,     /* one instance's memory after warm-up: ranked by value */
	FIG_DENSITY,    /* one density sweep's instances per GiB: ranked by value */
};

static const struct question {
	const char *question;
	const char *workload;
	const char *series;         /* FIG_PAIRED */
	const char *figure;
	int higher_better;
	enum figure_kind kind;
	double div;                 /* shown = value / div */
	const char *unit;
	int decimals;
	int not_baseline;           /* the baseline itself is not a candidate */
} questions[] = {
	{ "fastest cold start", "http-hello", "cold_start", "launch -> first 200", 0, FIG_PAIRED, 1e6, "ms", 1, 0 },
	{ "most requests per second", "http-hello", "sustained_keepalive_throughput", "keep-alive throughput (each round's median window)", 1, FIG_PAIRED, 1, "req/s", 0, 0 },
	{ "lowest warm latency", "http-hello", "sustained_keepalive_p50", "each round's p50 under sustained keep-alive load", 0, FIG_PAIRED, 1e3, "us", 0, 0 },
	{ "shortest warm tail", "http-hello", "sustained_keepalive_p99", "each round's p99 under sustained keep-alive load", 0, FIG_PAIRED, 1e3, "us", 0, 0 },
	{ "least memory per instance", "http-hello", NULL, "memory after warm-up (PSS, or cgroup + shim for containers)", 0, FIG_MEMORY, 1048576.0, "MiB", 2, 0 },
	{ "densest", "http-hello", NULL, "instances per GiB (density sweep)", 1, FIG_DENSITY, 1, "per GiB", 0, 0 },
	{ "fastest database service start", "http-api", "cold_start", "launch -> first 200 of GET /items/1 (its database opened)", 0, FIG_PAIRED, 1e6, "ms", 1, 0 },
	{ "most database requests per second", "http-api", "sustained_mix_throughput", "90/10 read/write mix throughput (each round's median window)", 1, FIG_PAIRED, 1, "req/s", 0, 0 },
	{ "closest to native on compute", "cpu-hash", "compute", "SHA-256 loop, the workload's own time", 0, FIG_PAIRED, 1e6, "ms", 0, 1 },
	{ "cheapest tiny program", "hello", "run", "launch -> exit of hello", 0, FIG_PAIRED, 1e6, "ms", 2, 0 },
};

struct candidate {
	json_t *cell;
	double rank;        /* what orders candidates (lower first; negated when higher is better) */
	double shown;       /* the figure a reader sees */
};

/* The cell's figure for question q; 0, or -1 when the cell has none. */
static int figure_of(const struct question *q, json_t *cell, struct candidate *out)
{
	out->cell = cell;
	if (q->kind == FIG_PAIRED) {
		json_t *s = eb_find_series(cell, q->series);
		double med = s ? eb_series_median(cell, q->series) : -1;
		if (!(med > 0))
			return -1;
		size_t n;
		double *f = eb_trial_figures(s, 50, &n), lg = 0;
		size_t k = 0;
		for (size_t i = 0; f && i < n; i++)
			if (f[i] > 0) {
				lg += log(f[i]);
				k++;
			}
		free(f);
		/* shown as ranked: the geometric mean of the trials' medians (the paired ratio's own scale) */
		out->shown = out->rank = k ? exp(lg / (double)k) : med;
	} else if (q->kind == FIG_MEMORY) {
		struct eb_cell_memory m;
		eb_cell_memory(cell, &m);
		if (!(m.total > 0))
			return -1;
		out->shown = out->rank = m.total;
	} else {
		json_t *d = json_object_get(json_object_get(cell, "values"), "density");
		double v = json_number_value(json_object_get(d, "instances_per_gib"));
		if (!(v > 0))
			return -1;
		out->shown = out->rank = v;
	}
	if (q->higher_better)
		out->rank = -out->rank;
	return 0;
}

static void label(json_t *cell, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", eb_jstr(cell, "runtime"), eb_jstr(cell, "mode"));
}

/* The sentence for a question with two candidates and, for a paired figure, the ratio r (runner-up / best). */
static void say(const struct question *q, const char *best, double bv, const char *next, double nv, const struct eb_ratio *r,
		int paired, char *out, size_t cap)
{
	char a[240], b[240];
	snprintf(a, sizeof(a), "%s (%.*f %s)", best, q->decimals, bv / q->div, q->unit);
	snprintf(b, sizeof(b), "%s (%.*f %s)", next, q->decimals, nv / q->div, q->unit);
	if (!paired) {
		snprintf(out, cap, "%s, then %s: one measurement each, ranked by value; no interval, so no verdict on how sure.", a, b);
		return;
	}
	if (!r) {
		snprintf(out, cap, "%s, then %s: no rounds in common to pair, so no verdict.", a, b);
		return;
	}
	char ci[96] = "";
	if (r->has_ci)
		snprintf(ci, sizeof(ci), ", 95%% CI %.2f\u2013%.2f", r->ci_lo, r->ci_hi);
	int agrees = q->higher_better ? r->verdict == EB_VERDICT_BELOW : r->verdict == EB_VERDICT_ABOVE;
	if (r->verdict == EB_VERDICT_TOO_FEW)
		snprintf(out, cap, "%s leads %s, but %zu pair%s %s too few to call it (a verdict needs %d).", a, b, r->n_pairs,
			 r->n_pairs == 1 ? "" : "s", r->n_pairs == 1 ? "is" : "are", EB_MIN_PAIRS);
	else if (r->verdict == EB_VERDICT_SAME)
		snprintf(out, cap, "%s and %s: no measurable difference (runner-up/best %.2fx%s, %zu pairs).", a, b, r->ratio, ci,
			 r->n_pairs);
	else if (agrees)
		snprintf(out, cap, "**%s**, ahead of %s: the runner-up %s %.2fx %s (%zu pairs%s).", a, b,
			 q->higher_better ? "serves" : "takes", r->ratio, q->higher_better ? "the requests per second" : "as long",
			 r->n_pairs, ci);
	else
		snprintf(out, cap, "%s and %s: paired by round they come the other way round (%.2fx%s, %zu pairs); no settled order.",
			 a, b, r->ratio, ci, r->n_pairs);
}

json_t *eb_verdicts(json_t *doc)
{
	json_t *out = json_array(), *cells = json_object_get(doc, "cells");
	if (!out)
		return NULL;
	const char *baseline = eb_jstr(json_object_get(doc, "config"), "baseline");
	if (!baseline[0])
		baseline = "native/native";
	size_t ncells = json_array_size(cells);
	struct candidate *cand = calloc(ncells ? ncells : 1, sizeof(*cand));
	if (!cand) {
		json_decref(out);
		return NULL;
	}
	for (size_t qi = 0; qi < sizeof(questions) / sizeof(questions[0]); qi++) {
		const struct question *q = &questions[qi];
		size_t n = 0, i;
		json_t *cell;
		json_array_foreach(cells, i, cell) {
			char lbl[160];
			label(cell, lbl, sizeof(lbl));
			if (strcmp(eb_jstr(cell, "status"), "ok") != 0 || strcmp(eb_jstr(cell, "workload"), q->workload) != 0 ||
			    !eb_cell_on_default_path(cell) || (q->not_baseline && !strcmp(lbl, baseline)))
				continue;
			if (figure_of(q, cell, &cand[n]) == 0)
				n++;
		}
		if (n == 0)
			continue;
		/* the best two (a stable pick: the first cell wins a tie) */
		size_t best = 0, next = n;
		for (size_t k = 1; k < n; k++)
			if (cand[k].rank < cand[best].rank)
				best = k;
		for (size_t k = 0; k < n; k++)
			if (k != best && (next == n || cand[k].rank < cand[next].rank))
				next = k;
		char bl[160], nl[160], says[900];
		label(cand[best].cell, bl, sizeof(bl));
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f}", "question", q->question, "figure", q->figure, "unit", q->unit,
				      "best", bl, "best_value", cand[best].shown / q->div);
		if (!o)
			continue;
		if (next == n) {
			snprintf(says, sizeof(says), "only %s measured (%.*f %s): nothing to rank it against.", bl, q->decimals,
				 cand[best].shown / q->div, q->unit);
			json_object_set_new(o, "verdict", json_string("one candidate"));
		} else {
			label(cand[next].cell, nl, sizeof(nl));
			json_object_set_new(o, "runner_up", json_string(nl));
			json_object_set_new(o, "runner_up_value", json_real(cand[next].shown / q->div));
			struct eb_ratio r;
			int paired = q->kind == FIG_PAIRED;
			int have = paired && eb_series_ratio(eb_find_series(cand[next].cell, q->series),
							     eb_find_series(cand[best].cell, q->series), 50, &r) == 0;
			if (have)
				eb_ratio_to_json(o, &r);
			else
				json_object_set_new(o, "verdict", json_string(paired ? "not paired" : "not paired: ranked by value"));
			say(q, bl, cand[best].shown, nl, cand[next].shown, have ? &r : NULL, paired, says, sizeof(says));
		}
		json_object_set_new(o, "says", json_string(says));
		json_array_append_new(out, o);
	}
	free(cand);
	return out;
}
