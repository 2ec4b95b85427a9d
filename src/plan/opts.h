/*
 * opts: parsing of the numbers users type: counts ("200", "2k", "2M"),
 * durations ("500ms", "3s", "1m") and ports.  Each returns 0 or -EINVAL /
 * -ERANGE and never prints: the caller names the flag in its error.
 */
#ifndef EB_OPTS_H
#define EB_OPTS_H

#include <stdint.h>

__attribute__((warn_unused_result))
int eb_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out);

__attribute__((warn_unused_result))
int eb_parse_duration_ns(const char *s, uint64_t min_ns, uint64_t max_ns, uint64_t *out);

/*
 * A comma-separated list of counts ("1,4,16") into out[0..cap), each in
 * [min, max]; *n gets how many.  "none" is the empty list.  0 or -EINVAL
 * (a bad item, or more than cap).
 */
__attribute__((warn_unused_result))
int eb_parse_count_list(const char *s, uint64_t min, uint64_t max, unsigned *out, unsigned cap, unsigned *n);

/* A size in bytes: "512M", "2G" (binary multiples), or a plain number. */
__attribute__((warn_unused_result))
int eb_parse_bytes(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
