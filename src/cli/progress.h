/*
 * progress: telling the person at the terminal where a run is.  A live,
 * rewritten line when stderr is a terminal (and NO_COLOR/CI do not say
 * otherwise), plain lines when it is not (CI logs).  Never stdout.
 */
#ifndef EB_PROGRESS_H
#define EB_PROGRESS_H

void eb_progress_init(void);

/* A step of a longer phase: "native/http-hello cold start 3/20". */
__attribute__((format(printf, 1, 2)))
void eb_progress(const char *fmt, ...);

/* A line that must stay (a finished phase, a warning). */
__attribute__((format(printf, 1, 2)))
void eb_progress_note(const char *fmt, ...);

/* Clear any live line (before printing results). */
void eb_progress_done(void);

#endif
