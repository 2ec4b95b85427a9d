/*
 * phases_database: what only a database workload (http-api) has: warm
 * writes and lists beside the reads, and the checks that can fail: every
 * item posted reads back field by field, the row count follows the 201s,
 * and malformed or oversized input is refused without writing anything.
 */
#include "measure/phase.h"
#include "measure/phases.h"
#include "api_item.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_BACK_MAX 64u

/* The bodies of the responses of one load run, kept in order (up to cap). */
struct bodies {
	int status[READ_BACK_MAX];
	json_t *doc[READ_BACK_MAX];
	size_t n;
};

static void keep_body(void *arg, const struct eb_http_response *r)
{
	struct bodies *b = arg;
	if (b->n >= READ_BACK_MAX)
		return;
	b->status[b->n] = r->status;
	b->doc[b->n] = r->body ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
	b->n++;
}

static void bodies_free(struct bodies *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_decref(b->doc[i]);
	b->n = 0;
}

/* One request on one connection: its status and parsed JSON body (caller decrefs). */
static int one(struct eb_cell *c, const struct eb_load_request *q, int *status, json_t **doc)
{
	struct bodies b = { .n = 0 };
	struct eb_load_result lr;
	struct eb_load_config cfg = { .mix = q, .n_mix = 1, .connections = 1, .requests = 1, .keepalive = 1,
				      .on_response = keep_body, .response_arg = &b };
	int rc = mc_run_load(c, "a check request", &cfg, &lr);
	if (rc < 0)
		return rc;
	if (b.n != 1)
		return mc_fail(c, -EIO, "no answer to %s %s", q->body ? "POST" : "GET", q->path);
	*status = b.status[0];
	*doc = b.doc[0];
	return 0;
}

/* GET /items/count: the rows in the instance's database. */
int mc_database_rows(struct eb_cell *c, long long *rows)
{
	struct eb_load_request q = { .path = "/items/count" };
	int status;
	json_t *doc = NULL;
	int rc = one(c, &q, &status, &doc);
	if (rc < 0)
		return rc;
	json_t *n = json_object_get(doc, "count");
	if (status != 200 || !json_is_integer(n)) {
		json_decref(doc);
		return mc_fail(c, -EPROTO, "GET /items/count answered %d without a count", status);
	}
	*rows = (long long)json_integer_value(n);
	json_decref(doc);
	return 0;
}

struct opens {
	double *v;
	size_t n, cap;
};

static void keep_open(void *arg, const struct eb_http_response *r)
{
	struct opens *o = arg;
	const char *val;
	size_t len;
	if (o->n < o->cap && eb_http_header(r, "x-edgebench-db-open-ns", &val, &len) && len > 0 && len < 20) {
		char t[24];
		memcpy(t, val, len);
		t[len] = 0;
		o->v[o->n++] = strtod(t, NULL);
	}
}

/*
 * Sequential reads whose responses say how long the guest took to open the
 * database for that request (the wasi:http component under a per-request
 * instance); none says so where it stays open (every other runtime/mode).
 */
static int open_per_request(struct eb_cell *c)
{
	struct opens o = { c->ws->scratch, 0, EB_LOAD_SAMPLES_MAX };
	struct eb_load_result lr;
	struct eb_load_config cfg = { .connections = 1, .requests = c->plan->warm_requests, .keepalive = 1,
				      .on_response = keep_open, .response_arg = &o };
	int rc = mc_run_load(c, "sequential reads (database opens)", &cfg, &lr);
	if (rc < 0)
		return rc;
	json_object_set_new(json_object_get(mc_values(c), "database"), "opened_in_requests",
			    json_pack("{s:I, s:I}", "requests", (json_int_t)lr.completed, "opened", (json_int_t)o.n));
	return o.n ? mc_add(c, "db_open_per_request", NULL, o.v, o.n, -1) : 0;
}

