/*
 * cmd_compare: `edgebench compare DIR_A DIR_B [DIR...]`, runs set side by
 * side: machines (an edge box, a cloud VM, a laptop) or runtime versions.
 * Each later run is compared with the first: for every cell and series both
 * hold, on the unit that repeats within a run (the trial: one cold start,
 * one sustained round's median; a request is not a repeat), the ratio of
 * the geometric means of the trial figures with Welch's t interval (the
 * runs are independent, not paired), flagged when it has EB_MIN_PAIRS
 * trials a side and the CI excludes 1.0.  A series with one value per run
 * (no trials) is shown with its medians and no claim.  Fingerprints, configs, schema versions and missing
 * cells are shown plainly; nothing differing is compared silently.  The
 * result is Markdown on stdout (or --out FILE).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "analysis/compare.h"
#include "sys/fsutil.h"
#include "data/results.h"
#include "data/stats.h"
#include "sys/textbuf.h"
#include "report/replay.h"

#define MAX_RUNS 8

/* A results directory's document, or NULL with a one-line reason. */
static json_t *load_run(const char *dir, char *err, size_t errcap)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/results.json", dir);
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc) {
		snprintf(err, errcap, "%s is not a results directory we can read: %s (line %d)", dir, je.text, je.line);
		return NULL;
	}
	if (json_is_object(doc) && json_is_array(json_object_get(doc, "replays")) &&
	    !strcmp(eb_jstr(doc, "kind") ? eb_jstr(doc, "kind") : "", "replay"))
		return doc;   /* a trace replay's document */
	json_t *v = json_object_get(doc, "schema_version");
	if (!json_is_object(doc) || !json_is_integer(v) || json_integer_value(v) < EB_SCHEMA_OLDEST ||
	    json_integer_value(v) > EB_SCHEMA_VERSION || !json_is_array(json_object_get(doc, "cells"))) {
		snprintf(err, errcap, "%s/results.json is not an edgebench results document of schema %d..%d", dir,
			 EB_SCHEMA_OLDEST, EB_SCHEMA_VERSION);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static json_t *find_cell(json_t *doc, json_t *like)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "cells"), i, c)
		if (!strcmp(eb_jstr(c, "runtime"), eb_jstr(like, "runtime")) && !strcmp(eb_jstr(c, "mode"), eb_jstr(like, "mode")) &&
		    !strcmp(eb_jstr(c, "workload"), eb_jstr(like, "workload")) &&
		    /* the same network condition (a run without conditions is loopback, firewall off) */
		    !strcmp(eb_jstr(c, "network")[0] ? eb_jstr(c, "network") : "loopback",
			    eb_jstr(like, "network")[0] ? eb_jstr(like, "network") : "loopback") &&
		    !strcmp(eb_jstr(c, "firewall")[0] ? eb_jstr(c, "firewall") : "off",
			    eb_jstr(like, "firewall")[0] ? eb_jstr(like, "firewall") : "off"))
			return c;
	return NULL;
}


static void fingerprints(struct eb_buf *t, json_t **docs, char **dirs, int n)
{
	static const char *const keys[] = { "started_utc", "cpu_model", "cores_online", "mem_total_bytes", "kernel",
					    "os", "cgroup_mode", "edgebench_commit", NULL };
	eb_bprintf(t, "## The runs\n\n| |");
	for (int r = 0; r < n; r++)
		eb_bprintf(t, " %s |", dirs[r]);
	eb_bprintf(t, "\n|---|");
	for (int r = 0; r < n; r++)
		eb_bprintf(t, "---|");
	eb_bprintf(t, "\n| status |");
	for (int r = 0; r < n; r++)
		eb_bprintf(t, " %s |", eb_jstr(docs[r], "status"));
	eb_bprintf(t, "\n| schema_version |");
	for (int r = 0; r < n; r++)
		eb_bprintf(t, " %lld |", (long long)json_integer_value(json_object_get(docs[r], "schema_version")));
	eb_bprintf(t, "\n");
	for (int k = 0; keys[k]; k++) {
		eb_bprintf(t, "| %s |", keys[k]);
		for (int r = 0; r < n; r++) {
			json_t *v = json_object_get(json_object_get(docs[r], "fingerprint"), keys[k]);
			if (json_is_integer(v))
				eb_bprintf(t, " %lld |", (long long)json_integer_value(v));
			else
				eb_bprintf(t, " %s |", json_is_string(v) ? json_string_value(v) : "-");
		}
		eb_bprintf(t, "\n");
	}
	/* runtime versions: the union of names */
	json_t *names = json_object();
	for (int r = 0; r < n; r++) {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(json_object_get(docs[r], "fingerprint"), "runtime_versions"), k, v)
			json_object_set_new(names, k, json_true());
	}
	const char *k;
	json_t *v;
	json_object_foreach(names, k, v) {
		eb_bprintf(t, "| %s version |", k);
		for (int r = 0; r < n; r++)
			eb_bprintf(t, " %s |", eb_jstr(json_object_get(json_object_get(docs[r], "fingerprint"), "runtime_versions"), k));
		eb_bprintf(t, "\n");
	}
	json_decref(names);
}

