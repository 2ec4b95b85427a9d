/*
 * fingerprint: what machine and build produced a result.  CPU model and
 * flags, cores, memory, kernel, OS, compilers, edgebench's commit and the
 * exact command line, as one JSON object.
 */
#ifndef EB_FINGERPRINT_H
#define EB_FINGERPRINT_H

#include <jansson.h>

/* New reference to an object describing this machine; NULL on ENOMEM. */
json_t *eb_fingerprint(int argc, char **argv);

#endif
