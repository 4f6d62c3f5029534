/* census_reader.h: reads a census file (CSV or Parquet) through an in-memory DuckDB
 * and hands every row, as text, to the validation of model/census.h (MODEL 2.1).
 *
 * DuckDB does the parsing (quoting, BOM, CRLF, Parquet decoding, parallel scan);
 * every value arrives as text so one set of rules in census.c applies to both
 * formats. Rows stream chunk by chunk in file order; nothing is materialised. */
#ifndef PW_IO_CENSUS_READER_H
#define PW_IO_CENSUS_READER_H

#include <stddef.h>

#include "core/err.h"
#include "model/census.h"
#include "model/config.h"
#include "model/tables.h"

enum pw_census_format { PW_CENSUS_FORMAT_UNKNOWN = 0, PW_CENSUS_FORMAT_CSV, PW_CENSUS_FORMAT_PARQUET };

/* Format from the file name: ".csv" or ".parquet" (any case), else UNKNOWN. */
enum pw_census_format pw_census_format_of(const char *path);

/* Called once per data row in file order. row is the 1-based data row (for CSV the
 * line is row + 1 unless quoted values span lines or blank lines are skipped).
 * Field values stay valid only during the call; each non-NULL value is also
 * NUL-terminated. A non-zero return stops the scan and is returned by
 * pw_census_scan (fill err first). */
typedef int (*pw_census_row_fn)(void *ctx, const struct pw_census_fields *f, size_t row, struct pw_err *err);

/* Reads path and calls fn for every row. Fails (PW_EIO / PW_ECENSUS, message naming
 * the file) when the file is missing, unreadable, malformed, of another format, or
 * lacks a required column. A malformed row late in a file fails the scan after
 * earlier rows were delivered, so callers discard what they collected on failure. */
int pw_census_scan(const char *path, pw_census_row_fn fn, void *ctx, struct pw_err *err);

/* Reads path into census (already set up with pw_census_init): every row goes
 * through pw_census_add_row, then pw_census_finish builds the roster. Rejected rows
 * are not an error here; they are listed in census->rejected. */
int pw_census_read(const char *path, struct pw_census *census, const struct pw_config *cfg,
                   const struct pw_tables *tables, struct pw_err *err);

/* The column of path that feeds each census column (found[c] empty when absent)
 * and how it was found (enum pw_census_match of io/census_map.h), under the
 * active census map; fails as pw_census_scan does for missing required columns. */
int pw_census_mapping(const char *path, char found[PW_CC_COUNT][256], int how[PW_CC_COUNT], struct pw_err *err);

#endif
