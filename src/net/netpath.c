/*
 * netpath: a client namespace, a veth pair and a firewall of ours (see
 * netpath.h).  Set-up and tear-down go through iproute2's `ip` and `nft`,
 * outside every measurement; only eb_netpath_socket() runs inside one.
 */
#include "net/netpath.h"
#include "sys/proc.h"
#include "sys/fsutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define TOOL_TIMEOUT_NS 20000000000ull

static const struct eb_netpath *current;   /* NULL: sockets in our own namespace */
static int inside;                         /* this thread is in current's namespace (eb_netpath_enter) */

static int tool(char *err, size_t errcap, const char *what, char *const argv[])
{
	char e[512] = "";
	int rc = eb_run_tool(argv, NULL, 0, e, sizeof(e), TOOL_TIMEOUT_NS);
	if (rc == 0)
		return 0;
	if (err && errcap)
		snprintf(err, errcap, "%s: %s", what,
			 rc == -ENOENT ? "not installed (apt-get install iproute2 nftables)" :
			 rc < 0 ? strerror(-rc) : e[0] ? e : "failed");
	return rc < 0 ? rc : -EIO;
}

int eb_netpath_ruleset(const struct eb_netpath *np, char *out, size_t cap)
{
	size_t len = 0;
#define PUT(...)                                                           \
	do {                                                               \
		int k_ = snprintf(out + len, cap - len, __VA_ARGS__);      \
		if (k_ < 0 || (size_t)k_ >= cap - len)                     \
			return -ENOSPC;                                    \
		len += (size_t)k_;                                         \
	} while (0)
	PUT("table inet %s {\n", np->table);
	PUT("\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n");
	PUT("\t\tiifname \"%s\" jump veth_in\n\t}\n", np->host_if);
	PUT("\tchain veth_in {\n\t\tct state established,related accept\n\t\tct state invalid drop\n");
	/* rules a real host has and our traffic does not match: other
	 * services from other sources (198.19/16: the benchmarking range's
	 * other half, never our client) */
	for (unsigned i = 0; i < np->fw_rules; i++)
		PUT("\t\tip saddr 198.19.%u.%u tcp dport %u accept\n", (i / 250) % 256, i % 250 + 1, 1000 + i % 60000);
	if (np->n_ports) {
		PUT("\t\ttcp dport { ");
		for (size_t i = 0; i < np->n_ports; i++)
			PUT("%s%u", i ? ", " : "", (unsigned)np->ports[i]);
		PUT(" } accept\n");
	}
	PUT("\t\tcounter drop\n\t}\n}\n");
#undef PUT
	return 0;
}

