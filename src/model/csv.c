/* csv.c: the strict CSV reader of csv.h. Records are unescaped into one
 * growable buffer per reader, so a field is a NUL-terminated slice of it and
 * nothing is allocated per field. */
#include "model/csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int open_common(struct pw_csv *c, const char *name, struct pw_err *err)
{
    c->name = name;
    c->code = PW_ETABLE;
    c->next_line = 1;
    c->rec_cap = 256;
    c->rec = malloc(c->rec_cap);
    c->fcap = 16;
    c->off = malloc((size_t)c->fcap * sizeof *c->off);
    c->flen = malloc((size_t)c->fcap * sizeof *c->flen);
    if (!c->rec || !c->off || !c->flen) return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", name);
    /* A UTF-8 byte order mark is an encoding marker, not part of the first column name. */
    if (c->len >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0) c->pos = 3;
    return 0;
}

int pw_csv_open_text(struct pw_csv *c, const char *name, const char *text, size_t len, struct pw_err *err)
{
    memset(c, 0, sizeof *c);
    c->text = text;
    c->len = len;
    return open_common(c, name, err);
}

int pw_csv_open_file(struct pw_csv *c, const char *path, const char *name, struct pw_err *err)
{
    memset(c, 0, sizeof *c);
    if (!name) name = path;
    FILE *f = fopen(path, "rb");
    if (!f) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
        if (len == cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p, cap *= 2;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf) return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", path);
    if (failed) {
        free(buf);
        return pw_err_set(err, PW_EIO, "cannot read '%s'", path);
    }
    c->owned = buf;
    c->text = buf;
    c->len = len;
    return open_common(c, name, err);
}

void pw_csv_close(struct pw_csv *c)
{
    free(c->owned);
    free(c->rec);
    free(c->off);
    free(c->flen);
    free(c->header);
    free(c->hoff);
    memset(c, 0, sizeof *c);
}

const char *pw_csv_column_name(const struct pw_csv *c, int col)
{
    if (col < 0 || col >= c->ncols) return NULL;
    return c->header + c->hoff[col];
}

