/* log.h: messages to stderr at three verbosity levels (-q, default, -v).
 * Warnings and errors always carry the "planwise: " prefix. */
#ifndef PW_CORE_LOG_H
#define PW_CORE_LOG_H

enum pw_verbosity { PW_QUIET = 0, PW_NORMAL = 1, PW_VERBOSE = 2 };

void pw_log_set_verbosity(int level);
int pw_log_verbosity(void);
/* Counts warnings so commands can summarise them; reset per command. */
unsigned long pw_log_warning_count(void);

/* Sends warning and info lines (without the "planwise: warning: " prefix) to fn
 * instead of stderr, for commands that report them in their own layout
 * (`planwise validate`); fn NULL restores stderr. Errors and debug lines are
 * not affected. Not thread-safe: set it while no other thread logs. */
enum pw_log_kind { PW_LOG_WARNING = 0, PW_LOG_INFO = 1 };
typedef void (*pw_log_hook_fn)(void *ctx, int kind, const char *line);
void pw_log_set_hook(pw_log_hook_fn fn, void *ctx);

void pw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* shown unless -q */
void pw_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* shown unless -q */
void pw_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* shown with -v */
void pw_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* always shown */

#endif
