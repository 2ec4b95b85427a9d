/*
 * options: the table of `edgebench run`'s options and what reads it.
 * Adding a number to the plan is a field in struct eb_plan, its default in
 * eb_plan_defaults and one row here.
 */
#include "plan/options.h"
#include "plan/opts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define R(field) offsetof(struct eb_run_request, field)
#define P(field) offsetof(struct eb_run_request, plan.field)
#define MS 1000000ull
#define S  1000000000ull

static const struct eb_choice order_words[] = { { "interleaved", EB_ORDER_INTERLEAVED }, { "sequential", EB_ORDER_SEQUENTIAL }, { NULL, 0 } };
static const char *const order_json[] = { [EB_ORDER_INTERLEAVED] = "interleaved", [EB_ORDER_SEQUENTIAL] = "sequential" };
static const struct eb_choice method_words[] = { { "edgebench", 0 }, { "study", 1 }, { "edgebench,study", 1 }, { "study,edgebench", 1 }, { NULL, 0 } };
static const char *const method_json[] = { "edgebench", "edgebench+study" };
static const struct eb_choice network_words[] = { { "loopback", EB_NET_LOOPBACK }, { "veth", EB_NET_VETH }, { NULL, 0 } };
static const struct eb_choice firewall_words[] = { { "off", 0 }, { "on", 1 }, { NULL, 0 } };

