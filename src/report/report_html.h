/*
 * report_html: report.html from the report's Markdown.  The Markdown that
 * report.c writes uses a small, fixed subset (headings, paragraphs, pipe
 * tables, "- " lists, `code`, **strong**, *em*, and image lines that name
 * an SVG file beside it followed by a "*Figure: ...*" caption); this turns
 * exactly that subset into one self-contained HTML page: the SVG charts
 * inline, CSS inline, no script, and a Content-Security-Policy that lets
 * the page load nothing at all.  Anything else is shown as text, escaped.
 */
#ifndef EB_REPORT_HTML_H
#define EB_REPORT_HTML_H

#include "sys/textbuf.h"

/*
 * Append the page for md to out; the SVG files named by image lines are
 * read from dir (one that cannot be read is shown as a missing chart).
 */
void eb_report_html(struct eb_buf *out, const char *md, const char *dir, const char *title);

#endif
