/* export.h: writing a scenario's tables out of the database. Parquet and CSV go
 * through DuckDB's COPY, one file per table into a folder; the Excel workbook is
 * written by src/report/export_xlsx.c from the sheet queries listed here. */
#ifndef PW_IO_EXPORT_H
#define PW_IO_EXPORT_H

#include <stddef.h>

#include "core/err.h"
#include "io/db.h"
#include "io/db_result.h"

/* Writes every table and view of db that has a scenario_id column, rows of scenario
 * only, to dir/<table>.<ext> (ext "parquet" or "csv"). The files are written into a
 * temporary sibling folder that replaces dir once every file is synced, so dir is
 * either left as it was or holds the new export whole. An existing dir is replaced
 * only when it holds nothing but *.parquet / *.csv files (an earlier export); other
 * content is refused before anything is written. *written counts the files. */
int pw_export_copy(struct pw_db *db, const char *scenario, const char *dir, const char *format, size_t *written,
                   struct pw_err *err);

/* The latest complete scenario of db when scenario is NULL or "" (into out), or
 * checks that scenario exists and completed. */
int pw_export_pick_scenario(struct pw_db *db, const char *scenario, char *out, size_t size, struct pw_err *err);

/* Column types of a query, as DuckDB names them ("BIGINT", "DOUBLE", "VARCHAR", ...),
 * rows of (column_name, column_type) in out. */
int pw_export_describe(struct pw_db *db, const char *sql, struct pw_db_text *out, struct pw_err *err);

#endif