const struct eb_option eb_run_options[] = {
	{ .flag = "runtime", .short_name = 'r', .arg = "R", .kind = EB_OPT_RUNTIME,
	  .help = "runtime to measure (repeatable)", .shown_default = "every available one" },
	{ .flag = "workload", .short_name = 'w', .arg = "W", .kind = EB_OPT_WORKLOAD,
	  .help = "workload (repeatable)", .shown_default = "all" },
	{ .flag = "mode", .arg = "M", .kind = EB_OPT_MODE,
	  .help = "only this runtime mode (repeatable; see 'edgebench list')", .shown_default = "every mode" },
	{ .flag = "out", .short_name = 'o', .arg = "DIR", .kind = EB_OPT_PATH, .offset = R(out_dir),
	  .help = "results directory; must not hold results", .shown_default = "results/<UTC time>" },
	{ .flag = "trials", .short_name = 't', .arg = "N", .kind = EB_OPT_UINT, .offset = P(cold_trials), .min = 1, .max = 100000,
	  .json = "cold_trials", .help = "cold-start trials, a fresh process each" },
	{ .flag = "warmup", .arg = "N", .kind = EB_OPT_UINT, .offset = P(warmup_requests), .min = 0, .max = 100000,
	  .json = "warmup_requests", .help = "unmeasured warm-up requests (the study: 5)" },
	{ .flag = "requests", .arg = "N", .kind = EB_OPT_UINT, .offset = P(warm_requests), .min = 1, .max = 1000000,
	  .json = "warm_requests", .help = "sequential warm requests (the study: 50)" },
	{ .flag = "burst-requests", .arg = "N", .kind = EB_OPT_UINT, .offset = P(burst_requests), .min = 1, .max = 1000000,
	  .json = "burst_requests", .help = "requests per burst (the study: 200)" },
	{ .flag = "concurrency", .arg = "N", .kind = EB_OPT_UINT, .offset = P(burst_concurrency), .min = 1, .max = 1000,
	  .json = "burst_concurrency", .help = "burst concurrency (the study: 10)" },
	{ .flag = "bursts", .arg = "N", .kind = EB_OPT_UINT, .offset = P(bursts), .min = 1, .max = 256,
	  .json = "bursts", .help = "bursts" },
	{ .flag = "duration", .arg = "D", .kind = EB_OPT_NS, .offset = P(sustained_ns), .min = 100 * MS, .max = 600 * S,
	  .json = "sustained_seconds", .json_unit = 1e9, .help = "sustained load per mode, over all rounds" },
	{ .flag = "rounds", .arg = "N", .kind = EB_OPT_UINT, .offset = P(sustained_rounds), .min = 1, .max = 100,
	  .json = "sustained_rounds", .help = "the sustained run is split in N interleaved rounds (a verdict needs 3 pairs)" },
	{ .flag = "connections", .arg = "N", .kind = EB_OPT_UINT, .offset = P(sustained_connections), .min = 1, .max = 1000,
	  .json = "sustained_connections", .help = "sustained load connections" },
	{ .flag = "iterations", .arg = "N", .kind = EB_OPT_U64, .offset = P(iterations), .min = 1, .max = 10000000000ull,
	  .json = "iterations", .help = "cpu-hash SHA-256 iterations (the study: 2000000)" },
	{ .kind = EB_OPT_RUNS, .arg = "N", .min = 1, .max = 100000, .json = "runs", .help = "timed %s runs" },
	{ .flag = "cell-budget", .arg = "D", .kind = EB_OPT_NS, .offset = P(cell_budget_ns), .min = 1 * MS, .max = 86400 * S,
	  .json = "cell_budget_seconds", .json_unit = 1e9,
	  .help = "a batch cell stops its runs once this much was spent (at least 3 runs)" },
	{ .flag = "order", .arg = "O", .kind = EB_OPT_CHOICE, .offset = P(order), .choices = order_words, .json_names = order_json,
	  .json = "order", .hint = "interleaved or sequential",
	  .help = "interleaved: trial i of every cell before trial i+1 of any, shuffled per round;\n"
		  "sequential: every trial of a cell, then the next" },
	{ .flag = "seed", .arg = "N", .kind = EB_OPT_U64, .offset = P(seed), .min = 0, .max = UINT64_MAX,
	  .json = "seed", .json_text = 1, .help = "seed of the per-round shuffle", .shown_default = "new per run, recorded" },
	{ .flag = "baseline", .arg = "RT/MODE", .kind = EB_OPT_BASELINE, .json = "baseline",
	  .hint = "RUNTIME/MODE of 'edgebench list', e.g. native/native", .help = "what paired ratios compare with",
	  .shown_default = "native/native" },
	{ .flag = "noise-threshold", .arg = "P", .kind = EB_OPT_PCT, .offset = P(noise_threshold), .min = 1, .max = 100,
	  .json = "noise_threshold_pct", .json_unit = 0.01,
	  .help = "mark rounds whose calibration is off its median by more than P%" },
	{ .flag = "curve", .arg = "P,P,...", .kind = EB_OPT_LIST, .offset = P(curve_pct), .count_offset = P(n_curve), .cap = 8,
	  .min = 1, .max = 100, .json = "latency_curve.percent", .hint = "up to 8 percentages 1..100, e.g. 10,50,90, or none",
	  .help = "latency curve: open loop at these % of each server's closed-loop throughput ('none' skips it)" },
	{ .flag = "curve-duration", .arg = "D", .kind = EB_OPT_NS, .offset = P(curve_ns), .min = 100 * MS, .max = 600 * S,
	  .json = "latency_curve.seconds_per_point", .json_unit = 1e9, .help = "open-loop time per point" },
	{ .flag = "curve-connections", .arg = "N", .kind = EB_OPT_UINT, .offset = P(curve_connections), .min = 1, .max = 1000,
	  .json = "latency_curve.connections", .help = "connection cap of the open loop" },
	{ .flag = "p99-threshold", .arg = "D", .kind = EB_OPT_NS, .offset = P(p99_threshold_ns), .min = 1000, .max = 60 * S,
	  .json = "latency_curve.p99_threshold_ms", .json_unit = 1e6, .help = "the report marks where each runtime's p99 crosses it" },
	{ .flag = "burst", .arg = "N,N,...", .kind = EB_OPT_LIST, .offset = P(burst_sizes), .count_offset = P(n_burst_sizes), .cap = 8,
	  .min = 1, .max = 64, .json = "scale_from_zero", .hint = "up to 8 counts 1..64, e.g. 1,4,16,64, or none",
	  .help = "scale from zero: N server instances launched at once, for each N ('none' skips it)" },
	{ .flag = "start-timeout", .arg = "D", .kind = EB_OPT_NS, .offset = P(start_timeout_ns), .min = 1 * MS, .max = 600 * S,
	  .json = "start_timeout_seconds", .json_unit = 1e9, .help = "a server that gives no 200 by then fails" },
	{ .kind = EB_OPT_NS, .offset = P(probe_spacing_ns), .json = "probe_spacing_us", .json_unit = 1e3,
	  .help = "the first-200 prober's spacing between attempts (not an option)" },
	{ .flag = "port", .arg = "P", .kind = EB_OPT_U16, .offset = P(port), .min = 1, .max = 65535,
	  .help = "server port on 127.0.0.1", .shown_default = "a free one per cell" },
	{ .flag = "artifacts", .arg = "DIR", .kind = EB_OPT_PATH, .offset = P(artifact_dir), .json = "artifact_dir",
	  .help = "native workload binaries", .shown_default = "this build's native/" },
	{ .flag = "wasm-artifacts", .arg = "DIR", .kind = EB_OPT_PATH, .offset = P(wasm_dir), .json = "wasm_dir",
	  .help = "wasm32-wasi modules", .shown_default = "this build's wasm/" },
	{ .flag = "full-cold-trials", .arg = "N", .kind = EB_OPT_UINT, .offset = P(full_cold_trials), .min = 0, .max = 1000,
	  .json = "full_cold_trials", .help = "rebuild-from-source + start trials, runtimes with a build step" },
	{ .flag = "density-max", .alias = "density", .arg = "N", .kind = EB_OPT_UINT, .offset = P(density_max), .min = 0, .max = 200,
	  .json = "density_max", .help = "density sweep: at most N server instances side by side (0 skips)" },
	{ .flag = "density-budget", .arg = "S", .kind = EB_OPT_BYTES, .offset = P(density_budget_bytes), .min = 1ull << 20,
	  .max = 1ull << 40, .json = "density_budget_bytes", .hint = "1M..1024G, e.g. 2G, 512M",
	  .help = "... or until their cgroup uses S of memory" },
	{ .flag = "density-time", .arg = "D", .kind = EB_OPT_NS, .offset = P(density_time_ns), .min = 1 * S, .max = 3600 * S,
	  .json = "density_time_seconds", .json_unit = 1e9, .help = "... or this long per cell" },
	{ .flag = "network", .arg = "N,N", .kind = EB_OPT_SET, .offset = R(networks), .choices = network_words,
	  .json = "networks", .hint = "loopback, veth or both, comma-separated",
	  .help = "the path to the servers: loopback and/or veth (the prober and load generator in a network\n"
		  "namespace of ours, over a veth pair in 198.18.0.0/15)" },
	{ .flag = "firewall", .arg = "F,F", .kind = EB_OPT_SET, .offset = R(firewalls), .choices = firewall_words,
	  .json = "firewalls", .hint = "off, on or both, comma-separated",
	  .help = "off and/or on: an nftables table of ours filtering input on our veth\n"
		  "(each network x firewall condition is a cell of its own; servers only)" },
	{ .flag = "firewall-rules", .arg = "N", .kind = EB_OPT_UINT, .offset = R(firewall_rules), .min = 0, .max = 10000,
	  .json = "firewall_rules", .help = "rules the firewall walks before the benchmark port" },
	{ .flag = "method", .arg = "M", .kind = EB_OPT_CHOICE, .offset = P(study_method), .choices = method_words,
	  .json_names = method_json, .json = "method", .hint = "edgebench or study",
	  .help = "edgebench, or study: also measure every server as the study did (curl every 10 ms\n"
		  "until a 200, a curl process per request) next to edgebench's" },
};
const size_t eb_run_option_count = sizeof(eb_run_options) / sizeof(eb_run_options[0]);

