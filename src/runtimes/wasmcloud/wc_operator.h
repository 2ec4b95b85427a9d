/*
 * wc_operator: edgebench as the operator of one wasmCloud 2.x host, which
 * is how `wasmcloud/host` is deployed per start.  In a cluster the
 * runtime-operator (Kubernetes) does this; here one process of ours does
 * it over NATS with nats.c:
 *
 *   nats-server (127.0.0.1, our port; 2.x needs no JetStream for this)
 *   -> `wash host` on it (--http-addr, --scheduler/--data-nats-url,
 *      --allow-insecure-registries, HOME and --oci-cache-dir in our scratch)
 *   -> its heartbeat on runtime.operator.heartbeat.<host id>
 *   -> a JSON WorkloadStartRequest on runtime.host.<id>.workload.start:
 *      the component pulled from our registry, bound to wasi:http
 *      incoming-handler with config.host = the address it is served on
 *      (the host routes requests by Host header, port stripped)
 *   -> the reply says WORKLOAD_STATE_RUNNING.
 *
 * Each stage is written to <work>/phases as "name ns" (CLOCK_MONOTONIC),
 * the format rt_wasmcloud reads for the lattice too.  Then it waits:
 * With control, commands on stdin start and stop more workloads (see
 * eb_wc_operator_args).  SIGUSR1 = a deploy cold start (workload.stop, wait until the host says
 * NOT_FOUND, empty the OCI cache, mark "undeployed", workload.start again,
 * mark "redeployed"); SIGTERM/SIGINT/SIGHUP = stop both processes and
 * remove the scratch directory; a process that dies = exit 1 naming it.
 * Its children share its process group, so edgebench stopping the group
 * (or SIGKILL on it) ends all three.
 *
 * The message functions are pure (unit-tested); eb_wc_operator_run is the
 * process.  JSON field names are the host's (protobuf JSON, camelCase),
 * checked against wash 2.10.3, which refuses unknown fields.
 */
#ifndef EB_WC_OPERATOR_H
#define EB_WC_OPERATOR_H

#include <stddef.h>
#include <stdint.h>

struct eb_wc_operator_args {
	const char *nats_server;   /* nats-server binary */
	uint16_t nats_port;
	const char *wash;          /* wash binary (2.x) */
	const char *http_addr;     /* the host's --http-addr address; also the workload's Host binding */
	uint16_t http_port;
	const char *image;         /* OCI reference of the component, e.g. 127.0.0.1:5001/edgebench/http-hello:run */
	const char *work;          /* scratch directory of this instance (created, removed at the end) */
	uint64_t stage_timeout_ns; /* per stage (0: 60 s) */
	int control;               /* also take commands on stdin, one a line, each answered on stdout:
				    * "start ID VHOST" -> a workload ID bound to Host VHOST, "stop ID" -> it is gone;
				    * answers "ok ID" or "err ID why" (a trace replay's functions on one host) */
};

/* The WorkloadStartRequest JSON (malloc'd, caller frees); NULL when out of memory. */
char *eb_wc_start_request(const char *workload_id, const char *image, const char *vhost);
/* {"workloadId": id} for workload.stop and workload.status. */
char *eb_wc_id_request(const char *workload_id);

/* The host id from a heartbeat: 0, or -EPROTO (not JSON, no "id"). */
int eb_wc_heartbeat_id(const char *json, char *id, size_t cap);

enum eb_wc_state {
	EB_WC_STARTING = 1, EB_WC_RUNNING, EB_WC_COMPLETED, EB_WC_STOPPING, EB_WC_ERROR, EB_WC_NOT_FOUND,
};

/*
 * A WorkloadStart/Status/Stop response: its workloadState into *state and
 * its message into msg.  0, or -EPROTO for a reply of another shape.
 */
int eb_wc_workload_status(const char *json, enum eb_wc_state *state, char *msg, size_t cap);

/* The operator process; returns its exit status (0 stopped by a signal, 1 failed) with a reason in err. */
int eb_wc_operator_run(const struct eb_wc_operator_args *a, char *err, size_t errcap);

#endif
