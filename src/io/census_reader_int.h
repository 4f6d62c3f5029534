/* census_reader_int.h: internals shared by the files of the census reader
 * (census_reader.c, census_csv_header.c). Not for use outside src/io/census_*. */
#ifndef PW_IO_CENSUS_READER_INT_H
#define PW_IO_CENSUS_READER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

#define PW__CSV_HEADER_MAX (1u << 20) /* bytes; a longer header record is not a census */
#define PW__CSV_RECORD_MAX 2000000    /* bytes of a data record (DuckDB's max_line_size, set explicitly) */

/* The column names of a census file, in file order; each one heap-allocated. */
struct pw__names {
    char **names;
    size_t count;
};

/* Appends a copy of s[0..n); false when out of memory. */
bool pw__names_push(struct pw__names *h, const char *s, size_t n);
void pw__names_release(struct pw__names *h);

/* Reads the header record of the CSV file f (opened from path; a UTF-8 BOM is
 * skipped) into h. RFC 4180 quoting; the record ends at LF, CRLF or CR outside
 * quotes. Fails with PW_ECENSUS naming path for an empty file, an unterminated
 * quote, a header over PW__CSV_HEADER_MAX bytes or one that is not UTF-8 text. */
int pw__csv_read_header(const char *path, FILE *f, struct pw__names *h, struct pw_err *err);

/* Finds the first record of the CSV file path longer than limit bytes (quotes
 * respected, line end excluded): *line is the physical line it starts on (1 = the
 * header) and *length its bytes; both 0 when there is none. Fails only when the
 * file cannot be read. */
int pw__csv_find_long_record(const char *path, size_t limit, size_t *line, size_t *length, struct pw_err *err);

#endif
