/*
 * clock: the one time source for intervals in edgebench, CLOCK_MONOTONIC in
 * nanoseconds.  Never the wall clock.
 */
#ifndef EB_CLOCK_H
#define EB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t eb_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Sleep for ns nanoseconds (absolute-deadline based, EINTR-safe unless the
 * caller's interrupt flag is set). */
void eb_sleep_ns(uint64_t ns);
/* Sleep until the CLOCK_MONOTONIC time until; an EINTR ends it only once *interrupted is set (NULL: never). */
void eb_sleep_ns_until(uint64_t until, volatile int *interrupted);

struct pollfd;
/*
 * The one deadline wait: poll fds for at most slice_ns (0: no slice) and
 * never past deadline_ns.  >0: ready (poll's count), 0: the slice passed or
 * a signal came (look at your own conditions and call again), -ETIMEDOUT:
 * the deadline has passed, or a negative errno of poll.
 */
int eb_poll_deadline(struct pollfd *fds, unsigned n, uint64_t deadline_ns, uint64_t slice_ns);

/*
 * Keep idle CPUs from sleeping deeper than a poll (PM QoS: 0 written to
 * /dev/cpu_dma_latency, held while the fd stays open; root).  On a VM an
 * idle vCPU halts, and a thread woken on it ran ~0.5-1.4 ms later; held,
 * 16 us (cyclictest does the same).  Returns the fd to close, or a negative errno.
 */
int eb_idle_latency_hold(void);

#endif
