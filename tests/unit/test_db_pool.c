/* test_db_pool.c: the DuckDB connection pool: every connection works and sees the
 * same database, each has its own transactions, acquire never hands one
 * connection to two threads at once, and release wakes a waiting thread. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "io/db.h"
#include "io/db_pool.h"

static struct pw_db *memory_db(void)
{
    struct pw_db *db;
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(&db, NULL, NULL, &err), 0);
    return db;
}

static int64_t query_int(struct pw_db *db, const char *sql)
{
    int64_t v = -1;
    struct pw_err err = {0};
    assert_int_equal(pw_db_query_int(db, sql, &v, &err), 0);
    return v;
}

/* All connections reach one database; an uncommitted row is visible only to its
 * own connection until COMMIT. */
static void test_connections_share_database_not_transactions(void **state)
{
    (void)state;
    struct pw_db *db = memory_db();
    struct pw_err err = {0};
    assert_int_equal(pw_db_exec(db, "CREATE TABLE t (v INTEGER)", &err), 0);
    struct pw_db_pool *pool;
    assert_int_equal(pw_db_pool_new(&pool, db, 3, &err), 0);
    assert_int_equal(pw_db_pool_size(pool), 3);
    struct pw_db *a = pw_db_pool_at(pool, 0), *b = pw_db_pool_at(pool, 1);
    assert_ptr_not_equal(a, b);
    assert_ptr_equal(pw_db_pool_at(pool, 4), b);   /* index wraps */
    assert_int_equal(pw_db_exec(a, "BEGIN TRANSACTION", &err), 0);
    assert_int_equal(pw_db_exec(a, "INSERT INTO t VALUES (1), (2)", &err), 0);
    assert_int_equal(query_int(a, "SELECT count(*) FROM t"), 2);
    assert_int_equal(query_int(b, "SELECT count(*) FROM t"), 0);
    assert_int_equal(pw_db_exec(a, "COMMIT", &err), 0);
    assert_int_equal(query_int(b, "SELECT count(*) FROM t"), 2);
    assert_int_equal(query_int(db, "SELECT sum(v) FROM t"), 3);
    pw_db_pool_free(pool);
    /* The parent connection still works after the pool is gone. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 2);
    pw_db_close(db);
}

struct worker_ctx {
    struct pw_db_pool *pool;
    pthread_mutex_t lock;
    int in_use[2];          /* holders of each connection right now */
    int max_seen;           /* most holders of one connection at once */
    int done;
};

static void *worker(void *p)
{
    struct worker_ctx *w = p;
    struct pw_err err = {0};
    for (int i = 0; i < 50; i++) {
        struct pw_db *c = pw_db_pool_acquire(w->pool);
        int slot = c == pw_db_pool_at(w->pool, 0) ? 0 : 1;
        pthread_mutex_lock(&w->lock);
        if (++w->in_use[slot] > w->max_seen) w->max_seen = w->in_use[slot];
        pthread_mutex_unlock(&w->lock);
        int64_t v = -1;
        if (pw_db_query_int(c, "SELECT 41 + 1", &v, &err) == 0 && v == 42) {
            pthread_mutex_lock(&w->lock);
            w->done++;
            pthread_mutex_unlock(&w->lock);
        }
        pthread_mutex_lock(&w->lock);
        w->in_use[slot]--;
        pthread_mutex_unlock(&w->lock);
        pw_db_pool_release(w->pool, c);
    }
    return NULL;
}

/* Six threads share two connections: each query succeeds and no connection is
 * ever held by two threads at once (threads wait in acquire instead). */
static void test_acquire_is_exclusive(void **state)
{
    (void)state;
    struct pw_db *db = memory_db();
    struct pw_err err = {0};
    struct worker_ctx w = {0};
    pthread_mutex_init(&w.lock, NULL);
    assert_int_equal(pw_db_pool_new(&w.pool, db, 2, &err), 0);
    pthread_t t[6];
    for (int i = 0; i < 6; i++) assert_int_equal(pthread_create(&t[i], NULL, worker, &w), 0);
    for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
    assert_int_equal(w.done, 300);
    assert_int_equal(w.max_seen, 1);
    pw_db_pool_free(w.pool);
    pthread_mutex_destroy(&w.lock);
    pw_db_close(db);
}

/* A size below one still gives one connection. */
static void test_minimum_size(void **state)
{
    (void)state;
    struct pw_db *db = memory_db();
    struct pw_err err = {0};
    struct pw_db_pool *pool;
    assert_int_equal(pw_db_pool_new(&pool, db, 0, &err), 0);
    assert_int_equal(pw_db_pool_size(pool), 1);
    struct pw_db *c = pw_db_pool_acquire(pool);
    assert_int_equal(query_int(c, "SELECT 7"), 7);
    pw_db_pool_release(pool, c);
    pw_db_pool_free(pool);
    pw_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connections_share_database_not_transactions),
        cmocka_unit_test(test_acquire_is_exclusive),
        cmocka_unit_test(test_minimum_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
