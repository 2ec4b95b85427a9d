/*
 * results: JSON via jansson, raw logs as plain text.  Summaries are always
 * computed here from the samples handed in, never passed in from outside.
 */
#include "data/results.h"
#include "sys/fsutil.h"
#include "data/stats.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int eb_results_open(const char *dir, struct eb_results *r, char *err, size_t errcap)
{
	memset(r, 0, sizeof(*r));
	if (snprintf(r->dir, sizeof(r->dir), "%s", dir) >= (int)sizeof(r->dir)) {
		snprintf(err, errcap, "output directory name too long");
		return -ENAMETOOLONG;
	}
	int rc = eb_mkdirs(dir);
	if (rc < 0) {
		snprintf(err, errcap, "cannot create output directory %s: %s", dir, strerror(-rc));
		return rc;
	}
	char path[1100];
	snprintf(path, sizeof(path), "%s/results.json", dir);
	if (access(path, F_OK) == 0) {
		snprintf(err, errcap, "%s already exists; choose a new --out directory", path);
		return -EEXIST;
	}
	/* raw logs of a run that was killed are results too: never write over them */
	DIR *d = opendir(dir);
	struct dirent *e;
	int used = 0;
	while (d && !used && (e = readdir(d)))
		used = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	if (used) {
		snprintf(err, errcap, "output directory %s is not empty; choose a new --out directory", dir);
		return -EEXIST;
	}
	if (access(dir, W_OK) != 0) {
		rc = -errno;
		snprintf(err, errcap, "cannot write to output directory %s: %s", dir, strerror(errno));
		return rc;
	}
	r->doc = json_object();
	r->cells = json_array();
	if (!r->doc || !r->cells) {
		snprintf(err, errcap, "out of memory");
		return -ENOMEM;
	}
	json_object_set_new(r->doc, "schema_version", json_integer(EB_SCHEMA_VERSION));
	json_object_set_new(r->doc, "tool", json_string("edgebench"));
	json_object_set(r->doc, "cells", r->cells);
	return 0;
}

json_t *eb_results_cell(struct eb_results *r, const char *runtime, const char *mode,
			const char *workload)
{
	json_t *cell = json_pack("{s:s, s:s, s:s, s:s, s:[], s:{}, s:{}, s:[]}",
				 "runtime", runtime, "mode", mode, "workload", workload,
				 "status", "ok", "series", "checks", "values", "warnings");
	if (!cell)
		return NULL;
	json_array_append_new(r->cells, cell);
	return cell;
}

static json_t *summary_json(const struct eb_summary *s)
{
	json_t *o = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
			      "n", (json_int_t)s->n, "min", s->min, "max", s->max,
			      "mean", s->mean, "stddev", s->stddev, "median", s->median,
			      "p90", s->p90, "p99", s->p99);
	if (o)
		json_object_set_new(o, "p999", json_real(s->p999));
	if (o && s->has_ci)
		json_object_set_new(o, "median_ci95", json_pack("[f, f]", s->median_ci_lo, s->median_ci_hi));
	return o;
}

