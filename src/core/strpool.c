/* strpool.c: strings packed into 1 MiB blocks (larger strings get their own block). */
#include "core/strpool.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES (1u << 20)

struct pw__strblock {
    struct pw__strblock *next;
    size_t used, size;
    char data[];
};

void pw_strpool_init(struct pw_strpool *pool) { pool->head = NULL, pool->bytes = 0; }

void pw_strpool_release(struct pw_strpool *pool)
{
    while (pool->head) {
        struct pw__strblock *next = pool->head->next;
        free(pool->head);
        pool->head = next;
    }
    pool->bytes = 0;
}

const char *pw_strpool_add(struct pw_strpool *pool, const char *s, size_t len)
{
    struct pw__strblock *b = pool->head;
    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > BLOCK_BYTES ? len + 1 : BLOCK_BYTES;
        b = malloc(sizeof *b + size);
        if (!b) return NULL;
        b->used = 0, b->size = size, b->next = pool->head;
        pool->head = b;
    }
    char *out = b->data + b->used;
    memcpy(out, s, len);
    out[len] = '\0';
    b->used += len + 1;
    pool->bytes += len + 1;
    return out;
}
