/* db_result.h: query results as text, for reports that show rows to people (the
 * sample rows of a failed data-quality check, measured model costs). Every value is
 * converted by DuckDB itself (ENUM, UUID, DATE and nested types included), so the
 * text is what `planwise query` would print. */
#ifndef PW_IO_DB_RESULT_H
#define PW_IO_DB_RESULT_H

#include <stddef.h>

#include "core/err.h"
#include "io/db.h"

struct pw_db_text {
    size_t cols;          /* number of columns */
    size_t rows;          /* rows held, at most the max_rows asked for */
    char **names;         /* cols column names */
    char **cells;         /* rows * cols values, row-major; NULL for SQL NULL */
};

/* Runs `SELECT COLUMNS(*)::VARCHAR FROM (<sql>) LIMIT max_rows`: sql must be one
 * query without a trailing semicolon. out is empty on error; release it either way. */
int pw_db_query_text(struct pw_db *db, const char *sql, size_t max_rows, struct pw_db_text *out, struct pw_err *err);
void pw_db_text_release(struct pw_db_text *t);
/* The value at (row, col), or NULL. */
const char *pw_db_text_at(const struct pw_db_text *t, size_t row, size_t col);

/* What the name `name` is in the main schema of db: a table, a view, or nothing. */
enum pw_db_relation { PW_DB_NONE = 0, PW_DB_TABLE = 1, PW_DB_VIEW = 2 };
int pw_db_relation_kind(struct pw_db *db, const char *name, enum pw_db_relation *out, struct pw_err *err);

#endif
