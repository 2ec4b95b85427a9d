/*
 * replay: a trace against instance pools.  Threads: one dispatcher (the
 * caller) that only keeps time, max_instances workers, a reaper for idle
 * instances past their keep-alive and a memory sampler.  The pool (slot
 * states, the queue) is under one mutex; a slot's process is under its
 * own, so the sampler never reads an instance being stopped.
 */
#include "measure/replay.h"
#include "measure/instance.h"
#include "net/http.h"
#include "sys/clock.h"
#include "sys/proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

/* S_WAITING: a slot taken for a cold start still waiting for one of the max_starting turns (no instance yet) */
enum slot_state { S_FREE, S_WAITING, S_STARTING, S_IDLE, S_BUSY, S_STOPPING };

struct hybrid_fn {
	uint32_t bins[EB_HYBRID_BINS];
	uint32_t n, oob;            /* idle times in the histogram, and beyond its range */
	uint64_t last_end;          /* CLOCK_MONOTONIC of its last invocation's end (0: none yet) */
};

struct prewarm {
	uint32_t fn;
	uint64_t at, until;         /* CLOCK_MONOTONIC: start then, keep idle until */
};

struct slot {
	enum slot_state state;      /* under pool.m */
	uint32_t fn;
	uint64_t last_used;         /* when it became idle */
	uint64_t expire;            /* CLOCK_MONOTONIC when it is stopped if still idle (its keep-alive) */
	int inst;                   /* index in result->inst */
	uint16_t port;
	pthread_mutex_t m;          /* the process: in, fd, sampleable */
	int sampleable;
	struct eb_instance in;
	int fd;                     /* keep-alive connection, -1: none */
	char vhost[48];             /* a platform's workload: the Host it is reached by */
};

struct pool {
	const struct eb_replay_config *cfg;
	const struct eb_runtime *rt;
	const char *mode;
	const struct eb_workload *w;
	struct eb_replay_result *res;
	pthread_mutex_t m;
	pthread_cond_t work;        /* the queue grew, or the end: idle workers wait here */
	pthread_cond_t changed;     /* a slot or a start freed: workers waiting for one wait here (kept apart, so
				     * freeing a slot does not wake every idle worker too) */
	struct slot *slots;
	unsigned n_slots;
	size_t *queue, q_head, q_tail;
	int closed;                 /* the dispatcher released everything */
	unsigned n_starting;        /* instance starts under way (at most cfg->max_starting) */
	uint64_t give_up_ns;        /* CLOCK_MONOTONIC after which a picked invocation is dropped */
	int stopping;               /* reaper and sampler end */
	uint64_t keep_ns;           /* keep-alive in replay time */
	/* the hybrid policy: each function's idle-time histogram, and pre-warms due */
	struct hybrid_fn *hyb;
	struct prewarm *pw;
	size_t n_pw, pw_cap;
	uint16_t base_port;
	/* a platform: its process, its control channel (under ctl), its port */
	struct eb_launcher plat_l;
	struct eb_instance plat;
	int have_plat;
	pthread_mutex_t ctl;
	char ctl_buf[1024];
	size_t ctl_have;
	char plat_err[300];
};

