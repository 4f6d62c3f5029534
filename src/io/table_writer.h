/* table_writer.h: fast bulk appends into one DuckDB table. Values are written
 * straight into the vectors of a data chunk (2,048 rows) whose column types come
 * from the table itself, and each full chunk is handed to a DuckDB appender. This
 * avoids a library call per value, which is what makes output streaming cheap. */
#ifndef PW_IO_TABLE_WRITER_H
#define PW_IO_TABLE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "io/db.h"

struct pw_table_writer;

/* table: "name" or "schema.name". row_mode: one appender call per value and row instead of whole data chunks; the
 * slow way, kept as the baseline of `planwise benchmark`. */
int pw_table_writer_new(struct pw_table_writer **out, struct pw_db *db, const char *table, bool row_mode,
                        struct pw_err *err);
/* Flushes buffered rows and frees the writer (also on error paths). */
int pw_table_writer_close(struct pw_table_writer *w, struct pw_err *err);
void pw_table_writer_free(struct pw_table_writer *w);

/* Value setters for column col of the current row. NAN doubles and PW_NO_DATE are NULL. */
void pw_tw_null(struct pw_table_writer *w, int col);
void pw_tw_varchar(struct pw_table_writer *w, int col, const char *s, size_t len);
void pw_tw_str(struct pw_table_writer *w, int col, const char *s);        /* NULL pointer -> NULL */
void pw_tw_int(struct pw_table_writer *w, int col, int64_t v);             /* INTEGER/BIGINT/SMALLINT column */
void pw_tw_u64(struct pw_table_writer *w, int col, uint64_t v);            /* UBIGINT column */
void pw_tw_timestamp(struct pw_table_writer *w, int col, double unix_seconds); /* TIMESTAMP column */
void pw_tw_double(struct pw_table_writer *w, int col, double v);
void pw_tw_date(struct pw_table_writer *w, int col, pw_date d);
void pw_tw_bool(struct pw_table_writer *w, int col, bool v);
void pw_tw_enum(struct pw_table_writer *w, int col, unsigned index);       /* ENUM member index */
void pw_tw_uuid(struct pw_table_writer *w, int col, const uint8_t uuid[16]);
/* Ends the row; appends the chunk when full. */
int pw_tw_end_row(struct pw_table_writer *w, struct pw_err *err);

#endif
