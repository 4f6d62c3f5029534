/* log.c: stderr logging with a process-wide verbosity. Lines are written with one
 * fputs so concurrent warnings from workers do not interleave mid-line. */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static int verbosity = PW_NORMAL;
static atomic_ulong warnings;

void pw_log_set_verbosity(int level) { verbosity = level; }
int pw_log_verbosity(void) { return verbosity; }
unsigned long pw_log_warning_count(void) { return atomic_load(&warnings); }

static void emit(const char *prefix, const char *fmt, va_list ap)
{
    char line[2048];
    int n = snprintf(line, sizeof line, "%s", prefix);
    if (n < 0) n = 0;
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    fputs(line, stderr);
    fputc('\n', stderr);
}

void pw_warn(const char *fmt, ...)
{
    atomic_fetch_add(&warnings, 1);
    if (verbosity < PW_NORMAL) return;
    va_list ap;
    va_start(ap, fmt);
    emit("planwise: warning: ", fmt, ap);
    va_end(ap);
}

void pw_info(const char *fmt, ...)
{
    if (verbosity < PW_NORMAL) return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void pw_debug(const char *fmt, ...)
{
    if (verbosity < PW_VERBOSE) return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void pw_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("planwise: ", fmt, ap);
    va_end(ap);
}