int eb_netpath_up(struct eb_netpath *np, unsigned fw_rules, char *err, size_t errcap)
{
	memset(np, 0, sizeof(*np));
	np->ns_fd = np->root_fd = -1;
	np->fw_rules = fw_rules;
	int pid = (int)getpid();
	snprintf(np->ns_name, sizeof(np->ns_name), "edgebench-%d-client", pid);
	snprintf(np->host_if, sizeof(np->host_if), "ebh%d", pid);
	snprintf(np->client_if, sizeof(np->client_if), "ebc%d", pid);
	snprintf(np->table, sizeof(np->table), "edgebench_%d", pid);
	/* a /30 of 198.18.0.0/16 per run: .1 the servers, .2 the client */
	uint32_t base = (198u << 24) | (18u << 16) | ((uint32_t)(pid % 16384) << 2);
	np->server_ip_be = htonl(base + 1);
	np->client_ip_be = htonl(base + 2);
	struct in_addr a = { .s_addr = np->server_ip_be };
	inet_ntop(AF_INET, &a, np->server_ip, sizeof(np->server_ip));
	char client_ip[16], srv_cidr[24], cli_cidr[24];
	a.s_addr = np->client_ip_be;
	inet_ntop(AF_INET, &a, client_ip, sizeof(client_ip));
	snprintf(srv_cidr, sizeof(srv_cidr), "%s/30", np->server_ip);
	snprintf(cli_cidr, sizeof(cli_cidr), "%s/30", client_ip);

	np->root_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (np->root_fd < 0) {
		snprintf(err, errcap, "cannot open our network namespace: %s", strerror(errno));
		return -errno;
	}
	int rc;
	char *add_ns[] = { "ip", "netns", "add", np->ns_name, NULL };
	if ((rc = tool(err, errcap, "ip netns add", add_ns)) < 0)
		goto fail;
	np->up = 1;
	char *add_link[] = { "ip", "link", "add", np->host_if, "type", "veth", "peer", "name", np->client_if,
			     "netns", np->ns_name, NULL };
	char *v6_host[] = { "ip", "link", "set", np->host_if, "addrgenmode", "none", NULL };
	char *v6_cli[] = { "ip", "-n", np->ns_name, "link", "set", np->client_if, "addrgenmode", "none", NULL };
	char *addr_host[] = { "ip", "addr", "add", srv_cidr, "dev", np->host_if, NULL };
	char *up_host[] = { "ip", "link", "set", np->host_if, "up", NULL };
	char *addr_cli[] = { "ip", "-n", np->ns_name, "addr", "add", cli_cidr, "dev", np->client_if, NULL };
	char *up_cli[] = { "ip", "-n", np->ns_name, "link", "set", np->client_if, "up", NULL };
	char *up_lo[] = { "ip", "-n", np->ns_name, "link", "set", "lo", "up", NULL };
	/* no IPv6 link-local addresses: the pair carries only our IPv4 */
	if ((rc = tool(err, errcap, "ip link add (veth)", add_link)) < 0 ||
	    (rc = tool(err, errcap, "ip link set addrgenmode", v6_host)) < 0 ||
	    (rc = tool(err, errcap, "ip link set addrgenmode", v6_cli)) < 0 ||
	    (rc = tool(err, errcap, "ip addr add", addr_host)) < 0 ||
	    (rc = tool(err, errcap, "ip link set up", up_host)) < 0 ||
	    (rc = tool(err, errcap, "ip addr add (client)", addr_cli)) < 0 ||
	    (rc = tool(err, errcap, "ip link set up (client)", up_cli)) < 0 ||
	    (rc = tool(err, errcap, "ip link set lo up (client)", up_lo)) < 0)
		goto fail;
	char path[128];
	snprintf(path, sizeof(path), "/run/netns/%s", np->ns_name);
	np->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (np->ns_fd < 0) {
		rc = -errno;
		snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	eb_netpath_down(np);
	return rc;
}

void eb_netpath_allow_port(struct eb_netpath *np, uint16_t port)
{
	for (size_t i = 0; i < np->n_ports; i++)
		if (np->ports[i] == port)
			return;
	if (np->n_ports < sizeof(np->ports) / sizeof(np->ports[0]))
		np->ports[np->n_ports++] = port;
}

int eb_netpath_firewall(struct eb_netpath *np, int on, char *err, size_t errcap)
{
	if (!np->up || !on == !np->fw_on)
		return 0;
	if (!on) {
		char *del[] = { "nft", "delete", "table", "inet", np->table, NULL };
		np->fw_on = 0;
		return tool(err, errcap, "nft delete table", del);
	}
	size_t cap = 4096 + (size_t)np->fw_rules * 80 + np->n_ports * 8;
	char *rules = malloc(cap);
	if (!rules)
		return -ENOMEM;
	int rc = eb_netpath_ruleset(np, rules, cap);
	int fd = rc == 0 ? memfd_create("edgebench-nft", 0) : -1;   /* nft reads it as /dev/fd/N */
	if (rc == 0 && fd < 0)
		rc = -errno;
	if (rc == 0) {
		size_t n = strlen(rules), off = 0;
		while (off < n) {
			ssize_t w = write(fd, rules + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rc = -errno;
				break;
			}
			off += (size_t)w;
		}
	}
	if (rc == 0) {
		char file[32];
		snprintf(file, sizeof(file), "/dev/fd/%d", fd);
		char *load[] = { "nft", "-f", file, NULL };
		rc = tool(err, errcap, "nft -f (our table)", load);
		np->fw_on = rc == 0;
	} else {
		snprintf(err, errcap, "cannot write our nftables ruleset: %s", strerror(-rc));
	}
	if (fd >= 0)
		close(fd);
	free(rules);
	return rc;
}

void eb_netpath_use(const struct eb_netpath *np)
{
	current = np && np->up && np->ns_fd >= 0 ? np : NULL;
}

int eb_netpath_socket(int domain, int type, int protocol)
{
	if (!current || inside)
		return socket(domain, type, protocol);
	if (setns(current->ns_fd, CLONE_NEWNET) < 0)
		return -1;
	int fd = socket(domain, type, protocol);
	int saved = errno;
	if (setns(current->root_fd, CLONE_NEWNET) < 0) {
		/* cannot get back: nothing after this may run in the wrong namespace */
		abort();
	}
	errno = saved;
	return fd;
}

static int read_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	unsigned long long x;
	int ok = fscanf(f, "%llu", &x) == 1;
	fclose(f);
	*v = x;
	return ok ? 0 : -EINVAL;
}

