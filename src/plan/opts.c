/*
 * opts: table-driven unit parsing, the way wrk does it: a number followed by
 * an optional suffix from a small table.  Rejects signs, blanks, overflow,
 * trailing junk and values outside [min, max].
 */
#include "plan/opts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct unit {
	const char *suffix;
	uint64_t scale;
};

static const struct unit count_units[] = {
	{ "", 1 }, { "k", 1000 }, { "K", 1000 }, { "M", 1000000 }, { "m", 1000000 },
	{ NULL, 0 },
};

/* sizes are binary: 2G = 2 GiB, as memory is counted */
static const struct unit byte_units[] = {
	{ "", 1 }, { "K", 1ull << 10 }, { "M", 1ull << 20 }, { "G", 1ull << 30 }, { NULL, 0 },
};

static const struct unit time_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ull },
	{ "m", 60000000000ull }, { "", 1000000000ull }, { NULL, 0 },
};

static int parse_scaled(const char *s, const struct unit *units,
			uint64_t min, uint64_t max, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	uint64_t v = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		p++;
	}
	for (const struct unit *u = units; u->suffix; u++) {
		if (strcmp(p, u->suffix) != 0)
			continue;
		if (v != 0 && u->scale > UINT64_MAX / v)
			return -ERANGE;
		v *= u->scale;
		if (v < min || v > max)
			return -ERANGE;
		*out = v;
		return 0;
	}
	return -EINVAL;
}

int eb_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return parse_scaled(s, count_units, min, max, out);
}

int eb_parse_duration_ns(const char *s, uint64_t min_ns, uint64_t max_ns, uint64_t *out)
{
	return parse_scaled(s, time_units, min_ns, max_ns, out);
}

int eb_parse_bytes(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return parse_scaled(s, byte_units, min, max, out);
}

int eb_parse_count_list(const char *s, uint64_t min, uint64_t max, unsigned *out, unsigned cap, unsigned *n)
{
	*n = 0;
	if (!strcmp(s, "none"))
		return 0;
	for (const char *p = s;; ) {
		char item[16];
		uint64_t v;
		size_t l = strcspn(p, ",");
		if (l >= sizeof(item) || *n == cap)
			return -EINVAL;
		snprintf(item, sizeof(item), "%.*s", (int)l, p);
		if (eb_parse_count(item, min, max, &v) < 0)
			return -EINVAL;
		out[(*n)++] = (unsigned)v;
		if (!p[l])
			return 0;
		p += l + 1;
	}
}
