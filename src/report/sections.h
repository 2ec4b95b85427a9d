/*
 * report/sections: what the files of report/ share, and nothing else
 * includes: helpers that read a results document for display (rp_*), and
 * the sections report.c puts in order (tables.c: the tables; figures.c:
 * the sections with charts).
 */
#ifndef EB_REPORT_SECTIONS_H
#define EB_REPORT_SECTIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "data/stats.h"
#include "report/svg.h"
#include "sys/textbuf.h"

#define FIG_ROWS 64   /* rows of one figure */

double rp_scale(const char *unit, double v, const char **shown);
int rp_summarize_series(json_t *s, struct eb_summary *sum);
const char *rp_mode_cond(json_t *c, char *buf, size_t cap);
void rp_fmt_ci(json_t *cmp, int decimals, char *out, size_t cap);
const char *rp_reading(json_t *cmp, int higher_better);
int rp_claims(json_t *cmp);
json_t *rp_find_cell(json_t *cells, const char *rt, const char *mode, const char *wl);
json_t *rp_find_comparison(json_t *doc, const char *rt, const char *mode, const char *wl, const char *series);
void rp_fmt_ratio(json_t *cmp, char *out, size_t cap);
void rp_cell_label(json_t *cell, char *out, size_t cap);
int rp_emit_figure(struct eb_buf *md, const char *dir, const char *file, const struct eb_buf *svg, const char *alt, const char *caption, char *err, size_t errcap);
void rp_median_txt(json_t *cell, const char *name, double div, int decimals, char *out, size_t cap);
size_t rp_gather_rows(json_t *cells, const char *wl, const char *name, double div, const char *suffix, struct eb_svg_row *rows, char (*labels)[96], size_t n, size_t cap);
void rp_free_rows(struct eb_svg_row *rows, size_t n);
double rp_median_or_zero(json_t *cell, const char *name);
void rp_section_verdicts(struct eb_buf *b, json_t *doc);
void rp_section_environment(struct eb_buf *b, json_t *doc);
void rp_section_noise(struct eb_buf *b, json_t *doc);
void rp_section_runtimes(struct eb_buf *b, json_t *doc);
void rp_section_glance(struct eb_buf *b, json_t *doc);
void rp_section_comparisons(struct eb_buf *b, json_t *doc);
void rp_section_deployments(struct eb_buf *b, json_t *doc);
void rp_section_modes(struct eb_buf *b, json_t *doc);
void rp_section_results(struct eb_buf *b, json_t *doc);
void rp_section_checks(struct eb_buf *b, json_t *doc);
void rp_section_database(struct eb_buf *b, json_t *doc);
void rp_section_study(struct eb_buf *b, json_t *doc);
int rp_section_curve(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap);
int rp_section_network(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap);
int rp_section_scale(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap);
int rp_section_charts(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap);
int rp_section_method(struct eb_buf *b, json_t *doc, const char *dir, char *err, size_t errcap);

#endif
