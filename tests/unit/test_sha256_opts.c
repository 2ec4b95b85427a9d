/* SHA-256 against FIPS 180-4 vectors; option parsing and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "plan/opts.h"
#include "sha256.h"

static void hex_of(const char *msg, size_t len, char hex[65])
{
	uint8_t d[32];
	sha256(msg, len, d);
	sha256_hex(d, hex);
}

static void test_fips_vectors(void **state)
{
	(void)state;
	char hex[65];
	hex_of("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* one million 'a', fed in uneven pieces */
	struct sha256_ctx c;
	sha256_init(&c);
	char a[997];
	memset(a, 'a', sizeof(a));
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(a) ? left : sizeof(a);
		sha256_update(&c, a, n);
		left -= n;
	}
	uint8_t d[32];
	sha256_final(&c, d);
	sha256_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_chain(void **state)
{
	(void)state;
	uint8_t d[32], zero[32] = { 0 }, once[32];
	sha256_chain(0, d);
	assert_memory_equal(d, zero, 32);
	sha256(zero, 32, once);
	sha256_chain(1, d);
	assert_memory_equal(d, once, 32);
	char hex[65];
	sha256_hex(d, hex);
	assert_string_equal(hex, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
}

static void test_counts(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(eb_parse_count("200", 1, 1000, &v), 0);
	assert_int_equal(v, 200);
	assert_int_equal(eb_parse_count("2k", 1, 1000000, &v), 0);
	assert_int_equal(v, 2000);
	assert_int_equal(eb_parse_count("2M", 1, 10000000, &v), 0);
	assert_int_equal(v, 2000000);
	assert_int_equal(eb_parse_count("", 0, 10, &v), -EINVAL);
	assert_int_equal(eb_parse_count("-1", 0, 10, &v), -EINVAL);
	assert_int_equal(eb_parse_count(" 5", 0, 10, &v), -EINVAL);
	assert_int_equal(eb_parse_count("5x", 0, 10, &v), -EINVAL);
	assert_int_equal(eb_parse_count("abc", 0, 10, &v), -EINVAL);
	assert_int_equal(eb_parse_count("0", 1, 10, &v), -ERANGE);
	assert_int_equal(eb_parse_count("11", 1, 10, &v), -ERANGE);
	assert_int_equal(eb_parse_count("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(eb_parse_count("99999999999999999k", 0, UINT64_MAX, &v), -ERANGE);
}

static void test_count_lists(void **state)
{
	(void)state;
	unsigned v[4], n = 99;
	assert_int_equal(eb_parse_count_list("1,4,16", 1, 64, v, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[2], 16);
	assert_int_equal(eb_parse_count_list("none", 1, 64, v, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(eb_parse_count_list("1,2,3,4,5", 1, 64, v, 4, &n), -EINVAL);   /* over cap */
	assert_int_equal(eb_parse_count_list("1,65", 1, 64, v, 4, &n), -EINVAL);
	assert_int_equal(eb_parse_count_list("5,,6", 1, 64, v, 4, &n), -EINVAL);
	assert_int_equal(eb_parse_count_list("", 1, 64, v, 4, &n), -EINVAL);
	assert_int_equal(eb_parse_count_list("12345678901234567,1", 1, 64, v, 4, &n), -EINVAL);
	uint64_t b;
	assert_int_equal(eb_parse_bytes("2G", 1, 1ull << 40, &b), 0);
	assert_true(b == 2ull << 30);
	assert_int_equal(eb_parse_bytes("512M", 1, 1ull << 40, &b), 0);
	assert_true(b == 512ull << 20);
	assert_int_equal(eb_parse_bytes("lots", 1, 1ull << 40, &b), -EINVAL);
}

static void test_durations(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(eb_parse_duration_ns("3s", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 3000000000ull);
	assert_int_equal(eb_parse_duration_ns("500ms", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 500000000ull);
	assert_int_equal(eb_parse_duration_ns("2", 0, UINT64_MAX, &v), 0);   /* bare number: seconds */
	assert_int_equal(v, 2000000000ull);
	assert_int_equal(eb_parse_duration_ns("1m", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 60000000000ull);
	assert_int_equal(eb_parse_duration_ns("250us", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 250000ull);
	assert_int_equal(eb_parse_duration_ns("3 s", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(eb_parse_duration_ns("3h", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(eb_parse_duration_ns("1ms", 1000000000ull, UINT64_MAX, &v), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_vectors),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_count_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
