/* pool.c: persistent workers that pull chunk indices from an atomic counter.
 * The caller thread works too, so a pool of n threads has n-1 helpers. */
#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/err.h"

struct pw_pool {
    int threads;                 /* workers including the caller, >= 1 */
    pthread_t *helpers;          /* threads - 1 helper threads */
    pthread_mutex_t lock;
    pthread_cond_t wake;         /* signals a new job or shutdown */
    pthread_cond_t done;         /* signals that all helpers finished the job */
    unsigned long generation;    /* bumped per job so helpers see each job once */
    int busy_helpers;            /* helpers still inside the current job */
    int shutdown;
    pw_chunk_fn fn;
    void *ctx;
    size_t nchunks;
    atomic_size_t next;          /* next chunk to hand out */
};

struct helper_arg {
    struct pw_pool *pool;
    int worker;
};

static void drain(struct pw_pool *pool, int worker)
{
    for (;;) {
        size_t c = atomic_fetch_add(&pool->next, 1);
        if (c >= pool->nchunks) break;
        pool->fn(pool->ctx, c, worker);
    }
}

static void *helper_main(void *p)
{
    struct helper_arg *arg = p;
    struct pw_pool *pool = arg->pool;
    int worker = arg->worker;
    free(arg);
    unsigned long seen = 0;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->shutdown && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->shutdown) break;
        seen = pool->generation;
        pthread_mutex_unlock(&pool->lock);
        drain(pool, worker);
        pthread_mutex_lock(&pool->lock);
        if (--pool->busy_helpers == 0) pthread_cond_signal(&pool->done);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

struct pw_pool *pw_pool_new(int threads)
{
    struct pw_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    if (pool->threads > 1) {
        pool->helpers = calloc((size_t)pool->threads - 1, sizeof *pool->helpers);
        if (!pool->helpers) {
            free(pool);
            return NULL;
        }
        for (int i = 1; i < pool->threads; i++) {
            struct helper_arg *arg = malloc(sizeof *arg);
            if (!arg) abort();
            arg->pool = pool;
            arg->worker = i;
            if (pthread_create(&pool->helpers[i - 1], NULL, helper_main, arg) != 0) {
                free(arg);
                pool->threads = i;   /* run with the helpers we have */
                break;
            }
        }
    }
    return pool;
}

void pw_pool_free(struct pw_pool *pool)
{
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    pool->shutdown = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->helpers[i - 1], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool->helpers);
    free(pool);
}

int pw_pool_threads(const struct pw_pool *pool) { return pool ? pool->threads : 1; }

void pw_pool_run(struct pw_pool *pool, size_t nchunks, pw_chunk_fn fn, void *ctx)
{
    if (nchunks == 0) return;
    if (!pool || pool->threads == 1 || nchunks == 1) {
        for (size_t c = 0; c < nchunks; c++) fn(ctx, c, 0);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->nchunks = nchunks;
    atomic_store(&pool->next, 0);
    pool->busy_helpers = pool->threads - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    drain(pool, 0);
    pthread_mutex_lock(&pool->lock);
    while (pool->busy_helpers > 0) pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

int pw_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}