void eb_run_request_defaults(struct eb_run_request *r)
{
	memset(r, 0, sizeof(*r));
	eb_plan_defaults(&r->plan);
	snprintf(r->baseline_rt, sizeof(r->baseline_rt), "native");
	snprintf(r->baseline_mode, sizeof(r->baseline_mode), "native");
	r->networks = 1u << EB_NET_LOOPBACK;
	r->firewalls = 1u << 0;
	r->firewall_rules = 50;   /* rules the firewall walks before the port (net/netpath.h) */
}

#define FIELD(r, o, type) ((type *)((char *)(r) + (o)->offset))
#define CFIELD(r, o, type) ((const type *)((const char *)(r) + (o)->offset))

static int bad(const struct eb_option *o, const char *flag, const char *arg, char *err, size_t errcap)
{
	char hint[160];
	if (o->kind == EB_OPT_NS) {
		snprintf(err, errcap, "bad duration '%s' for --%s (e.g. 3s, 500ms)", arg, flag);
		return -EINVAL;
	}
	if (o->hint)
		snprintf(hint, sizeof(hint), "%s", o->hint);
	else
		snprintf(hint, sizeof(hint), "a whole number %llu..%llu", (unsigned long long)o->min, (unsigned long long)o->max);
	snprintf(err, errcap, "bad value '%s' for --%s (%s)", arg, flag, hint);
	return -EINVAL;
}


