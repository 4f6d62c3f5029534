/* config_value.c: parsing, range checking and formatting of one configuration
 * value, driven by its row in the key table (config_keys.h).
 *
 * Parsing is strict (a whole scalar must be consumed, numbers must be finite)
 * because a silently misread rate changes every result. Messages name the
 * full key and the allowed values, and quote the text as written. */
#include "model/config_keys.h"
#include "model/plan_config_lists.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEED_MAX ((uint64_t)INT64_MAX)

static void *field(struct pw_config *cfg, const struct pw_config_key *k) { return (char *)cfg + k->offset; }
static const void *cfield(const struct pw_config *cfg, const struct pw_config_key *k)
{
    return (const char *)cfg + k->offset;
}

static void mark_set(struct pw_config *cfg, const struct pw_config_key *k, bool set)
{
    if (k->set_offset != PW_KEY_NO_FIELD) *(bool *)((char *)cfg + k->set_offset) = set;
}

bool pw_config_key_is_set(const struct pw_config *cfg, const struct pw_config_key *k)
{
    return k->set_offset == PW_KEY_NO_FIELD || *(const bool *)((const char *)cfg + k->set_offset);
}

void pw_config_format_double(double v, char *buf, size_t size)
{
    /* Whole numbers keep a ".0" so a reader sees a number key, not an integer key. */
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, size, "%.1f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
}

void pw_config_format_bound(double v, char *buf, size_t size)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        pw_config_format_double(v, buf, size);
}

void pw_config_key_allowed(const struct pw_config_key *k, char *buf, size_t size)
{
    char lo[40], hi[40];
    pw_config_format_bound(k->lo, lo, sizeof lo);
    pw_config_format_bound(k->hi, hi, sizeof hi);
    switch (k->type) {
    case PW_KEY_MATCH_FORMULAS:
    case PW_KEY_CORE_SCHEDULE:
    case PW_KEY_PLAN_LIST: pw__plan_list_allowed(k, buf, size); return;
    case PW_KEY_BOOL: snprintf(buf, size, "true or false"); return;
    case PW_KEY_SEED: snprintf(buf, size, "an integer in [0, %" PRIu64 "]", SEED_MAX); return;
    case PW_KEY_STRING: snprintf(buf, size, "%s to %s characters long", lo, hi); return;
    case PW_KEY_PATH:
        snprintf(buf, size, "a %spath of at most %s characters%s", k->lo >= 1 ? "non-empty " : "", hi,
                 k->flags & PW_KF_NULLABLE ? " or null" : "");
        return;
    case PW_KEY_DATE: snprintf(buf, size, "a date YYYY-MM-DD%s", k->flags & PW_KF_NULLABLE ? " or null" : ""); return;
    case PW_KEY_MMDD: snprintf(buf, size, "a month and day MM-DD other than 02-29"); return;
    case PW_KEY_ENUM: {
        size_t n = (size_t)snprintf(buf, size, "one of");
        for (int i = 0; k->names[i] && n < size; i++)
            n += (size_t)snprintf(buf + n, size - n, "%s '%s'", i ? "," : "", k->names[i]);
        return;
    }
    case PW_KEY_INT:
    case PW_KEY_DOUBLE:
    case PW_KEY_LEVEL_MAP: break;
    }
    const char *prefix = k->type == PW_KEY_INT ? "an integer " : "";
    /* Table-backed rates say so: null is a meaningful value there. */
    const char *suffix = k->flags & PW_KF_NAN ? " or null" : "";
    bool has_lo = !(k->flags & PW_KF_NO_LO), has_hi = !(k->flags & PW_KF_NO_HI);
    if (has_lo && has_hi)
        snprintf(buf, size, "%sin %c%s, %s%c%s", prefix, k->flags & PW_KF_LO_OPEN ? '(' : '[', lo, hi,
                 k->flags & PW_KF_HI_OPEN ? ')' : ']', suffix);
    else if (has_lo)
        snprintf(buf, size, "%s%s %s%s", prefix, k->flags & PW_KF_LO_OPEN ? ">" : ">=", lo, suffix);
    else if (has_hi)
        snprintf(buf, size, "%s%s %s%s", prefix, k->flags & PW_KF_HI_OPEN ? "<" : "<=", hi, suffix);
    else
        snprintf(buf, size, "%sany number%s", prefix, suffix);
}

