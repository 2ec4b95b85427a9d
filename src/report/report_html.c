/*
 * report_html: the Markdown subset of report.c as one HTML page (see
 * report_html.h).  Line-oriented: each block (heading, table, list,
 * figure, paragraph) is recognised by its first line.
 */
#include "report/report_html.h"
#include "report/svg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SVG_FILE_MAX (8u << 20)

static const char css[] =
	"body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}"
	"h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #ccc;margin-top:2em}h3{font-size:1.1em}"
	"table{border-collapse:collapse;font-size:12px;margin:.5em 0}th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
	"th{background:#f3f3f3}td.r,th.r{text-align:right}.tw{overflow-x:auto}"
	"code{font-size:90%;background:#f5f5f5;padding:0 2px;word-break:break-word}"
	"figure{margin:1.5em 0;break-inside:avoid}figure svg{max-width:100%;height:auto;display:block}"
	"figcaption{font-size:13px;color:#444;max-width:760px}.missing{color:#b00}"
	"@media print{body{max-width:none;margin:0}h2{break-after:avoid}table,figure{break-inside:avoid}.tw{overflow:visible}}";

static void esc_n(struct eb_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': eb_bprintf(b, "&amp;"); break;
		case '<': eb_bprintf(b, "&lt;"); break;
		case '>': eb_bprintf(b, "&gt;"); break;
		case '"': eb_bprintf(b, "&quot;"); break;
		default: eb_bprintf(b, "%c", s[i]);
		}
	}
}

/* Inline markup of s[0..n): `code`, **strong**, *em* (when closed on the same line). */
static void inline_md(struct eb_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] == '`') {
			const char *e = memchr(s + i + 1, '`', n - i - 1);
			if (e) {
				eb_bprintf(b, "<code>");
				esc_n(b, s + i + 1, (size_t)(e - (s + i + 1)));
				eb_bprintf(b, "</code>");
				i = (size_t)(e - s) + 1;
				continue;
			}
		}
		if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			const char *e = NULL;
			for (size_t k = i + 2; k + 1 < n; k++)
				if (s[k] == '*' && s[k + 1] == '*') {
					e = s + k;
					break;
				}
			if (e && e > s + i + 2) {
				eb_bprintf(b, "<strong>");
				inline_md(b, s + i + 2, (size_t)(e - (s + i + 2)));
				eb_bprintf(b, "</strong>");
				i = (size_t)(e - s) + 2;
				continue;
			}
		}
		if (s[i] == '*' && i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '*') {
			const char *e = memchr(s + i + 1, '*', n - i - 1);
			if (e && e[-1] != ' ') {
				eb_bprintf(b, "<em>");
				inline_md(b, s + i + 1, (size_t)(e - (s + i + 1)));
				eb_bprintf(b, "</em>");
				i = (size_t)(e - s) + 1;
				continue;
			}
		}
		esc_n(b, s + i, 1);
		i++;
	}
}

/* The cells of a pipe-table line, trimmed; returns the count (at most cap). */
static size_t split_row(const char *s, size_t n, const char **cell, size_t *len, size_t cap)
{
	size_t k = 0;
	if (n && s[0] == '|') {
		s++;
		n--;
	}
	if (n && s[n - 1] == '|')
		n--;
	while (k < cap) {
		const char *bar = memchr(s, '|', n);
		size_t m = bar ? (size_t)(bar - s) : n;
		const char *c = s;
		size_t cl = m;
		while (cl && *c == ' ') {
			c++;
			cl--;
		}
		while (cl && c[cl - 1] == ' ')
			cl--;
		cell[k] = c;
		len[k++] = cl;
		if (!bar)
			break;
		s = bar + 1;
		n -= m + 1;
	}
	return k;
}

/* Inline the SVG file named by an image line, or say it is missing. */
static void inline_svg(struct eb_buf *b, const char *dir, const char *file, size_t flen, const char *alt, size_t alen)
{
	char path[1600];
	snprintf(path, sizeof(path), "%s/%.*s", dir, (int)flen, file);
	FILE *f = NULL;
	/* only a plain file name beside the report: nothing outside dir */
	if (!memchr(file, '/', flen) && flen && file[0] != '.')
		f = fopen(path, "re");
	char *text = NULL;
	size_t n = 0;
	if (f) {
		text = malloc(SVG_FILE_MAX + 1);
		if (text)
			n = fread(text, 1, SVG_FILE_MAX, f);
		fclose(f);
	}
	if (text && n > 5 && !memcmp(text, "<svg ", 5)) {
		/* the chart's title is its accessible name */
		eb_bprintf(b, "<div role=\"img\" aria-label=\"");
		esc_n(b, alt, alen);
		eb_bprintf(b, "\">%.*s</div>\n", (int)n, text);
	} else {
		eb_bprintf(b, "<p class=\"missing\">chart ");
		esc_n(b, file, flen);
		eb_bprintf(b, " is missing</p>\n");
	}
	free(text);
}