int eb_option_set(const struct eb_option *o, const char *flag, struct eb_run_request *r, const char *arg,
		  char *err, size_t errcap)
{
	uint64_t x;
	switch (o->kind) {
	case EB_OPT_UINT:
		if (eb_parse_count(arg, o->min, o->max, &x) < 0)
			return bad(o, flag, arg, err, errcap);
		*FIELD(r, o, unsigned) = (unsigned)x;
		return 0;
	case EB_OPT_U64:
		if (eb_parse_count(arg, o->min, o->max, &x) < 0)
			return bad(o, flag, arg, err, errcap);
		*FIELD(r, o, uint64_t) = x;
		return 0;
	case EB_OPT_U16:
		if (eb_parse_count(arg, o->min, o->max, &x) < 0)
			return bad(o, flag, arg, err, errcap);
		*FIELD(r, o, uint16_t) = (uint16_t)x;
		return 0;
	case EB_OPT_NS:
		if (eb_parse_duration_ns(arg, o->min, o->max, &x) < 0)
			return bad(o, flag, arg, err, errcap);
		*FIELD(r, o, uint64_t) = x;
		return 0;
	case EB_OPT_BYTES:
		if (eb_parse_bytes(arg, o->min, o->max, &x) < 0)
			return bad(o, flag, arg, err, errcap);
		*FIELD(r, o, uint64_t) = x;
		return 0;
	case EB_OPT_PCT:
		if (eb_parse_count(arg, o->min, o->max, &x) < 0)
			return bad(o, flag, arg, err, errcap);
		*FIELD(r, o, double) = (double)x / 100.0;
		return 0;
	case EB_OPT_LIST:
		if (eb_parse_count_list(arg, o->min, o->max, FIELD(r, o, unsigned), o->cap,
					(unsigned *)((char *)r + o->count_offset)) < 0)
			return bad(o, flag, arg, err, errcap);
		return 0;
	case EB_OPT_PATH:
		*FIELD(r, o, const char *) = arg;
		return 0;
	case EB_OPT_CHOICE:
		for (const struct eb_choice *c = o->choices; c->word; c++)
			if (!strcmp(c->word, arg)) {
				*FIELD(r, o, int) = c->value;
				return 0;
			}
		return bad(o, flag, arg, err, errcap);
	case EB_OPT_SET: {
		unsigned bits = 0;
		const char *p = arg;
		while (1) {
			size_t n = strcspn(p, ",");
			int k = -1;
			for (const struct eb_choice *c = o->choices; c->word && k < 0; c++)
				if (strlen(c->word) == n && !strncmp(c->word, p, n))
					k = c->value;
			if (k < 0)
				return bad(o, flag, arg, err, errcap);
			bits |= 1u << k;
			if (!p[n])
				break;
			p += n + 1;
		}
		*FIELD(r, o, unsigned) = bits;
		return 0;
	}
	case EB_OPT_RUNTIME: {
		const struct eb_runtime *rt = eb_runtime_find(arg);
		if (!rt) {
			snprintf(err, errcap, "unknown runtime '%s' (see 'edgebench list')", arg);
			return -EINVAL;
		}
		if (r->n_runtimes < EB_MAX_SEL)
			r->runtimes[r->n_runtimes++] = rt;
		return 0;
	}
	case EB_OPT_WORKLOAD: {
		const struct eb_workload *w = eb_workload_find(arg);
		if (!w) {
			snprintf(err, errcap, "unknown workload '%s' (see 'edgebench list')", arg);
			return -EINVAL;
		}
		if (r->n_workloads < EB_MAX_SEL)
			r->workloads[r->n_workloads++] = w;
		return 0;
	}
	case EB_OPT_MODE:
		if (r->n_modes < EB_MAX_SEL)
			r->modes[r->n_modes++] = arg;
		return 0;
	case EB_OPT_BASELINE: {
		const char *slash = strchr(arg, '/');
		const struct eb_runtime *rt = NULL;
		if (slash && (size_t)(slash - arg) < sizeof(r->baseline_rt) && strlen(slash + 1) < sizeof(r->baseline_mode)) {
			snprintf(r->baseline_rt, sizeof(r->baseline_rt), "%.*s", (int)(slash - arg), arg);
			snprintf(r->baseline_mode, sizeof(r->baseline_mode), "%s", slash + 1);
			rt = eb_runtime_find(r->baseline_rt);
		}
		if (!rt || !eb_rt_mode_find(rt, r->baseline_mode))
			return bad(o, flag, arg, err, errcap);
		return 0;
	}
	case EB_OPT_RUNS: {
		for (unsigned i = 0; i < eb_workload_count; i++)
			if (eb_workloads[i].runs_option && !strcmp(eb_workloads[i].runs_option, flag)) {
				if (eb_parse_count(arg, o->min, o->max, &x) < 0)
					return bad(o, flag, arg, err, errcap);
				r->plan.runs[i] = (unsigned)x;
				return 0;
			}
		snprintf(err, errcap, "unknown option --%s", flag);
		return -EINVAL;
	}
	}
	return -EINVAL;
}

