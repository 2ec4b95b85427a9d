/*
 * component: http-api as a wasi:http@0.2.0 component (the `proxy` world)
 * for `wasmtime serve`.  The host parses HTTP; this file reads the request
 * body (up to API_MAX_BODY, more: 413), hands method, path and body to
 * api_route() -- the same core every other build runs -- and writes the
 * response.  SQLite reaches its file through WASI preview1 (wasi-libc),
 * which the reactor adapter maps onto wasi:filesystem: the host must
 * preopen the instance's directory as /data (`wasmtime serve --dir
 * DIR::/data -S cli`).  The database is opened on an instance's first
 * request and stays open for as long as the instance lives: under `serve`'s
 * default every request gets a fresh instance, so every request opens it.
 * A response to a request that opened it says how long that took
 * (x-edgebench-db-open-ns, the guest's own CLOCK_MONOTONIC around
 * api_open), so the cost of the open per request is a figure of its own.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_core.h"
#include "proxy.h"

#define DB_PATH "/data/items.db"

static struct api api;
static int opened;
static char body_in[API_MAX_BODY + 1];
static char body_out[API_MAX_RESPONSE];

/* api_open, timed: its nanoseconds, or -1 when it failed (reason in api.err). */
static long long timed_open(void)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (api_open(&api, DB_PATH) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
}

static const char *const method_names[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
};

static void add_header(wasi_http_types_borrow_fields_t h, const char *name, const char *value)
{
	wasi_http_types_field_key_t key;
	wasi_http_types_field_value_t val = { (uint8_t *)value, strlen(value) };
	wasi_http_types_header_error_t err;
	proxy_string_set(&key, name);
	(void)wasi_http_types_method_fields_append(h, &key, &val, &err);
}

/* The request body into body_in; its length, or (size_t)-1 when over API_MAX_BODY. */
static size_t read_body(wasi_http_types_borrow_incoming_request_t req)
{
	wasi_http_types_own_incoming_body_t ib;
	size_t len = 0;
	if (!wasi_http_types_method_incoming_request_consume(req, &ib))
		return 0;
	wasi_http_types_own_input_stream_t is;
	if (wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(ib), &is)) {
		for (;;) {
			proxy_list_u8_t chunk;
			wasi_io_streams_stream_error_t err;
			if (!wasi_io_streams_method_input_stream_blocking_read(wasi_io_streams_borrow_input_stream(is), 65536, &chunk,
									     &err)) {
				if (err.tag == WASI_IO_STREAMS_STREAM_ERROR_LAST_OPERATION_FAILED)
					wasi_io_error_error_drop_own(err.val.last_operation_failed);
				break;   /* closed: the whole body is in */
			}
			if (len != (size_t)-1 && len + chunk.len <= API_MAX_BODY) {
				memcpy(body_in + len, chunk.ptr, chunk.len);
				len += chunk.len;
			} else {
				len = (size_t)-1;
			}
			proxy_list_u8_free(&chunk);
		}
		wasi_io_streams_input_stream_drop_own(is);
	}
	wasi_http_types_future_trailers_drop_own(wasi_http_types_static_incoming_body_finish(ib));
	return len;
}

static void respond(exports_wasi_http_incoming_handler_own_response_outparam_t response_out, int status,
		    const char *ctype, const char *body, size_t body_len, long long open_ns)
{
	char length[21], open[21];
	hh_u64_to_dec(body_len, length);
	wasi_http_types_own_fields_t headers = wasi_http_types_constructor_fields();
	add_header(wasi_http_types_borrow_fields(headers), "content-type", ctype);
	add_header(wasi_http_types_borrow_fields(headers), "content-length", length);
	if (open_ns >= 0) {
		hh_u64_to_dec((uint64_t)open_ns, open);
		add_header(wasi_http_types_borrow_fields(headers), "x-edgebench-db-open-ns", open);
	}
	wasi_http_types_own_outgoing_response_t resp = wasi_http_types_constructor_outgoing_response(headers);
	wasi_http_types_borrow_outgoing_response_t rb = wasi_http_types_borrow_outgoing_response(resp);
	(void)wasi_http_types_method_outgoing_response_set_status_code(rb, (wasi_http_types_status_code_t)status);
	wasi_http_types_own_outgoing_body_t ob;
	if (!wasi_http_types_method_outgoing_response_body(rb, &ob)) {
		wasi_http_types_outgoing_response_drop_own(resp);
		return;
	}
	wasi_http_types_result_own_outgoing_response_error_code_t result = { .is_err = false, .val.ok = resp };
	wasi_http_types_static_response_outparam_set(response_out, &result);
	wasi_http_types_own_output_stream_t os;
	if (wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(ob), &os)) {
		/* in chunks the host buffers (its default: 1 MiB per write) */
		for (size_t off = 0; off < body_len;) {
			size_t n = body_len - off > 4096 ? 4096 : body_len - off;
			proxy_list_u8_t bytes = { (uint8_t *)body + off, n };
			wasi_io_streams_stream_error_t err;
			if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(
				    wasi_io_streams_borrow_output_stream(os), &bytes, &err)) {
				if (err.tag == WASI_IO_STREAMS_STREAM_ERROR_LAST_OPERATION_FAILED)
					wasi_io_error_error_drop_own(err.val.last_operation_failed);
				break;
			}
			off += n;
		}
		wasi_io_streams_output_stream_drop_own(os);
	}
	wasi_http_types_error_code_t ferr;
	(void)wasi_http_types_static_outgoing_body_finish(ob, NULL, &ferr);
}

void exports_wasi_http_incoming_handler_handle(exports_wasi_http_incoming_handler_own_incoming_request_t request,
					       exports_wasi_http_incoming_handler_own_response_outparam_t response_out)
{
	wasi_http_types_borrow_incoming_request_t req = wasi_http_types_borrow_incoming_request(request);
	wasi_http_types_method_t m;
	proxy_string_t path;
	wasi_http_types_method_incoming_request_method(req, &m);
	int have_path = wasi_http_types_method_incoming_request_path_with_query(req, &path);
	const char *method = "OTHER";
	size_t method_len = 5;
	if (m.tag == WASI_HTTP_TYPES_METHOD_OTHER) {
		method = (const char *)m.val.other.ptr;
		method_len = m.val.other.len;
	} else if (m.tag < sizeof(method_names) / sizeof(method_names[0])) {
		method = method_names[m.tag];
		method_len = strlen(method);
	}
	size_t blen = read_body(req);
	long long open_ns = -1;
	int status;
	size_t out_len = 0;
	const char *ctype = "application/json";
	if (blen == (size_t)-1) {
		status = 413;
		ctype = "text/plain";
		memcpy(body_out, "Content Too Large", 17);
		out_len = 17;
	} else if (!opened && (open_ns = timed_open()) < 0) {
		status = 500;
		ctype = "text/plain";
		out_len = strlen(api.err);
		memcpy(body_out, api.err, out_len);
	} else {
		opened = 1;
		struct hh_request rq = { method, method_len, have_path ? (const char *)path.ptr : "/", have_path ? path.len : 1,
					 body_in, blen };
		status = api_route(&api, &rq, body_out, sizeof(body_out), &out_len, &ctype);
	}
	if (have_path)
		proxy_string_free(&path);
	if (m.tag == WASI_HTTP_TYPES_METHOD_OTHER)
		proxy_string_free(&m.val.other);
	wasi_http_types_incoming_request_drop_own(request);
	respond(response_out, status, ctype, body_out, out_len, open_ns);
}
