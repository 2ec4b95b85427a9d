/*
 * workload: the table.  Adding a workload is a row here (with its check)
 * and a folder in workloads/.
 */
#include "catalog/workload.h"
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int eb_wl_field(const char *out, const char *key, char *val, size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = out; (p = strstr(p, key)); p++) {
		if ((p == out || p[-1] == ' ') && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " \n");
			if (n == 0 || n >= cap)
				return -1;
			memcpy(val, p + kl + 1, n);
			val[n] = '\0';
			return 0;
		}
	}
	return -1;
}

/* cpu-hash: the digest of the chain, computed in-process by the same C. */
static void hash_expect(uint64_t iterations, struct eb_wl_expect *e)
{
	uint8_t d[SHA256_DIGEST_BYTES];
	e->iterations = iterations;
	sha256_chain(iterations, d);
	sha256_hex(d, e->text);
}

static int hash_check(const struct eb_wl_expect *e, const char *out, struct eb_wl_output *o,
		      char *why, size_t cap)
{
	char dig[80], ns[32], *end;
	if (eb_wl_field(out, "digest", dig, sizeof(dig)) < 0 || eb_wl_field(out, "compute_ns", ns, sizeof(ns)) < 0) {
		snprintf(why, cap, "printed no digest/compute_ns: \"%.80s\"", out);
		return -EPROTO;
	}
	if (strcmp(dig, e->text) != 0) {
		snprintf(why, cap, "digest %s differs from the expected %s", dig, e->text);
		return -EPROTO;
	}
	o->compute_ns = strtod(ns, &end);
	o->has_compute = end != ns;
	return 0;
}

static void hello_expect(uint64_t iterations, struct eb_wl_expect *e)
{
	e->iterations = iterations;
	snprintf(e->text, sizeof(e->text), "hello from edgebench\n");
}

static int exact_check(const struct eb_wl_expect *e, const char *out, struct eb_wl_output *o,
		       char *why, size_t cap)
{
	o->has_compute = 0;
	if (strcmp(out, e->text) != 0) {
		snprintf(why, cap, "printed \"%.80s\", not the expected line", out);
		return -EPROTO;
	}
	return 0;
}

const struct eb_workload eb_workloads[] = {
	{ .name = "http-hello", .kind = EB_WL_SERVER, .binary = "http-hello",
	  .summary = "HTTP/1.1 server: GET / -> hello, GET /state -> counter",
	  .args = EB_WL_ARGS_SERVER, .flags = EB_WL_STATE_COUNTER | EB_WL_REBUILDABLE | EB_WL_STUDY, .path = "/" },
	{ .name = "http-api", .kind = EB_WL_SERVER, .binary = "http-api",
	  .summary = "JSON items in SQLite: POST /items, GET /items/N, GET /items?limit=K (a seeded database per instance)",
	  .args = EB_WL_ARGS_SERVER, .flags = EB_WL_DATABASE, .path = "/items/1",
	  .build_needs = "SQLite's amalgamation (scripts/setup.sh build, then make build)" },
	{ .name = "cpu-hash", .kind = EB_WL_BATCH, .binary = "cpu-hash",
	  .summary = "SHA-256 chained over its own digest (default 2,000,000 times)",
	  .args = EB_WL_ARGS_ITERATIONS, .default_runs = 10, .runs_option = "hash-runs",
	  .expect = hash_expect, .check = hash_check },
	{ .name = "hello", .kind = EB_WL_BATCH, .binary = "hello",
	  .summary = "prints one line and exits: the fixed cost of starting a program",
	  .args = EB_WL_ARGS_NONE, .default_runs = 50, .runs_option = "hello-runs",
	  .expect = hello_expect, .check = exact_check },
};
const unsigned eb_workload_count = sizeof(eb_workloads) / sizeof(eb_workloads[0]);

_Static_assert(sizeof(eb_workloads) / sizeof(eb_workloads[0]) <= EB_MAX_WORKLOADS, "raise EB_MAX_WORKLOADS");

const struct eb_workload *eb_workload_find(const char *name)
{
	for (unsigned i = 0; i < eb_workload_count; i++)
		if (!strcmp(eb_workloads[i].name, name))
			return &eb_workloads[i];
	return NULL;
}

unsigned eb_workload_index(const struct eb_workload *w)
{
	return (unsigned)(w - eb_workloads);
}