/* A duration the way a user types it: 5s, 500ms, 200us. */
static void duration_text(uint64_t ns, char *out, size_t cap)
{
	if (ns % S == 0)
		snprintf(out, cap, "%llus", (unsigned long long)(ns / S));
	else if (ns % MS == 0)
		snprintf(out, cap, "%llums", (unsigned long long)(ns / MS));
	else if (ns % 1000 == 0)
		snprintf(out, cap, "%lluus", (unsigned long long)(ns / 1000));
	else
		snprintf(out, cap, "%lluns", (unsigned long long)ns);
}

static void list_text(const unsigned *v, unsigned n, char *out, size_t cap)
{
	size_t used = 0;
	out[0] = 0;
	if (!n)
		snprintf(out, cap, "none");
	for (unsigned i = 0; i < n && used < cap; i++) {
		int k = snprintf(out + used, cap - used, "%s%u", i ? "," : "", v[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

void eb_option_default_text(const struct eb_option *o, const struct eb_run_request *d, char *out, size_t cap)
{
	if (o->shown_default) {
		snprintf(out, cap, "%s", o->shown_default);
		return;
	}
	switch (o->kind) {
	case EB_OPT_UINT: snprintf(out, cap, "%u", *CFIELD(d, o, unsigned)); break;
	case EB_OPT_U64: snprintf(out, cap, "%llu", (unsigned long long)*CFIELD(d, o, uint64_t)); break;
	case EB_OPT_U16: snprintf(out, cap, "%u", (unsigned)*CFIELD(d, o, uint16_t)); break;
	case EB_OPT_NS: duration_text(*CFIELD(d, o, uint64_t), out, cap); break;
	case EB_OPT_BYTES: {
		uint64_t b = *CFIELD(d, o, uint64_t);
		if (b % (1ull << 30) == 0)
			snprintf(out, cap, "%lluG", (unsigned long long)(b >> 30));
		else if (b % (1ull << 20) == 0)
			snprintf(out, cap, "%lluM", (unsigned long long)(b >> 20));
		else
			snprintf(out, cap, "%llu", (unsigned long long)b);
		break;
	}
	case EB_OPT_PCT: snprintf(out, cap, "%g", *CFIELD(d, o, double) * 100.0); break;
	case EB_OPT_LIST: list_text(CFIELD(d, o, unsigned), *(const unsigned *)((const char *)d + o->count_offset), out, cap); break;
	case EB_OPT_CHOICE:
		snprintf(out, cap, "%s", o->json_names[*CFIELD(d, o, int)]);
		break;
	case EB_OPT_SET: {
		size_t used = 0;
		out[0] = 0;
		for (const struct eb_choice *c = o->choices; c->word; c++)
			if (*CFIELD(d, o, unsigned) & (1u << c->value)) {
				int k = snprintf(out + used, cap - used, "%s%s", used ? "," : "", c->word);
				if (k < 0 || (size_t)k >= cap - used)
					break;
				used += (size_t)k;
			}
		break;
	}
	default: snprintf(out, cap, "-"); break;
	}
}

/* config["a"]["b"] = v for key "a.b" (objects made on the way). */
static void put(json_t *config, const char *key, json_t *v)
{
	const char *dot = strchr(key, '.');
	if (!dot) {
		json_object_set_new(config, key, v);
		return;
	}
	char outer[64];
	snprintf(outer, sizeof(outer), "%.*s", (int)(dot - key), key);
	json_t *o = json_object_get(config, outer);
	if (!o) {
		o = json_object();
		json_object_set_new(config, outer, o);
	}
	put(o, dot + 1, v);
}

static json_t *value_json(const struct eb_option *o, const struct eb_run_request *r)
{
	switch (o->kind) {
	case EB_OPT_UINT: return json_integer(*CFIELD(r, o, unsigned));
	case EB_OPT_U16: return json_integer(*CFIELD(r, o, uint16_t));
	case EB_OPT_U64: {
		uint64_t v = *CFIELD(r, o, uint64_t);
		if (o->json_text) {
			char t[32];   /* JSON numbers lose 64-bit precision */
			snprintf(t, sizeof(t), "%llu", (unsigned long long)v);
			return json_string(t);
		}
		return json_integer((json_int_t)v);
	}
	case EB_OPT_NS: return json_real((double)*CFIELD(r, o, uint64_t) / o->json_unit);
	case EB_OPT_BYTES: return json_integer((json_int_t)*CFIELD(r, o, uint64_t));
	case EB_OPT_PCT: return json_real(*CFIELD(r, o, double) / o->json_unit);
	case EB_OPT_LIST: {
		json_t *a = json_array();
		unsigned n = *(const unsigned *)((const char *)r + o->count_offset);
		for (unsigned i = 0; i < n; i++)
			json_array_append_new(a, json_integer(CFIELD(r, o, unsigned)[i]));
		return a;
	}
	case EB_OPT_PATH: {
		const char *s = *(const char *const *)((const char *)r + o->offset);
		return s ? json_string(s) : json_null();
	}
	case EB_OPT_CHOICE: return json_string(o->json_names[*CFIELD(r, o, int)]);
	case EB_OPT_SET: {
		json_t *a = json_array();
		for (const struct eb_choice *c = o->choices; c->word; c++)
			if (*CFIELD(r, o, unsigned) & (1u << c->value))
				json_array_append_new(a, json_string(c->word));
		return a;
	}
	case EB_OPT_BASELINE: {
		char b[160];
		snprintf(b, sizeof(b), "%s/%s", r->baseline_rt, r->baseline_mode);
		return json_string(b);
	}
	case EB_OPT_RUNS: {
		json_t *runs = json_object();
		for (unsigned i = 0; i < eb_workload_count; i++)
			if (eb_workloads[i].kind == EB_WL_BATCH)
				json_object_set_new(runs, eb_workloads[i].name, json_integer(r->plan.runs[i]));
		return runs;
	}
	default: return NULL;
	}
}

json_t *eb_run_config_json(const struct eb_run_request *r)
{
	json_t *config = json_object();
	for (size_t i = 0; i < eb_run_option_count; i++) {
		const struct eb_option *o = &eb_run_options[i];
		json_t *v = o->json ? value_json(o, r) : NULL;
		if (v)
			put(config, o->json, v);
	}
	return config;
}
