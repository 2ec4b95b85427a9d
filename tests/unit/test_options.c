/*
 * The option table (plan/options.h): what --help shows as a default parses
 * back to the default; bounds hold; flags and config keys are unique; and
 * docs/results-schema.md's config section names every key the table writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan/options.h"

#ifndef SCHEMA_DOC
#define SCHEMA_DOC FIXTURES "/../../docs/results-schema.md"
#endif

static int settable(const struct eb_option *o)
{
	return o->flag && o->kind != EB_OPT_RUNTIME && o->kind != EB_OPT_WORKLOAD && o->kind != EB_OPT_MODE &&
	       o->kind != EB_OPT_PATH && !o->shown_default;
}

/* Setting every option to the default --help shows gives the default config. */
static void test_defaults_round_trip(void **state)
{
	(void)state;
	struct eb_run_request d, r;
	eb_run_request_defaults(&d);
	eb_run_request_defaults(&r);
	json_t *want = eb_run_config_json(&d);
	/* perturb first, so a set that does nothing is caught */
	char err[256];
	unsigned checked = 0;
	for (size_t i = 0; i < eb_run_option_count; i++) {
		const struct eb_option *o = &eb_run_options[i];
		if (!settable(o))
			continue;
		char text[128];
		eb_option_default_text(o, &d, text, sizeof(text));
		if (o->kind == EB_OPT_UINT || o->kind == EB_OPT_U64 || o->kind == EB_OPT_NS) {
			char other[64];
			snprintf(other, sizeof(other), o->kind == EB_OPT_NS ? "%llums" : "%llu",
				 (unsigned long long)(o->kind == EB_OPT_NS ? (o->min + 999999) / 1000000 : o->min));
			if (strcmp(other, text))
				assert_int_equal(eb_option_set(o, o->flag, &r, other, err, sizeof(err)), 0);
		}
		assert_int_equal(eb_option_set(o, o->flag, &r, text, err, sizeof(err)), 0);
		checked++;
	}
	assert_true(checked >= 25);
	json_t *got = eb_run_config_json(&r);
	char *a = json_dumps(want, JSON_SORT_KEYS), *b = json_dumps(got, JSON_SORT_KEYS);
	assert_string_equal(a, b);
	free(a);
	free(b);
	json_decref(want);
	json_decref(got);
}

/* A value just outside a count's or a duration's bounds is refused with its flag named. */
static void test_bounds(void **state)
{
	(void)state;
	struct eb_run_request r;
	eb_run_request_defaults(&r);
	char err[256], v[64], want[96];
	for (size_t i = 0; i < eb_run_option_count; i++) {
		const struct eb_option *o = &eb_run_options[i];
		if (!o->flag || (o->kind != EB_OPT_UINT && o->kind != EB_OPT_U16))
			continue;
		snprintf(v, sizeof(v), "%llu", (unsigned long long)o->max + 1);
		assert_int_not_equal(eb_option_set(o, o->flag, &r, v, err, sizeof(err)), 0);
		snprintf(want, sizeof(want), "bad value '%s' for --%s", v, o->flag);
		assert_non_null(strstr(err, want));
		snprintf(v, sizeof(v), "%llu", (unsigned long long)o->max);
		assert_int_equal(eb_option_set(o, o->flag, &r, v, err, sizeof(err)), 0);
		if (o->min > 0) {
			snprintf(v, sizeof(v), "%llu", (unsigned long long)o->min - 1);
			assert_int_not_equal(eb_option_set(o, o->flag, &r, v, err, sizeof(err)), 0);
		}
	}
	const struct eb_option *dur = NULL;
	for (size_t i = 0; i < eb_run_option_count; i++)
		if (eb_run_options[i].flag && !strcmp(eb_run_options[i].flag, "duration"))
			dur = &eb_run_options[i];
	assert_non_null(dur);
	assert_int_not_equal(eb_option_set(dur, "duration", &r, "50ms", err, sizeof(err)), 0);
	assert_int_equal(eb_option_set(dur, "duration", &r, "2s", err, sizeof(err)), 0);
	assert_true(r.plan.sustained_ns == 2000000000ull);
}

static void test_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < eb_run_option_count; i++)
		for (size_t j = i + 1; j < eb_run_option_count; j++) {
			const struct eb_option *a = &eb_run_options[i], *b = &eb_run_options[j];
			if (a->flag && b->flag) {
				assert_string_not_equal(a->flag, b->flag);
				if (b->alias)
					assert_string_not_equal(a->flag, b->alias);
			}
			if (a->json && b->json)
				assert_string_not_equal(a->json, b->json);
			if (a->short_name)
				assert_int_not_equal(a->short_name, b->short_name);
		}
}

/* docs/results-schema.md: every config key the table writes is in its config section. */
static void test_schema_doc(void **state)
{
	(void)state;
	FILE *f = fopen(SCHEMA_DOC, "r");
	assert_non_null(f);
	static char doc[1 << 17];
	size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = 0;
	char *start = strstr(doc, "\"config\": {");
	assert_non_null(start);
	char *end = strstr(start, "\"runtimes\": [");
	assert_non_null(end);
	*end = 0;
	unsigned keys = 0;
	for (size_t i = 0; i < eb_run_option_count; i++) {
		const char *k = eb_run_options[i].json;
		if (!k)
			continue;
		/* "latency_curve.percent": both names, the inner after the outer */
		char outer[64];
		const char *dot = strchr(k, '.');
		snprintf(outer, sizeof(outer), "%.*s", dot ? (int)(dot - k) : (int)strlen(k), k);
		const char *at = strstr(start, outer);
		if (!at)
			fail_msg("config key '%s' (option --%s) is not in docs/results-schema.md's config section", outer,
				 eb_run_options[i].flag ? eb_run_options[i].flag : "(none)");
		if (dot && !strstr(at, dot + 1))
			fail_msg("config key '%s' is not in docs/results-schema.md's config section", k);
		keys++;
	}
	assert_true(keys >= 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_round_trip),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_schema_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
