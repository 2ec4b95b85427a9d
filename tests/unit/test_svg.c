/*
 * svg and report_html: the charts are well-formed XML, carry their title,
 * axes and labels, place every value where the axis says it belongs, and
 * stay inside their canvas; the HTML page inlines them and loads nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report_html.h"
#include "report/svg.h"
#include "sys/textbuf.h"

/*
 * A small well-formedness check for the XML we write (no comments, CDATA
 * or processing instructions): tags balance, attributes are quoted, and
 * text holds no bare '<' or '&' outside an entity.  Returns the number of
 * elements, or -1.
 */
static int xml_check(const char *s)
{
	char stack[64][32];
	int depth = 0, elements = 0;
	while (*s) {
		if (*s == '&') {
			const char *semi = strchr(s, ';');
			if (!semi || semi - s > 6)
				return -1;
			s = semi + 1;
			continue;
		}
		if (*s != '<') {
			if (*s == '>')
				return -1;
			s++;
			continue;
		}
		int closing = s[1] == '/';
		const char *name = s + 1 + closing;
		size_t nl = strcspn(name, " />\n");
		if (nl == 0 || nl >= 32)
			return -1;
		const char *p = name + nl;
		/* attributes: name="value" */
		while (*p == ' ' || *p == '\n') {
			while (*p == ' ' || *p == '\n')
				p++;
			if (*p == '/' || *p == '>')
				break;
			const char *eq = strchr(p, '=');
			if (!eq || eq[1] != '"')
				return -1;
			const char *end = strchr(eq + 2, '"');
			if (!end || memchr(eq + 2, '<', (size_t)(end - eq - 2)))
				return -1;
			p = end + 1;
		}
		int self = p[0] == '/' && p[1] == '>';
		if (!self && *p != '>')
			return -1;
		if (closing) {
			if (depth == 0 || strncmp(stack[depth - 1], name, nl) != 0 || stack[depth - 1][nl])
				return -1;
			depth--;
		} else {
			elements++;
			if (!self) {
				if (depth == 64)
					return -1;
				memcpy(stack[depth], name, nl);
				stack[depth++][nl] = '\0';
			}
		}
		s = p + (self ? 2 : 1);
	}
	return depth == 0 ? elements : -1;
}

/* The value of attribute a in the element starting at el. */
static double attr(const char *el, const char *a)
{
	char key[32];
	snprintf(key, sizeof(key), " %s=\"", a);
	const char *end = strchr(el, '>');
	const char *p = strstr(el, key);
	assert_non_null(p);
	assert_true(p < end);
	return strtod(p + strlen(key), NULL);
}

/* The x of the <text> whose content is exactly t (a tick label), or NAN. */
static double tick_x(const char *svg, const char *t)
{
	char pat[64];
	snprintf(pat, sizeof(pat), ">%s</text>", t);
	const char *p = strstr(svg, pat);
	if (!p)
		return NAN;
	while (p > svg && strncmp(p, "<text", 5) != 0)
		p--;
	return attr(p, "x");
}

/* Every coordinate attribute inside [0, w] x [0, h]. */
static void assert_inside(const char *svg)
{
	double w = attr(svg, "width"), h = attr(svg, "height");
	static const char *const xs[] = { " x=\"", " x1=\"", " x2=\"", " cx=\"" };
	static const char *const ys[] = { " y=\"", " y1=\"", " y2=\"", " cy=\"" };
	for (int k = 0; k < 4; k++) {
		for (const char *p = strstr(svg + 1, xs[k]); p; p = strstr(p + 1, xs[k])) {
			double v = strtod(p + strlen(xs[k]), NULL);
			assert_true(v >= 0 && v <= w);
		}
		for (const char *p = strstr(svg + 1, ys[k]); p; p = strstr(p + 1, ys[k])) {
			double v = strtod(p + strlen(ys[k]), NULL);
			assert_true(v >= 0 && v <= h);
		}
	}
	/* polyline points too */
	for (const char *p = strstr(svg, "points=\""); p; p = strstr(p + 1, "points=\"")) {
		const char *q = p + 8;
		while (*q && *q != '"') {
			char *end;
			double x = strtod(q, &end);
			assert_true(*end == ',');
			double y = strtod(end + 1, &end);
			assert_true(x >= 0 && x <= w && y >= 0 && y <= h);
			q = end;
			while (*q == ' ')
				q++;
		}
	}
}