void eb_report_html(struct eb_buf *out, const char *md, const char *dir, const char *title)
{
	eb_bprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	esc_n(out, title, strlen(title));
	eb_bprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	const char *p = md;
	enum { NONE, PARA, LIST, TABLE, FIGURE } open = NONE;
	int trow = 0;
	char align[64];
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = nl ? nl + 1 : p + n;
		int is_table = n && p[0] == '|', is_item = n > 1 && p[0] == '-' && p[1] == ' ';
		int is_img = n > 4 && p[0] == '!' && p[1] == '[';
		int is_caption = n > 10 && !strncmp(p, "*Figure: ", 9) && p[n - 1] == '*';
		/* close what this line does not continue */
		if ((open == PARA && (n == 0 || is_table || is_item || is_img || p[0] == '#')) ||
		    (open == LIST && !is_item) || (open == TABLE && !is_table) ||
		    (open == FIGURE && n && !is_caption)) {
			eb_bprintf(out, open == PARA ? "</p>\n" : open == LIST ? "</ul>\n" : open == TABLE ? "</tbody></table></div>\n" : "</figure>\n");
			open = NONE;
		}
		if (n == 0) {
			/* a blank line ends a paragraph; a figure waits for its caption */
		} else if (p[0] == '#') {
			size_t lvl = 0;
			while (lvl < n && p[lvl] == '#')
				lvl++;
			size_t k = lvl;
			while (k < n && p[k] == ' ')
				k++;
			lvl = lvl > 4 ? 4 : lvl;
			eb_bprintf(out, "<h%zu>", lvl);
			inline_md(out, p + k, n - k);
			eb_bprintf(out, "</h%zu>\n", lvl);
		} else if (is_table) {
			const char *cell[64];
			size_t len[64];
			size_t nc = split_row(p, n, cell, len, 64);
			if (open != TABLE) {
				eb_bprintf(out, "<div class=\"tw\"><table>\n<thead><tr>");
				for (size_t c = 0; c < nc; c++) {
					eb_bprintf(out, "<th>");
					inline_md(out, cell[c], len[c]);
					eb_bprintf(out, "</th>");
				}
				eb_bprintf(out, "</tr></thead>\n<tbody>\n");
				open = TABLE;
				trow = 0;
				memset(align, 0, sizeof(align));
			} else if (trow++ == 0 && nc && len[0] && cell[0][0] == '-') {
				for (size_t c = 0; c < nc && c < sizeof(align); c++)
					align[c] = len[c] && cell[c][len[c] - 1] == ':';
			} else {
				eb_bprintf(out, "<tr>");
				for (size_t c = 0; c < nc; c++) {
					eb_bprintf(out, c < sizeof(align) && align[c] ? "<td class=\"r\">" : "<td>");
					inline_md(out, cell[c], len[c]);
					eb_bprintf(out, "</td>");
				}
				eb_bprintf(out, "</tr>\n");
			}
		} else if (is_item) {
			if (open != LIST) {
				eb_bprintf(out, "<ul>\n");
				open = LIST;
			}
			eb_bprintf(out, "<li>");
			inline_md(out, p + 2, n - 2);
			eb_bprintf(out, "</li>\n");
		} else if (is_img) {
			const char *alt_end = memchr(p, ']', n);
			const char *paren = alt_end && (size_t)(alt_end - p) + 1 < n && alt_end[1] == '(' ? alt_end + 1 : NULL;
			const char *close = paren ? memchr(paren, ')', n - (size_t)(paren - p)) : NULL;
			if (close) {
				eb_bprintf(out, "<figure>\n");
				inline_svg(out, dir, paren + 1, (size_t)(close - paren - 1), p + 2, (size_t)(alt_end - p - 2));
				open = FIGURE;
			} else {
				eb_bprintf(out, "<p>");
				inline_md(out, p, n);
				eb_bprintf(out, "</p>\n");
			}
		} else if (is_caption && open == FIGURE) {
			eb_bprintf(out, "<figcaption>");
			inline_md(out, p + 1, n - 2);
			eb_bprintf(out, "</figcaption>\n</figure>\n");
			open = NONE;
		} else {
			if (open != PARA) {
				eb_bprintf(out, "<p>");
				open = PARA;
			} else {
				eb_bprintf(out, "\n");
			}
			inline_md(out, p, n);
		}
		p = next;
	}
	if (open != NONE)
		eb_bprintf(out, open == PARA ? "</p>\n" : open == LIST ? "</ul>\n" : open == TABLE ? "</tbody></table></div>\n" : "</figure>\n");
	eb_bprintf(out, "</body>\n</html>\n");
}
