/*
 * probe: "is the server up yet?", asked from inside the harness.
 *
 * A non-blocking connect to the loopback port and a GET, retried with a
 * sub-millisecond spacing until a response with status 200 arrives, the
 * server process exits, the deadline passes, or the run is interrupted.
 * This replaces the study's `curl` every 10 ms, whose process start alone
 * cost more than the thing being measured.
 */
#ifndef EB_PROBE_H
#define EB_PROBE_H

#include <stdint.h>

#include "sys/proc.h"

struct eb_probe_result {
	uint64_t ready_ns;      /* CLOCK_MONOTONIC when the 200 was complete */
	unsigned attempts;      /* connections tried */
	int last_error;         /* last errno seen (ECONNREFUSED while starting) */
	int last_status;        /* last HTTP status seen, 0 if none */
};

/*
 * Probe http://ip:port/path until it answers 200.  proc, when not NULL, is
 * the server: its exit ends probing with -ECHILD.  Returns 0, -ETIMEDOUT,
 * -ECHILD, -EINTR or another negative errno.
 */
__attribute__((warn_unused_result))
int eb_probe_until_ok(uint32_t ip_be, uint16_t port, const char *path,
		      struct eb_proc *proc, uint64_t deadline_ns, uint64_t spacing_ns,
		      struct eb_probe_result *out);

/*
 * One attempt: connect, GET path, read the response, by deadline_ns.
 * Returns 0 on a complete 200, -EAGAIN on another status (in *status),
 * -ECHILD when proc exited, or another negative errno (-ECONNREFUSED while
 * the server is not listening yet).  For probing many servers in turn.
 */
__attribute__((warn_unused_result))
int eb_probe_once(uint32_t ip_be, uint16_t port, const char *path, struct eb_proc *proc,
		  uint64_t deadline_ns, int *status);

/* Is something already listening on ip:port?  1 yes, 0 no, <0 error. */
int eb_port_in_use(uint32_t ip_be, uint16_t port);

/* Ask the kernel for a free loopback port; returns it or a negative errno. */
int eb_free_port(void);

#endif