static void test_strip_places_every_sample(void **state)
{
	(void)state;
	double a[] = { 1, 2, 5, 10 }, b[] = { 30, 100, 70 };
	struct eb_svg_row rows[] = { { "native/native", a, 4 }, { "gvisor/runsc <&>", b, 3 } };
	struct eb_svg_axis ax = { .title = "cold start", .unit = "ms", .log = 1 };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_strip(&buf, &ax, rows, 2), 0);
	const char *svg = buf.p;
	assert_true(xml_check(svg) > 10);
	assert_non_null(strstr(svg, ">cold start</text>"));
	assert_non_null(strstr(svg, "ms (log scale)"));
	assert_non_null(strstr(svg, ">native/native</text>"));
	assert_non_null(strstr(svg, "gvisor/runsc &lt;&amp;&gt;"));   /* escaped */
	assert_non_null(strstr(svg, "n=4</text>"));
	assert_non_null(strstr(svg, "n=3</text>"));
	/* the axis: decades 1..100, labelled; every dot where log10 says */
	double x1 = tick_x(svg, "1"), x100 = tick_x(svg, "100");
	assert_false(isnan(x1));
	assert_false(isnan(x100));
	assert_true(x100 > x1);
	double want[] = { 1, 2, 5, 10, 30, 100, 70 };
	int k = 0;
	for (const char *p = strstr(svg, "<circle"); p; p = strstr(p + 1, "<circle"), k++) {
		assert_true(k < 7);
		double x = x1 + (x100 - x1) * log10(want[k]) / 2;
		assert_float_equal(attr(p, "cx"), x, 0.06);
	}
	assert_int_equal(k, 7);
	/* medians: 3.5 for the first row */
	assert_non_null(strstr(svg, ">3.5 n=4</text>"));
	assert_inside(svg);
	eb_buf_free(&buf);
}

static void test_strip_linear_and_empty(void **state)
{
	(void)state;
	double a[] = { 1000, 2000, 3000 };
	struct eb_svg_row rows[] = { { "x", a, 3 } };
	struct eb_svg_axis ax = { .title = "throughput", .unit = "req/s", .log = 0 };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_strip(&buf, &ax, rows, 1), 0);
	double x0 = tick_x(buf.p, "0"), xtop = tick_x(buf.p, "5000");   /* a round top: 5000 above 3000 */
	assert_false(isnan(x0));
	assert_false(isnan(xtop));
	const char *p = strstr(buf.p, "<circle");
	assert_float_equal(attr(p, "cx"), x0 + (xtop - x0) * 0.2, 0.06);
	assert_non_null(strstr(buf.p, "req/s</text>"));
	assert_null(strstr(buf.p, "log scale"));
	assert_inside(buf.p);
	eb_buf_free(&buf);
	/* nothing to draw: no chart */
	struct eb_buf e = { 0 };
	double neg[] = { -1, 0 };
	struct eb_svg_row r2[] = { { "y", neg, 2 } };
	ax.log = 1;
	assert_int_equal(eb_svg_strip(&e, &ax, r2, 1), -EINVAL);
	assert_int_equal(eb_svg_strip(&e, &ax, rows, 0), -EINVAL);
	eb_buf_free(&e);
}

static void test_long_labels_are_cut(void **state)
{
	(void)state;
	double a[] = { 1 };
	const char *lbl = "wasmtime/cache-warm veth+fw and a very long tail";
	struct eb_svg_row rows[] = { { lbl, a, 1 } };
	struct eb_svg_axis ax = { .title = "t", .unit = "ms", .log = 1 };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_strip(&buf, &ax, rows, 1), 0);
	assert_null(strstr(buf.p, lbl));
	char cut[64];
	snprintf(cut, sizeof(cut), ">%.*s~</text>", EB_SVG_LABEL_MAX - 1, lbl);
	assert_non_null(strstr(buf.p, cut));
	eb_buf_free(&buf);
}