/* Config keys whose values differ from the first run's (the seed always does: not listed). */
static void config_diff(struct eb_buf *t, json_t **docs, char **dirs, int n)
{
	int any = 0;
	for (int r = 1; r < n; r++) {
		json_t *a = json_object_get(docs[0], "config"), *b = json_object_get(docs[r], "config");
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v) {
			if (!strcmp(k, "seed") || json_equal(v, json_object_get(b, k)))
				continue;
			char *x = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY), *y = json_dumps(json_object_get(b, k), JSON_COMPACT | JSON_ENCODE_ANY);
			if (!any++)
				eb_bprintf(t, "\n**The plans differ** (figures below compare different measurements where these matter):\n\n");
			eb_bprintf(t, "- `%s`: %s in %s, %s in %s\n", k, x ? x : "?", dirs[0], y ? y : "absent", dirs[r]);
			free(x);
			free(y);
		}
		json_object_foreach(b, k, v) {
			if (!strcmp(k, "seed") || json_object_get(a, k))
				continue;
			char *y = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			if (!any++)
				eb_bprintf(t, "\n**The plans differ** (figures below compare different measurements where these matter):\n\n");
			eb_bprintf(t, "- `%s`: absent in %s, %s in %s\n", k, dirs[0], y ? y : "?", dirs[r]);
			free(y);
		}
	}
	if (!any)
		eb_bprintf(t, "\nThe plans (config) are the same, the seed apart.\n");
}

static void ratios(struct eb_buf *t, json_t **docs, char **dirs, int n, int *flagged, int *compared)
{
	for (int r = 1; r < n; r++) {
		eb_bprintf(t, "\n## %s against %s\n\nB/A = %s / %s: the ratio of the geometric means of each run's per-trial figures (a trial's "
		       "median: one cold start, one sustained round), with Welch's 95%% t interval on their logarithms (the runs are independent, "
		       "not paired; the interval covers trial-to-trial variation within each run, so a drift of the machine between the runs "
		       "shows as a difference). A claim needs %d trials a side. **bold**: the CI excludes 1.0. Medians are of every sample.\n\n"
		       "| runtime/mode | workload | series | trials | samples | median A | median B | unit | B/A | 95%% CI |\n|---|---|---|---:|---:|---:|---:|---|---:|---|\n",
		    dirs[r], dirs[0], dirs[r], dirs[0], EB_MIN_PAIRS);
		size_t i;
		json_t *ca;
		json_t *missing = json_array();
		json_array_foreach(json_object_get(docs[0], "cells"), i, ca) {
			json_t *cb = find_cell(docs[r], ca);
			char label[200];
			snprintf(label, sizeof(label), "%s/%s/%s%s%s%s", eb_jstr(ca, "runtime"), eb_jstr(ca, "mode"), eb_jstr(ca, "workload"),
				 eb_jstr(ca, "network")[0] && strcmp(eb_jstr(ca, "network"), "loopback") ? " " : "",
				 eb_jstr(ca, "network")[0] && strcmp(eb_jstr(ca, "network"), "loopback") ? eb_jstr(ca, "network") : "",
				 !strcmp(eb_jstr(ca, "firewall"), "on") ? "+fw" : "");
			if (!cb) {
				json_array_append_new(missing, json_sprintf("%s: not in %s", label, dirs[r]));
				continue;
			}
			if (strcmp(eb_jstr(ca, "status"), "ok") || strcmp(eb_jstr(cb, "status"), "ok")) {
				json_array_append_new(missing, json_sprintf("%s: %s in %s, %s in %s", label, eb_jstr(ca, "status"),
									    dirs[0], eb_jstr(cb, "status"), dirs[r]));
				continue;
			}
			size_t j;
			json_t *s;
			json_array_foreach(json_object_get(ca, "series"), j, s) {
				const char *name = eb_jstr(s, "name"), *unit = eb_jstr(s, "unit");
				json_t *sb = eb_find_series(cb, name);
				if (!sb) {
					json_array_append_new(missing, json_sprintf("%s: series %s not in %s", label, name, dirs[r]));
					continue;
				}
				size_t na = 0, nb = 0, ta = 0, tb = 0;
				double *a = eb_series_samples(ca, name, 1.0, &na), *b = eb_series_samples(cb, name, 1.0, &nb);
				double *fa = eb_trial_figures(s, 50, &ta), *fb = eb_trial_figures(sb, 50, &tb);
				struct eb_ratio q;
				if (a && b) {
					double div = !strcmp(unit, "ns") ? 1e6 : !strcmp(unit, "bytes") ? 1048576.0 : 1;
					const char *shown = !strcmp(unit, "ns") ? "ms" : !strcmp(unit, "bytes") ? "MiB" : unit;
					double ma = eb_median_inplace(a, na), mb = eb_median_inplace(b, nb);
					char rtxt[64] = "-", citxt[96] = "one value per run: no claim";
					int sig = 0;
					if (fa && fb && eb_unpaired_ratio(fa, ta, fb, tb, &q) == 0) {
						sig = q.verdict == EB_VERDICT_ABOVE || q.verdict == EB_VERDICT_BELOW;
						snprintf(rtxt, sizeof(rtxt), "%s%.3f%s", sig ? "**" : "", q.ratio, sig ? "**" : "");
						if (q.verdict == EB_VERDICT_TOO_FEW)
							snprintf(citxt, sizeof(citxt), "too few trials (%zu/%zu)", ta, tb);
						else
							snprintf(citxt, sizeof(citxt), "%.3f\u2013%.3f", q.ci_lo, q.ci_hi);
					} else if (ma > 0) {
						snprintf(rtxt, sizeof(rtxt), "%.3f", mb / ma);
					}
					*flagged += sig;
					*compared += 1;
					eb_bprintf(t, "| %s/%s | %s | %s | %zu/%zu | %zu/%zu | %.4g | %.4g | %s | %s | %s |\n",
					    eb_jstr(ca, "runtime"), eb_jstr(ca, "mode"), eb_jstr(ca, "workload"), name, ta, tb, na, nb,
					    ma / div, mb / div, shown, rtxt, citxt);
				}
				free(a);
				free(b);
				free(fa);
				free(fb);
			}
		}
		json_t *cb;
		json_array_foreach(json_object_get(docs[r], "cells"), i, cb)
			if (!find_cell(docs[0], cb))
				json_array_append_new(missing, json_sprintf("%s/%s/%s: not in %s", eb_jstr(cb, "runtime"),
									    eb_jstr(cb, "mode"), eb_jstr(cb, "workload"), dirs[0]));
		if (json_array_size(missing)) {
			eb_bprintf(t, "\nNot compared:\n\n");
			json_array_foreach(missing, i, cb)
				eb_bprintf(t, "- %s\n", eb_jsv(cb));
		}
		json_decref(missing);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: edgebench compare [--out FILE] RESULTS_DIR_A RESULTS_DIR_B [RESULTS_DIR...]\n"
		   "  each later run against the first: per cell and series, the ratio over the runs' trials with a 95%% Welch t interval,\n"
		   "  the runs' fingerprints and config differences side by side; Markdown on stdout or to FILE\n");
}

