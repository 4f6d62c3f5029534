/* log.h: messages to stderr at three verbosity levels (-q, default, -v).
 * Warnings and errors always carry the "planwise: " prefix. */
#ifndef PW_CORE_LOG_H
#define PW_CORE_LOG_H

enum pw_verbosity { PW_QUIET = 0, PW_NORMAL = 1, PW_VERBOSE = 2 };

void pw_log_set_verbosity(int level);
int pw_log_verbosity(void);
/* Counts warnings so commands can summarise them; reset per command. */
unsigned long pw_log_warning_count(void);

void pw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* shown unless -q */
void pw_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* shown unless -q */
void pw_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* shown with -v */
void pw_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* always shown */

#endif
