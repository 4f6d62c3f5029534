/* pool.h: a small pthread pool that runs "for each chunk" jobs.
 *
 * Work is cut into chunks whose boundaries depend only on the row count and
 * PW_CHUNK_ROWS, never on the number of threads; callers write each chunk's
 * results into a slot indexed by the chunk and combine slots in chunk order,
 * so every result is independent of --threads. */
#ifndef PW_CORE_POOL_H
#define PW_CORE_POOL_H

#include <stddef.h>

#define PW_CHUNK_ROWS 4096

struct pw_pool;  /* opaque */

/* fn is called once per chunk index in [0, nchunks), from any worker. */
typedef void (*pw_chunk_fn)(void *ctx, size_t chunk, int worker);

/* threads <= 1 gives a pool that runs everything on the calling thread. */
struct pw_pool *pw_pool_new(int threads);
void pw_pool_free(struct pw_pool *pool);
int pw_pool_threads(const struct pw_pool *pool);
/* Runs fn over all chunks and returns when every chunk is done. */
void pw_pool_run(struct pw_pool *pool, size_t nchunks, pw_chunk_fn fn, void *ctx);

static inline size_t pw_chunk_count(size_t rows) { return (rows + PW_CHUNK_ROWS - 1) / PW_CHUNK_ROWS; }
static inline size_t pw_chunk_begin(size_t chunk) { return chunk * PW_CHUNK_ROWS; }
static inline size_t pw_chunk_end(size_t chunk, size_t rows)
{
    size_t e = (chunk + 1) * PW_CHUNK_ROWS;
    return e < rows ? e : rows;
}

/* Number of online CPUs (at least 1). */
int pw_cpu_count(void);

#endif
