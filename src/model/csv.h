/* csv.h: a small strict CSV reader for assumption tables (and any other
 * header-first CSV): comma-separated, optional double quotes ("" escapes a
 * quote), UTF-8 BOM skipped, LF or CRLF line ends, empty lines skipped.
 *
 * Every record must have as many fields as the header. Errors name the file,
 * the line where the record starts and, for field errors, the column:
 *   'tables/job_levels.csv' line 4, column 'max_compensation': must be ...
 * The typed getters below produce those messages so table loaders only state
 * the rule. */
#ifndef PW_MODEL_CSV_H
#define PW_MODEL_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct pw_csv {
    const char *name;        /* display name for messages (caller-owned) */
    int code;                /* error code for content errors (PW_ETABLE unless changed) */
    const char *text;        /* whole input */
    size_t len, pos;         /* input bytes; read position */
    char *owned;             /* input buffer when read from a file */
    size_t line;             /* 1-based line where the current record starts */
    size_t next_line;        /* line of the read position */
    char *rec;               /* fields of the current record, each NUL-terminated */
    size_t rec_cap;
    size_t rec_len;          /* bytes used in rec */
    size_t *off;             /* start of field i in rec */
    size_t *flen;            /* bytes of field i */
    int nfields, fcap;       /* fields in the current record; slots allocated */
    int ncols;               /* columns in the header (0 before pw_csv_read_header) */
    char *header;            /* header names, NUL-separated */
    size_t *hoff;            /* start of header name i */
};

/* Reads from memory (text is not copied and must outlive c). */
int pw_csv_open_text(struct pw_csv *c, const char *name, const char *text, size_t len, struct pw_err *err);
/* Reads the whole file at path; name (NULL = path) is used in messages. PW_EIO on failure. */
int pw_csv_open_file(struct pw_csv *c, const char *path, const char *name, struct pw_err *err);
void pw_csv_close(struct pw_csv *c);

/* Reads the first record as the header (names must be non-empty and unique). */
int pw_csv_read_header(struct pw_csv *c, struct pw_err *err);
/* Requires exactly the columns in names (any order): a missing or unknown column
 * is an error. idx[i] receives the position of names[i]. */
int pw_csv_expect_columns(struct pw_csv *c, const char *const *names, int n, int *idx, struct pw_err *err);
/* Column position of name, or -1. */
int pw_csv_column(const struct pw_csv *c, const char *name);
const char *pw_csv_column_name(const struct pw_csv *c, int col);

/* Reads the next record: 1 = a record, 0 = end of input, negative = error. */
int pw_csv_next(struct pw_csv *c, struct pw_err *err);
/* Field col of the current record, NUL-terminated, untrimmed. */
const char *pw_csv_field(const struct pw_csv *c, int col, size_t *len);

/* Sets err to "'name' line N, column 'col': <message>" (col < 0: no column part)
 * and returns c->code. */
int pw_csv_fail(const struct pw_csv *c, int col, struct pw_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Typed getters on the current record. Each trims spaces, returns 1 when a value
 * was stored, 0 when the field is empty and optional (out untouched), or the
 * error code with a message naming line and column. */
int pw_csv_get_number(const struct pw_csv *c, int col, bool required, double *out, struct pw_err *err);
/* Required number in [lo, hi] (hi may be INFINITY): "must be between 0 and 0.5 (0.6)". */
int pw_csv_get_range(const struct pw_csv *c, int col, double lo, double hi, double *out, struct pw_err *err);
int pw_csv_get_int(const struct pw_csv *c, int col, bool required, int lo, int hi, int *out, struct pw_err *err);
int pw_csv_get_bool(const struct pw_csv *c, int col, bool required, bool *out, struct pw_err *err);
/* Copies the trimmed text into out (cap bytes incl. NUL; "" when empty and
 * optional); too long is an error. */
int pw_csv_get_label(const struct pw_csv *c, int col, bool required, char *out, size_t cap, struct pw_err *err);

/* Field parsers shared with the census rules. All trim surrounding spaces/tabs. */
const char *pw_csv_trim(const char *s, size_t *len);
/* Decimal number ([+-]digits[.digits][e[+-]digits]); no hex, inf or nan. */
bool pw_csv_parse_number(const char *s, size_t len, double *out);
/* true/false, 1/0, yes/no, t/f in any case. */
bool pw_csv_parse_bool(const char *s, size_t len, bool *out);
/* Formats a number for messages without exponent noise (80000, 0.425). */
const char *pw_csv_num(char buf[32], double v);

#endif
