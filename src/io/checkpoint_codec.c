/* checkpoint_codec.c: the cheap column transforms applied before LZ4.
 *
 * LZ4 finds repeated byte strings. Numeric columns have few: a salary's low
 * bytes are noise while its high bytes (sign, exponent) repeat row after row.
 * Splitting the values into byte planes (all first bytes, then all second bytes,
 * ...) puts the repetitive bytes next to each other. Sorted or slowly changing
 * integers (dates with runs of "no date", hire dates, lengths) turn into small,
 * repeating numbers under a delta. Sorted ids share long prefixes with their
 * predecessor, which front coding drops. The writer measures which combination
 * compresses best for each column (checkpoint_write.c); this file only transforms. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "io/checkpoint.h"
#include "io/checkpoint_int.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the checkpoint format stores values little-endian as in memory; port the codec first"
#endif

/* ---- byte planes ---- */

static void shuffle(const uint8_t *src, size_t rows, int width, uint8_t *dst)
{
    for (int b = 0; b < width; b++) {
        uint8_t *plane = dst + (size_t)b * rows;
        const uint8_t *s = src + b;
        for (size_t r = 0; r < rows; r++) plane[r] = s[r * (size_t)width];
    }
}

static void unshuffle(const uint8_t *src, size_t rows, int width, uint8_t *dst)
{
    for (int b = 0; b < width; b++) {
        const uint8_t *plane = src + (size_t)b * rows;
        uint8_t *d = dst + b;
        for (size_t r = 0; r < rows; r++) d[r * (size_t)width] = plane[r];
    }
}

/* ---- deltas (wrapping unsigned arithmetic of the value's width) ---- */

#define DELTA_LOOPS(T)                                                  \
    static void delta_enc_##T(const uint8_t *src, size_t rows, uint8_t *dst) \
    {                                                                   \
        T prev = 0, v;                                                  \
        for (size_t r = 0; r < rows; r++) {                             \
            memcpy(&v, src + r * sizeof v, sizeof v);                   \
            T d = (T)(v - prev);                                        \
            memcpy(dst + r * sizeof d, &d, sizeof d);                   \
            prev = v;                                                   \
        }                                                               \
    }                                                                   \
    static void delta_dec_##T(const uint8_t *src, size_t rows, uint8_t *dst) \
    {                                                                   \
        T acc = 0, d;                                                   \
        for (size_t r = 0; r < rows; r++) {                             \
            memcpy(&d, src + r * sizeof d, sizeof d);                   \
            acc = (T)(acc + d);                                         \
            memcpy(dst + r * sizeof acc, &acc, sizeof acc);             \
        }                                                               \
    }
DELTA_LOOPS(uint8_t)
DELTA_LOOPS(uint16_t)
DELTA_LOOPS(uint32_t)
DELTA_LOOPS(uint64_t)

static void delta_encode(const uint8_t *src, size_t rows, int width, uint8_t *dst)
{
    switch (width) {
    case 1: delta_enc_uint8_t(src, rows, dst); break;
    case 2: delta_enc_uint16_t(src, rows, dst); break;
    case 4: delta_enc_uint32_t(src, rows, dst); break;
    default: PW_ASSERT(width == 8); delta_enc_uint64_t(src, rows, dst); break;
    }
}

static void delta_decode(const uint8_t *src, size_t rows, int width, uint8_t *dst)
{
    switch (width) {
    case 1: delta_dec_uint8_t(src, rows, dst); break;
    case 2: delta_dec_uint16_t(src, rows, dst); break;
    case 4: delta_dec_uint32_t(src, rows, dst); break;
    default: PW_ASSERT(width == 8); delta_dec_uint64_t(src, rows, dst); break;
    }
}

/* ---- decimals: doubles that are exactly n / 10^k ---- */

static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
#define EXACT_INT_LIMIT 9007199254740992.0   /* 2^53 */

