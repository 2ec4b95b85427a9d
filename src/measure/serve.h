/*
 * serve: one server instance kept up for any tool to measure (edgebench
 * serve), started the way a cell starts its instances (measure/instance.h).
 */
#ifndef EB_SERVE_H
#define EB_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

/*
 * Start one server instance on 127.0.0.1:port and keep it up until
 * SIGINT/SIGTERM, so any tool can be pointed at any runtime.  on_ready is
 * called once it answers 200.  Returns 0 after an interrupt, or a negative
 * errno with a one-line reason in err.
 */
__attribute__((warn_unused_result))
int eb_serve(const struct eb_plan *plan, const struct eb_runtime *rt, const char *mode,
	     const struct eb_workload *w, uint16_t port,
	     void (*on_ready)(void *arg, uint64_t ready_ns, const char *command), void *arg,
	     char *err, size_t errcap);

#endif
