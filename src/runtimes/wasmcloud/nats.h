/*
 * nats: a small NATS client over its text protocol, enough to play the
 * operator of a wasmCloud 2.x host: CONNECT (headers, no_responders), SUB,
 * UNSUB, PUB with a reply inbox, PING/PONG both ways, -ERR, and MSG/HMSG
 * frames that arrive split across reads or several to a read.
 *
 * Two layers.  eb_nats_parse() is a pure parser over caller bytes in
 * picohttpparser's convention (bytes consumed, 0 incomplete, negative errno
 * malformed) and allocates nothing: the frame points into the caller's
 * buffer.  struct eb_nats is a blocking client on one socket with absolute
 * CLOCK_MONOTONIC deadlines; it never prints.
 *
 * Wire format (docs.nats.io, "Client Protocol"): every control line ends in
 * CRLF; MSG <subject> <sid> [reply] <#bytes>CRLF<payload>CRLF;
 * HMSG <subject> <sid> [reply] <#header bytes> <#total bytes>CRLF
 * <headers, starting "NATS/1.0[ status[ text]]"CRLF...CRLF><payload>CRLF.
 */
#ifndef EB_NATS_H
#define EB_NATS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EB_NATS_MAX_LINE 4096            /* longest control line we accept (INFO is ~300 bytes) */
#define EB_NATS_MAX_PAYLOAD (8u << 20)   /* refuse frames announcing more (the server's default max is 1 MiB) */

enum eb_nats_kind {
	EB_NATS_INFO = 1,
	EB_NATS_MSG,       /* MSG and HMSG */
	EB_NATS_PING,
	EB_NATS_PONG,
	EB_NATS_OK,
	EB_NATS_ERR,
};

struct eb_nats_frame {
	enum eb_nats_kind kind;
	const char *subject;   /* MSG: not NUL-terminated */
	size_t subject_len;
	const char *reply;     /* MSG: NULL when none */
	size_t reply_len;
	uint64_t sid;
	const char *headers;   /* HMSG: the header block including "NATS/1.0..." and the blank line */
	size_t headers_len;
	int status;            /* HMSG: the status on the NATS/1.0 line (503: no responders), 0 when none */
	const char *payload;   /* MSG: the body; INFO: its JSON; -ERR: the quoted text */
	size_t payload_len;
};

/*
 * Parse one frame from buf[0..len).  Returns the bytes it takes (> 0), 0 when
 * more bytes are needed, -EPROTO for a malformed frame, -EMSGSIZE for a line
 * or payload over the limits above.
 */
ssize_t eb_nats_parse(const char *buf, size_t len, struct eb_nats_frame *f);

/* A received message, owned by the caller (eb_nats_msg_free). */
struct eb_nats_msg {
	char subject[256];
	uint64_t sid;
	int status;            /* from HMSG headers, 0 for MSG */
	char *data;            /* NUL-terminated copy of the payload */
	size_t len;
};

void eb_nats_msg_free(struct eb_nats_msg *m);

struct eb_nats {
	int fd;
	char *buf;             /* unparsed input */
	size_t len, cap;
	uint64_t next_sid;
	uint64_t dropped;      /* messages for a subscription nobody waited on */
	char inbox[64];        /* _INBOX.<random> prefix of this connection */
	char err[256];         /* why the last call failed, one line */
};

/*
 * Connect to ip:port (network byte order), read INFO, send CONNECT and a
 * PING and wait for the PONG (or -ERR) before deadline_ns.  0, or a
 * negative errno with the reason in n->err (-ECONNREFUSED: nothing listens).
 */
__attribute__((warn_unused_result))
int eb_nats_connect(struct eb_nats *n, uint32_t ip_be, uint16_t port, uint64_t deadline_ns);

/* SUB subject with a new sid (into *sid). */
__attribute__((warn_unused_result))
int eb_nats_sub(struct eb_nats *n, const char *subject, uint64_t *sid);
__attribute__((warn_unused_result))
int eb_nats_unsub(struct eb_nats *n, uint64_t sid);
/* PUB subject [reply] with data. */
__attribute__((warn_unused_result))
int eb_nats_pub(struct eb_nats *n, const char *subject, const char *reply, const void *data, size_t len);

/*
 * The next message for sid before deadline_ns, answering the server's PINGs
 * meanwhile; messages for other sids are counted in n->dropped.  0, -ETIMEDOUT,
 * -EPIPE (connection closed), -EPROTO (-ERR from the server, text in n->err).
 */
__attribute__((warn_unused_result))
int eb_nats_next(struct eb_nats *n, uint64_t sid, uint64_t deadline_ns, struct eb_nats_msg *out);

/*
 * Request/reply: subscribe a fresh inbox, publish with it as the reply
 * subject, wait for one answer.  -EHOSTUNREACH when the server says no one
 * subscribes (503 no responders), -ETIMEDOUT when no answer came.
 */
__attribute__((warn_unused_result))
int eb_nats_request(struct eb_nats *n, const char *subject, const void *data, size_t len,
		    uint64_t deadline_ns, struct eb_nats_msg *reply);

/*
 * Handle whatever input is already there without waiting (PING -> PONG,
 * messages dropped): for a caller that polls n->fd with other descriptors.
 * 0, -EPIPE or -EPROTO.
 */
__attribute__((warn_unused_result))
int eb_nats_service(struct eb_nats *n);

void eb_nats_close(struct eb_nats *n);

#endif