/* n with v == n / 10^k bit for bit, or false. */
static bool decimal_of(double v, int k, int64_t *n)
{
    double x = v * pow10[k];
    if (!(fabs(x) < EXACT_INT_LIMIT)) return false;   /* also NaN */
    /* Nearest integer without a libm call (this runs for every value of every
     * money column of every checkpoint); inexact values fail the test below anyway. */
    int64_t m = (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
    double back = (double)m / pow10[k];
    if (memcmp(&back, &v, sizeof v) != 0) return false;   /* -0.0 and inexact values fail here */
    *n = m;
    return true;
}

int pw__ck_decimal_scale(const double *v, size_t rows)
{
    static const int scales[] = {2, 4, 6};
    for (size_t i = 0; i < sizeof scales / sizeof *scales; i++) {
        size_t r = 0;
        int64_t n;
        while (r < rows && decimal_of(v[r], scales[i], &n)) r++;
        if (r == rows) return scales[i];
    }
    return -1;
}

/* The pipeline: [decimal] -> [delta] -> [shuffle]. Stages run in tmp; the last
 * one writes dst. */
void pw__ck_encode_fixed(const void *src, size_t rows, int width, int transform, int scale, uint8_t *dst,
                         uint8_t *tmp)
{
    const size_t n = rows * (size_t)width;
    const uint8_t *cur = src;
    if (transform & PW_CK_DECIMAL) {
        PW_ASSERT(width == 8 && scale >= 0 && scale < (int)(sizeof pow10 / sizeof *pow10));
        for (size_t r = 0; r < rows; r++) {
            double v;
            int64_t m = 0;
            memcpy(&v, (const uint8_t *)src + 8 * r, 8);
            bool ok = decimal_of(v, scale, &m);
            PW_ASSERT(ok);   /* the writer checked the whole column */
            memcpy(tmp + 8 * r, &m, 8);
        }
        cur = tmp;
    }
    if (transform & PW_CK_DELTA) {
        delta_encode(cur, rows, width, tmp);   /* in place when cur is tmp */
        cur = tmp;
    }
    if ((transform & PW_CK_SHUFFLE) && width > 1) shuffle(cur, rows, width, dst);
    else if (n) memcpy(dst, cur, n);
}

void pw__ck_decode_fixed(const uint8_t *src, size_t rows, int width, int transform, int scale, void *dst,
                         uint8_t *tmp)
{
    const size_t n = rows * (size_t)width;
    const bool decimal = transform & PW_CK_DECIMAL;
    const uint8_t *cur = src;
    if ((transform & PW_CK_SHUFFLE) && width > 1) {
        unshuffle(src, rows, width, tmp);
        cur = tmp;
    }
    if (transform & PW_CK_DELTA) {
        uint8_t *out = decimal ? tmp : dst;
        delta_decode(cur, rows, width, out);   /* in place when cur is tmp */
        cur = out;
    }
    if (decimal) {
        PW_ASSERT(width == 8 && scale >= 0 && scale < (int)(sizeof pow10 / sizeof *pow10));
        for (size_t r = 0; r < rows; r++) {
            int64_t m;
            memcpy(&m, cur + 8 * r, 8);
            double v = (double)m / pow10[scale];
            memcpy((uint8_t *)dst + 8 * r, &v, 8);
        }
    } else if (cur != dst && n) {
        memcpy(dst, cur, n);
    }
}

/* ---- strings ---- */

static size_t common_prefix(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i]) i++;
    return i;
}

size_t pw__ck_strings_size(const char *const *s, size_t rows, int transform, size_t *raw)
{
    size_t text = 0, suffixes = 0;
    const char *prev = "";
    for (size_t r = 0; r < rows; r++) {
        if (!s[r]) {
            prev = "";
            continue;
        }
        size_t len = strlen(s[r]);
        if (len >= PW__CK_NULL_LEN) return SIZE_MAX;
        text += len;
        if (transform & PW_CK_FRONT) suffixes += len - common_prefix(prev, s[r]);
        prev = s[r];
    }
    if (raw) *raw = 4 * rows + text;
    return transform & PW_CK_FRONT ? 8 * rows + suffixes : 4 * rows + text;
}

static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* A u32 section of rows values, staged in tmp when shuffled. */
static void put_section(uint8_t *dst, const uint8_t *values, size_t rows, int transform)
{
    if (transform & PW_CK_SHUFFLE) shuffle(values, rows, 4, dst);
    else if (rows) memcpy(dst, values, 4 * rows);
}

