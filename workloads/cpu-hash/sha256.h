/*
 * sha256: a small, portable SHA-256 (FIPS 180-4) written for edgebench.
 *
 * No libc beyond <stdint.h>/<string.h>, no intrinsics, no OpenSSL: the same
 * source is compiled natively, for containers and for WebAssembly, so every
 * runtime executes the same instructions' worth of work.
 */
#ifndef EB_SHA256_H
#define EB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_BYTES 32

struct sha256_ctx {
	uint32_t state[8];
	uint64_t total_bytes;
	uint8_t block[64];
	size_t block_len;
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_BYTES]);

/* One-shot convenience. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_BYTES]);

/*
 * The cpu-hash workload: digest_0 is 32 zero bytes, digest_i =
 * SHA-256(digest_{i-1}); returns digest_iterations in out.  The same chain in
 * Python: d = bytes(32); for _ in range(n): d = hashlib.sha256(d).digest()
 */
void sha256_chain(uint64_t iterations, uint8_t out[SHA256_DIGEST_BYTES]);

/* Lower-case hex of a digest into hex[65] (NUL-terminated). */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_BYTES], char hex[65]);

#endif