/* Does the stored item equal what was posted, field by field? */
static int same_item(json_t *posted, json_t *stored, char *why, size_t cap)
{
	static const char *const fields[] = { "name", "tags", "attributes" };
	for (size_t i = 0; i < 3; i++)
		if (!json_equal(json_object_get(posted, fields[i]), json_object_get(stored, fields[i]))) {
			snprintf(why, cap, "field %s differs", fields[i]);
			return 0;
		}
	json_t *a = json_object_get(posted, "price"), *b = json_object_get(stored, "price");
	if (!json_is_number(b) || json_number_value(a) != json_number_value(b)) {
		snprintf(why, cap, "field price differs");
		return 0;
	}
	if (json_object_size(stored) != 5) {
		snprintf(why, cap, "%zu fields, not id + 4", json_object_size(stored));
		return 0;
	}
	return 1;
}

/* Bad input: each refused with its status, and nothing written. */
static int bad_input(struct eb_cell *c, json_t *vals)
{
	static const char wrong_type[] = "{\"name\": \"x\", \"price\": \"12\", \"tags\": [], \"attributes\": {}}";
	static const char malformed[] = "{\"name\": \"x\", \"price\": 1,";
	size_t big_len = API_BIG_BODY;
	char *big = malloc(big_len);
	if (!big)
		return mc_fail(c, -ENOMEM, "out of memory");
	memset(big, ' ', big_len);
	big[0] = '{';
	big[big_len - 1] = '}';
	const struct { const char *what; struct eb_load_request q; int want; } cases[] = {
		{ "malformed JSON", { .path = "/items", .body = malformed, .body_len = sizeof(malformed) - 1 }, 400 },
		{ "a wrong type", { .path = "/items", .body = wrong_type, .body_len = sizeof(wrong_type) - 1 }, 400 },
		{ "a body over 64 KiB", { .path = "/items", .body = big, .body_len = big_len }, 413 },
	};
	long long before, after;
	int rc = mc_database_rows(c, &before);
	int ok = 1;
	json_t *got = json_object();
	json_object_set_new(vals, "bad_input", got);
	for (size_t i = 0; rc == 0 && i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status;
		json_t *doc = NULL;
		/* the 413 closes the connection: a fresh one for what follows */
		if ((rc = one(c, &cases[i].q, &status, &doc)) < 0)
			break;
		int has_error = cases[i].want == 413 || json_is_string(json_object_get(doc, "error"));
		json_object_set_new(got, cases[i].what, json_pack("{s:i, s:i, s:b}", "status", status, "expected", cases[i].want,
								  "json_error", has_error));
		if (status != cases[i].want || !has_error) {
			ok = 0;
			mc_warn(c, "%s got HTTP %d, not %d%s", cases[i].what, status, cases[i].want,
				has_error ? "" : " with a JSON error");
		}
		json_decref(doc);
	}
	free(big);
	if (rc == 0)
		rc = mc_database_rows(c, &after);
	if (rc < 0)
		return rc;
	json_object_set_new(mc_checks(c), "bad_input_refused", json_boolean(ok));
	json_object_set_new(mc_checks(c), "bad_input_writes_nothing", json_boolean(after == before));
	json_object_set_new(vals, "rows_before_bad_input", json_integer(before));
	json_object_set_new(vals, "rows_after_bad_input", json_integer(after));
	if (after != before)
		mc_warn(c, "bad input changed the row count from %lld to %lld", before, after);
	return 0;
}

/*
 * Warm writes (sequential POSTs of generated items), warm lists (GET
 * /items?limit=10), then the checks: every posted item read back equals
 * what was sent, the rows grew by the 201s, bad input writes nothing.
 */
