/* machine.c: physical memory from sysconf (Linux and the BSDs answer both names). */
#include "core/machine.h"

#include <unistd.h>

uint64_t pw_physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || size <= 0) return 0;
    return (uint64_t)pages * (uint64_t)size;
}
