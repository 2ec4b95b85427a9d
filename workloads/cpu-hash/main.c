/*
 * cpu-hash: the CPU-bound workload.  Chains SHA-256 over its own digest
 * ITERATIONS times (default 2,000,000, the study's figure) and prints one
 * line of key=value pairs:
 *
 *   cpu-hash iterations=2000000 digest=<64 hex> compute_ns=<n>
 *
 * compute_ns is the workload's own CLOCK_MONOTONIC time around the loop, so
 * the harness can separate start-up cost from compute.  Plain C only: the
 * same file builds natively and for wasm32-wasi.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sha256.h"

static unsigned long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long iterations = 2000000ull;
	if (argc > 2) {
		fprintf(stderr, "usage: cpu-hash [ITERATIONS]\n");
		return 2;
	}
	if (argc == 2) {
		char *end;
		errno = 0;
		iterations = strtoull(argv[1], &end, 10);
		if (errno || end == argv[1] || *end || argv[1][0] == '-') {
			fprintf(stderr, "cpu-hash: bad iteration count '%s'\n", argv[1]);
			return 2;
		}
	}
	uint8_t digest[SHA256_DIGEST_BYTES];
	char hex[65];
	unsigned long long t0 = now_ns();
	sha256_chain(iterations, digest);
	unsigned long long t1 = now_ns();
	sha256_hex(digest, hex);
	printf("cpu-hash iterations=%llu digest=%s compute_ns=%llu\n", iterations, hex, t1 - t0);
	return fflush(stdout) == 0 ? 0 : 1;
}