int ph_database_requests(struct eb_cell *c, unsigned t)
{
	(void)t;
	const struct eb_plan *pl = c->plan;
	json_t *vals = json_object();
	json_object_set_new(mc_values(c), "database", vals);
	long long rows0, rows1;
	int rc = mc_database_rows(c, &rows0);
	if (rc < 0)
		return rc;
	/* writes: items numbered past the data set, each body distinct */
	unsigned nw = pl->warm_requests < READ_BACK_MAX ? pl->warm_requests : READ_BACK_MAX;
	struct eb_load_request *posts = calloc(nw, sizeof(*posts));
	char *buf = malloc((size_t)nw * 1500);
	struct bodies b = { .n = 0 };
	if (!posts || !buf) {
		free(posts);
		free(buf);
		return mc_fail(c, -ENOMEM, "out of memory");
	}
	for (unsigned i = 0; i < nw; i++) {
		int n = api_item_json(EB_WL_SEED_ITEMS + 1000 + i, buf + (size_t)i * 1500, 1500);
		posts[i] = (struct eb_load_request){ .path = "/items", .body = buf + (size_t)i * 1500, .body_len = n > 0 ? (size_t)n : 0 };
	}
	struct eb_load_result lr;
	struct eb_load_config cfg = { .mix = posts, .n_mix = nw, .connections = 1, .requests = nw, .keepalive = 1,
				      .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX,
				      .on_response = keep_body, .response_arg = &b };
	if ((rc = mc_run_load(c, "sequential POST /items", &cfg, &lr)) < 0)
		goto out;
	mc_note_load_errors(c, "write", &lr);
	if ((rc = mc_add(c, "write_latency", NULL, c->ws->scratch, lr.samples_len, -1)) < 0)
		goto out;
	uint64_t created = 0;
	long long ids[READ_BACK_MAX];
	for (size_t i = 0; i < b.n; i++) {
		json_t *id = json_object_get(b.doc[i], "id");
		ids[i] = b.status[i] == 201 && json_is_integer(id) ? (long long)json_integer_value(id) : -1;
		created += ids[i] > 0;
	}
	size_t posted = b.n;
	bodies_free(&b);
	/* lists */
	struct eb_load_request list = { .path = "/items?limit=10" };
	cfg = (struct eb_load_config){ .mix = &list, .n_mix = 1, .connections = 1, .requests = pl->warm_requests,
				       .keepalive = 1, .samples = c->ws->scratch, .samples_cap = EB_LOAD_SAMPLES_MAX };
	if ((rc = mc_run_load(c, "sequential GET /items?limit=10", &cfg, &lr)) < 0)
		goto out;
	mc_note_load_errors(c, "list", &lr);
	if ((rc = mc_add(c, "list_latency", NULL, c->ws->scratch, lr.samples_len, -1)) < 0)
		goto out;
	/* where the runtime instantiates the guest per request, what opening the database costs each time */
	if ((rc = open_per_request(c)) < 0)
		goto out;
	/* read back every item posted */
	uint64_t matched = 0, checked = 0;
	char first[200] = "";
	for (size_t i = 0; i < posted && rc == 0; i++) {
		if (ids[i] <= 0)
			continue;
		char path[48], why[120] = "";
		snprintf(path, sizeof(path), "/items/%lld", ids[i]);
		struct eb_load_request q = { .path = path };
		int status;
		json_t *stored = NULL, *sent = json_loadb(posts[i].body, posts[i].body_len, 0, NULL);
		if ((rc = one(c, &q, &status, &stored)) == 0) {
			checked++;
			if (status == 200 && sent && same_item(sent, stored, why, sizeof(why)))
				matched++;
			else if (!first[0])
				snprintf(first, sizeof(first), "item %lld: HTTP %d%s%s", ids[i], status, why[0] ? ", " : "", why);
		}
		json_decref(sent);
		json_decref(stored);
	}
	if (rc < 0 || (rc = mc_database_rows(c, &rows1)) < 0)
		goto out;
	json_object_set_new(vals, "rows_before_writes", json_integer(rows0));
	json_object_set_new(vals, "posted", json_integer((json_int_t)posted));
	json_object_set_new(vals, "created_201", json_integer((json_int_t)created));
	json_object_set_new(vals, "rows_after_writes", json_integer(rows1));
	json_object_set_new(vals, "read_back_checked", json_integer((json_int_t)checked));
	json_object_set_new(vals, "read_back_matched", json_integer((json_int_t)matched));
	json_object_set_new(mc_checks(c), "every_write_created", json_boolean(created == nw));
	json_object_set_new(mc_checks(c), "row_count_follows_writes", json_boolean(rows1 == rows0 + (long long)created));
	json_object_set_new(mc_checks(c), "read_back_matches", json_boolean(checked == created && matched == checked && checked > 0));
	if (first[0])
		mc_warn(c, "an item read back differs from what was posted: %s", first);
	if (rows1 != rows0 + (long long)created)
		mc_warn(c, "rows went from %lld to %lld after %llu 201s", rows0, rows1, (unsigned long long)created);
	rc = bad_input(c, vals);
out:
	bodies_free(&b);
	free(posts);
	free(buf);
	return rc;
}
