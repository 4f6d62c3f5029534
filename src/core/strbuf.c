/* strbuf.c: the growable text buffer (see strbuf.h). */
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

void pw_sb_release(struct pw_strbuf *b)
{
    free(b->buf);
    *b = (struct pw_strbuf)PW_STRBUF_INIT;
}

void pw_sb_reset(struct pw_strbuf *b)
{
    b->len = 0;
    if (b->buf) b->buf[0] = '\0';
}

/* Room for n more bytes plus the NUL; false (and the flag set) when out of memory. */
static bool reserve(struct pw_strbuf *b, size_t n)
{
    if (b->failed) return false;
    if (b->len + n + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->buf, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->buf = p;
    b->cap = cap;
    return true;
}

void pw_sb_addn(struct pw_strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n)) return;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void pw_sb_add(struct pw_strbuf *b, const char *s) { pw_sb_addn(b, s, strlen(s)); }

void pw_sb_addf(struct pw_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void pw_sb_add_sql_literal(struct pw_strbuf *b, const char *s)
{
    if (!s) {
        pw_sb_add(b, "NULL");
        return;
    }
    pw_sb_addn(b, "'", 1);
    for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
        pw_sb_addn(b, s, (size_t)(q - s) + 1);
        pw_sb_addn(b, "'", 1);
    }
    pw_sb_add(b, s);
    pw_sb_addn(b, "'", 1);
}

void pw_sb_add_json_string(struct pw_strbuf *b, const char *s)
{
    if (!s) {
        pw_sb_add(b, "null");
        return;
    }
    pw_sb_addn(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': pw_sb_add(b, "\\\""); break;
        case '\\': pw_sb_add(b, "\\\\"); break;
        case '\n': pw_sb_add(b, "\\n"); break;
        case '\r': pw_sb_add(b, "\\r"); break;
        case '\t': pw_sb_add(b, "\\t"); break;
        default:
            if (*p < 0x20) pw_sb_addf(b, "\\u%04x", *p);
            else pw_sb_addn(b, (const char *)p, 1);
        }
    }
    pw_sb_addn(b, "\"", 1);
}

const char *pw_sb_text(const struct pw_strbuf *b) { return b->buf ? b->buf : ""; }

int pw_sb_ok(const struct pw_strbuf *b) { return b->failed ? PW_ENOMEM : 0; }
