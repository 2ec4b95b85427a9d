/*
 * calib: the kernel is sha256_chain, the same code cpu-hash runs, compiled
 * into the harness; /proc/stat and /proc/loadavg are read as text.
 */
#include "measure/calib.h"
#include "sys/proc.h"
#include "sys/clock.h"
#include "sys/fsutil.h"
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int eb_parse_cpu_times(const char *text, struct eb_cpu_times *out)
{
	const char *p = strstr(text, "cpu ");
	if (!p || (p != text && p[-1] != '\n'))
		return -EINVAL;
	p += 4;
	/* user nice system idle iowait irq softirq steal [guest guest_nice] */
	uint64_t f[10] = { 0 };
	int n = 0;
	while (n < 10) {
		char *end;
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			break;
		f[n++] = strtoull(p, &end, 10);
		p = end;
	}
	if (n < 4)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	/* guest time is already inside user/nice: not added twice */
	for (int i = 0; i < n && i < 8; i++)
		out->total += f[i];
	out->idle = f[3] + (n > 4 ? f[4] : 0);
	out->steal = n > 7 ? f[7] : 0;
	return 0;
}

int eb_parse_loadavg(const char *text, double *one)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || !(v >= 0) || v > 1e9)   /* also NaN and inf ("nan" parses) */
		return -EINVAL;
	*one = v;
	return 0;
}

void eb_calib_init(struct eb_calib *c, const char *proc_root)
{
	memset(c, 0, sizeof(*c));
	c->proc_root = proc_root;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

int eb_calib_sample(struct eb_calib *c, struct eb_calib_sample *out)
{
	uint64_t t[EB_CALIB_REPS];
	uint8_t d[SHA256_DIGEST_BYTES];
	for (unsigned i = 0; i < EB_CALIB_REPS; i++) {
		uint64_t t0 = eb_now_ns();
		sha256_chain(EB_CALIB_ITERATIONS, d);
		t[i] = eb_now_ns() - t0;
	}
	qsort(t, EB_CALIB_REPS, sizeof(t[0]), cmp_u64);
	out->kernel_ns = t[0];
	out->kernel_median_ns = t[EB_CALIB_REPS / 2];
	out->steal_pct = out->busy_pct = out->loadavg_1m = -1;

	char path[512], buf[8192];
	struct eb_cpu_times now;
	snprintf(path, sizeof(path), "%s/stat", c->proc_root);
	if (eb_read_small(path, buf, sizeof(buf)) > 0 && eb_parse_cpu_times(buf, &now) == 0) {
		if (c->have_last && now.total > c->last.total) {
			double dt = (double)(now.total - c->last.total);
			out->steal_pct = 100.0 * (double)(now.steal - c->last.steal) / dt;
			out->busy_pct = 100.0 * (1.0 - (double)(now.idle - c->last.idle) / dt);
		}
		c->last = now;
		c->have_last = 1;
	}
	snprintf(path, sizeof(path), "%s/loadavg", c->proc_root);
	double la;
	if (eb_read_small(path, buf, sizeof(buf)) > 0 && eb_parse_loadavg(buf, &la) == 0)
		out->loadavg_1m = la;
	return 0;
}

unsigned eb_calib_wait_quiet(struct eb_calib *c, double busy_pct, unsigned max_s, struct eb_calib_sample *out)
{
	unsigned waited = 0;
	(void)eb_calib_sample(c, out);
	while (!eb_interrupted && waited < max_s) {
		eb_sleep_ns(1000000000ull);
		waited++;
		(void)eb_calib_sample(c, out);
		if (out->busy_pct >= 0 && out->busy_pct < busy_pct)
			break;
	}
	return waited;
}