int eb_replay_work_path(char *buf, size_t cap, uint64_t us, int spin)
{
	int n = snprintf(buf, cap, "/work?us=%llu&how=%s", (unsigned long long)us, spin ? "cpu" : "wait");
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

static uint64_t since(const struct pool *p)
{
	return eb_now_ns() - p->res->t0_ns;
}

/* The first failure's words (under p->m). */
static void note_error(struct pool *p, const char *prefix, const char *what)
{
	if (!p->res->first_error[0])
		snprintf(p->res->first_error, sizeof(p->res->first_error), "%s%s", prefix, what);
}

/* A new instance record (under p->m); -1 when out of memory. */
static int new_instance(struct pool *p, uint32_t fn)
{
	struct eb_replay_result *r = p->res;
	if (r->n_inst == r->inst_cap) {
		size_t cap = r->inst_cap ? r->inst_cap * 2 : 256;
		void *ni = realloc(r->inst, cap * sizeof(*r->inst));
		if (!ni)
			return -1;
		r->inst = ni;
		r->inst_cap = cap;
	}
	struct eb_replay_instance *in = &r->inst[r->n_inst];
	memset(in, 0, sizeof(*in));
	in->function = fn;
	in->cpu_s = -1;
	return (int)r->n_inst++;
}

static int ctl_call(struct pool *p, const char *cmd, char *why, size_t cap);

/* Memory of one sample in the figure that adds up over instances. */
static double sample_bytes(struct pool *p, const struct eb_sample *s)
{
	int i = s->additive >= 0 ? s->additive : 0;
	if ((size_t)i >= s->n_mem)
		return 0;
	if (!p->res->memory_figure)
		p->res->memory_figure = s->mem[i].name;
	return s->mem[i].bytes;
}

/*
 * End a slot's instance (the slot is S_STOPPING and ours): CPU at the end, then stop.  Its
 * life ends when the stop is done, or at `at` (since t0) when nonzero: the replay's end for
 * those still up then, so that waiting for the others' stops is not counted as their life.
 */
static void stop_slot(struct pool *p, struct slot *s, const char *why, uint64_t at)
{
	struct eb_sample smp;
	double cpu = -1, bytes = 0;
	const char *cpu_source = NULL;
	pthread_mutex_lock(&s->m);
	if (s->sampleable && eb_rt_sample(p->rt, &s->in, &smp) == 0) {
		/* a container's cgroup counts its CPU exactly; a process is read from its rusage at exit below */
		if (smp.has_cpu && smp.cpu_source && strstr(smp.cpu_source, "cgroup")) {
			cpu = (double)(smp.cpu_user_ns + smp.cpu_sys_ns) / 1e9;
			cpu_source = smp.cpu_source;
		}
		bytes = sample_bytes(p, &smp);
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (p->cfg->platform) {
		char cmd[64], why2[200];
		snprintf(cmd, sizeof(cmd), "stop fn%d\n", s->inst);
		if (ctl_call(p, cmd, why2, sizeof(why2)) < 0) {
			pthread_mutex_lock(&p->m);
			note_error(p, "", why2);
			pthread_mutex_unlock(&p->m);
		}
	}
	if (s->sampleable) {
		eb_rt_stop(p->rt, &s->in);
		if (!cpu_source && s->in.proc.have_cpu) {
			cpu = (double)s->in.proc.cpu_ns / 1e9;
			cpu_source = "the instance process's rusage at its exit (wait4: user + system, microseconds)";
		}
	}
	if (s->in.data_dir[0])
		s->in.data_dir[0] = 0;
	s->sampleable = 0;
	pthread_mutex_unlock(&s->m);
	pthread_mutex_lock(&p->m);
	struct eb_replay_instance *ri = &p->res->inst[s->inst];
	ri->stopped = at ? at : since(p);
	ri->cpu_s = cpu;
	if (cpu_source)
		p->res->cpu_source = cpu_source;
	if (bytes > ri->peak_bytes)
		ri->peak_bytes = bytes;
	snprintf(ri->why, sizeof(ri->why), "%s", why);
	s->state = S_FREE;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->m);
}

static int connect_to(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* One control command to the platform and its answer line ("ok ID" / "err ID why"); 0 or a negative errno. */
static int ctl_call(struct pool *p, const char *cmd, char *why, size_t cap)
{
	pthread_mutex_lock(&p->ctl);
	int rc = 0;
	size_t len = strlen(cmd);
	if (write(p->plat.proc.stdin_fd, cmd, len) != (ssize_t)len) {
		rc = -EPIPE;
		snprintf(why, cap, "the platform took no command: %s", strerror(errno));
	}
	uint64_t deadline = eb_now_ns() + p->cfg->start_timeout_ns + 60000000000ull;
	char *nl = NULL;
	while (rc == 0 && !(nl = memchr(p->ctl_buf, '\n', p->ctl_have))) {
		struct pollfd pfd = { .fd = p->plat.proc.stdout_fd, .events = POLLIN };
		int pr = eb_poll_deadline(&pfd, 1, deadline, 100000000ull);
		if (pr < 0 || (pr == 0 && eb_interrupted)) {
			rc = pr < 0 ? pr : -EINTR;
			snprintf(why, cap, "the platform did not answer '%.*s'", (int)len - 1, cmd);
			break;
		}
		if (pr == 0)
			continue;
		ssize_t got = read(p->plat.proc.stdout_fd, p->ctl_buf + p->ctl_have, sizeof(p->ctl_buf) - 1 - p->ctl_have);
		if (got <= 0) {
			rc = -ECHILD;
			snprintf(why, cap, "the platform exited");
			break;
		}
		p->ctl_have += (size_t)got;
		if (p->ctl_have == sizeof(p->ctl_buf) - 1)
			p->ctl_have = 0;
	}
	if (nl) {
		*nl = '\0';
		if (strncmp(p->ctl_buf, "ok ", 3)) {
			rc = -EPROTO;
			snprintf(why, cap, "the platform: %.250s", p->ctl_buf);
		}
		size_t used = (size_t)(nl + 1 - p->ctl_buf);
		memmove(p->ctl_buf, nl + 1, p->ctl_have - used);
		p->ctl_have -= used;
	}
	pthread_mutex_unlock(&p->ctl);
	return rc;
}

/*
 * Read one response on fd by deadline (an interrupt ends the wait within
 * 100 ms): its status, or a negative errno.  *closes: the server closes the
 * connection after it.
 */
static int await_response(int fd, uint64_t deadline, int *closes)
{
	char buf[2048];
	size_t have = 0;
	*closes = 0;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = eb_poll_deadline(&pfd, 1, deadline, 100000000ull);
		if (pr < 0)
			return pr;
		if (pr == 0) {
			if (eb_interrupted)
				return -EINTR;
			continue;
		}
		ssize_t got = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
		if (got < 0)
			return -errno;
		have += (size_t)got;
		struct eb_http_response r;
		long m = eb_http_parse_response(buf, have, 0, got == 0, &r);
		if (m == EB_HTTP_MALFORMED)
			return -EPROTO;
		if (m > 0) {
			*closes = r.close || got == 0;
			return r.status;
		}
		if (got == 0)
			return -ECONNRESET;
		if (have >= sizeof(buf) - 1)
			return -EMSGSIZE;
	}
}

/* GET path with Host host on a fresh connection to port; the status, or a negative errno. */
static int get_once(uint16_t port, const char *host, const char *path, uint64_t deadline)
{
	int fd = connect_to(port);
	if (fd < 0)
		return fd;
	char req[256];
	int closes, n = eb_http_format_get(req, sizeof(req), host, 0, path, 0);
	int rc = n < 0 ? n : send(fd, req, (size_t)n, MSG_NOSIGNAL) == n ? await_response(fd, deadline, &closes) : -EIO;
	close(fd);
	return rc;
}

/* A platform's instance: deploy a workload, then probe its Host until it answers 200. */
static int start_workload(struct pool *p, struct slot *s, char *why, size_t cap)
{
	char cmd[160];
	snprintf(s->vhost, sizeof(s->vhost), "fn%d.replay.edgebench", s->inst);
	snprintf(cmd, sizeof(cmd), "start fn%d %s\n", s->inst, s->vhost);
	int rc = ctl_call(p, cmd, why, cap);
	if (rc < 0)
		return rc;
	uint64_t deadline = eb_now_ns() + p->cfg->start_timeout_ns;
	int st;
	while ((st = get_once(s->port, s->vhost, "/", deadline)) != 200) {
		if (eb_now_ns() > deadline || eb_interrupted) {
			snprintf(why, cap, "workload fn%d deployed but no 200 for Host %s within %.1f s (last: %d)", s->inst,
				 s->vhost, (double)p->cfg->start_timeout_ns / 1e9, st);
			snprintf(cmd, sizeof(cmd), "stop fn%d\n", s->inst);
			char ignored[100];
			(void)ctl_call(p, cmd, ignored, sizeof(ignored));
			return -ETIMEDOUT;
		}
		eb_sleep_ns(p->cfg->probe_spacing_ns);
	}
	int fd = connect_to(s->port);
	if (fd < 0) {
		snprintf(why, cap, "%s", strerror(-fd));
		return fd;
	}
	s->fd = fd;
	return 0;
}

/* Launch details for an instance of rt/mode/w on 127.0.0.1:port, its stderr in cfg's log. */
static void launcher_for(struct eb_launcher *l, const struct eb_replay_config *cfg, const struct eb_runtime *rt,
			 const char *mode, const struct eb_workload *w, uint16_t port, char *err, size_t errcap)
{
	*l = (struct eb_launcher){
		.rt = rt, .mode = mode, .w = w,
		.lctx = { .artifact_dir = cfg->artifact_dir, .wasm_dir = cfg->wasm_dir, .addr = "127.0.0.1", .port = port },
		.ip_be = htonl(INADDR_LOOPBACK), .stderr_fd = cfg->stderr_fd, .stderr_path = "/dev/null",
		.start_timeout_ns = cfg->start_timeout_ns, .probe_spacing_ns = cfg->probe_spacing_ns,
		.err = err, .errcap = errcap,
	};
	if (cfg->stderr_path)
		snprintf(l->stderr_path, sizeof(l->stderr_path), "%s", cfg->stderr_path);
}

int eb_replay_prime(const struct eb_runtime *rt, const char *mode, const struct eb_workload *w,
		    const struct eb_replay_config *cfg, char *err, size_t errcap)
{
	struct eb_launcher l;
	launcher_for(&l, cfg, rt, mode, w, cfg->base_port, err, errcap);
	struct eb_instance in;
	uint64_t ready;
	int rc = eb_instance_start_server(&l, &in, &ready);
	if (rc == 0)
		eb_instance_stop(&l, &in);
	return rc;
}

/* Launch the slot's instance and wait for its first 200; 0 or a negative errno (one line in why). */
static int start_slot(struct pool *p, struct slot *s, char *why, size_t cap)
{
	if (p->cfg->platform)
		return start_workload(p, s, why, cap);
	struct eb_launcher l;
	launcher_for(&l, p->cfg, p->rt, p->mode, p->w, s->port, why, cap);
	struct eb_instance in;
	uint64_t ready;
	int rc = eb_instance_start_server(&l, &in, &ready);
	if (rc < 0)
		return rc;
	char aerr[200];
	rc = eb_rt_attach(p->rt, &in, aerr, sizeof(aerr));
	int fd = rc < 0 ? rc : connect_to(s->port);
	if (rc < 0 || fd < 0) {
		snprintf(why, cap, "%s", rc < 0 ? aerr : strerror(-fd));
		eb_instance_stop(&l, &in);
		return rc < 0 ? rc : fd;
	}
	pthread_mutex_lock(&s->m);
	s->in = in;
	s->fd = fd;
	s->sampleable = 1;
	pthread_mutex_unlock(&s->m);
	return 0;
}

/* One request on the slot's connection; the HTTP status or a negative errno. */
static int invoke(struct pool *p, struct slot *s, struct eb_replay_inv *v)
{
	char path[96], req[256];
	if (eb_replay_work_path(path, sizeof(path), v->work_us, p->cfg->spin) < 0)
		return -ENOSPC;
	int n = s->vhost[0] ? eb_http_format_get(req, sizeof(req), s->vhost, 0, path, 1) :
		eb_http_format_get(req, sizeof(req), "127.0.0.1", s->port, path, 1);
	if (n < 0)
		return n;
	if (s->fd < 0 && (s->fd = connect_to(s->port)) < 0) {
		int e = s->fd;
		s->fd = -1;
		return e;
	}
	v->sent = since(p);
	if (send(s->fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		return errno ? -errno : -EIO;
	int closes, status = await_response(s->fd, eb_now_ns() + v->work_us * 1000ull + 30000000000ull, &closes);
	if (status > 0 && closes) {
		/* the server closes after this answer: the next invocation connects again */
		close(s->fd);
		s->fd = -1;
	}
	return status;
}

/* Take an idle instance of fn, or a slot to start one in; NULL only when the pool is stopping. */
static struct slot *acquire(struct pool *p, uint32_t fn, int *cold, struct slot **evict)
{
	*evict = NULL;
	for (;;) {
		struct slot *warm = NULL, *freeslot = NULL, *lru = NULL;
		for (unsigned i = 0; i < p->n_slots; i++) {
			struct slot *s = &p->slots[i];
			if (s->state == S_IDLE && s->fn == fn && (!warm || s->last_used > warm->last_used))
				warm = s;
			else if (s->state == S_FREE && !freeslot)
				freeslot = s;
			else if (s->state == S_IDLE && s->fn != fn && (!lru || s->last_used < lru->last_used))
				lru = s;
		}
		if (warm) {
			warm->state = S_BUSY;
			*cold = 0;
			return warm;
		}
		if (freeslot) {
			freeslot->state = S_WAITING;
			freeslot->fn = fn;
			*cold = 1;
			return freeslot;
		}
		if (lru) {
			/* the limit is reached: the least recently used idle instance of another function goes */
			lru->state = S_STOPPING;
			*evict = lru;
			*cold = 1;
			return NULL;
		}
		if (eb_interrupted)
			return NULL;
		pthread_cond_wait(&p->changed, &p->m);   /* all busy or being stopped: wait for one */
	}
}

#define HYB_BIN_NS 60000000000ull   /* a minute of trace time */

/*
 * An invocation of fn just ended (under p->m): its idle time since the last
 * one goes into the histogram; returns the keep-alive (replay ns) for the
 * instance, or 0 with a pre-warm queued (stop it now, start one later).
 */
static uint64_t hybrid_after(struct pool *p, uint32_t fn, uint64_t now)
{
	struct hybrid_fn *h = &p->hyb[fn];
	double speed = p->cfg->speed;
	if (h->last_end) {
		uint64_t idle_trace = (uint64_t)((double)(now - h->last_end) * speed);
		uint64_t bin = idle_trace / HYB_BIN_NS;
		if (bin < EB_HYBRID_BINS) {
			h->bins[bin]++;
			h->n++;
		} else {
			h->oob++;
		}
	}
	h->last_end = now;
	uint64_t range = (uint64_t)((double)(EB_HYBRID_BINS * HYB_BIN_NS) / speed);
	if (h->n < EB_HYBRID_MIN_IDLE)
		return range;                  /* not representative yet: the histogram's whole range */
	/* the 5th and 99th percentiles, as bin edges: the head's lower edge, the tail's upper */
	uint32_t c = 0, head = 0, tail = 0;
	int have_head = 0;
	for (uint32_t b = 0; b < EB_HYBRID_BINS; b++) {
		c += h->bins[b];
		if (!have_head && (double)c >= 0.05 * h->n) {
			head = b;
			have_head = 1;
		}
		if ((double)c >= 0.99 * h->n) {
			tail = b + 1;
			break;
		}
	}
	uint64_t head_ns = (uint64_t)((double)head * HYB_BIN_NS * 0.9 / speed);
	uint64_t tail_ns = (uint64_t)((double)tail * HYB_BIN_NS * 1.1 / speed);
	if (head_ns == 0)
		return tail_ns;                /* it may come back within a minute: keep it until the tail */
	if (p->n_pw == p->pw_cap) {
		size_t cap = p->pw_cap ? p->pw_cap * 2 : 64;
		void *np = realloc(p->pw, cap * sizeof(*p->pw));
		if (!np)
			return tail_ns;
		p->pw = np;
		p->pw_cap = cap;
	}
	p->pw[p->n_pw++] = (struct prewarm){ fn, now + head_ns, now + (tail_ns > head_ns ? tail_ns : head_ns) };
	return 0;
}

/* Bounded (under p->m): what still waits, queued or for a start, past the drain time is dropped, and counted. */
static void drop(struct pool *p, struct eb_replay_inv *v, uint64_t done)
{
	v->status = -ETIME;
	v->done = done;
	p->res->failed++;
	p->res->dropped++;
	note_error(p, "", "invocations still waiting after the trace's end plus the drain time were dropped");
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct eb_replay_result *r = p->res;
	pthread_mutex_lock(&p->m);
	for (;;) {
		while (p->q_head == p->q_tail && !p->closed && !eb_interrupted)
			pthread_cond_wait(&p->work, &p->m);
		if (p->q_head == p->q_tail || eb_interrupted)
			break;
		struct eb_replay_inv *v = &r->inv[p->queue[p->q_head++]];
		v->picked = since(p);
		if (eb_now_ns() > p->give_up_ns) {
			drop(p, v, v->picked);
			continue;
		}
		int cold = 0, evicted = 0;
		struct slot *s, *ev;
		while (!(s = acquire(p, v->function, &cold, &ev)) && ev) {
			pthread_mutex_unlock(&p->m);
			stop_slot(p, ev, "evicted", 0);
			evicted = 1;
			pthread_mutex_lock(&p->m);
		}
		if (!s)
			break;
		v->cold = cold;
		v->evicted = evicted;
		if (cold) {
			/* at most max_starting starts at once: more only slow each other down (2 cores) */
			while (p->n_starting >= p->cfg->max_starting && !eb_interrupted)
				pthread_cond_wait(&p->changed, &p->m);
			if (eb_now_ns() > p->give_up_ns) {
				/* it waited for a start past the drain time: dropped as if still queued (a
				 * start here would serve it minutes late, and hold the replay open) */
				s->state = S_FREE;
				pthread_cond_broadcast(&p->changed);
				v->cold = 0;
				drop(p, v, since(p));
				continue;
			}
			int ii = new_instance(p, v->function);
			if (ii < 0) {
				s->state = S_FREE;
				v->status = -ENOMEM;
				v->done = since(p);
				r->failed++;
				continue;
			}
			s->inst = ii;
			s->state = S_STARTING;
			p->n_starting++;
			r->inst[ii].launched = since(p);
			pthread_mutex_unlock(&p->m);
			char why[300] = "";
			int rc = start_slot(p, s, why, sizeof(why));
			pthread_mutex_lock(&p->m);
			p->n_starting--;
			pthread_cond_broadcast(&p->changed);
			if (rc < 0) {
				r->inst[ii].stopped = since(p);
				snprintf(r->inst[ii].why, sizeof(r->inst[ii].why), "failed");
				note_error(p, "", why[0] ? why : strerror(-rc));
				s->state = S_FREE;
				pthread_cond_broadcast(&p->changed);
				v->instance = ii;
				v->status = rc;
				v->done = since(p);
				r->failed++;
				continue;
			}
			r->inst[ii].ready = since(p);
			s->state = S_BUSY;
		}
		v->instance = s->inst;
		r->inst[s->inst].invocations++;
		pthread_mutex_unlock(&p->m);
		int status = invoke(p, s, v);
		uint64_t done = since(p);
		/*
		 * A new instance's memory once, after its first answer (not between its
		 * first 200 and the invocation, where the read would be in the latency),
		 * so an instance shorter than the sampler's period still counts.
		 */
		double b = -1;
		if (v->cold && !p->cfg->platform) {
			struct eb_sample smp;
			pthread_mutex_lock(&s->m);
			if (s->sampleable && eb_rt_sample(p->rt, &s->in, &smp) == 0)
				b = sample_bytes(p, &smp);
			pthread_mutex_unlock(&s->m);
		}
		pthread_mutex_lock(&p->m);
		if (b > r->inst[s->inst].peak_bytes)
			r->inst[s->inst].peak_bytes = b;
		v->done = done;
		v->status = status;
		if (status != 200) {
			char what[64];
			if (status < 0)
				snprintf(what, sizeof(what), "%s", strerror(-status));
			else
				snprintf(what, sizeof(what), "HTTP %d", status);
			r->failed++;
			note_error(p, "an invocation failed: ", what);
		}
		uint64_t keep = p->keep_ns, now = eb_now_ns();
		if (status == 200 && p->cfg->hybrid)
			keep = hybrid_after(p, v->function, now);
		if (status != 200 || keep == 0) {
			/* a failed instance is not reused; keep-alive 0 scales to zero now (hybrid: until its pre-warm) */
			s->state = S_STOPPING;
			pthread_mutex_unlock(&p->m);
			stop_slot(p, s, status != 200 ? "failed" : "after-invocation", 0);
			pthread_mutex_lock(&p->m);
		} else {
			s->state = S_IDLE;
			s->last_used = now;
			s->expire = now + keep;
			pthread_cond_broadcast(&p->changed);
		}
	}
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->m);
	return NULL;
}

/* A pre-warm due (under p->m, released while it starts): an instance of fn, unless one is idle or starting. */
static void prewarm(struct pool *p, struct prewarm pw)
{
	for (unsigned i = 0; i < p->n_slots; i++)
		if (p->slots[i].fn == pw.fn && (p->slots[i].state == S_IDLE || p->slots[i].state == S_STARTING ||
						 p->slots[i].state == S_WAITING))
			return;
	struct slot *s = NULL;
	for (unsigned i = 0; i < p->n_slots && !s; i++)
		if (p->slots[i].state == S_FREE)
			s = &p->slots[i];
	int ii = s ? new_instance(p, pw.fn) : -1;
	if (ii < 0)
		return;                        /* every slot in use: a pre-warm never evicts */
	s->state = S_STARTING;
	s->fn = pw.fn;
	s->inst = ii;
	p->res->inst[ii].prewarmed = 1;
	p->res->inst[ii].launched = since(p);
	p->n_starting++;
	pthread_mutex_unlock(&p->m);
	char why[300] = "";
	int rc = start_slot(p, s, why, sizeof(why));
	pthread_mutex_lock(&p->m);
	p->n_starting--;
	if (rc < 0) {
		p->res->inst[ii].stopped = since(p);
		snprintf(p->res->inst[ii].why, sizeof(p->res->inst[ii].why), "failed");
		note_error(p, "a pre-warm: ", why[0] ? why : strerror(-rc));
		s->state = S_FREE;
	} else {
		p->res->inst[ii].ready = since(p);
		s->state = S_IDLE;
		s->last_used = eb_now_ns();
		s->expire = pw.until;
	}
	pthread_cond_broadcast(&p->changed);
}

/*
 * A platform up before time 0 (not timed as an invocation), driven over its
 * stdin: its initial workload answers 200.  0 or a negative errno (err).
 */
static int start_platform(struct pool *p, char *err, size_t errcap)
{
	const struct eb_replay_config *cfg = p->cfg;
	size_t ne = 0;
	while (environ[ne])
		ne++;
	char **envp = calloc(ne + 2, sizeof(*envp));
	if (!envp) {
		snprintf(err, errcap, "out of memory");
		return -ENOMEM;
	}
	memcpy(envp, environ, ne * sizeof(*envp));
	envp[ne] = "EDGEBENCH_WC_CONTROL=1";
	launcher_for(&p->plat_l, cfg, p->rt, p->mode, p->w, cfg->base_port, err, errcap);
	if (p->plat_l.start_timeout_ns < 60000000000ull)
		p->plat_l.start_timeout_ns = 60000000000ull;   /* NATS, the host and its first workload */
	p->plat_l.control = 1;
	p->plat_l.envp = envp;
	uint64_t ready;
	int rc = eb_instance_start_server(&p->plat_l, &p->plat, &ready);
	free(envp);
	p->plat_l.envp = NULL;
	if (rc < 0)
		return rc;
	p->have_plat = 1;
	p->res->platform_ready_ms = (double)ready / 1e6;
	char aerr[200];
	(void)eb_rt_attach(p->rt, &p->plat, aerr, sizeof(aerr));
	return 0;
}

/* Idle instances past their keep-alive are stopped; pre-warms due are started. */
static void *reaper(void *arg)
{
	struct pool *p = arg;
	uint64_t tick = p->cfg->hybrid ? 5000000 : p->keep_ns / 8;
	if (tick < 1000000)
		tick = 1000000;
	if (tick > 50000000)
		tick = 50000000;
	pthread_mutex_lock(&p->m);
	while (!p->stopping) {
		uint64_t now = eb_now_ns();
		struct slot *old = NULL;
		for (unsigned i = 0; i < p->n_slots && !old; i++)
			if (p->slots[i].state == S_IDLE && now >= p->slots[i].expire)
				old = &p->slots[i];
		if (old) {
			old->state = S_STOPPING;
			pthread_mutex_unlock(&p->m);
			stop_slot(p, old, "keep-alive", 0);
			pthread_mutex_lock(&p->m);
			continue;
		}
		size_t due = p->n_pw;
		for (size_t i = 0; i < p->n_pw && due == p->n_pw; i++)
			if (p->pw[i].at <= now)
				due = i;
		if (due < p->n_pw && !p->closed) {
			struct prewarm pw = p->pw[due];
			p->pw[due] = p->pw[--p->n_pw];
			prewarm(p, pw);
			continue;
		}
		pthread_mutex_unlock(&p->m);
		eb_sleep_ns(tick);
		pthread_mutex_lock(&p->m);
	}
	pthread_mutex_unlock(&p->m);
	return NULL;
}

static void add_point(struct pool *p, const struct eb_replay_point *pt)
{
	struct eb_replay_result *r = p->res;
	if (r->n_pts == r->pts_cap) {
		size_t cap = r->pts_cap ? r->pts_cap * 2 : 1024;
		void *np = realloc(r->pts, cap * sizeof(*r->pts));
		if (!np)
			return;
		r->pts = np;
		r->pts_cap = cap;
	}
	r->pts[r->n_pts++] = *pt;
}

static void *sampler(void *arg)
{
	struct pool *p = arg;
	uint64_t next = p->res->t0_ns;
	eb_sleep_ns_until(next, NULL);
	for (;;) {
		pthread_mutex_lock(&p->m);
		int stop = p->stopping;
		pthread_mutex_unlock(&p->m);
		if (stop)
			break;
		struct eb_replay_point pt = { .t = since(p) };
		for (unsigned i = 0; i < p->n_slots; i++) {
			struct slot *s = &p->slots[i];
			pthread_mutex_lock(&p->m);
			enum slot_state st = s->state;
			int ii = s->inst;
			pthread_mutex_unlock(&p->m);
			if (st == S_FREE)
				continue;
			if (st == S_WAITING) {   /* a queued start, not an instance */
				pt.waiting++;
				continue;
			}
			pt.live++;
			pt.busy += st == S_BUSY;
			pt.starting += st == S_STARTING;
			struct eb_sample smp;
			double b = -1;
			pthread_mutex_lock(&s->m);
			if (s->sampleable && eb_rt_sample(p->rt, &s->in, &smp) == 0)
				b = sample_bytes(p, &smp);
			pthread_mutex_unlock(&s->m);
			if (b < 0)
				continue;
			pt.bytes += b;
			if (st == S_IDLE)
				pt.idle_bytes += b;
			pthread_mutex_lock(&p->m);
			if (b > p->res->inst[ii].peak_bytes)
				p->res->inst[ii].peak_bytes = b;
			pthread_mutex_unlock(&p->m);
		}
		if (p->have_plat) {
			/* a platform's memory is the host's, shared by its workloads: no idle share to tell apart */
			struct eb_sample smp;
			if (eb_rt_sample(p->rt, &p->plat, &smp) == 0)
				pt.bytes = sample_bytes(p, &smp);
		}
		pthread_mutex_lock(&p->m);
		add_point(p, &pt);
		pthread_mutex_unlock(&p->m);
		/* at most half of a core: after a sweep longer than half the period, as long a pause */
		uint64_t now = eb_now_ns(), swept = now - (p->res->t0_ns + pt.t);
		next += p->cfg->sample_period_ns;
		if (next < now + swept)
			next = now + swept;
		eb_sleep_ns_until(next, NULL);
	}
	return NULL;
}

/* The end of a replay: every slot still up is stopped, its life ending at `at`. */
#define TEARDOWN_THREADS 4
struct teardown {
	struct pool *p;
	uint64_t at;
	atomic_uint next;
};

static void *teardown_main(void *arg)
{
	struct teardown *td = arg;
	for (unsigned i; (i = atomic_fetch_add(&td->next, 1)) < td->p->n_slots;) {
		struct slot *s = &td->p->slots[i];   /* each slot is claimed by one thread; the others are joined */
		if (s->state == S_IDLE || s->state == S_BUSY) {
			s->state = S_STOPPING;
			stop_slot(td->p, s, "end", td->at);
		}
	}
	return NULL;
}

/* The pool's locks and memory (the threads are joined). */
static void pool_release(struct pool *p, pthread_t *workers)
{
	for (unsigned i = 0; i < p->n_slots; i++)
		pthread_mutex_destroy(&p->slots[i].m);
	pthread_cond_destroy(&p->changed);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->m);
	pthread_mutex_destroy(&p->ctl);
	free(p->hyb);
	free(p->pw);
	free(p->queue);
	free(p->slots);
	free(workers);
}

void eb_replay_result_free(struct eb_replay_result *r)
{
	free(r->inv);
	free(r->inst);
	free(r->pts);
	memset(r, 0, sizeof(*r));
}

int eb_replay_run(const struct eb_runtime *rt, const char *mode, const struct eb_workload *w,
		  const struct eb_replay_config *cfg, struct eb_replay_result *out, char *err, size_t errcap)
{
	const struct eb_trace *t = cfg->trace;
	memset(out, 0, sizeof(*out));
	if (!t->n || cfg->max_instances < 1 || cfg->speed < 0.001) {
		snprintf(err, errcap, "nothing to replay");
		return -EINVAL;
	}
	struct pool p = {
		.cfg = cfg, .rt = rt, .mode = mode, .w = w, .res = out, .n_slots = cfg->max_instances,
		.keep_ns = (uint64_t)((double)cfg->keep_alive_ns / cfg->speed),
		.base_port = cfg->base_port,
	};
	out->inv = calloc(t->n, sizeof(*out->inv));
	p.queue = calloc(t->n, sizeof(*p.queue));
	p.slots = calloc(p.n_slots, sizeof(*p.slots));
	pthread_t *workers = calloc(p.n_slots, sizeof(*workers));
	p.hyb = cfg->hybrid ? calloc(t->n_functions ? t->n_functions : 1, sizeof(*p.hyb)) : NULL;
	if (!out->inv || !p.queue || !p.slots || !workers || (cfg->hybrid && !p.hyb)) {
		free(p.hyb);
		free(p.queue);
		free(p.slots);
		free(workers);
		eb_replay_result_free(out);
		snprintf(err, errcap, "out of memory for %zu invocations", t->n);
		return -ENOMEM;
	}
	out->n_inv = t->n;
	for (size_t i = 0; i < t->n; i++) {
		uint64_t d = t->inv[i].duration_ns;
		if (cfg->max_duration_ns && d > cfg->max_duration_ns) {
			d = cfg->max_duration_ns;
			out->clamped++;
		}
		if (cfg->durations_scaled)
			d = (uint64_t)((double)d / cfg->speed);
		out->inv[i].due = (uint64_t)((double)t->inv[i].at_ns / cfg->speed);
		out->inv[i].work_us = d / 1000;
		out->inv[i].function = t->inv[i].function;
		out->inv[i].instance = -1;
	}
	/* priority inheritance: a worker holding the pool lets the real-time dispatcher have it at once */
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	(void)pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&p.m, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_cond_init(&p.changed, NULL);
	pthread_cond_init(&p.work, NULL);
	for (unsigned i = 0; i < p.n_slots; i++) {
		pthread_mutex_init(&p.slots[i].m, NULL);
		p.slots[i].fd = -1;
		/* a platform's workloads all answer on its one port, told apart by Host */
		p.slots[i].port = (uint16_t)(cfg->platform ? p.base_port : p.base_port + i);
	}
	int rc_setup = 0;
	pthread_mutex_init(&p.ctl, NULL);
	out->platform_ready_ms = out->platform_cpu_s = -1;
	if (cfg->platform)
		rc_setup = start_platform(&p, err, errcap);
	/* time 0 a little ahead, so every thread is up before the first invocation is due */
	out->t0_ns = eb_now_ns() + 50000000ull;
	p.give_up_ns = out->t0_ns + out->inv[t->n - 1].due + cfg->drain_ns;
	unsigned started = 0;
	pthread_t th_reaper, th_sampler;
	if (rc_setup < 0) {
		pool_release(&p, workers);
		eb_replay_result_free(out);
		return rc_setup;
	}
	int need_reaper = p.keep_ns > 0 || cfg->hybrid;
	int have_reaper = need_reaper && pthread_create(&th_reaper, NULL, reaper, &p) == 0;
	int have_sampler = pthread_create(&th_sampler, NULL, sampler, &p) == 0;
	for (; started < p.n_slots; started++)
		if (pthread_create(&workers[started], NULL, worker, &p) != 0)
			break;
	int rc = 0;
	if (!started || (need_reaper && !have_reaper) || !have_sampler) {
		snprintf(err, errcap, "cannot start the replay's threads");
		rc = -EAGAIN;
	}
	/*
	 * The dispatcher: release each invocation at its due time, nothing
	 * else.  It runs at a real-time priority (when allowed: root) with a
	 * 1 ns timer slack, raised only after the other threads exist, so
	 * neither they nor the instances they spawn inherit it; on 2 cores
	 * busy starting instances it otherwise woke milliseconds late.
	 */
	int old_policy;
	struct sched_param old_param, rt_param = { .sched_priority = 1 };
	int raised = pthread_getschedparam(pthread_self(), &old_policy, &old_param) == 0 &&
		     pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt_param) == 0;
	out->realtime_dispatcher = raised;
	int old_slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	(void)prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
	for (size_t i = 0; rc == 0 && i < t->n && !eb_interrupted; i++) {
		eb_sleep_ns_until(out->t0_ns + out->inv[i].due, (volatile int *)&eb_interrupted);
		if (eb_interrupted)
			break;
		pthread_mutex_lock(&p.m);
		out->inv[i].released = since(&p);
		p.queue[p.q_tail++] = i;
		pthread_cond_signal(&p.work);
		pthread_mutex_unlock(&p.m);
	}
	if (raised)
		(void)pthread_setschedparam(pthread_self(), old_policy, &old_param);
	if (old_slack > 0)
		(void)prctl(PR_SET_TIMERSLACK, (unsigned long)old_slack, 0, 0, 0);
	pthread_mutex_lock(&p.m);
	p.closed = 1;
	pthread_cond_broadcast(&p.work);
	pthread_cond_broadcast(&p.changed);
	pthread_mutex_unlock(&p.m);
	for (unsigned i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	pthread_mutex_lock(&p.m);
	p.stopping = 1;
	pthread_mutex_unlock(&p.m);
	if (have_reaper)
		pthread_join(th_reaper, NULL);
	if (have_sampler)
		pthread_join(th_sampler, NULL);
	/*
	 * What is still up ends now ("end": its idle time until here is counted, not the
	 * teardown's).  Stopped by a few threads at once: one at a time, hundreds of containers
	 * took 20-40 s, and each waited its turn as part of its life (a third of Docker's and
	 * gVisor's memory-time in [R10]).
	 */
	struct teardown td = { .p = &p, .at = since(&p) };
	pthread_t tdt[TEARDOWN_THREADS];
	unsigned ntd = 0;
	while (ntd < TEARDOWN_THREADS && pthread_create(&tdt[ntd], NULL, teardown_main, &td) == 0)
		ntd++;
	if (!ntd)
		teardown_main(&td);
	for (unsigned i = 0; i < ntd; i++)
		pthread_join(tdt[i], NULL);
	if (p.have_plat) {
		eb_instance_stop(&p.plat_l, &p.plat);
		if (p.plat.proc.have_cpu) {
			out->platform_cpu_s = (double)p.plat.proc.cpu_ns / 1e9;
			out->cpu_source = "the platform's rusage at its stop (wait4: the operator and the host and NATS it waited for)";
		}
	}
	out->end_ns = td.at;
	out->teardown_ns = since(&p) - td.at;
	out->interrupted = eb_interrupted != 0;
	pool_release(&p, workers);
	if (rc < 0)
		eb_replay_result_free(out);
	return rc;
}
