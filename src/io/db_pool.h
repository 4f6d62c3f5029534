/* db_pool.h: a fixed set of connections to one DuckDB database, handed out to
 * threads that run SQL models or append output tables concurrently. Each pooled
 * connection is a struct pw_db of its own (pw_db_connect), so everything in db.h
 * works on it, and each has its own transactions. */
#ifndef PW_IO_DB_POOL_H
#define PW_IO_DB_POOL_H

#include "core/err.h"
#include "io/db.h"

struct pw_db_pool;

/* Opens size (>= 1) connections to db's database; db must outlive the pool. */
int pw_db_pool_new(struct pw_db_pool **out, struct pw_db *db, int size, struct pw_err *err);
void pw_db_pool_free(struct pw_db_pool *pool);
int pw_db_pool_size(const struct pw_db_pool *pool);
/* Connection i in [0, size): for callers that pin work to a connection (a worker
 * index of core/pool.h, one output table per connection). */
struct pw_db *pw_db_pool_at(struct pw_db_pool *pool, int i);
/* Blocks until a connection is free and takes it; give it back with release. */
struct pw_db *pw_db_pool_acquire(struct pw_db_pool *pool);
void pw_db_pool_release(struct pw_db_pool *pool, struct pw_db *conn);

#endif
