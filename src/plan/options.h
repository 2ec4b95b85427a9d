/*
 * options: the plan's shape, written once.  One table row per option of
 * `edgebench run` says its flag, the field it sets, its kind and bounds,
 * its key in results.json's "config", and its help; getopt, --help,
 * validation, the defaults shown and the config JSON are all read off it
 * (cli/cmd_run.c builds getopt and --help from it; docs/results-schema.md's
 * config section is checked against it by tests/unit/test_options.c).
 * Never prints: a bad value is one line in err.
 */
#ifndef EB_OPTIONS_H
#define EB_OPTIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

#define EB_MAX_SEL 32

/* What `edgebench run` was asked: the plan and what to measure it on. */
struct eb_run_request {
	struct eb_plan plan;
	const struct eb_runtime *runtimes[EB_MAX_SEL];   /* none: every runtime */
	unsigned n_runtimes;
	const struct eb_workload *workloads[EB_MAX_SEL]; /* none: every workload */
	unsigned n_workloads;
	const char *modes[EB_MAX_SEL];                   /* none: every mode */
	unsigned n_modes;
	const char *out_dir;                             /* NULL: results/<UTC time>-<pid> */
	char baseline_rt[64], baseline_mode[64];
	unsigned networks;                               /* bit (1 << eb_network) */
	unsigned firewalls;                              /* bit 0: off, bit 1: on */
	unsigned firewall_rules;
};

enum eb_opt_kind {
	EB_OPT_UINT,        /* unsigned, a count in [min, max] */
	EB_OPT_U64,         /* uint64_t count */
	EB_OPT_U16,         /* uint16_t (a port) */
	EB_OPT_NS,          /* uint64_t nanoseconds, from "500ms", "3s" */
	EB_OPT_BYTES,       /* uint64_t bytes, from "512M", "2G" */
	EB_OPT_PCT,         /* double fraction, from a whole percentage */
	EB_OPT_LIST,        /* unsigned[cap] and a count, from "1,4,16" or "none" */
	EB_OPT_PATH,        /* const char * */
	EB_OPT_CHOICE,      /* int, one of words[] (its index; aliases map to an index) */
	EB_OPT_SET,         /* unsigned bits, a comma-separated subset of words[] */
	EB_OPT_RUNTIME,     /* repeatable runtime name */
	EB_OPT_WORKLOAD,    /* repeatable workload name */
	EB_OPT_MODE,        /* repeatable mode name */
	EB_OPT_BASELINE,    /* RUNTIME/MODE */
	EB_OPT_RUNS,        /* one --<x>-runs per batch workload (its row in the catalogue) */
};

struct eb_choice { const char *word; int value; };

struct eb_option {
	const char *flag;           /* long name without "--"; NULL: not an option, a config entry only */
	const char *alias;          /* a second long name, or NULL */
	char short_name;            /* 0: none */
	const char *arg;            /* the value's name in --help ("N", "D", "DIR") */
	enum eb_opt_kind kind;
	size_t offset;              /* the field in struct eb_run_request */
	size_t count_offset;        /* EB_OPT_LIST: its unsigned count */
	unsigned cap;               /* EB_OPT_LIST: capacity */
	uint64_t min, max;          /* bounds (counts, durations in ns, bytes, percent) */
	const struct eb_choice *choices;   /* EB_OPT_CHOICE / EB_OPT_SET, ending with {NULL} */
	const char *const *json_names;     /* EB_OPT_CHOICE: the config value of each value */
	const char *json;           /* key in "config" ("a.b": nested); NULL: not recorded */
	double json_unit;           /* the field divided by this in JSON (ns to s: 1e9) */
	int json_text;              /* a 64-bit number written as a decimal string */
	const char *help;
	const char *hint;           /* what a good value looks like, in a bad value's error */
	const char *shown_default;  /* what --help says the default is; NULL: read off the defaults */
};

extern const struct eb_option eb_run_options[];
extern const size_t eb_run_option_count;

/* The defaults: the plan's (the study's numbers), every network/firewall off but loopback/off. */
void eb_run_request_defaults(struct eb_run_request *r);

/*
 * Set one option from its text (flag: the name typed, for the error; for
 * EB_OPT_RUNS, "hash-runs" etc.).  0, or -EINVAL with one line in err:
 * "bad value 'X' for --flag (hint)".
 */
__attribute__((warn_unused_result))
int eb_option_set(const struct eb_option *o, const char *flag, struct eb_run_request *r, const char *arg,
		  char *err, size_t errcap);

/* The default of o as --help shows it ("20", "5s", "10,25,50,75,90"), from a defaulted request. */
void eb_option_default_text(const struct eb_option *o, const struct eb_run_request *dflt, char *out, size_t cap);

/* results.json's "config" for r: one entry per row with a json key. */
json_t *eb_run_config_json(const struct eb_run_request *r);

#endif
