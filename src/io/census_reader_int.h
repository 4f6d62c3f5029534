/* census_reader_int.h: internals shared by the files of the census reader
 * (census_reader.c, census_csv_header.c). Not for use outside src/io/census_*. */
#ifndef PW_IO_CENSUS_READER_INT_H
#define PW_IO_CENSUS_READER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

#define PW__CSV_HEADER_MAX (1u << 20) /* bytes; a longer header record is not a census */

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

#endif
