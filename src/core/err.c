/* err.c: status names, messages and the error-report helpers of err.h. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pw_err_set(struct pw_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void pw_err_prefix(struct pw_err *err, const char *fmt, ...)
{
    if (!err) return;
    char head[PW_ERR_MSG_MAX], joined[2 * PW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    snprintf(joined, sizeof joined, "%s%s", head, err->msg);
    memcpy(err->msg, joined, sizeof err->msg - 1);
    err->msg[sizeof err->msg - 1] = '\0';
}

void pw_err_clear(struct pw_err *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}

const char *pw_status_name(int code)
{
    switch (code) {
#define PW__ERR_NAME(name, value, exit_code, text) case value: return "E" #name;
        PW_ERRORS(PW__ERR_NAME)
#undef PW__ERR_NAME
    }
    return "EUNKNOWN";
}

const char *pw_status_text(int code)
{
    switch (code) {
#define PW__ERR_TEXT(name, value, exit_code, text) case value: return text;
        PW_ERRORS(PW__ERR_TEXT)
#undef PW__ERR_TEXT
    }
    return "unknown error";
}

int pw_status_exit_code(int code)
{
    switch (code) {
#define PW__ERR_EXIT(name, value, exit_code, text) case value: return exit_code;
        PW_ERRORS(PW__ERR_EXIT)
#undef PW__ERR_EXIT
    }
    return 1;
}

void pw__assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "planwise: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
    abort();
}
