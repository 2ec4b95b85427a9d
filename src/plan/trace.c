/*
 * trace: three invocation-trace formats into one list; see trace.h.
 */
#include "plan/trace.h"
#include "sys/fsutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 1500
#define MAX_SECONDS 1e8          /* times within ~3 years of the trace's start */
#define MAX_DURATION_S 1e6       /* an invocation's work: under ~11.6 days */
#define MAX_INVOCATIONS 10000000u
#define ORCBENCH_HEADER "Logical Time Clock (minutes), Function ID, Runtime (ms), Model"
#define AZURE2019_HEADER "HashOwner,HashApp,HashFunction,Trigger"
#define AZURE2021_HEADER "app,func,end_timestamp,duration"

static const char *const format_names[] = { "auto", "orcbench", "azure2019", "azure2021" };

int eb_trace_format_parse(const char *s, enum eb_trace_format *out)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, format_names[i])) {
			*out = (enum eb_trace_format)i;
			return 0;
		}
	return -1;
}

const char *eb_trace_format_name(enum eb_trace_format f)
{
	return (unsigned)f < 4 ? format_names[f] : "?";
}

/* ---- building the trace ---------------------------------------------- */

struct builder {
	struct eb_trace *t;
	uint32_t *slots;            /* hash of function ids: index + 1, 0 empty */
	size_t nslots;
	const char *name;
	size_t line;
	char *err;
	size_t errcap;
};

static int fail(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct builder *b, const char *fmt, ...)
{
	int n = snprintf(b->err, b->errcap, "%s:%zu: ", b->name, b->line);
	if (n < 0 || (size_t)n >= b->errcap)
		return -EINVAL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err + n, b->errcap - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* The index of function id[0..n), added when new; -1 on ENOMEM. */
static long function_index(struct builder *b, const char *id, size_t n)
{
	struct eb_trace *t = b->t;
	if (n >= sizeof(t->functions[0]))
		n = sizeof(t->functions[0]) - 1;
	if (t->n_functions * 2 >= b->nslots) {
		size_t ns = b->nslots ? b->nslots * 2 : 1024;
		uint32_t *s = calloc(ns, sizeof(*s));
		if (!s)
			return -1;
		for (size_t i = 0; i < t->n_functions; i++) {
			size_t k = fnv(t->functions[i], strlen(t->functions[i])) & (ns - 1);
			while (s[k])
				k = (k + 1) & (ns - 1);
			s[k] = (uint32_t)i + 1;
		}
		free(b->slots);
		b->slots = s;
		b->nslots = ns;
	}
	size_t k = fnv(id, n) & (b->nslots - 1);
	while (b->slots[k]) {
		const char *f = t->functions[b->slots[k] - 1];
		if (strlen(f) == n && !memcmp(f, id, n))
			return (long)b->slots[k] - 1;
		k = (k + 1) & (b->nslots - 1);
	}
	if (t->n_functions == t->functions_cap) {
		size_t cap = t->functions_cap ? t->functions_cap * 2 : 64;
		void *p = realloc(t->functions, cap * sizeof(*t->functions));
		if (!p)
			return -1;
		t->functions = p;
		t->functions_cap = cap;
	}
	memcpy(t->functions[t->n_functions], id, n);
	t->functions[t->n_functions][n] = 0;
	b->slots[k] = (uint32_t)t->n_functions + 1;
	return (long)t->n_functions++;
}

/* at and duration in ns; at may be negative (Azure 2021 before rebasing). */
static int add(struct builder *b, double at_ns, double duration_ns, long fn)
{
	struct eb_trace *t = b->t;
	if (fn < 0)
		return -ENOMEM;
	if (t->n >= MAX_INVOCATIONS)
		return -E2BIG;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		void *p = realloc(t->inv, cap * sizeof(*t->inv));
		if (!p)
			return -ENOMEM;
		t->inv = p;
		t->cap = cap;
	}
	/* at_ns holds a signed offset until the trace is rebased */
	t->inv[t->n++] = (struct eb_invocation){ (uint64_t)(int64_t)llround(at_ns), (uint64_t)llround(duration_ns), (uint32_t)fn };
	return 0;
}

/* add()'s result as the line's error. */
static int added(struct builder *b, int rc)
{
	if (rc == -E2BIG)
		return fail(b, "more than %u invocations: replay a part of this trace (cut the file)", MAX_INVOCATIONS);
	return rc < 0 ? fail(b, "out of memory") : 0;
}

/* ---- fields ---------------------------------------------------------- */

