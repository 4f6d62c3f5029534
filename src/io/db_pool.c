/* db_pool.c: the connection pool: an array of sibling connections and a free
 * list guarded by a mutex, so acquire never hands one connection to two threads. */
#include "io/db_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct pw_db_pool {
    int size;
    struct pw_db **conns;     /* size connections */
    bool *busy;               /* busy[i]: conns[i] is acquired */
    pthread_mutex_t lock;
    pthread_cond_t freed;     /* signalled on every release */
};

int pw_db_pool_new(struct pw_db_pool **out, struct pw_db *db, int size, struct pw_err *err)
{
    *out = NULL;
    if (size < 1) size = 1;
    struct pw_db_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->conns = calloc((size_t)size, sizeof *p->conns)) || !(p->busy = calloc((size_t)size, sizeof *p->busy))) {
        if (p) free(p->conns);
        free(p);
        return pw_err_set(err, PW_ENOMEM, "out of memory creating a connection pool");
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    for (int i = 0; i < size; i++) {
        int rc = pw_db_connect(&p->conns[i], db, err);
        if (rc) {
            p->size = i;
            pw_db_pool_free(p);
            return rc;
        }
    }
    p->size = size;
    *out = p;
    return 0;
}

void pw_db_pool_free(struct pw_db_pool *pool)
{
    if (!pool) return;
    for (int i = 0; i < pool->size; i++) pw_db_close(pool->conns[i]);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->freed);
    free(pool->conns);
    free(pool->busy);
    free(pool);
}

int pw_db_pool_size(const struct pw_db_pool *pool) { return pool->size; }

struct pw_db *pw_db_pool_at(struct pw_db_pool *pool, int i) { return pool->conns[i % pool->size]; }

struct pw_db *pw_db_pool_acquire(struct pw_db_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        for (int i = 0; i < pool->size; i++) {
            if (!pool->busy[i]) {
                pool->busy[i] = true;
                pthread_mutex_unlock(&pool->lock);
                return pool->conns[i];
            }
        }
        pthread_cond_wait(&pool->freed, &pool->lock);
    }
}

void pw_db_pool_release(struct pw_db_pool *pool, struct pw_db *conn)
{
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < pool->size; i++)
        if (pool->conns[i] == conn) pool->busy[i] = false;
    pthread_cond_broadcast(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}