int pw_csv_fail(const struct pw_csv *c, int col, struct pw_err *err, const char *fmt, ...)
{
    char what[PW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *cname = pw_csv_column_name(c, col);
    if (cname)
        return pw_err_set(err, c->code, "'%s' line %zu, column '%s': %s", c->name, c->line, cname, what);
    return pw_err_set(err, c->code, "'%s' line %zu: %s", c->name, c->line, what);
}

static int rec_append(struct pw_csv *c, const char *s, size_t n)
{
    if (c->rec_len + n + 1 > c->rec_cap) {
        size_t cap = c->rec_cap;
        while (c->rec_len + n + 1 > cap) cap *= 2;
        char *p = realloc(c->rec, cap);
        if (!p) return -1;
        c->rec = p, c->rec_cap = cap;
    }
    memcpy(c->rec + c->rec_len, s, n);
    c->rec_len += n;
    return 0;
}

static int field_begin(struct pw_csv *c)
{
    if (c->nfields == c->fcap) {
        int cap = c->fcap * 2;
        size_t *o = realloc(c->off, (size_t)cap * sizeof *o);
        if (o) c->off = o;
        size_t *l = realloc(c->flen, (size_t)cap * sizeof *l);
        if (l) c->flen = l;
        if (!o || !l) return -1;
        c->fcap = cap;
    }
    c->off[c->nfields] = c->rec_len;
    return 0;
}

/* Quoted field: the reader stands on the opening quote. */
static int read_quoted(struct pw_csv *c, struct pw_err *err)
{
    const char *t = c->text;
    int col = c->nfields;
    c->pos++;
    for (;;) {
        if (c->pos >= c->len)
            return pw_csv_fail(c, col, err, "quoted field is not closed before the end of the file");
        size_t start = c->pos;
        while (c->pos < c->len && t[c->pos] != '"' && t[c->pos] != '\0') {
            if (t[c->pos] == '\n') c->next_line++;
            c->pos++;
        }
        if (rec_append(c, t + start, c->pos - start)) return PW_ENOMEM;
        if (c->pos >= c->len) continue;
        if (t[c->pos] == '\0') return pw_csv_fail(c, col, err, "contains a NUL byte");
        if (c->pos + 1 < c->len && t[c->pos + 1] == '"') {
            if (rec_append(c, "\"", 1)) return PW_ENOMEM;
            c->pos += 2;
            continue;
        }
        c->pos++;
        break;
    }
    if (c->pos < c->len && t[c->pos] != ',' && t[c->pos] != '\n' && t[c->pos] != '\r')
        return pw_csv_fail(c, col, err, "unexpected character '%c' after a closing quote", t[c->pos]);
    return 0;
}

static int read_plain(struct pw_csv *c, struct pw_err *err)
{
    const char *t = c->text;
    size_t start = c->pos;
    while (c->pos < c->len) {
        char ch = t[c->pos];
        if (ch == ',' || ch == '\n' || ch == '\r') break;
        if (ch == '"')
            return pw_csv_fail(c, c->nfields, err, "quote inside an unquoted field (quote the whole field)");
        if (ch == '\0') return pw_csv_fail(c, c->nfields, err, "contains a NUL byte");
        c->pos++;
    }
    return rec_append(c, t + start, c->pos - start) ? PW_ENOMEM : 0;
}

int pw_csv_next(struct pw_csv *c, struct pw_err *err)
{
    const char *t = c->text;
    /* Empty lines carry no record; skipping them keeps a trailing blank line harmless. */
    while (c->pos < c->len && (t[c->pos] == '\n' || t[c->pos] == '\r')) {
        if (t[c->pos] == '\r' && c->pos + 1 < c->len && t[c->pos + 1] == '\n') c->pos++;
        c->pos++;
        c->next_line++;
    }
    if (c->pos >= c->len) return 0;
    c->line = c->next_line;
    c->rec_len = 0;
    c->nfields = 0;
    for (;;) {
        if (field_begin(c)) return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", c->name);
        int rc = c->pos < c->len && t[c->pos] == '"' ? read_quoted(c, err) : read_plain(c, err);
        if (rc == PW_ENOMEM) return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", c->name);
        if (rc) return rc;
        c->flen[c->nfields] = c->rec_len - c->off[c->nfields];
        if (rec_append(c, "", 1)) return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", c->name);
        c->rec[c->rec_len - 1] = '\0';
        c->nfields++;
        if (c->pos < c->len && t[c->pos] == ',') {
            c->pos++;
            continue;
        }
        if (c->pos < c->len) {
            if (t[c->pos] == '\r' && c->pos + 1 < c->len && t[c->pos + 1] == '\n') c->pos++;
            c->pos++;
            c->next_line++;
        }
        break;
    }
    if (c->ncols > 0 && c->nfields != c->ncols)
        return pw_csv_fail(c, -1, err, "expected %d fields as in the header, found %d", c->ncols, c->nfields);
    return 1;
}

const char *pw_csv_field(const struct pw_csv *c, int col, size_t *len)
{
    if (col < 0 || col >= c->nfields) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = c->flen[col];
    return c->rec + c->off[col];
}

int pw_csv_read_header(struct pw_csv *c, struct pw_err *err)
{
    int rc = pw_csv_next(c, err);
    if (rc < 0) return rc;
    if (rc == 0) return pw_err_set(err, c->code, "'%s' is empty: expected a header row", c->name);
    c->header = malloc(c->rec_len);
    c->hoff = malloc((size_t)c->nfields * sizeof *c->hoff);
    if (!c->header || !c->hoff) return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", c->name);
    memcpy(c->header, c->rec, c->rec_len);
    memcpy(c->hoff, c->off, (size_t)c->nfields * sizeof *c->hoff);
    c->ncols = c->nfields;
    for (int i = 0; i < c->ncols; i++) {
        const char *name = c->header + c->hoff[i];
        if (!*name) return pw_csv_fail(c, -1, err, "column %d has an empty name", i + 1);
        for (int j = 0; j < i; j++)
            if (strcmp(name, c->header + c->hoff[j]) == 0)
                return pw_csv_fail(c, -1, err, "duplicate column '%s'", name);
    }
    return 0;
}

int pw_csv_column(const struct pw_csv *c, const char *name)
{
    for (int i = 0; i < c->ncols; i++)
        if (strcmp(c->header + c->hoff[i], name) == 0) return i;
    return -1;
}

int pw_csv_expect_columns(struct pw_csv *c, const char *const *names, int n, int *idx, struct pw_err *err)
{
    char expected[512] = "";
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof expected; i++)
        used += (size_t)snprintf(expected + used, sizeof expected - used, "%s%s", i ? "," : "", names[i]);
    for (int i = 0; i < n; i++) {
        idx[i] = pw_csv_column(c, names[i]);
        if (idx[i] < 0) return pw_csv_fail(c, -1, err, "missing column '%s' (expected header: %s)", names[i], expected);
    }
    for (int j = 0; j < c->ncols; j++) {
        bool known = false;
        for (int i = 0; i < n && !known; i++) known = idx[i] == j;
        if (!known)
            return pw_csv_fail(c, -1, err, "unknown column '%s' (expected header: %s)", c->header + c->hoff[j],
                               expected);
    }
    return 0;
}