struct fields {
	const char *s[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	size_t n;
};

/* Split line[0..n) at commas, each field trimmed of blanks; -1 past MAX_FIELDS. */
static int split(const char *line, size_t n, struct fields *f)
{
	f->n = 0;
	size_t i = 0;
	for (;;) {
		size_t j = i;
		while (j < n && line[j] != ',')
			j++;
		size_t a = i, e = j;
		while (a < e && (line[a] == ' ' || line[a] == '\t'))
			a++;
		while (e > a && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
			e--;
		if (f->n == MAX_FIELDS)
			return -1;
		f->s[f->n] = line + a;
		f->len[f->n++] = e - a;
		if (j >= n)
			return 0;
		i = j + 1;
	}
}

/* A finite decimal number filling the whole field. */
static int number(const char *s, size_t n, double *out)
{
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *end;
	errno = 0;
	double v = strtod(buf, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int count(const char *s, size_t n, unsigned long *out)
{
	double v;
	if (number(s, n, &v) < 0 || v < 0 || v > 1e7 || v != floor(v))
		return -1;
	*out = (unsigned long)v;
	return 0;
}

/* ---- formats --------------------------------------------------------- */

static int orcbench_record(struct builder *b, const char *line, size_t n)
{
	struct fields f;
	double min, ms;
	if (split(line, n, &f) < 0 || f.n != 4)
		return fail(b, "expected 4 comma-separated fields (time in minutes, function id, runtime in ms, model), got %zu",
			    f.n);
	if (number(f.s[0], f.len[0], &min) < 0 || min < 0 || min * 60 > MAX_SECONDS)
		return fail(b, "time '%.*s' is not a number of minutes from 0 to %.0f", (int)(f.len[0] > 40 ? 40 : f.len[0]), f.s[0],
			    MAX_SECONDS / 60);
	if (f.len[1] == 0)
		return fail(b, "empty function id");
	if (number(f.s[2], f.len[2], &ms) < 0 || ms > MAX_DURATION_S * 1e3)
		return fail(b, "runtime '%.*s' is not a number of milliseconds up to %.0f", (int)(f.len[2] > 40 ? 40 : f.len[2]),
			    f.s[2], MAX_DURATION_S * 1e3);
	if (ms < 0) {
		b->t->negative_durations++;
		ms = 0;
	}
	return added(b, add(b, min * 60e9, ms * 1e6, function_index(b, f.s[1], f.len[1])));
}

/* The Azure 2019 duration file: HashOwner,HashApp,HashFunction,Average,... -> average ms per function. */
struct avg { char key[240]; double ms; };

static int avg_cmp(const void *a, const void *b) { return strcmp(((const struct avg *)a)->key, ((const struct avg *)b)->key); }

static int read_durations(struct builder *b, const char *text, size_t len, struct avg **out, size_t *nout)
{
	struct avg *v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	long col = -1;
	b->line = 0;
	while (pos < len) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos;
		pos += ll + 1;
		b->line++;
		struct fields f;
		if (ll == 0)
			continue;
		if (split(l, ll, &f) < 0)
			goto bad;
		if (col < 0) {
			for (size_t i = 0; i < f.n; i++)
				if (f.len[i] == 7 && !memcmp(f.s[i], "Average", 7))
					col = (long)i;
			if (col < 3 || memcmp(f.s[0], "HashOwner", 9) != 0) {
				free(v);
				return fail(b, "not an Azure 2019 duration file (a header HashOwner,HashApp,HashFunction,...,Average,... expected)");
			}
			continue;
		}
		double ms;
		if ((size_t)col >= f.n || number(f.s[col], f.len[col], &ms) < 0 || ms < 0 || ms > MAX_DURATION_S * 1e3) {
			free(v);
			return fail(b, "expected a duration in ms >= 0 in column Average");
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			void *p = realloc(v, cap * sizeof(*v));
			if (!p)
				goto bad;
			v = p;
		}
		snprintf(v[n].key, sizeof(v[n].key), "%.*s,%.*s,%.*s", (int)f.len[0], f.s[0], (int)f.len[1], f.s[1],
			 (int)f.len[2], f.s[2]);
		v[n++].ms = ms;
	}
	if (col < 0)
		return fail(b, "not an Azure 2019 duration file (it is empty)");
	if (n)
		qsort(v, n, sizeof(*v), avg_cmp);
	*out = v;
	*nout = n;
	return 0;
bad:
	free(v);
	return fail(b, "malformed or too many fields");
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int azure2019(struct builder *b, const char *text, size_t len, uint64_t seed, const char *dtext, size_t dlen)
{
	struct avg *avgs = NULL;
	size_t navg = 0;
	const char *name = b->name;
	if (dtext) {
		b->name = "durations";
		int rc = read_durations(b, dtext, dlen, &avgs, &navg);
		b->name = name;
		if (rc < 0)
			return rc;
		b->t->durations_from = "the duration file's per-function Average";
	} else {
		b->t->durations_from = "none given: every invocation does no work (0 ms)";
	}
	uint64_t rnd = seed ? seed : 0x9e3779b97f4a7c15ull;
	size_t pos = 0, minutes = 0;
	int rc = 0;
	b->line = 0;
	static struct fields f;
	while (pos < len && rc == 0) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos;
		pos += ll + 1;
		b->line++;
		if (ll == 0 || (ll == 1 && l[0] == '\r'))
			continue;
		if (split(l, ll, &f) < 0) {
			rc = fail(b, "more than %d fields", MAX_FIELDS);
			break;
		}
		if (b->line == 1) {
			if (f.n < 5) {
				rc = fail(b, "expected the header HashOwner,HashApp,HashFunction,Trigger,1,2,... (a column per minute)");
				break;
			}
			minutes = f.n - 4;
			continue;
		}
		if (f.n != minutes + 4) {
			rc = fail(b, "expected %zu fields (4 + one per minute), got %zu", minutes + 4, f.n);
			break;
		}
		char id[240];
		snprintf(id, sizeof(id), "%.*s,%.*s,%.*s", (int)f.len[0], f.s[0], (int)f.len[1], f.s[1], (int)f.len[2], f.s[2]);
		double ms = 0;
		if (avgs) {
			struct avg key;
			snprintf(key.key, sizeof(key.key), "%s", id);
			struct avg *a = bsearch(&key, avgs, navg, sizeof(*avgs), avg_cmp);
			ms = a ? a->ms : 0;
		}
		long fn = function_index(b, f.s[2], f.len[2]);
		for (size_t m = 0; m < minutes && rc == 0; m++) {
			unsigned long c;
			if (count(f.s[4 + m], f.len[4 + m], &c) < 0) {
				rc = fail(b, "minute %zu: '%.*s' is not a count of invocations", m + 1,
					  (int)(f.len[4 + m] > 20 ? 20 : f.len[4 + m]), f.s[4 + m]);
				break;
			}
			for (unsigned long k = 0; k < c && rc == 0; k++) {
				double at = ((double)m + (double)(next_rand(&rnd) >> 11) / 9007199254740992.0) * 60e9;
				rc = added(b, add(b, at, ms * 1e6, fn));
			}
		}
	}
	if (rc == 0 && b->line == 0)
		rc = fail(b, "empty trace");
	free(avgs);
	return rc;
}

static int azure2021_record(struct builder *b, const char *line, size_t n)
{
	struct fields f;
	double end, dur;
	if (split(line, n, &f) < 0 || f.n != 4)
		return fail(b, "expected 4 comma-separated fields (app, func, end_timestamp, duration), got %zu", f.n);
	if (f.len[0] == 0 || f.len[1] == 0)
		return fail(b, "empty app or func");
	if (number(f.s[2], f.len[2], &end) < 0 || end < 0 || end > MAX_SECONDS)
		return fail(b, "end_timestamp '%.*s' is not a number of seconds from 0 to %.0f", (int)(f.len[2] > 40 ? 40 : f.len[2]),
			    f.s[2], MAX_SECONDS);
	if (number(f.s[3], f.len[3], &dur) < 0 || dur < 0 || dur > MAX_DURATION_S)
		return fail(b, "duration '%.*s' is not a number of seconds from 0 to %.0f", (int)(f.len[3] > 40 ? 40 : f.len[3]),
			    f.s[3], MAX_DURATION_S);
	char id[200];
	int idn = snprintf(id, sizeof(id), "%.*s/%.*s", (int)(f.len[0] > 90 ? 90 : f.len[0]), f.s[0],
			   (int)(f.len[1] > 90 ? 90 : f.len[1]), f.s[1]);
	return added(b, add(b, (end - dur) * 1e9, dur * 1e9, function_index(b, id, (size_t)idn)));
}

static int inv_cmp(const void *a, const void *b)
{
	int64_t x = (int64_t)((const struct eb_invocation *)a)->at_ns, y = (int64_t)((const struct eb_invocation *)b)->at_ns;
	return x < y ? -1 : x > y;
}

int eb_trace_parse(const char *name, const char *text, size_t len, enum eb_trace_format format, uint64_t seed,
		   const char *durations, size_t durations_len, struct eb_trace *t, char *err, size_t errcap)
{
	memset(t, 0, sizeof(*t));
	struct builder b = { .t = t, .name = name, .err = err, .errcap = errcap };
	if (format == EB_TRACE_AUTO) {
		if (len >= strlen(ORCBENCH_HEADER) && !memcmp(text, ORCBENCH_HEADER, strlen(ORCBENCH_HEADER)))
			format = EB_TRACE_ORCBENCH;
		else if (len >= strlen(AZURE2019_HEADER) && !memcmp(text, AZURE2019_HEADER, strlen(AZURE2019_HEADER)))
			format = EB_TRACE_AZURE2019;
		else if (len >= strlen(AZURE2021_HEADER) && !memcmp(text, AZURE2021_HEADER, strlen(AZURE2021_HEADER)))
			format = EB_TRACE_AZURE2021;
		else {
			b.line = 1;
			return fail(&b, "not a trace edgebench reads (orcbench, azure2019 or azure2021 by their header line); give --format");
		}
	}
	t->format = format;
	if (durations && format != EB_TRACE_AZURE2019) {
		b.line = 0;
		return fail(&b, "a duration file applies to azure2019 traces only");
	}
	int rc = 0;
	if (format == EB_TRACE_AZURE2019) {
		rc = azure2019(&b, text, len, seed, durations, durations_len);
	} else {
		t->durations_from = "the trace's own durations";
		size_t pos = 0;
		int header = 1;
		while (pos < len && rc == 0) {
			const char *l = text + pos;
			const char *nl = memchr(l, '\n', len - pos);
			size_t ll = nl ? (size_t)(nl - l) : len - pos;
			pos += ll + 1;
			b.line++;
			if (header) {
				header = 0;
				const char *h = format == EB_TRACE_ORCBENCH ? ORCBENCH_HEADER : AZURE2021_HEADER;
				if (ll < strlen(h) || memcmp(l, h, strlen(h)) != 0) {
					rc = fail(&b, "expected the header \"%s\"", h);
					break;
				}
				/* orcbench writes its first record right after the header, on the same line */
				l += strlen(h);
				ll -= strlen(h);
			}
			while (ll && (l[ll - 1] == '\r' || l[ll - 1] == ' '))
				ll--;
			if (ll == 0)
				continue;
			rc = format == EB_TRACE_ORCBENCH ? orcbench_record(&b, l, ll) : azure2021_record(&b, l, ll);
		}
		if (rc == 0 && b.line == 0)
			rc = fail(&b, "empty trace");
	}
	free(b.slots);
	if (rc == 0 && t->n == 0) {
		b.line = 0;
		rc = fail(&b, "no invocations");
	}
	if (rc < 0) {
		eb_trace_free(t);
		return rc;
	}
	qsort(t->inv, t->n, sizeof(*t->inv), inv_cmp);
	int64_t base = (int64_t)t->inv[0].at_ns;
	for (size_t i = 0; i < t->n; i++)
		t->inv[i].at_ns = (uint64_t)((int64_t)t->inv[i].at_ns - base);
	return 0;
}

int eb_trace_read(const char *path, enum eb_trace_format format, uint64_t seed, const char *durations_path,
		  struct eb_trace *t, char *err, size_t errcap)
{
	char *text = NULL, *dtext = NULL;
	size_t len = 0, dlen = 0;
	memset(t, 0, sizeof(*t));
	int rc = eb_read_whole(path, &text, &len);
	if (rc < 0) {
		snprintf(err, errcap, "cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	if (durations_path && (rc = eb_read_whole(durations_path, &dtext, &dlen)) < 0) {
		snprintf(err, errcap, "cannot read %s: %s", durations_path, strerror(-rc));
		free(text);
		return rc;
	}
	rc = eb_trace_parse(path, text, len, format, seed, dtext, dlen, t, err, errcap);
	free(text);
	free(dtext);
	return rc;
}

void eb_trace_cut(struct eb_trace *t, size_t max_functions, uint64_t max_ns)
{
	size_t k = 0;
	/* functions are numbered in the order they first appeared while reading */
	for (size_t i = 0; i < t->n; i++)
		if ((!max_functions || t->inv[i].function < max_functions) && (!max_ns || t->inv[i].at_ns < max_ns))
			t->inv[k++] = t->inv[i];
	t->n = k;
	if (max_functions && t->n_functions > max_functions)
		t->n_functions = max_functions;
}

void eb_trace_free(struct eb_trace *t)
{
	free(t->inv);
	free(t->functions);
	memset(t, 0, sizeof(*t));
}
