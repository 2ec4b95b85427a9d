/*
 * study: the reference study's own instrument, reproduced on purpose
 * (`edgebench run --method study`), so a report can show how much of the
 * study's figures was the instrument rather than the runtime.
 *
 *   cold start  launch -> a `curl` process that got HTTP 200, polling with
 *               one `curl` per attempt and `sleep 0.01` between attempts
 *               (the study's loop, section 6.3);
 *   latency     one `curl` process per request, timed from its launch to
 *               its exit (what a script timing curl sees), and curl's own
 *               %{time_total} next to it;
 *   throughput  N requests with C `curl` processes at a time.
 *
 * The harness's own figures (in-process probe and load generator) are
 * measured alongside; nothing here replaces them.
 */
#ifndef EB_STUDY_H
#define EB_STUDY_H

#include <stdint.h>

#include "sys/proc.h"

#define EB_STUDY_POLL_SLEEP_NS 10000000ull   /* the study's `sleep 0.01` */

/* One `curl` GET: its HTTP status (0: none), curl's time_total, and launch -> exit of the process. */
struct eb_study_get {
	int status;
	double time_total_s;
	uint64_t wall_ns;
};

/* Is curl here?  1 or 0. */
int eb_study_available(void);

/* One curl GET of url.  0, or a negative errno (-ENOENT: no curl, -ETIMEDOUT). */
__attribute__((warn_unused_result))
int eb_study_get(const char *url, uint64_t timeout_ns, struct eb_study_get *out);

/*
 * The study's cold-start loop against a server launched at server->launch_ns:
 * curl, and on anything but 200 sleep 10 ms and curl again, until deadline.
 * *ready_ns: launch -> the exit of the curl that saw 200.  -ECHILD when the
 * server exits first, -ETIMEDOUT, -EINTR.
 */
__attribute__((warn_unused_result))
int eb_study_poll(const char *url, struct eb_proc *server, uint64_t deadline_ns, uint64_t *ready_ns, unsigned *attempts);

/*
 * n GETs of url with conc curl processes at a time (a new one as soon as
 * one exits).  *elapsed_ns: first launch -> last exit; *ok: how many got 200.
 */
__attribute__((warn_unused_result))
int eb_study_burst(const char *url, unsigned n, unsigned conc, uint64_t timeout_ns, uint64_t *elapsed_ns, unsigned *ok);

#endif