static bool in_bounds(const struct pw_config_key *k, double v)
{
    if (!(k->flags & PW_KF_NO_LO) && (k->flags & PW_KF_LO_OPEN ? v <= k->lo : v < k->lo)) return false;
    if (!(k->flags & PW_KF_NO_HI) && (k->flags & PW_KF_HI_OPEN ? v >= k->hi : v > k->hi)) return false;
    return true;
}

/* "must be <allowed>, got <got>" for key k. */
static int fail_range(const struct pw_config_key *k, const char *where, const char *what, const char *got,
                      struct pw_err *err)
{
    char allowed[256];
    pw_config_key_allowed(k, allowed, sizeof allowed);
    return pw_err_set(err, PW_ECONFIG, "%s'%s'%s must be %s, got %s", where, k->key, what, allowed, got);
}

/* A value of the wrong type: "must be a number in [0, 1], got 'x'". Integer keys
 * already describe themselves as "an integer in [...]". */
static int fail_type(const struct pw_config_key *k, const char *where, const char *what, const char *got,
                     struct pw_err *err)
{
    char allowed[256];
    pw_config_key_allowed(k, allowed, sizeof allowed);
    const char *kind = strncmp(allowed, "in ", 3) == 0 ? "a number " : "";
    return pw_err_set(err, PW_ECONFIG, "%s'%s'%s must be %s%s, got %s", where, k->key, what, kind, allowed, got);
}

static bool is_blank(const char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    return *s == '\0';
}

bool pw_config_parse_double(const char *text, double *out)
{
    if (is_blank(text)) return false;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE || !isfinite(v) || !is_blank(end)) return false;
    /* strtod also reads hex floats and "nan"/"inf"; config numbers are decimal. */
    for (const char *p = text; p < end; p++)
        if (!strchr("0123456789+-.eE ", *p)) return false;
    *out = v;
    return true;
}

static bool parse_i64(const char *text, long long *out)
{
    if (is_blank(text)) return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || errno == ERANGE || !is_blank(end)) return false;
    *out = v;
    return true;
}

static bool parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", NULL}, *const no[] = {"false", "no", "off", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strcasecmp(text, yes[i]) == 0) return *out = true, true;
        if (strcasecmp(text, no[i]) == 0) return *out = false, true;
    }
    return false;
}

static int check_number(const struct pw_config_key *k, double v, const char *where, const char *what,
                        const char *got, struct pw_err *err)
{
    if (in_bounds(k, v)) return 0;
    char buf[64];
    if (!got) {
        if (k->type == PW_KEY_INT) snprintf(buf, sizeof buf, "%.0f", v);
        else pw_config_format_double(v, buf, sizeof buf);
        got = buf;
    }
    return fail_range(k, where, what, got, err);
}

