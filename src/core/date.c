/* date.c: civil-date arithmetic (days <-> y/m/d by era decomposition) and the
 * age, birthday and tenure definitions of MODEL 1.3. */
#include "core/date.h"

#include <ctype.h>
#include <stdio.h>

pw_date pw_date_from_ymd(int y, int m, int d)
{
    /* Shift the year to start in March so the leap day is the last day of a year. */
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (pw_date)(era * 146097 + doe - 719468);
}

void pw_date_to_ymd(pw_date date, int *y, int *m, int *d)
{
    const int z = date + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int dd = doy - (153 * mp + 2) / 5 + 1;
    const int mm = mp < 10 ? mp + 3 : mp - 9;
    if (y) *y = yoe + era * 400 + (mm <= 2);
    if (m) *m = mm;
    if (d) *d = dd;
}

int pw_date_year(pw_date date)
{
    int y;
    pw_date_to_ymd(date, &y, NULL, NULL);
    return y;
}

bool pw_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int pw_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && pw_is_leap(y) ? 29 : days[m - 1];
}

int pw_days_in_year(int y) { return pw_is_leap(y) ? 366 : 365; }

int pw_age(pw_date birth, pw_date on)
{
    int by, bm, bd, y, m, d;
    pw_date_to_ymd(birth, &by, &bm, &bd);
    pw_date_to_ymd(on, &y, &m, &d);
    int age = y - by;
    if (m < bm || (m == bm && d < bd)) age--;
    return age;
}

pw_date pw_birthday(pw_date birth, int years)
{
    int by, bm, bd;
    pw_date_to_ymd(birth, &by, &bm, &bd);
    int y = by + years;
    if (bm == 2 && bd == 29 && !pw_is_leap(y)) return pw_date_from_ymd(y, 3, 1);
    return pw_date_from_ymd(y, bm, bd);
}

int pw_tenure(pw_date hire, pw_date as_of)
{
    if (as_of < hire) return 0;
    /* Integer form of floor(days / 365.25) avoids any floating-point edge. */
    return (int)(((int64_t)(as_of - hire) * 4) / 1461);
}

pw_date pw_date_shift_years(pw_date date, int years)
{
    int y, m, d;
    pw_date_to_ymd(date, &y, &m, &d);
    y += years;
    if (m == 2 && d == 29 && !pw_is_leap(y)) d = 28;
    return pw_date_from_ymd(y, m, d);
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool pw_date_parse(const char *s, size_t len, pw_date *out)
{
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len != 10 || s[4] != '-' || s[7] != '-') return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > pw_days_in_month(y, m)) return false;
    *out = pw_date_from_ymd(y, m, d);
    return true;
}

void pw_date_format(pw_date date, char buf[static 11])
{
    int y, m, d;
    pw_date_to_ymd(date, &y, &m, &d);
    unsigned yy = (unsigned)(y < 0 ? 0 : y % 10000);
    buf[0] = (char)('0' + yy / 1000), buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10), buf[3] = (char)('0' + yy % 10), buf[4] = '-';
    buf[5] = (char)('0' + m / 10), buf[6] = (char)('0' + m % 10), buf[7] = '-';
    buf[8] = (char)('0' + d / 10), buf[9] = (char)('0' + d % 10), buf[10] = '\0';
}

bool pw_mmdd_parse(const char *s, int *out)
{
    if (!s) return false;
    int m = -1, d = -1;
    char tail;
    if (sscanf(s, "%2d-%2d%c", &m, &d, &tail) != 2) return false;
    if (m < 1 || m > 12 || d < 1 || d > pw_days_in_month(2001, m)) return false; /* 02-29 refused */
    *out = m * 100 + d;
    return true;
}