int eb_cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_file = NULL;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': out_file = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	int n = argc - optind;
	if (n < 2 || n > MAX_RUNS) {
		fprintf(stderr, "edgebench compare: give 2 to %d results directories (see --help)\n", MAX_RUNS);
		return 2;
	}
	json_t *docs[MAX_RUNS] = { 0 };
	char **dirs = argv + optind;
	char err[1400];
	int rc = 0;
	for (int r = 0; r < n; r++)
		if (!(docs[r] = load_run(dirs[r], err, sizeof(err)))) {
			fprintf(stderr, "edgebench compare: %s\n", err);
			rc = 2;
			goto done;
		}
	struct eb_buf t = { 0 };
	int flagged = 0, compared = 0;
	eb_bprintf(&t, "# edgebench compare\n\n");
	for (int r = 0; r < n; r++)
		if (strcmp(eb_jstr(docs[r], "status"), "complete") != 0)
			eb_bprintf(&t, "**%s is %s**: only what finished is compared.\n\n", dirs[r], eb_jstr(docs[r], "status"));
	for (int r = 1; r < n; r++)
		if (!json_equal(json_object_get(docs[r], "schema_version"), json_object_get(docs[0], "schema_version")))
			eb_bprintf(&t, "**Schema versions differ** (%lld in %s, %lld in %s): samples are read alike; figures new in the later schema are not compared.\n\n",
			    (long long)json_integer_value(json_object_get(docs[0], "schema_version")), dirs[0],
			    (long long)json_integer_value(json_object_get(docs[r], "schema_version")), dirs[r]);
	int replays = 0;
	for (int r = 0; r < n; r++)
		replays += json_is_array(json_object_get(docs[r], "replays"));
	if (replays && replays != n) {
		fprintf(stderr, "edgebench compare: trace replays compare only with trace replays (%d of %d are)\n", replays, n);
		eb_buf_free(&t);
		rc = 2;
		goto done;
	}
	fingerprints(&t, docs, dirs, n);
	if (replays) {
		eb_replay_compare(&t, docs, (const char *const *)dirs, n);
		goto write;
	}
	config_diff(&t, docs, dirs, n);
	ratios(&t, docs, dirs, n, &flagged, &compared);
	eb_bprintf(&t, "\n%d of %d figures differ with a CI that excludes 1.0 (at 95%%, about 1 in 20 of figures that do not differ is flagged by chance).\n", flagged, compared);
write:
	if (t.failed) {
		fprintf(stderr, "edgebench compare: out of memory\n");
		rc = 1;
	} else if (out_file) {
		int w = eb_buf_write_file(&t, out_file);
		if (w < 0) {
			fprintf(stderr, "edgebench compare: cannot write %s: %s\n", out_file, strerror(-w));
			rc = 1;
		} else {
			printf("%s\n", out_file);
		}
	} else {
		fwrite(t.p, 1, t.len, stdout);
	}
	eb_buf_free(&t);
done:
	for (int r = 0; r < n; r++)
		json_decref(docs[r]);
	return rc;
}
