/* sysinfo.h: facts about the machine and the build, for performance reports and
 * `planwise validate`: cores, memory, CPU model, kernel, compiler. */
#ifndef PW_CORE_SYSINFO_H
#define PW_CORE_SYSINFO_H

#include <stdint.h>

struct pw_sysinfo {
    int cores;                      /* online CPUs, >= 1 */
    uint64_t memory_bytes;          /* physical memory, 0 if unknown */
    uint64_t available_bytes;       /* MemAvailable of /proc/meminfo, 0 if unknown */
    char cpu_model[128];            /* "AMD EPYC 7B13", "" if unknown */
    char kernel[128];               /* "Linux 6.1.0-18-amd64 x86_64", "" if unknown */
    char compiler[128];             /* compiler that built planwise, e.g. "gcc 12.2.0" */
};

/* Fills info; never fails (unknown facts stay empty or 0). */
void pw_sysinfo_read(struct pw_sysinfo *info);

#endif
