/*
 * server_build: which server a build of main.c or main_wasi.c is: http-hello
 * (hh_core), or with -DEB_HTTP_API http-api (api_core).  Its name for
 * messages, and the buffer sizes its requests and responses need.
 */
#ifndef HH_SERVER_BUILD_H
#define HH_SERVER_BUILD_H

#include "hh_core.h"

#include <time.h>

/* /work's work for a build with a libc clock: spin on CLOCK_MONOTONIC, or sleep. */
static inline void hh_work_clock(uint64_t us, int spin)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t end = (uint64_t)t0.tv_sec * 1000000000ull + (uint64_t)t0.tv_nsec + us * 1000ull;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		uint64_t now = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
		if (now >= end)
			return;
		if (!spin) {
			struct timespec d = { (time_t)((end - now) / 1000000000ull), (long)((end - now) % 1000000000ull) };
			nanosleep(&d, NULL);
		}
	}
}

#ifdef EB_HTTP_API
#include "api_core.h"
#define NAME "http-api"
#define MAX_BODY API_MAX_BODY
#define MAX_RESPONSE (API_MAX_RESPONSE + 256)
#else
#define NAME "http-hello"
#define MAX_BODY HH_MAX_BODY
#define MAX_RESPONSE HH_MAX_RESPONSE
#endif

#endif
