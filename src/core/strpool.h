/* strpool.h: an append-only store of NUL-terminated strings (employee ids, SSNs).
 * Strings keep their address for the pool's lifetime, so columns hold plain
 * const char pointers; everything is freed at once. */
#ifndef PW_CORE_STRPOOL_H
#define PW_CORE_STRPOOL_H

#include <stddef.h>

struct pw_strpool {
    struct pw__strblock *head;  /* newest block first */
    size_t bytes;               /* total bytes stored, for reports */
};

void pw_strpool_init(struct pw_strpool *pool);
void pw_strpool_release(struct pw_strpool *pool);
/* Copies len bytes plus a NUL; returns NULL when out of memory. Not thread-safe. */
const char *pw_strpool_add(struct pw_strpool *pool, const char *s, size_t len);

#endif