int pw_config_key_set(struct pw_config *cfg, const struct pw_config_key *k, const char *text, bool is_null,
                      const char *where, struct pw_err *err)
{
    char got[160];
    snprintf(got, sizeof got, "'%.120s%s'", text, strlen(text) > 120 ? "..." : "");
    if (is_null) {
        if (!(k->flags & PW_KF_NULLABLE)) return fail_range(k, where, "", "null", err);
        mark_set(cfg, k, false);
        if (k->offset == PW_KEY_NO_FIELD) return 0;
        switch (k->type) {
        case PW_KEY_DATE: *(pw_date *)field(cfg, k) = PW_NO_DATE; break;
        case PW_KEY_PATH:
        case PW_KEY_STRING: *(char *)field(cfg, k) = '\0'; break;
        case PW_KEY_LEVEL_MAP: pw_config_key_clear_map(cfg, k); break;
        case PW_KEY_DOUBLE:
            if (k->flags & PW_KF_NAN) *(double *)field(cfg, k) = NAN;
            break;
        default: break; /* value unused while its set flag is false */
        }
        return 0;
    }
    union { bool b; long long i; double d; uint64_t u; pw_date date; int mmdd; } v;
    switch (k->type) {
    case PW_KEY_BOOL:
        if (!parse_bool(text, &v.b)) return fail_range(k, where, "", got, err);
        break;
    case PW_KEY_INT:
        if (!parse_i64(text, &v.i))
            return fail_range(k, where, "", got, err);
        if (check_number(k, (double)v.i, where, "", text, err)) return PW_ECONFIG;
        break;
    case PW_KEY_DOUBLE:
        if (!pw_config_parse_double(text, &v.d))
            return fail_type(k, where, "", got, err);
        if (check_number(k, v.d, where, "", text, err)) return PW_ECONFIG;
        break;
    case PW_KEY_SEED: {
        const char *s = text;
        while (isspace((unsigned char)*s)) s++;
        char *end;
        errno = 0;
        unsigned long long u = *s == '-' || *s == '+' ? 0 : strtoull(s, &end, 10);
        if (*s == '-' || *s == '+' || end == s || !is_blank(end)) {
            if (*s == '-' && pw_config_parse_double(s, &v.d)) return fail_range(k, where, "", text, err);
            return fail_range(k, where, "", got, err);
        }
        if (errno == ERANGE || u > SEED_MAX) return fail_range(k, where, "", text, err);
        v.u = u;
        break;
    }
    case PW_KEY_STRING:
    case PW_KEY_PATH: {
        size_t n = strlen(text);
        if ((double)n < k->lo || (double)n > k->hi) {
            char len[32];
            snprintf(len, sizeof len, "%zu characters", n);
            return fail_range(k, where, "", len, err);
        }
        if (k->offset != PW_KEY_NO_FIELD) memcpy(field(cfg, k), text, n + 1);
        mark_set(cfg, k, true);
        return 0;
    }
    case PW_KEY_DATE:
        if (!pw_date_parse(text, strlen(text), &v.date)) return fail_range(k, where, "", got, err);
        break;
    case PW_KEY_MMDD: {
        const char *s = text;
        while (isspace((unsigned char)*s)) s++;
        size_t n = strlen(s);
        while (n && isspace((unsigned char)s[n - 1])) n--;
        bool shape = n == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && s[2] == '-' &&
                     isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]);
        char five[6] = {0};
        if (shape) memcpy(five, s, 5);
        if (!shape || !pw_mmdd_parse(five, &v.mmdd)) return fail_range(k, where, "", got, err);
        break;
    }
    case PW_KEY_ENUM: {
        int i = 0;
        while (k->names[i] && strcmp(k->names[i], text) != 0) i++;
        if (!k->names[i]) return fail_range(k, where, "", got, err);
        v.i = i;
        break;
    }
    case PW_KEY_LEVEL_MAP:
        return pw_err_set(err, PW_ECONFIG, "%s'%s' must be a mapping of level to number, got %s", where, k->key,
                          got);
    case PW_KEY_MATCH_FORMULAS:
        return pw_err_set(err, PW_ECONFIG, "%s'%s' must be a mapping of formula names to formulas, got %s", where,
                          k->key, got);
    case PW_KEY_CORE_SCHEDULE:
    case PW_KEY_PLAN_LIST:
        return pw_err_set(err, PW_ECONFIG, "%s'%s' must be a list of rows, got %s", where, k->key, got);
    }
    mark_set(cfg, k, true);
    if (k->offset == PW_KEY_NO_FIELD) return 0;
    switch (k->type) {
    case PW_KEY_BOOL: *(bool *)field(cfg, k) = v.b; break;
    case PW_KEY_INT: *(int *)field(cfg, k) = (int)v.i; break;
    case PW_KEY_DOUBLE: *(double *)field(cfg, k) = v.d; break;
    case PW_KEY_SEED: *(uint64_t *)field(cfg, k) = v.u; break;
    case PW_KEY_DATE: *(pw_date *)field(cfg, k) = v.date; break;
    case PW_KEY_MMDD: *(int *)field(cfg, k) = v.mmdd; break;
    case PW_KEY_ENUM: *(int *)field(cfg, k) = (int)v.i; break;
    default: break;
    }
    return 0;
}

