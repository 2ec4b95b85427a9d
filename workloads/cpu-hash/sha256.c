/*
 * sha256: FIPS 180-4 SHA-256, straightforward and portable.  Performance is
 * deliberately "plain C -O2": the workload measures how a runtime executes
 * ordinary integer code, not how well someone hand-tuned it.
 */
#include "sha256.h"

#include <string.h>

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void compress(uint32_t s[8], const uint8_t block[64])
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = load_be32(block + 4 * i);
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = s[0], b = s[1], c = s[2], d = s[3];
	uint32_t e = s[4], f = s[5], g = s[6], h = s[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			      ((e & f) ^ (~e & g)) + k[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s[0] += a; s[1] += b; s[2] += c; s[3] += d;
	s[4] += e; s[5] += f; s[6] += g; s[7] += h;
}

void sha256_init(struct sha256_ctx *ctx)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(ctx->state, iv, sizeof(iv));
	ctx->total_bytes = 0;
	ctx->block_len = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	ctx->total_bytes += len;
	while (len > 0) {
		size_t take = 64 - ctx->block_len;
		if (take > len)
			take = len;
		memcpy(ctx->block + ctx->block_len, p, take);
		ctx->block_len += take;
		p += take;
		len -= take;
		if (ctx->block_len == 64) {
			compress(ctx->state, ctx->block);
			ctx->block_len = 0;
		}
	}
}

void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_BYTES])
{
	/*
	 * Pad in place: 0x80, zeros, 64-bit big-endian bit length.  Writing
	 * the block directly (not one sha256_update per padding byte) keeps
	 * the chained-hash loop about the compression function instead of
	 * about the C library's memcpy call cost, which differs between
	 * glibc, musl and wasi-libc by 2x.
	 */
	uint64_t bits = ctx->total_bytes * 8;
	size_t n = ctx->block_len;
	ctx->block[n++] = 0x80;
	if (n > 56) {
		memset(ctx->block + n, 0, 64 - n);
		compress(ctx->state, ctx->block);
		n = 0;
	}
	memset(ctx->block + n, 0, 56 - n);
	for (int i = 0; i < 8; i++)
		ctx->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	compress(ctx->state, ctx->block);
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->state[i]);
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_BYTES])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}

void sha256_chain(uint64_t iterations, uint8_t out[SHA256_DIGEST_BYTES])
{
	uint8_t d[SHA256_DIGEST_BYTES] = {0};
	for (uint64_t i = 0; i < iterations; i++)
		sha256(d, sizeof(d), d);
	memcpy(out, d, SHA256_DIGEST_BYTES);
}

void sha256_hex(const uint8_t digest[SHA256_DIGEST_BYTES], char hex[65])
{
	static const char xd[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_DIGEST_BYTES; i++) {
		hex[2 * i] = xd[digest[i] >> 4];
		hex[2 * i + 1] = xd[digest[i] & 15];
	}
	hex[64] = '\0';
}
