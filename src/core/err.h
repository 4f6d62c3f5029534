/* err.h: the one table of planwise status codes and the error-report struct.
 *
 * Functions return int: 0 on success or a negative PW_E* code from the X-macro
 * list below, and fill an optional struct pw_err with a message that names the
 * file, row, column or key at fault. Only src/cli/ turns codes into exit(). */
#ifndef PW_CORE_ERR_H
#define PW_CORE_ERR_H

#include <stddef.h>

/* X(name, value, exit_code, description) */
#define PW_ERRORS(X)                                                   \
    X(OK, 0, 0, "success")                                             \
    X(NOMEM, -1, 1, "out of memory")                                   \
    X(IO, -2, 1, "input/output error")                                 \
    X(CONFIG, -3, 1, "invalid configuration")                          \
    X(CENSUS, -4, 1, "invalid census")                                 \
    X(TABLE, -5, 1, "invalid assumption table")                        \
    X(DB, -6, 1, "database error")                                     \
    X(LOCKED, -7, 1, "database is locked")                             \
    X(USAGE, -8, 2, "usage error")                                     \
    X(RANGE, -9, 1, "value out of range")                              \
    X(INTERNAL, -10, 1, "internal error")                              \
    X(CHECKPOINT, -11, 1, "invalid checkpoint")                        \
    X(MODEL, -12, 1, "SQL model error")

enum pw_status {
#define PW__ERR_ENUM(name, value, exit_code, text) PW_E##name = (value),
    PW_ERRORS(PW__ERR_ENUM)
#undef PW__ERR_ENUM
};

#define PW_ERR_MSG_MAX 1024

/* A caller-owned error report. code is 0 until something fails; msg is a
 * complete lower-case sentence without the "planwise: " prefix. */
struct pw_err {
    int code;                  /* 0 or a negative PW_E* value */
    char msg[PW_ERR_MSG_MAX];  /* NUL-terminated message */
};

/* Records code and a printf-style message in err (if non-NULL) and returns code,
 * so callers can write `return pw_err_set(err, PW_EIO, "...")`. */
int pw_err_set(struct pw_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends context ("while reading 'x': ") to an existing message. */
void pw_err_prefix(struct pw_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void pw_err_clear(struct pw_err *err);
const char *pw_status_name(int code);    /* "EIO" style name */
const char *pw_status_text(int code);    /* description */
int pw_status_exit_code(int code);       /* 0, 1 or 2 */

/* Programmer errors: abort with file:line. Never used for bad input. */
#define PW_ASSERT(cond)                                                    \
    do {                                                                   \
        if (!(cond)) pw__assert_fail(#cond, __FILE__, __LINE__);           \
    } while (0)
_Noreturn void pw__assert_fail(const char *expr, const char *file, int line);

#endif