int pw_config_key_set_level(struct pw_config *cfg, const struct pw_config_key *k, const char *level,
                            const char *value, const char *where, struct pw_err *err)
{
    PW_ASSERT(k->type == PW_KEY_LEVEL_MAP);
    long long l;
    if (!parse_i64(level, &l) || l < 1 || l > PW_MAX_LEVELS)
        return pw_err_set(err, PW_ECONFIG, "%s'%s' keys must be job levels 1 to %d, got '%s'", where, k->key,
                          PW_MAX_LEVELS, level);
    if (!value) {
        if (k->offset != PW_KEY_NO_FIELD) ((struct pw_level_map *)field(cfg, k))->set[l] = false;
        return 0;
    }
    double v;
    char what[32];
    snprintf(what, sizeof what, " level %lld", l);
    if (!pw_config_parse_double(value, &v)) {
        char got[300];
        snprintf(got, sizeof got, "'%.256s'", value);
        return fail_type(k, where, what, got, err);
    }
    if (check_number(k, v, where, what, value, err)) return PW_ECONFIG;
    if (k->offset == PW_KEY_NO_FIELD) return 0;
    struct pw_level_map *m = field(cfg, k);
    m->set[l] = true;
    m->value[l] = v;
    return 0;
}

void pw_config_key_clear_map(struct pw_config *cfg, const struct pw_config_key *k)
{
    if (k->type != PW_KEY_LEVEL_MAP || k->offset == PW_KEY_NO_FIELD) return;
    memset(field(cfg, k), 0, sizeof(struct pw_level_map));
}

void pw_config_key_apply_default(struct pw_config *cfg, const struct pw_config_key *k)
{
    struct pw_err err = {0};
    int rc = 0;
    if (pw_config_key_is_list(k->type)) {
        pw__plan_list_default(cfg, k);
        return;
    }
    if (k->type == PW_KEY_LEVEL_MAP) {
        pw_config_key_clear_map(cfg, k);
        /* Defaults are written "1: 0.30, 2: 0.40"; the YAML loader never sees them. */
        for (const char *p = k->def; p && *p && rc == 0;) {
            char item[64], *colon;
            size_t n = strcspn(p, ",");
            PW_ASSERT(n < sizeof item);
            memcpy(item, p, n);
            item[n] = '\0';
            colon = strchr(item, ':');
            PW_ASSERT(colon != NULL);
            *colon = '\0';
            rc = pw_config_key_set_level(cfg, k, item, colon + 1, "", &err);
            p += n + (p[n] == ',');
        }
    } else {
        rc = pw_config_key_set(cfg, k, k->def ? k->def : "", k->def == NULL, "", &err);
    }
    if (rc != 0) {
        fprintf(stderr, "planwise: bad default in the key table: %s\n", err.msg);
        PW_ASSERT(rc == 0);
    }
    mark_set(cfg, k, false);
}

