/*
 * netpath: the network path between the harness (prober, load generator)
 * and the servers, and the firewall on it.
 *
 *   loopback  client and server on 127.0.0.1 in the root namespace (the
 *             default; the study's only path).
 *   veth      the client sockets live in a network namespace of ours
 *             (edgebench-<pid>-client), joined to the root namespace by a
 *             veth pair addressed from 198.18.0.0/15 (RFC 2544's
 *             benchmarking range): one /30 per run, the server's end in the
 *             root namespace, where the servers bind it.
 *   firewall  an nftables table of ours (inet edgebench_<pid>) whose input
 *             chain sends only packets from our veth through a realistic
 *             rule list (established/related accepted first, then N rules
 *             that do not match, then the benchmark ports, then drop).  It
 *             is added and removed around the trials that want it, so the
 *             other trials run on a host without it (and without the
 *             connection tracking it switches on).
 *
 * Sockets the harness opens as a client go through eb_netpath_socket(),
 * which makes them in the client namespace while a veth cell is measured
 * (setns there and back: a socket stays in the namespace it was made in).
 * Nothing else on the host is touched; eb_netpath_down() and
 * eb_netpath_cleanup_stale() remove what a run (or a crashed one) made.
 */
#ifndef EB_NETPATH_H
#define EB_NETPATH_H

#include <stddef.h>
#include <stdint.h>

struct eb_netpath {
	int up;                     /* namespace and veth exist */
	int ns_fd, root_fd;         /* the client's and our own network namespace */
	char ns_name[64];           /* edgebench-<pid>-client */
	char host_if[16], client_if[16];
	uint32_t server_ip_be, client_ip_be;
	char server_ip[16];         /* dotted, for the servers' --addr */
	int fw_on;                  /* the table is in place */
	char table[32];             /* edgebench_<pid> */
	unsigned fw_rules;          /* rules before the port accept */
	uint16_t ports[256];        /* the benchmark ports the firewall accepts */
	size_t n_ports;
};

/*
 * Create the client namespace and the veth pair (root: ip from iproute2).
 * 0, or a negative errno with a one-line reason in err; on failure nothing
 * is left.
 */
__attribute__((warn_unused_result))
int eb_netpath_up(struct eb_netpath *np, unsigned fw_rules, char *err, size_t errcap);

/* Accept this port through the firewall (before eb_netpath_firewall(on)). */
void eb_netpath_allow_port(struct eb_netpath *np, uint16_t port);

/* Put our table in place (on) or remove it (off); idempotent.  0 or -errno, reason in err. */
__attribute__((warn_unused_result))
int eb_netpath_firewall(struct eb_netpath *np, int on, char *err, size_t errcap);

/* The namespace client sockets are made in from now on: np's (veth) or NULL (ours). */
void eb_netpath_use(const struct eb_netpath *np);

/* socket(2) in the namespace chosen by eb_netpath_use(); -1 with errno on failure. */
int eb_netpath_socket(int domain, int type, int protocol);

/*
 * For a stretch of socket work that starts no process (a load run): put
 * the calling thread in that namespace once, so eb_netpath_socket() makes
 * sockets there without a switch each (no setns inside a timed request).
 * eb_netpath_leave() returns to ours; both do nothing when not needed.
 */
__attribute__((warn_unused_result))
int eb_netpath_enter(void);
void eb_netpath_leave(void);

/* Packets received and sent by the servers' end of the pair so far; 0 or -errno. */
int eb_netpath_counters(const struct eb_netpath *np, uint64_t *rx_packets, uint64_t *tx_packets);

/* Remove the table, the veth pair and the namespace (every path, also after Ctrl-C). */
void eb_netpath_down(struct eb_netpath *np);

/* Remove namespaces, links and tables of ours whose run is gone (a crash, SIGKILL). */
void eb_netpath_cleanup_stale(void);

/* The ruleset text for np (for the firewall and its unit test); 0 or -ENOSPC. */
int eb_netpath_ruleset(const struct eb_netpath *np, char *out, size_t cap);

#endif
