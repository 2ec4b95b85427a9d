/*
 * textbuf: growable text with a hard limit (curl's dynbuf idea), for the
 * exporters (report.md, SVG, CSV, compare).  Appending never fails loudly:
 * the first failure (out of memory, over 64 MiB) sets `failed` and later
 * appends do nothing, so a writer checks once, at the end.
 */
#ifndef EB_TEXTBUF_H
#define EB_TEXTBUF_H

#include <stddef.h>

struct eb_buf {
	char *p;
	size_t len, cap;
	int failed;
};

__attribute__((format(printf, 2, 3)))
void eb_bprintf(struct eb_buf *b, const char *fmt, ...);

/* Write the text to path atomically; -ENOMEM when an append failed, else 0 or -errno. */
__attribute__((warn_unused_result))
int eb_buf_write_file(const struct eb_buf *b, const char *path);

/* Release the text (the struct may be reused). */
void eb_buf_free(struct eb_buf *b);

#endif