int pw_config_key_check(const struct pw_config *cfg, const struct pw_config_key *k, const char *where,
                        struct pw_err *err)
{
    if (k->offset == PW_KEY_NO_FIELD || !pw_config_key_is_set(cfg, k)) return 0;
    const void *f = cfield(cfg, k);
    switch (k->type) {
    case PW_KEY_INT: return check_number(k, *(const int *)f, where, "", NULL, err);
    case PW_KEY_DOUBLE:
        if ((k->flags & PW_KF_NAN) && isnan(*(const double *)f)) return 0; /* null: the table decides */
        return check_number(k, *(const double *)f, where, "", NULL, err);
    case PW_KEY_SEED: {
        char got[32];
        snprintf(got, sizeof got, "%" PRIu64, *(const uint64_t *)f);
        return *(const uint64_t *)f > SEED_MAX ? fail_range(k, where, "", got, err) : 0;
    }
    case PW_KEY_LEVEL_MAP: {
        const struct pw_level_map *m = f;
        for (int l = 1; l <= PW_MAX_LEVELS; l++) {
            char what[32];
            snprintf(what, sizeof what, " level %d", l);
            if (m->set[l] && check_number(k, m->value[l], where, what, NULL, err)) return PW_ECONFIG;
        }
        return 0;
    }
    case PW_KEY_STRING:
    case PW_KEY_PATH: {
        size_t n = strnlen(f, (size_t)k->hi + 1);
        if ((double)n >= k->lo && (double)n <= k->hi) return 0;
        char len[32];
        snprintf(len, sizeof len, "%zu characters", n);
        return fail_range(k, where, "", len, err);
    }
    case PW_KEY_ENUM: {
        int v = *(const int *)f, n = 0;
        while (k->names[n]) n++;
        char got[32];
        snprintf(got, sizeof got, "%d", v);
        return v < 0 || v >= n ? fail_range(k, where, "", got, err) : 0;
    }
    default: return 0;
    }
}

void pw_config_format_string(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    if (size < 3) return;
    buf[n++] = '"';
    for (; *s && n + 3 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') buf[n++] = '\\', buf[n++] = (char)c;
        else if (c < 0x20 && n + 5 < size) n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
        else if (c >= 0x20) buf[n++] = (char)c;
    }
    buf[n++] = '"';
    buf[n] = '\0';
}

void pw_config_key_format(const struct pw_config *cfg, const struct pw_config_key *k, char *buf, size_t size)
{
    if (k->offset == PW_KEY_NO_FIELD) {
        /* Validate-only rows (new_hire_compensation.strategy): the default is the value. */
        if (!k->def) snprintf(buf, size, "null");
        else if (k->type == PW_KEY_ENUM || k->type == PW_KEY_STRING) pw_config_format_string(k->def, buf, size);
        else snprintf(buf, size, "%s", k->def);
        return;
    }
    /* Seeds, dates and integers with a set flag are derived when not given;
     * after finalize they hold the effective value, which is what to show. */
    if (!pw_config_key_is_set(cfg, k) && k->type != PW_KEY_DATE && k->type != PW_KEY_SEED && k->type != PW_KEY_INT) {
        snprintf(buf, size, "null");
        return;
    }
    const void *f = cfield(cfg, k);
    switch (k->type) {
    case PW_KEY_BOOL: snprintf(buf, size, "%s", *(const bool *)f ? "true" : "false"); break;
    case PW_KEY_INT: snprintf(buf, size, "%d", *(const int *)f); break;
    case PW_KEY_DOUBLE:
        if (isnan(*(const double *)f)) snprintf(buf, size, "null");
        else pw_config_format_double(*(const double *)f, buf, size);
        break;
    case PW_KEY_SEED: snprintf(buf, size, "%" PRIu64, *(const uint64_t *)f); break;
    case PW_KEY_STRING:
    case PW_KEY_PATH:
        if (*(const char *)f) pw_config_format_string(f, buf, size);
        else snprintf(buf, size, "null");
        break;
    case PW_KEY_DATE: {
        pw_date d = *(const pw_date *)f;
        char s[11];
        if (d == PW_NO_DATE) {
            snprintf(buf, size, "null");
            break;
        }
        pw_date_format(d, s);
        pw_config_format_string(s, buf, size);
        break;
    }
    case PW_KEY_MMDD: {
        int v = *(const int *)f;
        snprintf(buf, size, "\"%02d-%02d\"", v / 100, v % 100);
        break;
    }
    case PW_KEY_ENUM: pw_config_format_string(k->names[*(const int *)f], buf, size); break;
    case PW_KEY_LEVEL_MAP: snprintf(buf, size, "{}"); break;
    case PW_KEY_MATCH_FORMULAS: snprintf(buf, size, "{}"); break;
    case PW_KEY_CORE_SCHEDULE:
    case PW_KEY_PLAN_LIST: snprintf(buf, size, "[]"); break;
    }
}
