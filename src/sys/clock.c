/*
 * clock: sleeping and waiting against CLOCK_MONOTONIC deadlines.
 */
#include "sys/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

void eb_sleep_ns_until(uint64_t until, volatile int *interrupted)
{
	struct timespec ts;
	ts.tv_sec = (time_t)(until / 1000000000ull);
	ts.tv_nsec = (long)(until % 1000000000ull);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !(interrupted && *interrupted))
		;
}

int eb_poll_deadline(struct pollfd *fds, unsigned n, uint64_t deadline_ns, uint64_t slice_ns)
{
	uint64_t now = eb_now_ns();
	if (now >= deadline_ns)
		return -ETIMEDOUT;
	uint64_t left = deadline_ns - now;
	if (slice_ns && left > slice_ns)
		left = slice_ns;
	if (left > 3600000000000ull)
		left = 3600000000000ull;
	/* ppoll: a slice under a millisecond stays one (poll would round it up) */
	struct timespec ts = { (time_t)(left / 1000000000ull), (long)(left % 1000000000ull) };
	int r = ppoll(fds, (nfds_t)n, &ts, NULL);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return r;
}

int eb_idle_latency_hold(void)
{
	int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int32_t zero = 0;
	if (write(fd, &zero, sizeof(zero)) != (ssize_t)sizeof(zero)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}