static void test_cdf_steps(void **state)
{
	(void)state;
	double a[] = { 4, 1, 3, 2 };
	struct eb_svg_row rows[] = { { "native/native", a, 4 } };
	struct eb_svg_axis ax = { .title = "warm latency", .unit = "ms", .log = 1 };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_cdf(&buf, &ax, rows, 1), 0);
	assert_true(xml_check(buf.p) > 5);
	assert_non_null(strstr(buf.p, ">1.00</text>"));
	assert_non_null(strstr(buf.p, ">0.50</text>"));
	/* 2 points per sample + the closing one; y goes up by n steps */
	const char *p = strstr(buf.p, "points=\"");
	assert_non_null(p);
	int pts = 0;
	double last_y = 1e9, first_x = -1;
	for (const char *q = p + 8; *q != '"';) {
		char *end;
		double x = strtod(q, &end);
		double y = strtod(end + 1, &end);
		if (first_x < 0)
			first_x = x;
		assert_true(y <= last_y + 1e-9);   /* a CDF never goes down (SVG y grows downwards) */
		last_y = y;
		pts++;
		q = end;
		while (*q == ' ')
			q++;
	}
	assert_int_equal(pts, 2 * 4 + 1);
	assert_float_equal(first_x, tick_x(buf.p, "1"), 0.06);   /* sorted: the first step at the minimum */
	assert_non_null(strstr(buf.p, "native/native n=4</text>"));
	assert_inside(buf.p);
	eb_buf_free(&buf);
}

static void test_intervals_and_reference(void **state)
{
	(void)state;
	struct eb_svg_interval iv[] = { { "docker/runc", 180, 190, 198, 20 }, { "wasmtime/aot", 0.9, 1.1, 1.3, 20 } };
	struct eb_svg_axis ax = { .title = "ratio", .unit = "ratio", .log = 1, .ref = 1.0, .ref_label = "native = 1" };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_intervals(&buf, &ax, iv, 2), 0);
	assert_true(xml_check(buf.p) > 5);
	double x1 = tick_x(buf.p, "0.1"), x2 = tick_x(buf.p, "1000");
	assert_false(isnan(x1));
	assert_false(isnan(x2));
	const char *c = strstr(buf.p, "<circle");
	assert_float_equal(attr(c, "cx"), x1 + (x2 - x1) * (log10(190) + 1) / 4, 0.06);
	assert_non_null(strstr(buf.p, ">native = 1</text>"));
	assert_non_null(strstr(buf.p, "stroke-dasharray"));
	assert_non_null(strstr(buf.p, ">190 n=20</text>"));
	assert_inside(buf.p);
	eb_buf_free(&buf);
}

static void test_stacked_parts(void **state)
{
	(void)state;
	struct eb_svg_stack st[] = { { "docker/runc", 10, 30 }, { "native/native", 20, 0 } };
	struct eb_svg_axis ax = { .title = "memory", .unit = "MiB" };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_stacked(&buf, &ax, "own", "daemon", st, 2), 0);
	assert_true(xml_check(buf.p) > 5);
	/* rects after the background: own(10), shared(30), own(20); widths proportional */
	const char *r = strstr(strstr(buf.p, "<rect") + 1, "<rect");
	double w_own = attr(r, "width");
	r = strstr(r + 1, "<rect");
	double w_sh = attr(r, "width");
	r = strstr(r + 1, "<rect");
	double w_own2 = attr(r, "width");
	assert_float_equal(w_sh / w_own, 3, 0.02);
	assert_float_equal(w_own2 / w_own, 2, 0.02);
	assert_non_null(strstr(buf.p, ">10 + 30</text>"));
	assert_non_null(strstr(buf.p, ">daemon</text>"));
	assert_inside(buf.p);
	eb_buf_free(&buf);
}

static void test_lines_chart(void **state)
{
	(void)state;
	struct eb_svg_line ln[] = { { "native/native", 3, { 0, 0.5, 1 }, { 0.1, 1, 10 } } };
	static const char *const ticks[] = { "0%", "100%" };
	static const double tx[] = { 0, 1 };
	struct eb_svg_axis ax = { .title = "curve", .unit = "ms", .log = 1, .ref = 5 };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_lines(&buf, &ax, ticks, tx, 2, ln, 1), 0);
	assert_true(xml_check(buf.p) > 5);
	assert_non_null(strstr(buf.p, ">100%</text>"));
	assert_non_null(strstr(buf.p, ">native/native</text>"));
	assert_inside(buf.p);
	eb_buf_free(&buf);
}

/*
 * Ten runtimes on one curve chart: no two lines share a look.  A line's
 * look is its polyline's stroke and dash plus the shape of the legend
 * marker drawn just before its label.
 */
