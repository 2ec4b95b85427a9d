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

#endif
