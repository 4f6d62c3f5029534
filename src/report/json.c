/* json.c: recursive-descent JSON reader. Values are built in place in the
 * caller's tree; arrays and objects grow by doubling. Positions are counted as
 * the parser advances (columns in bytes). */
#include "report/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX (64L << 20)

struct parser {
    const char *s, *end;
    int line, column;
    const char *name;
    struct pw_err *err;
};

static int fail(struct parser *p, const char *fmt, const char *detail)
{
    char reason[256];
    snprintf(reason, sizeof reason, fmt, detail ? detail : "");
    return pw_err_set(p->err, PW_EIO, "'%s':%d:%d: %s", p->name, p->line, p->column, reason);
}

static int nomem(struct parser *p) { return pw_err_set(p->err, PW_ENOMEM, "out of memory reading '%s'", p->name); }

static void advance(struct parser *p, size_t n)
{
    for (size_t i = 0; i < n && p->s < p->end; i++, p->s++) {
        if (*p->s == '\n') {
            p->line++;
            p->column = 1;
        } else {
            p->column++;
        }
    }
}

static void skip_space(struct parser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')) advance(p, 1);
}

/* What is at the current position, for "expected X, got Y" messages. */
static const char *seen(const struct parser *p, char *buf, size_t size)
{
    if (p->s >= p->end) return "the end of the file";
    unsigned char c = (unsigned char)*p->s;
    if (c >= 0x21 && c < 0x7F) snprintf(buf, size, "'%c'", c);
    else snprintf(buf, size, "byte 0x%02X", c);
    return buf;
}

static int expected(struct parser *p, const char *what)
{
    char buf[32], msg[160];
    snprintf(msg, sizeof msg, "expected %s, got %s", what, seen(p, buf, sizeof buf));
    return fail(p, "%s", msg);
}

static int parse_value(struct parser *p, struct pw_json *v, int depth);

static void put_utf8(char *out, size_t *n, unsigned cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(struct parser *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s + i < p->end ? p->s[i] : '\0';
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return fail(p, "%s", "invalid \\u escape (expected four hex digits)");
        v = v * 16 + (unsigned)d;
    }
    advance(p, 4);
    *out = v;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
    else return 0;
    if ((size_t)(end - s) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* At the opening quote; leaves a new NUL-terminated string in *out. */
static int parse_string(struct parser *p, char **out)
{
    advance(p, 1);
    /* The decoded text is never longer than the raw text up to the closing quote. */
    const char *q = p->s;
    while (q < p->end && *q != '"') q += (*q == '\\' && q + 1 < p->end) ? 2 : 1;
    if (q >= p->end) return fail(p, "%s", "unterminated string");
    char *buf = malloc((size_t)(q - p->s) + 1);
    if (!buf) return nomem(p);
    size_t n = 0;
    while (*p->s != '"') {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20) {
            free(buf);
            return fail(p, "%s", "control character in a string (escape it)");
        }
        if (c != '\\') {
            size_t len = utf8_len((const unsigned char *)p->s, (const unsigned char *)p->end);
            if (!len) {
                free(buf);
                return fail(p, "%s", "invalid UTF-8 in a string");
            }
            memcpy(buf + n, p->s, len);
            n += len;
            advance(p, len);
            continue;
        }
        char e = p->s + 1 < p->end ? p->s[1] : '\0';
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            buf[n++] = map[simple - "\"\\/bfnrt"];
            advance(p, 2);
            continue;
        }
        if (e != 'u') {
            free(buf);
            return fail(p, "%s", "invalid escape in a string");
        }
        advance(p, 2);
        unsigned cp, lo;
        if (hex4(p, &cp)) {
            free(buf);
            return PW_EIO;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u') {
                free(buf);
                return fail(p, "%s", "unpaired UTF-16 surrogate in a \\u escape");
            }
            advance(p, 2);
            if (hex4(p, &lo)) {
                free(buf);
                return PW_EIO;
            }
            if (lo < 0xDC00 || lo > 0xDFFF) {
                free(buf);
                return fail(p, "%s", "unpaired UTF-16 surrogate in a \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(buf);
            return fail(p, "%s", "unpaired UTF-16 surrogate in a \\u escape");
        }
        if (cp == 0) {
            free(buf);
            return fail(p, "%s", "\\u0000 in a string is not supported");
        }
        put_utf8(buf, &n, cp);
    }
    advance(p, 1);
    buf[n] = '\0';
    *out = buf;
    return 0;
}

static int parse_number(struct parser *p, struct pw_json *v)
{
    const char *s = p->s, *e = p->end;
    const char *q = s;
    if (q < e && *q == '-') q++;
    if (q < e && *q == '0') q++;
    else if (q < e && *q >= '1' && *q <= '9')
        while (q < e && *q >= '0' && *q <= '9') q++;
    else return expected(p, "a value");
    if (q < e && *q == '.') {
        q++;
        if (q >= e || *q < '0' || *q > '9') {
            advance(p, (size_t)(q - s));
            return expected(p, "a digit after the decimal point");
        }
        while (q < e && *q >= '0' && *q <= '9') q++;
    }
    if (q < e && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < e && (*q == '+' || *q == '-')) q++;
        if (q >= e || *q < '0' || *q > '9') {
            advance(p, (size_t)(q - s));
            return expected(p, "a digit in the exponent");
        }
        while (q < e && *q >= '0' && *q <= '9') q++;
    }
    char buf[64];
    if ((size_t)(q - s) >= sizeof buf) return fail(p, "%s", "number longer than 63 characters");
    memcpy(buf, s, (size_t)(q - s));
    buf[q - s] = '\0';
    errno = 0;
    v->number = strtod(buf, NULL);
    if (!isfinite(v->number) || (errno == ERANGE && fabs(v->number) > 1)) return fail(p, "%s", "number out of range");
    v->type = PW_JSON_NUMBER;
    if (!(v->string = malloc((size_t)(q - s) + 1))) return nomem(p);
    memcpy(v->string, buf, (size_t)(q - s) + 1);
    advance(p, (size_t)(q - s));
    return 0;
}

