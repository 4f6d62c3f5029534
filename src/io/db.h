/* db.h: a DuckDB database session (one database handle, one connection) with the
 * project's settings: extension auto-install/auto-load off, thread count, and
 * clear errors for a locked or unreadable file. Only src/io/ sees duckdb.h; other
 * layers use the opaque struct pw_db. */
#ifndef PW_IO_DB_H
#define PW_IO_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

struct pw_db;

struct pw_db_options {
    int threads;              /* DuckDB worker threads; 0 = DuckDB default */
    bool read_only;
    uint64_t memory_limit;    /* bytes; 0 = DuckDB default (80% of RAM) */
    const char *temp_directory; /* spill folder; NULL or "" = DuckDB default (<db>.tmp) */
    bool duckdb_defaults;     /* leave threads, memory and checkpointing at DuckDB's defaults (baseline) */
};

/* Fails, naming the file and what it looks like (CSV text, Parquet, empty...),
 * when path exists but is not a DuckDB database; a missing path is fine (new). */
int pw_db_check_file(const char *path, struct pw_err *err);
/* path NULL or ":memory:" opens an in-memory database; an existing file that is
 * not a DuckDB database is refused (pw_db_check_file). */
int pw_db_open(struct pw_db **out, const char *path, const struct pw_db_options *opt, struct pw_err *err);
/* A second connection to parent's database (its own transactions); close it with
 * pw_db_close before closing parent. */
int pw_db_connect(struct pw_db **out, struct pw_db *parent, struct pw_err *err);
void pw_db_close(struct pw_db *db);
int pw_db_exec(struct pw_db *db, const char *sql, struct pw_err *err);
/* Runs one query that returns a single BIGINT/INTEGER value. */
int pw_db_query_int(struct pw_db *db, const char *sql, int64_t *out, struct pw_err *err);
/* Runs one query that returns a single value and copies its text into out. */
int pw_db_query_string(struct pw_db *db, const char *sql, char *out, size_t size, struct pw_err *err);
const char *pw_db_path(const struct pw_db *db);
/* The settings DuckDB actually runs with, one line: threads, memory limit, temp
 * directory, extension auto-install/auto-load. */
int pw_db_describe_settings(struct pw_db *db, char *out, size_t size, struct pw_err *err);
const char *pw_db_library_version(void);

/* Output format of pw_db_print_query. */
enum pw_print_format { PW_PRINT_TABLE = 0, PW_PRINT_CSV = 1 };
/* Sandbox for user SQL (sql_guard.c): switches DuckDB's external access off and
 * locks the configuration, so no later statement can reach files or turn it back
 * on. It holds for every connection to db's database instance, for the rest of
 * its life: sandbox an instance opened for user SQL only. A second call on a
 * sandboxed instance does nothing. */
int pw_db_sandbox(struct pw_db *db, struct pw_err *err);
/* Fails, naming "<what>", unless sql is exactly one statement and that statement
 * is a query (SELECT, WITH, VALUES, FROM-first); the statement is prepared against
 * db, so its relations must exist. Runs nothing. */
int pw_db_check_one_query(struct pw_db *db, const char *sql, const char *what, struct pw_err *err);
/* Statements in sql by DuckDB's parser (nothing is bound or run, so any
 * connection will do); 0 when sql does not parse, with the parser's message in
 * msg (may be NULL). */
size_t pw_db_count_statements(struct pw_db *db, const char *sql, char *msg, size_t size);
/* True when statement (one statement, no trailing ';') parses as a query: it can
 * stand as a subquery. A parse-level test for planning, where the relations a
 * model reads may not exist yet; pw_db_check_one_query is the exact test. */
bool pw_db_parses_as_query(struct pw_db *db, const char *statement);
/* Splits sql with DuckDB's parser and prepares each statement; fails (naming
 * "<what>" and the statement type) unless every statement is a SELECT/WITH query
 * or an EXPLAIN. Runs nothing. */
int pw_db_check_query(struct pw_db *db, const char *sql, const char *what, struct pw_err *err);

/* Writes the result of the one query sql as a Parquet file at path (query_parquet.c):
 * a separate in-memory DuckDB instance that runs only planwise's COPY streams the
 * result from db, so db may be sandboxed (pw_db_sandbox). Written to a temporary
 * name, synced and renamed. */
int pw_db_write_query_parquet(struct pw_db *db, const char *sql, const char *path, struct pw_err *err);

/* Runs sql and prints the result to out as an aligned table or CSV. */
int pw_db_print_query(struct pw_db *db, const char *sql, FILE *out, int format, struct pw_err *err);

#endif
