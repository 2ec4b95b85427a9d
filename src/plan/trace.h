/*
 * trace: serverless invocation traces, read from the formats published
 * studies use, into one list of invocations (when, which function, how long
 * its work takes), sorted by time from 0.  Never prints: a malformed input
 * is one line in err naming the file, the line and what was wrong.
 *
 *   orcbench   `orcbench trace` output (CLOUD'22, models fitted to the Azure
 *              Functions 2019 trace): "time (minutes), function id, runtime
 *              (ms), model"; its header line runs into the first record (no
 *              newline), and its durations can be negative (clamped to 0,
 *              counted in negative_durations)
 *   azure2019  the Azure Functions 2019 dataset's per-minute invocation
 *              counts (HashOwner,HashApp,HashFunction,Trigger,1..1440): each
 *              minute's invocations spread over the minute, uniform, seeded;
 *              durations from its per-function duration file (Average, ms)
 *              when given, else 0 (said in durations_from)
 *   azure2021  the Azure Functions 2021 per-invocation trace
 *              (app,func,end_timestamp,duration, seconds): each starts at
 *              end_timestamp - duration
 */
#ifndef EB_TRACE_H
#define EB_TRACE_H

#include <stddef.h>
#include <stdint.h>

enum eb_trace_format { EB_TRACE_AUTO, EB_TRACE_ORCBENCH, EB_TRACE_AZURE2019, EB_TRACE_AZURE2021 };

struct eb_invocation {
	uint64_t at_ns;             /* since the first invocation */
	uint64_t duration_ns;       /* the work it does */
	uint32_t function;          /* index in functions */
};

struct eb_trace {
	struct eb_invocation *inv;
	size_t n, cap;
	char (*functions)[80];      /* each function's id, as the trace names it */
	size_t n_functions, functions_cap;
	enum eb_trace_format format;
	size_t negative_durations;  /* orcbench: durations below 0, clamped to 0 */
	const char *durations_from; /* where durations came from, in words */
};

/* "orcbench", "azure2019", "azure2021" (or "auto"); -1 when unknown. */
int eb_trace_format_parse(const char *s, enum eb_trace_format *out);
const char *eb_trace_format_name(enum eb_trace_format f);

/*
 * Parse text[0..len) (name: for errors).  durations: an Azure 2019 duration
 * file's text (NULL: none).  seed: spreads Azure 2019's per-minute counts.
 * 0, or -EINVAL / -ENOMEM with one line in err; t is empty on error.
 */
int eb_trace_parse(const char *name, const char *text, size_t len, enum eb_trace_format format, uint64_t seed,
		   const char *durations, size_t durations_len, struct eb_trace *t, char *err, size_t errcap);

/* The same from files (durations_path may be NULL). */
int eb_trace_read(const char *path, enum eb_trace_format format, uint64_t seed, const char *durations_path,
		  struct eb_trace *t, char *err, size_t errcap);

/* Keep the first max_functions functions to appear (0: all) and invocations before max_ns (0: all). */
void eb_trace_cut(struct eb_trace *t, size_t max_functions, uint64_t max_ns);

void eb_trace_free(struct eb_trace *t);

#endif
