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

/* The instruction set this edgebench was built for ("x86_64", "aarch64"). */
const char *eb_build_arch(void);

/*
 * 1 when this build runs on a CPU of another instruction set, i.e. through an
 * emulator (qemu-user by binfmt_misc: the kernel's /proc/cpuinfo describes the
 * host's CPU, not the one we were built for), with why in out; 0 when it runs
 * natively or cannot tell.  cpuinfo: the file to read (NULL: /proc/cpuinfo).
 */
int eb_emulated(const char *cpuinfo, char *why, size_t cap);

#endif
