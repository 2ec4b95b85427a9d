/*
 * component: http-hello as a wasi:http@0.2.0 component (the `proxy` world),
 * for `wasmtime serve` and wasmCloud.  The host parses HTTP; this file only
 * maps the request to hh_route() -- the same routing the native server
 * uses -- and writes the response.  No libc stdio, so the component has no
 * WASI preview1 imports and needs no adapter (which would also add an
 * instance per request under `wasmtime serve`).
 *
 * The generated bindings (proxy.h/proxy.c) come from `wit-bindgen c` run on
 * the WIT of a pinned crates.io package at build time (see Makefile).
 */
#include <string.h>

#include "hh_core.h"
#include "proxy.h"

/* Lives as long as the component instance: whether /state counts across
 * requests depends on whether the host reuses instances. */
static void work(uint64_t us, int spin);
static struct hh_state state = { .work = work };

/* /work through wasi:clocks (the proxy world has it; no preview1). */
static void work(uint64_t us, int spin)
{
	wasi_clocks_monotonic_clock_instant_t end = wasi_clocks_monotonic_clock_now() + us * 1000ull;
	if (!spin) {
		wasi_io_poll_own_pollable_t p = wasi_clocks_monotonic_clock_subscribe_duration(us * 1000ull);
		wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(p));
		wasi_io_poll_pollable_drop_own(p);
	}
	while (wasi_clocks_monotonic_clock_now() < end)
		;
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
	char body[64];
	size_t body_len = 0;
	int status = hh_route(&state, method, method_len,
			      have_path ? (const char *)path.ptr : "/", have_path ? path.len : 1,
			      body, sizeof(body), &body_len);
	if (have_path)
		proxy_string_free(&path);
	if (m.tag == WASI_HTTP_TYPES_METHOD_OTHER)
		proxy_string_free(&m.val.other);
	wasi_http_types_incoming_request_drop_own(request);

	char length[21];
	hh_u64_to_dec(body_len, length);

	wasi_http_types_own_fields_t headers = wasi_http_types_constructor_fields();
	add_header(wasi_http_types_borrow_fields(headers), "content-type", "text/plain");
	add_header(wasi_http_types_borrow_fields(headers), "content-length", length);
	wasi_http_types_own_outgoing_response_t resp = wasi_http_types_constructor_outgoing_response(headers);
	wasi_http_types_borrow_outgoing_response_t rb = wasi_http_types_borrow_outgoing_response(resp);
	(void)wasi_http_types_method_outgoing_response_set_status_code(rb, (wasi_http_types_status_code_t)status);
	wasi_http_types_own_outgoing_body_t ob;
	if (!wasi_http_types_method_outgoing_response_body(rb, &ob)) {
		wasi_http_types_outgoing_response_drop_own(resp);
		return;   /* the host answers 500 when no response is set */
	}
	/* hand the response over first: the host then consumes the body as we write */
	wasi_http_types_result_own_outgoing_response_error_code_t result = { .is_err = false, .val.ok = resp };
	wasi_http_types_static_response_outparam_set(response_out, &result);

	wasi_http_types_own_output_stream_t os;
	if (wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(ob), &os)) {
		proxy_list_u8_t bytes = { (uint8_t *)body, body_len };
		wasi_io_streams_stream_error_t err;
		if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(
			    wasi_io_streams_borrow_output_stream(os), &bytes, &err) &&
		    err.tag == WASI_IO_STREAMS_STREAM_ERROR_LAST_OPERATION_FAILED)
			wasi_io_error_error_drop_own(err.val.last_operation_failed);
		wasi_io_streams_output_stream_drop_own(os);
	}
	wasi_http_types_error_code_t ferr;
	(void)wasi_http_types_static_outgoing_body_finish(ob, NULL, &ferr);
}