int eb_netpath_counters(const struct eb_netpath *np, uint64_t *rx_packets, uint64_t *tx_packets)
{
	char p[128];
	int rc;
	if (!np->up)
		return -ENODEV;
	snprintf(p, sizeof(p), "/sys/class/net/%s/statistics/rx_packets", np->host_if);
	if ((rc = read_u64(p, rx_packets)) < 0)
		return rc;
	snprintf(p, sizeof(p), "/sys/class/net/%s/statistics/tx_packets", np->host_if);
	return read_u64(p, tx_packets);
}

int eb_netpath_enter(void)
{
	if (!current || inside)
		return 0;
	if (setns(current->ns_fd, CLONE_NEWNET) < 0)
		return -errno;
	inside = 1;
	return 0;
}

void eb_netpath_leave(void)
{
	if (!inside)
		return;
	if (setns(current->root_fd, CLONE_NEWNET) < 0)
		abort();   /* nothing after this may run in the wrong namespace */
	inside = 0;
}

void eb_netpath_down(struct eb_netpath *np)
{
	if (current == np) {
		eb_netpath_leave();
		current = NULL;
	}
	if (np->fw_on) {
		char *del[] = { "nft", "delete", "table", "inet", np->table, NULL };
		(void)tool(NULL, 0, "nft", del);
		np->fw_on = 0;
	}
	if (np->ns_fd >= 0)
		close(np->ns_fd);
	np->ns_fd = -1;
	if (np->up) {
		/* the namespace takes its end of the pair, and the pair goes with it */
		char *del_ns[] = { "ip", "netns", "del", np->ns_name, NULL };
		char *del_link[] = { "ip", "link", "del", np->host_if, NULL };
		char p[64];
		(void)tool(NULL, 0, "ip", del_ns);
		snprintf(p, sizeof(p), "/sys/class/net/%s", np->host_if);
		if (access(p, F_OK) == 0)   /* only if the namespace did not take it along */
			(void)tool(NULL, 0, "ip", del_link);
		np->up = 0;
	}
	if (np->root_fd >= 0)
		close(np->root_fd);
	np->root_fd = -1;
}

/* The pid in "<prefix><pid><suffix>", or -1. */
static int pid_of(const char *name, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), nl = strlen(name), sl = strlen(suffix);
	if (nl <= pl + sl || strncmp(name, prefix, pl) != 0 || strcmp(name + nl - sl, suffix) != 0)
		return -1;
	int pid = 0;
	for (size_t i = pl; i < nl - sl; i++) {
		if (name[i] < '0' || name[i] > '9' || pid > 10000000)
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

static int gone(int pid)
{
	return pid > 0 && !eb_run_alive(pid);
}

/* `ip OBJ del NAME` for every entry of dir named prefix<pid>suffix whose run is gone. */
static void remove_stale(const char *dir, const char *prefix, const char *suffix, char *obj)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!gone(pid_of(e->d_name, prefix, suffix)))
			continue;
		char name[300];
		snprintf(name, sizeof(name), "%s", e->d_name);
		char *del[] = { "ip", obj, "del", name, NULL };
		(void)tool(NULL, 0, "ip", del);
	}
	if (d)
		closedir(d);
}

void eb_netpath_cleanup_stale(void)
{
	remove_stale("/run/netns", "edgebench-", "-client", "netns");
	remove_stale("/sys/class/net", "ebh", "", "link");
	char out[8192] = "";
	char *list[] = { "nft", "list", "tables", NULL };
	if (eb_run_tool(list, out, sizeof(out), NULL, 0, TOOL_TIMEOUT_NS) != 0)
		return;
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char table[64];
		if (sscanf(line, "table inet %63s", table) != 1 || !gone(pid_of(table, "edgebench_", "")))
			continue;
		char *del[] = { "nft", "delete", "table", "inet", table, NULL };
		(void)tool(NULL, 0, "nft", del);
	}
}