void pw__ck_encode_strings(const char *const *s, size_t rows, int transform, uint8_t *dst, uint8_t *tmp)
{
    const bool front = transform & PW_CK_FRONT;
    uint8_t *text = dst + (front ? 8 : 4) * rows;
    const char *prev = "";
    /* First pass: the text and the (suffix) lengths. */
    for (size_t r = 0; r < rows; r++) {
        uint32_t len = PW__CK_NULL_LEN;
        if (s[r]) {
            size_t n = strlen(s[r]), skip = front ? common_prefix(prev, s[r]) : 0;
            memcpy(text, s[r] + skip, n - skip);
            text += n - skip;
            len = (uint32_t)(n - skip);
        }
        put_u32(tmp + 4 * r, len);
        prev = s[r] ? s[r] : "";
    }
    put_section(dst + (front ? 4 * rows : 0), tmp, rows, transform);
    if (!front) return;
    /* Second pass: the shared prefixes. */
    prev = "";
    for (size_t r = 0; r < rows; r++) {
        put_u32(tmp + 4 * r, s[r] ? (uint32_t)common_prefix(prev, s[r]) : 0);
        prev = s[r] ? s[r] : "";
    }
    put_section(dst, tmp, rows, transform);
}

static void get_section(const uint8_t *src, size_t rows, int transform, uint8_t *out)
{
    if (transform & PW_CK_SHUFFLE) unshuffle(src, rows, 4, out);
    else if (rows) memcpy(out, src, 4 * rows);
}

int pw__ck_decode_strings(const uint8_t *src, size_t size, size_t rows, int transform, struct pw_strpool *pool,
                          const char **out, uint8_t *tmp, char *why, size_t why_size)
{
    const bool front = transform & PW_CK_FRONT;
    const size_t head = (front ? 8 : 4) * rows;
    if (size < head) {
        snprintf(why, why_size, "%zu bytes cannot hold %zu string lengths", size, rows);
        return PW_ECHECKPOINT;
    }
    uint8_t *prefix = tmp, *length = tmp + 4 * rows;
    if (front) get_section(src, rows, transform, prefix);
    get_section(src + (front ? 4 * rows : 0), rows, transform, length);
    const uint8_t *text = src + head, *end = src + size;
    char *buf = NULL;
    size_t cap = 0, prev_len = 0;
    const char *prev = "";
    int rc = 0;
    for (size_t r = 0; r < rows && rc == 0; r++) {
        uint32_t len = get_u32(length + 4 * r), pre = front ? get_u32(prefix + 4 * r) : 0;
        if (len == PW__CK_NULL_LEN) {
            if (pre != 0) {
                snprintf(why, why_size, "row %zu: NULL string with a shared prefix", r);
                rc = PW_ECHECKPOINT;
                break;
            }
            out[r] = NULL;
            prev = "", prev_len = 0;
            continue;
        }
        if (pre > prev_len || (size_t)(end - text) < len) {
            snprintf(why, why_size, "row %zu: string length %u%s runs past its column", r, (unsigned)len,
                     pre > prev_len ? " (shared prefix longer than the previous string)" : "");
            rc = PW_ECHECKPOINT;
            break;
        }
        size_t n = (size_t)pre + len;
        if (n + 1 > cap) {
            size_t want = cap ? cap : 64;
            while (want < n + 1) want *= 2;
            char *p = realloc(buf, want);
            if (!p) {
                rc = PW_ENOMEM;
                break;
            }
            buf = p, cap = want;
        }
        memmove(buf, prev, pre);   /* prev may point into the pool; never into buf after this row */
        memcpy(buf + pre, text, len);
        if (memchr(buf, '\0', n)) {
            snprintf(why, why_size, "row %zu: NUL byte inside a string", r);
            rc = PW_ECHECKPOINT;
            break;
        }
        text += len;
        const char *s = pw_strpool_add(pool, buf, n);
        if (!s) {
            rc = PW_ENOMEM;
            break;
        }
        out[r] = s;
        prev = s, prev_len = n;
    }
    if (rc == 0 && text != end) {
        snprintf(why, why_size, "%zu bytes of text left over after the last string", (size_t)(end - text));
        rc = PW_ECHECKPOINT;
    }
    if (rc == PW_ENOMEM) snprintf(why, why_size, "out of memory for the strings");
    free(buf);
    return rc;
}