int eb_results_add_series(struct eb_results *r, json_t *cell, const char *name,
			  const char *unit, const char *description,
			  const double *samples, size_t n, const int32_t *trials,
			  const char *header_lines)
{
	json_t *arr = json_array();
	if (!arr)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_real(samples[i]));
	json_t *s = json_pack("{s:s, s:s, s:s, s:o}", "name", name, "unit", unit,
			      "description", description, "samples", arr);
	if (!s)
		return -ENOMEM;
	struct eb_summary sum;
	if (trials) {
		json_t *ta = json_array();
		for (size_t i = 0; ta && i < n; i++)
			json_array_append_new(ta, json_integer(trials[i]));
		json_object_set_new(s, "trials", ta);
	}
	if (n > 0 && eb_summarize(samples, n, &sum) == 0)
		json_object_set_new(s, "summary", summary_json(&sum));
	else
		json_object_set_new(s, "summary", json_null());
	json_array_append_new(json_object_get(cell, "series"), s);

	/* raw log */
	const char *rt = json_string_value(json_object_get(cell, "runtime"));
	const char *mode = json_string_value(json_object_get(cell, "mode"));
	const char *wl = json_string_value(json_object_get(cell, "workload"));
	const char *net = json_string_value(json_object_get(cell, "network"));
	const char *fw = json_string_value(json_object_get(cell, "firewall"));
	char dir[1400], path[1600], cond[64] = "";
	/* a cell of another network condition keeps its raw logs apart */
	if ((net && strcmp(net, "loopback") != 0) || (fw && strcmp(fw, "off") != 0))
		snprintf(cond, sizeof(cond), "@%s-firewall-%s", net ? net : "loopback", fw ? fw : "off");
	snprintf(dir, sizeof(dir), "%s/raw/%s/%s/%s%s", r->dir, rt, mode, wl, cond);
	int rc = eb_mkdirs(dir);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s.log", dir, name);
	size_t cap = 2048 + (header_lines ? strlen(header_lines) : 0) + n * 32;
	char *text = malloc(cap);
	if (!text)
		return -ENOMEM;
	size_t len = (size_t)snprintf(text, cap,
				      "# edgebench raw samples\n# runtime: %s\n# mode: %s\n# workload: %s\n# network: %s, firewall %s\n"
				      "# series: %s\n# unit: %s\n# description: %s\n# n: %zu\n%s# columns: %s\n",
				      rt, mode, wl, net ? net : "none", fw ? fw : "off", name, unit, description, n,
				      header_lines ? header_lines : "", trials ? "value trial" : "value");
	for (size_t i = 0; i < n && len < cap; i++) {
		if (trials)
			len += (size_t)snprintf(text + len, cap - len, "%.0f %d\n", samples[i], (int)trials[i]);
		else
			len += (size_t)snprintf(text + len, cap - len, "%.0f\n", samples[i]);
	}
	rc = eb_write_file_atomic(path, text, len < cap ? len : cap - 1);
	free(text);
	return rc;
}

int eb_results_finish(struct eb_results *r, const char *status)
{
	json_object_set_new(r->doc, "status", json_string(status));
	char *text = json_dumps(r->doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	if (!text)
		return -ENOMEM;
	char path[1100];
	snprintf(path, sizeof(path), "%s/results.json", r->dir);
	size_t len = strlen(text);
	text[len] = '\0';
	int rc = eb_write_file_atomic(path, text, len);
	free(text);
	return rc;
}

void eb_results_close(struct eb_results *r)
{
	json_decref(r->cells);
	json_decref(r->doc);
	r->cells = r->doc = NULL;
}

int eb_cell_on_default_path(json_t *cell)
{
	const char *net = eb_jstr(cell, "network"), *fw = eb_jstr(cell, "firewall");
	return (!net[0] || !strcmp(net, "loopback")) && (!fw[0] || !strcmp(fw, "off"));
}

double eb_series_median(json_t *cell, const char *name)
{
	size_t n;
	double *v = eb_series_samples(cell, name, 1.0, &n), m = -1;
	if (v && n)
		m = eb_median_inplace(v, n);
	free(v);
	return m;
}

json_t *eb_find_series(json_t *cell, const char *name)
{
	size_t j;
	json_t *s;
	json_array_foreach(json_object_get(cell, "series"), j, s)
		if (!strcmp(eb_jstr(s, "name"), name))
			return s;
	return NULL;
}

double *eb_series_samples(json_t *cell, const char *name, double div, size_t *n)
{
	size_t j;
	json_t *s;
	*n = 0;
	json_array_foreach(json_object_get(cell, "series"), j, s) {
		if (strcmp(eb_jstr(s, "name"), name) != 0)
			continue;
		json_t *arr = json_object_get(s, "samples");
		size_t m = json_array_size(arr);
		double *v = m ? malloc(m * sizeof(*v)) : NULL;
		if (!v)
			return NULL;
		for (size_t k = 0; k < m; k++)
			v[k] = json_number_value(json_array_get(arr, k)) / div;
		*n = m;
		return v;
	}
	return NULL;
}

static double pos(double v) { return v > 0 ? v : 0; }

void eb_cell_memory(json_t *cell, struct eb_cell_memory *m)
{
	m->pss = pos(eb_series_median(cell, "pss_after_warmup"));
	m->cgroup = pos(eb_series_median(cell, "cgroup_memory_after_warmup"));
	m->shim = pos(eb_series_median(cell, "shim_pss_after_warmup"));
	m->tree_pss = pos(eb_series_median(cell, "tree_pss_after_warmup"));
	m->shared = pos(eb_series_median(cell, "shared_daemon_pss_after_warmup"));
	m->total = m->pss > 0 ? m->pss : m->cgroup > 0 ? m->cgroup + m->shim : 0;
	m->own = m->pss > 0 ? m->pss : m->tree_pss;
}
