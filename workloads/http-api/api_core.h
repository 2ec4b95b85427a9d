/*
 * api_core: http-api's request handling, one C core for every build
 * (native epoll server, WASI builds, a wasi:http component): JSON in and
 * out (jt.h), an embedded SQLite database.
 *
 *   GET  /               200 {"status":"ok"}
 *   GET  /items/count    200 {"count":N}
 *   GET  /items/N        200 the item as stored | 404 {"error":...}
 *   GET  /items?limit=K  200 the last K items (newest first), K 1..API_LIST_MAX
 *   POST /items          a JSON item: validated, inserted, 201 {"id":N};
 *                        malformed JSON or a wrong field -> 400 {"error":...}
 *                        (nothing written); a body over API_MAX_BODY -> 413
 *
 * An item: {"name": string 1..200 bytes, "price": number 0..1e9,
 * "tags": [up to 32 strings 1..64], "attributes": {up to 32 members:
 * key 1..64 -> string up to 1024 | number | true | false}}; no other field.
 */
#ifndef EB_API_CORE_H
#define EB_API_CORE_H

#include <stddef.h>

#include "hh_core.h"

#define API_MAX_BODY (64u * 1024u)
#define API_LIST_MAX 20u
#define API_BUSY_TIMEOUT_MS 5000
#define API_ITEM_MAX (16u * 1024u)                       /* a stored item, serialised */
#define API_MAX_RESPONSE (API_LIST_MAX * API_ITEM_MAX + 256u)

struct sqlite3;
struct sqlite3_stmt;

struct api {
	struct sqlite3 *db;
	struct sqlite3_stmt *ins, *get, *list, *count;
	char err[200];
};

/* Open (creating the table if missing) the database at path; 0, or -1 with a reason in a->err. */
int api_open(struct api *a, const char *path);
void api_close(struct api *a);

/* Insert items 1..n of the generated data set (api_item.h) in one transaction; 0 or -1. */
int api_seed(struct api *a, unsigned n);

/* The router for hh_serve (ctx: struct api *). */
int api_route(void *ctx, const struct hh_request *rq, char *body, size_t cap, size_t *body_len,
	      const char **content_type);

#endif
