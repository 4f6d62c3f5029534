/* machine.h: facts about the machine that sizing decisions depend on. */
#ifndef PW_CORE_MACHINE_H
#define PW_CORE_MACHINE_H

#include <stdint.h>

/* Physical memory in bytes (0 when the system does not say). */
uint64_t pw_physical_memory(void);

#endif
