/*
 * measure/phases: what the files of one cell share, and nothing outside
 * measure/ includes: the cell's helpers (mc_*: errors, values, the
 * accumulators, the instance lifecycle, load and footprint sampling; cell.c)
 * and the phases (ph_*: server phases in phases_server.c, scale in
 * phases_scale.c, the study's instrument in phases_study.c, batch runs in
 * phases_batch.c), which phase_table.c puts in the table.
 */
#ifndef EB_MEASURE_PHASES_H
#define EB_MEASURE_PHASES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "measure/phase.h"
#include "net/load.h"
#include "net/http.h"
#include "catalog/workload.h"

#define THROUGHPUT_WINDOW_NS 250000000ull        /* sustained throughput windows */
#define FOOTPRINT_TICK_NS   100000000ull         /* memory sampled under load */
#define AFTER_WARMUP_SAMPLES 5u
#define AFTER_WARMUP_GAP_NS 20000000ull
#define MAX_FOOTPRINT_SAMPLES 4096u

#define progress(c, ...)                                   \
	do {                                               \
		if ((c)->plan->progress)                   \
			(c)->plan->progress(__VA_ARGS__);  \
	} while (0)

#define DEPLOYMENT_START_TIMEOUT_NS 90000000000ull

/* Footprint samples of one instance (or of a runtime's shared daemon). */
struct fp_sampler {
	struct eb_cell *c;
	struct eb_instance *in;        /* NULL: the runtime's shared_sample */
	size_t n;
	const char *names[EB_MAX_METRICS];
	const char *descs[EB_MAX_METRICS];
	size_t n_metrics;
	double v[EB_MAX_METRICS][MAX_FOOTPRINT_SAMPLES];
};

void mc_warn(struct eb_cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int mc_fail(struct eb_cell *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mc_default_path(const struct eb_cell *c);
int mc_database_init(struct eb_cell *c);
int mc_deployment(const struct eb_cell *c);
json_t *mc_values(struct eb_cell *c);
json_t *mc_checks(struct eb_cell *c);
unsigned mc_tr_runs(const struct eb_cell *c);
void mc_sustained_values(struct eb_cell *c);
void mc_fill_pattern(char *out, size_t cap, const char *pattern, const char *fill);
struct eb_acc *mc_acc_get(struct eb_cell *c, const char *name, const char *figure_desc);
int mc_acc_add(struct eb_acc *a, double v, int32_t trial);
int mc_add(struct eb_cell *c, const char *name, const char *figure_desc, const double *v, size_t n, int32_t trial);
void mc_last_stderr_line(struct eb_cell *c, char *out, size_t cap);
void mc_note_crash(struct eb_cell *c, const char *phase, int wait_status);
int mc_launch(struct eb_cell *c, int capture, struct eb_instance *in);
void mc_stop_instance(struct eb_cell *c, struct eb_instance *in);
int mc_sample_instance(struct eb_cell *c, struct eb_instance *in, struct eb_sample *out);
uint64_t mc_start_timeout(const struct eb_cell *c);
int mc_start_server(struct eb_cell *c, struct eb_instance *in, uint64_t *ready_ns);
void mc_note_load_errors(struct eb_cell *c, const char *phase, const struct eb_load_result *lr);
int mc_instance_died(struct eb_cell *c, const char *what, uint64_t after_ns);
int mc_run_load(struct eb_cell *c, const char *what, struct eb_load_config *cfg, struct eb_load_result *lr);
void mc_sample_footprint(void *arg);
int mc_sampler_series(struct eb_cell *c, struct fp_sampler *s, const char *pattern, int32_t trial);
void mc_study_url(const struct eb_cell *c, char *url, size_t cap);
int ph_study_cold(struct eb_cell *c, unsigned t);
int ph_study_requests(struct eb_cell *c, unsigned t);
const char *mc_process_role(const char *comm);
void mc_note_process(void *arg, pid_t pid, const char *comm, uint64_t rss_bytes, uint64_t pss_bytes);
unsigned mc_undeploy_marks(struct eb_cell *c, uint64_t *last_ns);
int ph_deploy_cold(struct eb_cell *c, unsigned t);
int ph_prime(struct eb_cell *c, unsigned t);
int ph_cold_start(struct eb_cell *c, unsigned t);
int ph_full_cold(struct eb_cell *c, unsigned t);
int ph_warmup(struct eb_cell *c, unsigned t);
int ph_sequential(struct eb_cell *c, unsigned t);
void mc_check_state(void *arg, const struct eb_http_response *r);
int ph_state(struct eb_cell *c, unsigned t);
int ph_burst(struct eb_cell *c, unsigned t);
int ph_sustained(struct eb_cell *c, unsigned t);
int ph_curve(struct eb_cell *c, unsigned t);
int ph_coldburst(struct eb_cell *c, unsigned t);
int ph_density(struct eb_cell *c, unsigned t);
int ph_database_requests(struct eb_cell *c, unsigned t);
int mc_database_rows(struct eb_cell *c, long long *rows);
#define API_BIG_BODY (70u * 1024u)   /* over the workload's 64 KiB: a 413 */
int mc_batch_once(struct eb_cell *c, unsigned t, uint64_t *elapsed, struct eb_wl_output *o);
int ph_batch_warmup(struct eb_cell *c, unsigned t);
int ph_batch_run(struct eb_cell *c, unsigned t);

#endif
