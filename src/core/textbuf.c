/* textbuf.c: the appenders of textbuf.h and the grouped-number formatter. */
#include "core/textbuf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void pw_tb_str(struct pw_textbuf *t, const char *s)
{
    while (*s && t->len + 1 < t->size) t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

void pw_tb_int(struct pw_textbuf *t, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[n++] = '-';
    while (n && t->len + 1 < t->size) t->buf[t->len++] = tmp[--n];
    t->buf[t->len] = '\0';
}

void pw_tb_fixed(struct pw_textbuf *t, double v, int places)
{
    static const long long scale[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    if (places < 0) places = 0;
    if (places > 6) places = 6;
    if (!isfinite(v)) {
        pw_tb_str(t, "NaN");
        return;
    }
    long long q = llround(v * (double)scale[places]);
    if (q < 0) {
        pw_tb_str(t, "-");
        q = -q;
    }
    pw_tb_int(t, q / scale[places]);
    if (places == 0) return;
    char frac[8];
    long long fp = q % scale[places];
    for (int i = places - 1; i >= 0; i--, fp /= 10) frac[i] = (char)('0' + fp % 10);
    frac[places] = '\0';
    pw_tb_str(t, ".");
    pw_tb_str(t, frac);
}

void pw_tb_date(struct pw_textbuf *t, pw_date date)
{
    char buf[11];
    pw_date_format(date, buf);
    pw_tb_str(t, buf);
}

const char *pw_fmt_grouped(long long v, char *buf, size_t size)
{
    char raw[32];
    unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    snprintf(raw, sizeof raw, "%llu", mag);
    size_t n = strlen(raw), o = 0;
    if (size == 0) return buf;
    if (v < 0 && o + 1 < size) buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}
