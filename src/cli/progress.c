/*
 * progress: in live mode each eb_progress() overwrites the line; in plain
 * mode only eb_progress_note() prints, so CI logs stay short.
 */
#include "cli/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int live;
static int dirty;

void eb_progress_init(void)
{
	const char *ci = getenv("CI");
	live = isatty(STDERR_FILENO) && !getenv("NO_COLOR") && !(ci && *ci && *ci != '0');
}

void eb_progress(const char *fmt, ...)
{
	if (!live)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("\r\033[K", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	dirty = 1;
}

void eb_progress_note(const char *fmt, ...)
{
	eb_progress_done();
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void eb_progress_done(void)
{
	if (live && dirty) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	dirty = 0;
}
