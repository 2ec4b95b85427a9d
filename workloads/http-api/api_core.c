/*
 * api_core: validation, SQL and serialisation for http-api; see api_core.h.
 */
#include "api_core.h"
#include "api_item.h"
#include "jt.h"
#include "sqlite3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 512

int api_open(struct api *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(a->err, sizeof(a->err), "cannot open %s: %s", path, a->db ? sqlite3_errmsg(a->db) : "out of memory");
		return -1;
	}
	/*
	 * Wait for a lock rather than fail: one native process never waits, but
	 * under wasm32-wasi SQLite locks with a dot-file (wasi-libc has no
	 * fcntl locks), so instances side by side (wasmtime serve's instance
	 * per request) take turns even to read.
	 */
	sqlite3_busy_timeout(a->db, API_BUSY_TIMEOUT_MS);
	char *msg = NULL;
	if (sqlite3_exec(a->db,
			 "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
			 "price REAL NOT NULL, tags TEXT NOT NULL, attributes TEXT NOT NULL)",
			 NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_prepare_v2(a->db, "INSERT INTO items (name, price, tags, attributes) VALUES (?, ?, ?, ?)", -1,
			       &a->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(a->db, "SELECT id, name, price, tags, attributes FROM items WHERE id = ?", -1, &a->get,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(a->db, "SELECT id, name, price, tags, attributes FROM items ORDER BY id DESC LIMIT ?", -1,
			       &a->list, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(a->db, "SELECT count(*) FROM items", -1, &a->count, NULL) != SQLITE_OK) {
		snprintf(a->err, sizeof(a->err), "%s: %s", path, msg ? msg : sqlite3_errmsg(a->db));
		sqlite3_free(msg);
		api_close(a);
		return -1;
	}
	return 0;
}

void api_close(struct api *a)
{
	sqlite3_finalize(a->ins);
	sqlite3_finalize(a->get);
	sqlite3_finalize(a->list);
	sqlite3_finalize(a->count);
	sqlite3_close(a->db);
	a->db = NULL;
	a->ins = a->get = a->list = a->count = NULL;
}

/* ---- validation ------------------------------------------------------ */

struct item {
	char name[256];
	size_t name_len;
	double price;
	const char *tags, *attrs;     /* validated JSON text in the request */
	size_t tags_len, attrs_len;
};

/* a one-line reason, and -1 */
#define bad(why, cap, ...) (snprintf(why, cap, __VA_ARGS__), -1)

static int validate(const char *in, size_t len, struct item *it, char *why, size_t cap)
{
	static struct jt_tok tok[MAX_TOKENS];
	const char *perr;
	size_t at;
	int n = jt_parse(in, len, tok, MAX_TOKENS, &perr, &at);
	if (n < 0) {
		snprintf(why, cap, "malformed JSON at byte %zu: %s", at, perr);
		return -1;
	}
	if (tok[0].type != JT_OBJECT)
		return bad(why, cap, "%s", "the item must be a JSON object");
	int seen[4] = { 0, 0, 0, 0 };
	unsigned k = 1;
	for (unsigned m = 0; m < tok[0].size; m++) {
		const struct jt_tok *key = &tok[k], *v = &tok[k + 1];
		int f = jt_eq(in, key, "name") ? 0 : jt_eq(in, key, "price") ? 1 : jt_eq(in, key, "tags") ? 2 :
			jt_eq(in, key, "attributes") ? 3 : -1;
		if (f < 0) {
			char name[80];
			if (jt_unescape(in, key, name, sizeof(name)) < 0)
				snprintf(name, sizeof(name), "(long)");
			return bad(why, cap, "unknown field '%s'", name);
		}
		if (seen[f]++)
			return bad(why, cap, "field '%s' given twice", f == 0 ? "name" : f == 1 ? "price" : f == 2 ? "tags" : "attributes");
		if (f == 0) {
			if (v->type != JT_STRING)
				return bad(why, cap, "field '%s' must be a string", "name");
			int l = jt_unescape(in, v, it->name, sizeof(it->name));
			if (l < 1 || l > 200 || memchr(it->name, 0, (size_t)l))
				return bad(why, cap, "field '%s' must be 1..200 bytes of text", "name");
			it->name_len = (size_t)l;
		} else if (f == 1) {
			char num[64];
			if (v->type != JT_NUMBER || v->end - v->start >= sizeof(num))
				return bad(why, cap, "field '%s' must be a number", "price");
			memcpy(num, in + v->start, v->end - v->start);
			num[v->end - v->start] = 0;
			it->price = strtod(num, NULL);
			if (!(it->price >= 0 && it->price <= 1e9))
				return bad(why, cap, "field '%s' must be between 0 and 1e9", "price");
		} else if (f == 2) {
			if (v->type != JT_ARRAY || v->size > 32)
				return bad(why, cap, "field '%s' must be an array of up to 32 strings", "tags");
			for (unsigned e = k + 2; e < v->next; e = tok[e].next) {
				char t[128];
				int l = tok[e].type == JT_STRING ? jt_unescape(in, &tok[e], t, sizeof(t)) : -1;
				if (l < 1 || l > 64)
					return bad(why, cap, "field '%s' must hold strings of 1..64 bytes", "tags");
			}
			it->tags = in + tok[k + 1].start;
			it->tags_len = v->end - v->start;
		} else {
			if (v->type != JT_OBJECT || v->size > 32)
				return bad(why, cap, "field '%s' must be an object of up to 32 members", "attributes");
			for (unsigned e = k + 2; e < v->next; e = tok[tok[e].next].next) {
				const struct jt_tok *ak = &tok[e], *av = &tok[tok[e].next];
				char t[2048];
				int l = jt_unescape(in, ak, t, sizeof(t));
				if (l < 1 || l > 64)
					return bad(why, cap, "field '%s' must have keys of 1..64 bytes", "attributes");
				if (av->type == JT_STRING ? jt_unescape(in, av, t, sizeof(t)) > 1024 || jt_unescape(in, av, t, sizeof(t)) < 0
							    : !(av->type == JT_NUMBER || av->type == JT_TRUE || av->type == JT_FALSE))
					return bad(why, cap, "field '%s' values must be strings up to 1024 bytes, numbers or booleans",
						   "attributes");
			}
			it->attrs = in + v->start;
			it->attrs_len = v->end - v->start;
		}
		k = v->next;
	}
	for (int f = 0; f < 4; f++)
		if (!seen[f])
			return bad(why, cap, "missing field '%s'", f == 0 ? "name" : f == 1 ? "price" : f == 2 ? "tags" : "attributes");
	if (it->name_len + it->tags_len + it->attrs_len + 128 > API_ITEM_MAX)
		return bad(why, cap, "%s", "the item is too large to store");
	return 0;
}

/* ---- output ---------------------------------------------------------- */

struct out {
	char *p;
	size_t cap, len;
	int full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || o->len + n >= o->cap) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = 0;
}

static void puts_(struct out *o, const char *s) { put(o, s, strlen(s)); }

/* The shortest decimal that reads back as v. */
static void put_number(struct out *o, double v)
{
	char t[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(t, sizeof(t), "%.*g", prec, v);
		if (strtod(t, NULL) == v)
			break;
	}
	puts_(o, t);
}

static void put_quoted(struct out *o, const char *s, size_t n)
{
	char q[256 * 6 + 3];
	int l = jt_quote(s, n, q, sizeof(q));
	if (l < 0)
		o->full = 1;
	else
		put(o, q, (size_t)l);
}

/* A row of (id, name, price, tags, attributes) as the item's JSON. */
static void put_row(struct out *o, struct sqlite3_stmt *st)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)sqlite3_column_int64(st, 0));
	puts_(o, "{\"id\":");
	puts_(o, id);
	puts_(o, ",\"name\":");
	put_quoted(o, (const char *)sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1));
	puts_(o, ",\"price\":");
	put_number(o, sqlite3_column_double(st, 2));
	puts_(o, ",\"tags\":");
	put(o, (const char *)sqlite3_column_text(st, 3), (size_t)sqlite3_column_bytes(st, 3));
	puts_(o, ",\"attributes\":");
	put(o, (const char *)sqlite3_column_text(st, 4), (size_t)sqlite3_column_bytes(st, 4));
	puts_(o, "}");
}