const char *pw_csv_trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    *len = n;
    return s;
}

bool pw_csv_parse_number(const char *s, size_t len, double *out)
{
    s = pw_csv_trim(s, &len);
    if (len == 0 || len >= 64) return false;
    /* Validate the shape first: strtod alone would also take hex, inf and nan. */
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-') i++;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, digits++;
    }
    if (!digits) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t exp_digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, exp_digits++;
        if (!exp_digits) return false;
    }
    if (i != len) return false;
    char buf[64];
    memcpy(buf, s, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v)) return false;
    *out = v;
    return true;
}

bool pw_csv_parse_bool(const char *s, size_t len, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "t"}, *const no[] = {"false", "0", "no", "f"};
    s = pw_csv_trim(s, &len);
    for (int i = 0; i < 4; i++) {
        if (len == strlen(yes[i]) && strncasecmp(s, yes[i], len) == 0) return *out = true, true;
        if (len == strlen(no[i]) && strncasecmp(s, no[i], len) == 0) return *out = false, true;
    }
    return false;
}

const char *pw_csv_num(char buf[32], double v)
{
    snprintf(buf, 32, "%.15g", v);
    return buf;
}

#define TRY_GET(expr)                                                      \
    do {                                                                   \
        int rc_ = (expr);                                                  \
        if (rc_ < 0) return rc_;                                           \
    } while (0)

/* Trimmed field: 1 with s and n set, 0 when empty and optional, else an error. */
static int get_text(const struct pw_csv *c, int col, bool required, const char **s, size_t *n, struct pw_err *err)
{
    *s = pw_csv_trim(pw_csv_field(c, col, n), n);
    if (*n) return 1;
    return required ? pw_csv_fail(c, col, err, "is empty") : 0;
}

int pw_csv_get_number(const struct pw_csv *c, int col, bool required, double *out, struct pw_err *err)
{
    const char *s;
    size_t n;
    int rc = get_text(c, col, required, &s, &n, err);
    if (rc <= 0) return rc;
    if (!pw_csv_parse_number(s, n, out)) return pw_csv_fail(c, col, err, "'%.*s' is not a number", (int)(n > 40 ? 40 : n), s);
    return 1;
}

int pw_csv_get_range(const struct pw_csv *c, int col, double lo, double hi, double *out, struct pw_err *err)
{
    char a[32], b[32], x[32];
    TRY_GET(pw_csv_get_number(c, col, true, out, err));
    if (*out >= lo && *out <= hi) return 1;
    if (isinf(hi) && lo == 0) return pw_csv_fail(c, col, err, "must not be negative (%s)", pw_csv_num(x, *out));
    if (isinf(hi)) return pw_csv_fail(c, col, err, "must be at least %s (%s)", pw_csv_num(a, lo), pw_csv_num(x, *out));
    return pw_csv_fail(c, col, err, "must be between %s and %s (%s)", pw_csv_num(a, lo), pw_csv_num(b, hi),
                       pw_csv_num(x, *out));
}

int pw_csv_get_int(const struct pw_csv *c, int col, bool required, int lo, int hi, int *out, struct pw_err *err)
{
    const char *s;
    size_t n;
    double v;
    int rc = get_text(c, col, required, &s, &n, err);
    if (rc <= 0) return rc;
    if (!pw_csv_parse_number(s, n, &v) || v != floor(v))
        return pw_csv_fail(c, col, err, "'%.*s' is not a whole number", (int)(n > 40 ? 40 : n), s);
    if (v < lo || v > hi) return pw_csv_fail(c, col, err, "must be between %d and %d (%.*s)", lo, hi, (int)n, s);
    *out = (int)v;
    return 1;
}

int pw_csv_get_bool(const struct pw_csv *c, int col, bool required, bool *out, struct pw_err *err)
{
    const char *s;
    size_t n;
    int rc = get_text(c, col, required, &s, &n, err);
    if (rc <= 0) return rc;
    if (!pw_csv_parse_bool(s, n, out))
        return pw_csv_fail(c, col, err, "'%.*s' is not a boolean (expected true or false)", (int)(n > 40 ? 40 : n), s);
    return 1;
}

int pw_csv_get_label(const struct pw_csv *c, int col, bool required, char *out, size_t cap, struct pw_err *err)
{
    const char *s;
    size_t n;
    int rc = get_text(c, col, required, &s, &n, err);
    if (rc < 0) return rc;
    if (rc == 0) n = 0;
    if (n >= cap) return pw_csv_fail(c, col, err, "'%.*s' is longer than %zu bytes", (int)(n > 40 ? 40 : n), s, cap - 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return rc;
}
