/*
 * analysis/replay: figures of a replay, from its raw rows only.
 */
#include "analysis/replay.h"
#include "data/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const json_t *rows(const json_t *replay, const char *table)
{
	const json_t *r = json_object_get(json_object_get(replay, table), "rows");
	return json_is_array(r) ? r : NULL;
}

static double cell(const json_t *row, size_t col)
{
	return json_number_value(json_array_get(row, col));
}

static double pct(const double *v, size_t n, double p)
{
	return n ? eb_percentile(v, n, p) : NAN;
}

double *eb_replay_latencies(const json_t *replay, int which, int minus_work, size_t *n)
{
	const json_t *inv = rows(replay, "invocations");
	*n = 0;
	size_t m = inv ? json_array_size(inv) : 0;
	double *v = m ? malloc(m * sizeof(*v)) : NULL;
	if (!v)
		return NULL;
	for (size_t i = 0; i < m; i++) {
		const json_t *r = json_array_get(inv, i);
		if (cell(r, RI_STATUS) != 200)
			continue;
		int cold = cell(r, RI_COLD) != 0;
		if ((which == 1 && cold) || (which == 2 && !cold))
			continue;
		v[(*n)++] = (cell(r, RI_DONE) - cell(r, RI_DUE) - (minus_work ? cell(r, RI_WORK) : 0)) / 1000.0;
	}
	if (!*n) {
		free(v);
		return NULL;
	}
	eb_sort_doubles(v, *n);
	return v;
}

static void three(const json_t *replay, int which, int minus_work, size_t *n, double *p50, double *p99, double *p999)
{
	double *v = eb_replay_latencies(replay, which, minus_work, n);
	*p50 = pct(v, *n, 50);
	*p99 = pct(v, *n, 99);
	*p999 = pct(v, *n, 99.9);
	free(v);
}

