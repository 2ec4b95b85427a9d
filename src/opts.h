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

/* A size in bytes: "512M", "2G" (binary multiples), or a plain number. */
__attribute__((warn_unused_result))
int eb_parse_bytes(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
