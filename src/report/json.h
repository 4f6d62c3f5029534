/* json.h: a small strict JSON reader (RFC 8259) for the files planwise writes
 * itself and reads back (the perf JSON of --baseline). The whole text becomes a
 * tree of struct pw_json; every value keeps its line and column so a reader can
 * name the place of a wrong value.
 *
 * Strict: one value with only whitespace around it, no comments, no trailing
 * commas, no NaN/Infinity, no duplicate keys in an object, strings in valid
 * UTF-8 with valid escapes, numbers in JSON syntax that fit a double, nesting at
 * most PW_JSON_DEPTH_MAX deep. Errors read "'file':LINE:COL: reason". */
#ifndef PW_REPORT_JSON_H
#define PW_REPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define PW_JSON_DEPTH_MAX 64

enum pw_json_type { PW_JSON_NULL = 0, PW_JSON_BOOL, PW_JSON_NUMBER, PW_JSON_STRING, PW_JSON_ARRAY, PW_JSON_OBJECT };

struct pw_json {
    int type;                  /* enum pw_json_type */
    int line, column;          /* 1-based position of the value's first character */
    bool boolean;              /* PW_JSON_BOOL */
    double number;             /* PW_JSON_NUMBER */
    char *string;              /* PW_JSON_STRING: decoded, NUL-terminated (no NUL inside);
                                  PW_JSON_NUMBER: the number as written (exact integers) */
    size_t count;              /* PW_JSON_ARRAY / PW_JSON_OBJECT: number of items */
    struct pw_json *items;     /* array elements or object values, in document order */
    char **keys;               /* PW_JSON_OBJECT: key of items[i] */
};

/* Parses text (len bytes; it need not be NUL-terminated). name is used in error
 * messages. On success *out is a new tree (free it with pw_json_free). Returns
 * 0, PW_EIO (syntax, with the position) or PW_ENOMEM. */
int pw_json_parse(const char *text, size_t len, const char *name, struct pw_json **out, struct pw_err *err);
/* Reads the file at path (at most 64 MiB) and parses it; errors name the path. */
int pw_json_parse_file(const char *path, struct pw_json **out, struct pw_err *err);
void pw_json_free(struct pw_json *json);

/* Value of key in an object, or NULL (also when obj is not an object). */
const struct pw_json *pw_json_get(const struct pw_json *obj, const char *key);
/* "an object", "a number", ...: for messages. */
const char *pw_json_type_name(int type);

#endif
