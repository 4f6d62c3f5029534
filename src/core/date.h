/* date.h: proleptic Gregorian calendar days and the age/tenure rules of MODEL 1.2-1.3.
 *
 * A pw_date is the number of days since 1970-01-01, the same count DuckDB uses for
 * its DATE type, so dates cross the database boundary without conversion. */
#ifndef PW_CORE_DATE_H
#define PW_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t pw_date;               /* days since 1970-01-01 */
#define PW_NO_DATE INT32_MIN           /* "no date" (e.g. not terminated) */

pw_date pw_date_from_ymd(int y, int m, int d);
void pw_date_to_ymd(pw_date date, int *y, int *m, int *d);
int pw_date_year(pw_date date);
bool pw_is_leap(int y);
int pw_days_in_month(int y, int m);
int pw_days_in_year(int y);                      /* D_Y: 365 or 366 */
static inline pw_date pw_year_start(int y) { return pw_date_from_ymd(y, 1, 1); }
static inline pw_date pw_year_end(int y) { return pw_date_from_ymd(y, 12, 31); }

/* age(b, d): whole years, with Feb 29 birthdays counting on Mar 1 in common years. */
int pw_age(pw_date birth, pw_date on);
/* birthday(b, A): the first date on which age(b, d) >= A. */
pw_date pw_birthday(pw_date birth, int years);
/* floor(days(hire, as_of) / 365.25), 0 if as_of < hire. */
int pw_tenure(pw_date hire, pw_date as_of);
/* Same month and day years earlier/later; Feb 29 maps to Feb 28. */
pw_date pw_date_shift_years(pw_date date, int years);

/* Parses exactly YYYY-MM-DD (len bytes; surrounding spaces tolerated). Returns false
 * for anything else, including impossible dates such as 2023-02-29. */
bool pw_date_parse(const char *s, size_t len, pw_date *out);
/* Writes YYYY-MM-DD and a NUL into buf (at least 11 bytes). */
void pw_date_format(pw_date date, char buf[static 11]);

/* "MM-DD" month-day values used by the event calendar: month * 100 + day. */
bool pw_mmdd_parse(const char *s, int *out);
static inline pw_date pw_mmdd_in_year(int mmdd, int y) { return pw_date_from_ymd(y, mmdd / 100, mmdd % 100); }

#endif
