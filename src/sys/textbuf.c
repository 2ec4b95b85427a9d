/*
 * textbuf: vsnprintf into the free tail, doubling the buffer when the
 * text does not fit.
 */
#include "sys/textbuf.h"
#include "sys/fsutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define TEXTBUF_MAX (64u << 20)

void eb_bprintf(struct eb_buf *b, const char *fmt, ...)
{
	if (b->failed)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if (b->p && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t want = (b->cap ? b->cap * 2 : 65536) + (size_t)n;
		if (want > TEXTBUF_MAX) {
			b->failed = 1;
			return;
		}
		char *np = realloc(b->p, want);
		if (!np) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = want;
	}
}

int eb_buf_write_file(const struct eb_buf *b, const char *path)
{
	if (b->failed)
		return -ENOMEM;
	return eb_write_file_atomic(path, b->p ? b->p : "", b->len);
}

void eb_buf_free(struct eb_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