static int literal(struct parser *p, const char *word, size_t n)
{
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0) return expected(p, "a value");
    advance(p, n);
    return 0;
}

/* Appends an empty item to a container; returns it or NULL. */
static struct pw_json *add_item(struct pw_json *v, size_t *cap, bool with_key)
{
    if (v->count == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        struct pw_json *items = realloc(v->items, c * sizeof *items);
        if (!items) return NULL;
        v->items = items;
        if (with_key) {
            char **keys = realloc(v->keys, c * sizeof *keys);
            if (!keys) return NULL;
            v->keys = keys;
        }
        *cap = c;
    }
    struct pw_json *item = &v->items[v->count];
    memset(item, 0, sizeof *item);
    return item;
}

static int parse_array(struct parser *p, struct pw_json *v, int depth)
{
    v->type = PW_JSON_ARRAY;
    size_t cap = 0;
    advance(p, 1);
    skip_space(p);
    if (p->s < p->end && *p->s == ']') {
        advance(p, 1);
        return 0;
    }
    for (;;) {
        struct pw_json *item = add_item(v, &cap, false);
        if (!item) return nomem(p);
        v->count++;
        int rc = parse_value(p, item, depth + 1);
        if (rc) return rc;
        skip_space(p);
        if (p->s < p->end && *p->s == ',') {
            advance(p, 1);
            skip_space(p);
            if (p->s < p->end && *p->s == ']') return fail(p, "%s", "trailing comma before ']'");
            continue;
        }
        if (p->s < p->end && *p->s == ']') {
            advance(p, 1);
            return 0;
        }
        return expected(p, "',' or ']' after an array element");
    }
}

