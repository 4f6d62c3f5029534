/* clock.h: wall and CPU time, and peak resident memory, for progress and
 * performance reports. */
#ifndef PW_CORE_CLOCK_H
#define PW_CORE_CLOCK_H

#include <stdint.h>

double pw_wall_seconds(void);     /* monotonic */
double pw_cpu_seconds(void);      /* process CPU time, all threads */
uint64_t pw_peak_rss_bytes(void); /* high-water mark of resident memory */
uint64_t pw_physical_memory_bytes(void);

#endif