static int error(struct out *o, int status, const char *msg)
{
	o->len = 0;
	o->full = 0;
	puts_(o, "{\"error\":");
	put_quoted(o, msg, strlen(msg));
	puts_(o, "}");
	return status;
}

/* ---- routes ---------------------------------------------------------- */

static int insert(struct api *a, const struct item *it, long long *id)
{
	sqlite3_stmt *s = a->ins;
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, it->name, (int)it->name_len, SQLITE_STATIC);
	sqlite3_bind_double(s, 2, it->price);
	sqlite3_bind_text(s, 3, it->tags, (int)it->tags_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, it->attrs, (int)it->attrs_len, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(a->db);
	return 0;
}

/* "123" -> 123 (1..2^62); -1 otherwise. */
static long long parse_id(const char *s, size_t n)
{
	long long v = 0;
	if (n == 0 || n > 18 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int route_get(struct api *a, const char *path, size_t plen, const char *query, size_t qlen, struct out *o)
{
	if (plen == 1) {
		puts_(o, "{\"status\":\"ok\"}");
		return 200;
	}
	if (plen == 12 && !memcmp(path, "/items/count", 12)) {
		sqlite3_reset(a->count);
		if (sqlite3_step(a->count) != SQLITE_ROW)
			return error(o, 500, sqlite3_errmsg(a->db));
		char t[64];
		snprintf(t, sizeof(t), "{\"count\":%lld}", (long long)sqlite3_column_int64(a->count, 0));
		sqlite3_reset(a->count);
		puts_(o, t);
		return 200;
	}
	if (plen > 7 && !memcmp(path, "/items/", 7)) {
		long long id = parse_id(path + 7, plen - 7);
		if (id < 0)
			return error(o, 404, "no such item");
		sqlite3_reset(a->get);
		sqlite3_bind_int64(a->get, 1, id);
		int rc = sqlite3_step(a->get);
		if (rc == SQLITE_ROW)
			put_row(o, a->get);
		sqlite3_reset(a->get);
		if (rc == SQLITE_ROW)
			return o->full ? error(o, 500, "response too large") : 200;
		return rc == SQLITE_DONE ? error(o, 404, "no such item") : error(o, 500, sqlite3_errmsg(a->db));
	}
	if (plen == 6 && !memcmp(path, "/items", 6)) {
		long long k = -1;
		if (qlen > 6 && !memcmp(query, "limit=", 6))
			k = parse_id(query + 6, qlen - 6);
		if (k < 1 || k > (long long)API_LIST_MAX)
			return error(o, 400, "give ?limit=K with K from 1 to 20");
		sqlite3_reset(a->list);
		sqlite3_bind_int64(a->list, 1, k);
		puts_(o, "[");
		int rc, first = 1;
		while ((rc = sqlite3_step(a->list)) == SQLITE_ROW) {
			if (!first)
				puts_(o, ",");
			first = 0;
			put_row(o, a->list);
		}
		sqlite3_reset(a->list);
		puts_(o, "]");
		if (rc != SQLITE_DONE)
			return error(o, 500, sqlite3_errmsg(a->db));
		return o->full ? error(o, 500, "response too large") : 200;
	}
	return error(o, 404, "not found");
}

int api_route(void *ctx, const struct hh_request *rq, char *body, size_t cap, size_t *body_len,
	      const char **content_type)
{
	struct api *a = ctx;
	struct out o = { body, cap, 0, 0 };
	if (cap)
		body[0] = 0;
	*content_type = "application/json";
	size_t plen = 0;
	while (plen < rq->target_len && rq->target[plen] != '?' && rq->target[plen] != '#')
		plen++;
	const char *query = rq->target + plen + (plen < rq->target_len);
	size_t qlen = plen < rq->target_len ? rq->target_len - plen - 1 : 0;
	int is_get = rq->method_len == 3 && !memcmp(rq->method, "GET", 3);
	int is_post = rq->method_len == 4 && !memcmp(rq->method, "POST", 4);
	int status;
	if (rq->target[0] != '/')
		status = error(&o, 404, "not found");
	else if (is_get)
		status = route_get(a, rq->target, plen, query, qlen, &o);
	else if (plen == 6 && !memcmp(rq->target, "/items", 6) && !is_post)
		status = error(&o, 405, "use GET or POST on /items");
	else if (is_post && plen == 6 && !memcmp(rq->target, "/items", 6)) {
		struct item it;
		char why[160];
		long long id;
		if (validate(rq->body, rq->body_len, &it, why, sizeof(why)) < 0)
			status = error(&o, 400, why);
		else if (insert(a, &it, &id) < 0)
			status = error(&o, 500, sqlite3_errmsg(a->db));
		else {
			char t[48];
			snprintf(t, sizeof(t), "{\"id\":%lld}", id);
			puts_(&o, t);
			status = 201;
		}
	} else
		status = error(&o, is_post ? 404 : 405, is_post ? "not found" : "method not allowed");
	*body_len = o.len;
	return status;
}

int api_seed(struct api *a, unsigned n)
{
	static char buf[API_ITEM_ASCII_MAX + 64];
	if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (unsigned i = 1; i <= n; i++) {
		struct item it;
		char why[160];
		int len = api_item_json(i, buf, sizeof(buf));
		long long id;
		if (len < 0 || validate(buf, (size_t)len, &it, why, sizeof(why)) < 0) {
			snprintf(a->err, sizeof(a->err), "generated item %u does not validate: %s", i, len < 0 ? "too long" : why);
			sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (insert(a, &it, &id) < 0)
			goto fail;
	}
	if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(a->err, sizeof(a->err), "seeding: %s", sqlite3_errmsg(a->db));
	sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
