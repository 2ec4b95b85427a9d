/*
 * wc_operator: the messages edgebench exchanges with a wasmCloud 2.x host,
 * against what wash host 2.10.3 sent and accepted (tests/fixtures/nats/:
 * a real heartbeat and a real workload.status reply).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/wasmcloud/nats.h"
#include "runtimes/wasmcloud/wc_operator.h"

/* the payload of the first captured MSG whose subject starts with prefix */
static char *captured(const char *prefix)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/nats/session.bin", FIXTURES);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 16];
	size_t len = fread(buf, 1, sizeof(buf), f), off = 0;
	fclose(f);
	while (off < len) {
		struct eb_nats_frame fr;
		ssize_t k = eb_nats_parse(buf + off, len - off, &fr);
		assert_true(k > 0);
		if (fr.kind == EB_NATS_MSG && fr.subject_len >= strlen(prefix) && !memcmp(fr.subject, prefix, strlen(prefix)))
			return strndup(fr.payload, fr.payload_len);
		off += (size_t)k;
	}
	fail_msg("no captured message on %s", prefix);
	return NULL;
}

static void test_start_request_shape(void **state)
{
	(void)state;
	char *s = eb_wc_start_request("edgebench-1", "127.0.0.1:5001/edgebench/http-hello:run", "127.0.0.1");
	assert_non_null(s);
	json_t *d = json_loads(s, 0, NULL);
	assert_non_null(d);
	/* the fields wash host 2.10.3 accepts, camelCase; it refuses unknown ones (componentIds) */
	assert_int_equal(json_object_size(d), 2);
	assert_string_equal(json_string_value(json_object_get(d, "workloadId")), "edgebench-1");
	json_t *w = json_object_get(d, "workload");
	assert_string_equal(json_string_value(json_object_get(w, "namespace")), "edgebench");
	assert_string_equal(json_string_value(json_object_get(w, "name")), "http-hello");
	json_t *ww = json_object_get(w, "witWorld");
	json_t *c = json_array_get(json_object_get(ww, "components"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "image")), "127.0.0.1:5001/edgebench/http-hello:run");
	json_t *hi = json_array_get(json_object_get(ww, "hostInterfaces"), 0);
	assert_string_equal(json_string_value(json_object_get(hi, "namespace")), "wasi");
	assert_string_equal(json_string_value(json_object_get(hi, "package")), "http");
	assert_string_equal(json_string_value(json_object_get(hi, "version")), "0.2.0");
	assert_string_equal(json_string_value(json_array_get(json_object_get(hi, "interfaces"), 0)), "incoming-handler");
	/* routing is by Host: the binding */
	assert_string_equal(json_string_value(json_object_get(json_object_get(hi, "config"), "host")), "127.0.0.1");
	assert_null(json_object_get(d, "componentIds"));
	json_decref(d);
	free(s);
	/* quotes and backslashes are escaped, not spliced */
	s = eb_wc_start_request("a\"b", "x\\y", "h");
	d = json_loads(s, 0, NULL);
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d, "workloadId")), "a\"b");
	json_decref(d);
	free(s);
	s = eb_wc_id_request("edgebench-2");
	assert_string_equal(s, "{\"workloadId\":\"edgebench-2\"}");
	free(s);
}

static void test_heartbeat_id(void **state)
{
	(void)state;
	char *hb = captured("runtime.operator.heartbeat.");
	char id[128];
	assert_int_equal(eb_wc_heartbeat_id(hb, id, sizeof(id)), 0);
	/* the id is the subject's last token too */
	assert_int_equal(strlen(id), 36);
	assert_non_null(strstr(hb, id));
	free(hb);
	assert_int_equal(eb_wc_heartbeat_id("{\"hostname\":\"vm\"}", id, sizeof(id)), -EPROTO);
	assert_int_equal(eb_wc_heartbeat_id("not json", id, sizeof(id)), -EPROTO);
	/* an id that would change the subject we send to is refused */
	assert_int_equal(eb_wc_heartbeat_id("{\"id\":\"a.b\"}", id, sizeof(id)), -EPROTO);
	assert_int_equal(eb_wc_heartbeat_id("{\"id\":\"*\"}", id, sizeof(id)), -EPROTO);
	assert_int_equal(eb_wc_heartbeat_id("{\"id\":\"0123456789\"}", id, 5), -EPROTO);
}

static void test_workload_status(void **state)
{
	(void)state;
	char *st = captured("_INBOX.cap.1");
	enum eb_wc_state s = 0;
	char msg[128];
	assert_int_equal(eb_wc_workload_status(st, &s, msg, sizeof(msg)), 0);
	assert_int_equal(s, EB_WC_NOT_FOUND);
	assert_string_equal(msg, "Workload not found: missing");
	free(st);
	/* the start reply wash host 2.10.3 sent (pretty-printed as it does) */
	assert_int_equal(eb_wc_workload_status("{\n  \"workloadStatus\": {\n    \"workloadId\": \"eb-1\",\n"
					       "    \"workloadState\": \"WORKLOAD_STATE_RUNNING\",\n"
					       "    \"message\": \"Workload started successfully\"\n  }\n}", &s, msg, sizeof(msg)), 0);
	assert_int_equal(s, EB_WC_RUNNING);
	assert_int_equal(eb_wc_workload_status("{\"workloadStatus\":{\"workloadState\":\"WORKLOAD_STATE_ERROR\",\"message\":\"pull failed\"}}",
					       &s, msg, sizeof(msg)), 0);
	assert_int_equal(s, EB_WC_ERROR);
	assert_string_equal(msg, "pull failed");
	assert_int_equal(eb_wc_workload_status("{\"workloadStatus\":{\"workloadState\":\"RUNNING\"}}", &s, msg, sizeof(msg)), -EPROTO);
	assert_int_equal(eb_wc_workload_status("{\"result\":\"ok\"}", &s, msg, sizeof(msg)), -EPROTO);
	assert_int_equal(eb_wc_workload_status("", &s, msg, sizeof(msg)), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_request_shape),
		cmocka_unit_test(test_heartbeat_id),
		cmocka_unit_test(test_workload_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