int eb_replay_figures(const json_t *replay, struct eb_replay_figures *f)
{
	memset(f, 0, sizeof(*f));
	const json_t *inv = rows(replay, "invocations"), *ins = rows(replay, "instances"), *tl = rows(replay, "timeline");
	if (!inv || !ins || !tl)
		return -EINVAL;
	f->invocations = json_array_size(inv);
	f->instances = json_array_size(ins);
	double *late = malloc((f->invocations + 1) * sizeof(double));
	double *wait = malloc((f->invocations + 1) * sizeof(double));
	if (!late || !wait) {
		free(late);
		free(wait);
		return -ENOMEM;
	}
	size_t nl = 0;
	for (size_t i = 0; i < f->invocations; i++) {
		const json_t *r = json_array_get(inv, i);
		if (json_array_size(r) != RI_NCOL) {
			free(late);
			free(wait);
			return -EINVAL;
		}
		f->ok += cell(r, RI_STATUS) == 200;
		f->cold += cell(r, RI_COLD) != 0;
		f->evictions += cell(r, RI_EVICTED) != 0;
		if (cell(r, RI_REL) > 0 || cell(r, RI_DUE) == 0) {
			late[nl] = (cell(r, RI_REL) - cell(r, RI_DUE)) / 1000.0;
			wait[nl++] = (cell(r, RI_PICK) - cell(r, RI_REL)) / 1000.0;
		}
	}
	f->failed = f->invocations - f->ok;
	f->cold_fraction = f->invocations ? (double)f->cold / (double)f->invocations : NAN;
	eb_sort_doubles(late, nl);
	eb_sort_doubles(wait, nl);
	f->late_p50_ms = pct(late, nl, 50);
	f->late_p99_ms = pct(late, nl, 99);
	f->late_max_ms = nl ? late[nl - 1] : NAN;
	f->fell_behind = nl && f->late_p99_ms * 1e6 > EB_REPLAY_LATE_NS;
	f->wait_p99_ms = pct(wait, nl, 99);
	free(late);
	free(wait);
	three(replay, 0, 0, &nl, &f->all_p50, &f->all_p99, &f->all_p999);
	three(replay, 1, 0, &f->n_warm, &f->warm_p50, &f->warm_p99, &f->warm_p999);
	three(replay, 2, 0, &f->n_cold, &f->cold_p50, &f->cold_p99, &f->cold_p999);
	double unused;
	three(replay, 1, 1, &nl, &f->added_warm_p50, &f->added_warm_p99, &unused);
	three(replay, 2, 1, &nl, &f->added_cold_p50, &f->added_cold_p99, &unused);

	/*
	 * An instance still up at the replay's end lives until that end.  Documents
	 * without teardown_s stamped each when its own stop finished, one after
	 * another (hundreds of containers: 20-40 s); their end is the first such stop.
	 */
	double end_stop = INFINITY;
	if (!json_object_get(replay, "teardown_s"))
		for (size_t i = 0; i < f->instances; i++) {
			const json_t *r = json_array_get(ins, i);
			const char *why = json_string_value(json_array_get(r, RN_WHY));
			if (why && !strcmp(why, "end") && cell(r, RN_STOP) < end_stop)
				end_stop = cell(r, RN_STOP);
		}
	/* the timeline: a left Riemann sum, each sample held until the next (the last until the end) */
	double end_s = json_number_value(json_object_get(replay, "end_s"));
	if (isfinite(end_stop) && end_stop / 1e6 < end_s)
		end_s = end_stop / 1e6;   /* an older document's end_s came after its teardown */
	size_t np = json_array_size(tl);
	/* starts waiting for a turn: a column since 2026-12-01, counted in live before (unknown: NAN) */
	int has_wait = np && json_array_size(json_array_get(tl, 0)) > RP_WAIT;
	f->peak_waiting = has_wait ? 0 : NAN;
	double live_s = 0, first_t = np ? cell(json_array_get(tl, 0), RP_T) / 1e6 : 0;
	for (size_t i = 0; i < np; i++) {
		const json_t *r = json_array_get(tl, i);
		double t = cell(r, RP_T) / 1e6;
		double next = i + 1 < np ? cell(json_array_get(tl, i + 1), RP_T) / 1e6 : end_s;
		double dt = next > t ? next - t : 0;
		f->gib_s += cell(r, RP_BYTES) / 1073741824.0 * dt;
		f->idle_gib_s += cell(r, RP_IDLE) / 1073741824.0 * dt;
		live_s += cell(r, RP_LIVE) * dt;
		if (cell(r, RP_LIVE) > f->peak_instances)
			f->peak_instances = cell(r, RP_LIVE);
		if (has_wait && cell(r, RP_WAIT) > f->peak_waiting)
			f->peak_waiting = cell(r, RP_WAIT);
	}
	f->seconds = end_s;
	f->mean_instances = end_s > first_t ? live_s / (end_s - first_t) : NAN;
	if (!json_is_object(json_object_get(replay, "platform")) && f->instances) {
		/*
		 * Process instances: each one's largest memory sample (the first taken
		 * as it answered) times its life from that first 200 to its stop, and
		 * the part of it not serving; the timeline's sampler (every 100 ms)
		 * would miss an instance that lives shorter than its period.
		 */
		double *busy = calloc(f->instances, sizeof(double));
		if (!busy)
			return -ENOMEM;
		for (size_t i = 0; i < f->invocations; i++) {
			const json_t *r = json_array_get(inv, i);
			double k = cell(r, RI_INST);
			if (k >= 0 && (size_t)k < f->instances && cell(r, RI_SENT) > 0)
				busy[(size_t)k] += (cell(r, RI_DONE) - cell(r, RI_SENT)) / 1e6;
		}
		f->gib_s = f->idle_gib_s = 0;
		for (size_t i = 0; i < f->instances; i++) {
			const json_t *r = json_array_get(ins, i);
			double ready = cell(r, RN_READY), stop = cell(r, RN_STOP);
			const char *why = json_string_value(json_array_get(r, RN_WHY));
			if (why && !strcmp(why, "end") && stop > end_stop)
				stop = end_stop;
			if (ready <= 0 || stop < ready)
				continue;
			double life = (stop - ready) / 1e6, gib = cell(r, RN_PEAK) / 1073741824.0;
			f->gib_s += gib * life;
			f->idle_gib_s += gib * (life > busy[i] ? life - busy[i] : 0);
		}
		free(busy);
	}
	f->cpu_s = -1;
	for (size_t i = 0; i < f->instances; i++) {
		f->prewarmed += cell(json_array_get(ins, i), RN_PREWARM) != 0;
		double c = cell(json_array_get(ins, i), RN_CPU);
		if (c >= 0)
			f->cpu_s = (f->cpu_s < 0 ? 0 : f->cpu_s) + c;
	}
	/* a platform: the host's CPU, shared by every workload */
	json_t *plat = json_object_get(replay, "platform");
	if (json_is_object(plat) && json_number_value(json_object_get(plat, "cpu_s")) >= 0)
		f->cpu_s = json_number_value(json_object_get(plat, "cpu_s"));
	double k = f->invocations ? 1000.0 / (double)f->invocations : NAN;
	f->per1k_gib_s = f->gib_s * k;
	f->per1k_cpu_s = f->cpu_s >= 0 ? f->cpu_s * k : NAN;
	f->per1k_cold = (double)f->cold * k;
	return 0;
}