static int parse_object(struct parser *p, struct pw_json *v, int depth)
{
    v->type = PW_JSON_OBJECT;
    size_t cap = 0;
    advance(p, 1);
    skip_space(p);
    if (p->s < p->end && *p->s == '}') {
        advance(p, 1);
        return 0;
    }
    for (;;) {
        if (p->s >= p->end || *p->s != '"') return expected(p, "a key in double quotes");
        int kline = p->line, kcol = p->column;
        char *key;
        int rc = parse_string(p, &key);
        if (rc) return rc;
        if (pw_json_get(v, key)) {
            p->line = kline, p->column = kcol;
            rc = fail(p, "duplicate key '%s'", key);
            free(key);
            return rc;
        }
        struct pw_json *item = add_item(v, &cap, true);
        if (!item) {
            free(key);
            return nomem(p);
        }
        v->keys[v->count++] = key;
        skip_space(p);
        if (p->s >= p->end || *p->s != ':') return expected(p, "':' after a key");
        advance(p, 1);
        skip_space(p);
        if ((rc = parse_value(p, item, depth + 1))) return rc;
        skip_space(p);
        if (p->s < p->end && *p->s == ',') {
            advance(p, 1);
            skip_space(p);
            if (p->s < p->end && *p->s == '}') return fail(p, "%s", "trailing comma before '}'");
            continue;
        }
        if (p->s < p->end && *p->s == '}') {
            advance(p, 1);
            return 0;
        }
        return expected(p, "',' or '}' after an object member");
    }
}

static int parse_value(struct parser *p, struct pw_json *v, int depth)
{
    if (depth > PW_JSON_DEPTH_MAX) return fail(p, "%s", "nesting deeper than 64 levels");
    skip_space(p);
    v->line = p->line;
    v->column = p->column;
    if (p->s >= p->end) return expected(p, "a value");
    switch (*p->s) {
    case '{': return parse_object(p, v, depth);
    case '[': return parse_array(p, v, depth);
    case '"': v->type = PW_JSON_STRING; return parse_string(p, &v->string);
    case 't': v->type = PW_JSON_BOOL; v->boolean = true; return literal(p, "true", 4);
    case 'f': v->type = PW_JSON_BOOL; return literal(p, "false", 5);
    case 'n': v->type = PW_JSON_NULL; return literal(p, "null", 4);
    default: return parse_number(p, v);
    }
}

static void release(struct pw_json *v)
{
    free(v->string);
    for (size_t i = 0; i < v->count; i++) {
        release(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

void pw_json_free(struct pw_json *json)
{
    if (!json) return;
    release(json);
    free(json);
}

int pw_json_parse(const char *text, size_t len, const char *name, struct pw_json **out, struct pw_err *err)
{
    *out = NULL;
    struct parser p = {text, text + len, 1, 1, name ? name : "<json>", err};
    struct pw_json *root = calloc(1, sizeof *root);
    if (!root) return nomem(&p);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        pw_json_free(root);
        return fail(&p, "%s", "byte order mark at the start (JSON text must not have one)");
    }
    int rc = parse_value(&p, root, 0);
    if (!rc) {
        skip_space(&p);
        if (p.s < p.end) rc = expected(&p, "the end of the file after the value");
    }
    if (rc) {
        pw_json_free(root);
        return rc;
    }
    *out = root;
    return 0;
}

int pw_json_parse_file(const char *path, struct pw_json **out, struct pw_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (n == cap) {
            if (cap >= (size_t)FILE_MAX) {
                rc = pw_err_set(err, PW_EIO, "cannot read '%s': larger than %ld MiB", path, FILE_MAX >> 20);
                break;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) break;
            buf = grown, cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (!rc && ferror(f)) rc = pw_err_set(err, PW_EIO, "cannot read '%s': %s", path, strerror(errno));
    else if (!rc && (!buf || !feof(f))) rc = pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", path);
    fclose(f);
    if (!rc) rc = pw_json_parse(buf, n, path, out, err);
    free(buf);
    return rc;
}

const struct pw_json *pw_json_get(const struct pw_json *obj, const char *key)
{
    if (!obj || obj->type != PW_JSON_OBJECT) return NULL;
    for (size_t i = 0; i < obj->count; i++)
        if (obj->keys[i] && strcmp(obj->keys[i], key) == 0) return &obj->items[i];
    return NULL;
}

const char *pw_json_type_name(int type)
{
    switch (type) {
    case PW_JSON_NULL: return "null";
    case PW_JSON_BOOL: return "a boolean";
    case PW_JSON_NUMBER: return "a number";
    case PW_JSON_STRING: return "a string";
    case PW_JSON_ARRAY: return "an array";
    case PW_JSON_OBJECT: return "an object";
    default: return "a value";
    }
}