static void test_lines_never_repeat_a_look(void **state)
{
	(void)state;
	struct eb_svg_line ln[14];
	char names[14][16];
	for (int i = 0; i < 14; i++) {
		snprintf(names[i], sizeof(names[i]), "rt%d/mode", i);
		ln[i] = (struct eb_svg_line){ names[i], 2, { 0, 1 }, { 1 + i, 2 + i } };
	}
	static const char *const ticks[] = { "0%", "100%" };
	static const double tx[] = { 0, 1 };
	struct eb_svg_axis ax = { .title = "curve", .unit = "ms", .log = 1 };
	struct eb_buf buf = { 0 };
	assert_int_equal(eb_svg_lines(&buf, &ax, ticks, tx, 2, ln, 14), 0);
	assert_true(xml_check(buf.p) > 5);
	char looks[14][128];
	const char *p = buf.p;
	for (int i = 0; i < 14; i++) {
		const char *pl = strstr(p, "<polyline");
		assert_non_null(pl);
		const char *stroke = strstr(pl, "stroke=\"");
		const char *dash = strstr(pl, "stroke-dasharray");
		const char *end = strchr(pl, '>');
		char label[256];
		snprintf(label, sizeof(label), ">%s</text>", names[i]);
		const char *lab = strstr(pl, label);
		assert_non_null(lab);
		/* the legend marker: the last shape element before the label */
		const char *shape = NULL, *q = pl;
		for (const char *t; (t = strpbrk(q, "<")) && t < lab; q = t + 1)
			if (!strncmp(t, "<circle", 7) || !strncmp(t, "<rect", 5) || !strncmp(t, "<path", 5))
				shape = t;
		assert_non_null(shape);
		snprintf(looks[i], sizeof(looks[i]), "%.16s|%d|%.5s", stroke, dash && dash < end, shape);
		for (int j = 0; j < i; j++)
			if (!strcmp(looks[i], looks[j]))
				fail_msg("lines %d and %d look alike: %s", j, i, looks[i]);
		p = lab;
	}
	eb_buf_free(&buf);
}

static void test_html_page(void **state)
{
	(void)state;
	char dir[] = "/tmp/edgebench-test-svg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/a.svg", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text x=\"1\" y=\"9\">A</text></svg>\n", f);
	fclose(f);
	const char *md = "# edgebench report\n\nSome `code` and **bold** and *em* <b>&\n\n"
			 "| a | b |\n|---|---:|\n| 1 | 2 |\n\n- one\n- two\n\n"
			 "![chart a](a.svg)\n\n*Figure: what a shows; n = 3.*\n\n![chart b](missing.svg)\n\n*Figure: b.*\n"
			 "![evil](../../etc/passwd)\n";
	struct eb_buf out = { 0 };
	eb_report_html(&out, md, dir, "edgebench report");
	const char *h = out.p;
	assert_non_null(strstr(h, "<!DOCTYPE html>"));
	assert_non_null(strstr(h, "Content-Security-Policy\" content=\"default-src 'none'"));
	assert_non_null(strstr(h, "<h1>edgebench report</h1>"));
	assert_non_null(strstr(h, "<code>code</code>"));
	assert_non_null(strstr(h, "<strong>bold</strong>"));
	assert_non_null(strstr(h, "<em>em</em>"));
	assert_non_null(strstr(h, "&lt;b&gt;&amp;"));
	assert_non_null(strstr(h, "<th>a</th><th>b</th>"));
	assert_non_null(strstr(h, "<td>1</td><td class=\"r\">2</td>"));
	assert_non_null(strstr(h, "<li>one</li>\n<li>two</li>"));
	assert_non_null(strstr(h, "<figure>\n<div role=\"img\" aria-label=\"chart a\"><svg "));
	assert_non_null(strstr(h, "<figcaption>Figure: what a shows; n = 3.</figcaption>\n</figure>"));
	assert_non_null(strstr(h, "chart missing.svg is missing"));
	assert_null(strstr(h, "root:"));                  /* nothing outside dir is read */
	assert_non_null(strstr(h, "chart ../../etc/passwd is missing"));
	/* nothing that loads: no src= or href= anywhere, no script */
	assert_null(strstr(h, "src="));
	assert_null(strstr(h, "href="));
	assert_null(strstr(h, "<script"));
	assert_int_equal(out.failed, 0);
	eb_buf_free(&out);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strip_places_every_sample),
		cmocka_unit_test(test_strip_linear_and_empty),
		cmocka_unit_test(test_long_labels_are_cut),
		cmocka_unit_test(test_cdf_steps),
		cmocka_unit_test(test_intervals_and_reference),
		cmocka_unit_test(test_stacked_parts),
		cmocka_unit_test(test_lines_chart),
		cmocka_unit_test(test_lines_never_repeat_a_look),
		cmocka_unit_test(test_html_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
