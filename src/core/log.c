/* log.c: stderr logging with a process-wide verbosity. Lines are written with one
 * fputs so concurrent warnings from workers do not interleave mid-line. */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

static int verbosity = PW_NORMAL;
static atomic_ulong warnings;
static pw_log_hook_fn hook;
static void *hook_ctx;

void pw_log_set_hook(pw_log_hook_fn fn, void *ctx)
{
    hook = fn;
    hook_ctx = ctx;
}

/* Formats the message for the hook; true when the hook took it. */
static bool hooked(int kind, const char *fmt, va_list ap)
{
    if (!hook) return false;
    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    hook(hook_ctx, kind, line);
    return true;
}

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
    va_list ap;
    va_start(ap, fmt);
    if (!hooked(PW_LOG_WARNING, fmt, ap) && verbosity >= PW_NORMAL) emit("planwise: warning: ", fmt, ap);
    va_end(ap);
}

void pw_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!hooked(PW_LOG_INFO, fmt, ap) && verbosity >= PW_NORMAL) emit("", fmt, ap);
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
