/* census.c: the census row rules of MODEL 2.1 and the starting roster.
 *
 * Valid rows are staged in one growable array while the reader streams; finish
 * sorts them once by (employee_id, preference), so duplicate resolution and the
 * canonical roster order come from a single O(n log n) sort. */
#include "model/census.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/num.h"
#include "core/rng.h"
#include "model/csv.h"

const char *const pw_census_column_names[PW_CC_COUNT] = {
    "employee_id", "employee_birth_date", "employee_hire_date", "employee_gross_compensation",
    "employee_termination_date", "active", "employee_ssn", "employee_deferral_rate",
    "scheduled_hours_per_week", "auto_escalation_opt_out", "eligibility_override", "level_id",
    "is_5pct_owner", "is_1pct_owner", "is_officer",
};

const bool pw_census_column_required[PW_CC_COUNT] = {true, true, true, true};

struct pw__census_row {
    const char *id;          /* interned, trimmed */
    const char *ssn;         /* interned as read, NULL when empty */
    double comp;             /* annual salary rate, > 0 */
    double hours;            /* [0, 80] */
    double deferral;         /* normalised fraction [0, cap] */
    uint64_t key;            /* RNG key (MODEL 3.2), hashed while the id is in cache */
    size_t seq;              /* order among valid rows: the last duplicate tie-break */
    uint32_t id_len;
    pw_date birth, hire, term; /* term = PW_NO_DATE when absent */
    uint8_t level;
    uint8_t auto_escalation_opt_out;
    uint8_t override_false;
    uint8_t owner5, owner1, officer; /* ownership and officer flags (compliance tests) */
};

struct pw__census_stage {
    struct pw__census_row *rows;
    size_t count, capacity;
};

int pw_census_init(struct pw_census *c, struct pw_strpool *strings)
{
    memset(c, 0, sizeof *c);
    c->stage = calloc(1, sizeof *c->stage);
    if (!c->stage || pw_workforce_init(&c->roster, strings, 0) != 0) {
        pw_census_release(c);
        return PW_ENOMEM;
    }
    return 0;
}

void pw_census_release(struct pw_census *c)
{
    if (c->stage) free(c->stage->rows);
    free(c->stage);
    free(c->rejected);
    pw_workforce_release(&c->roster);
    memset(c, 0, sizeof *c);
}

/* Trimmed text of column col; len 0 for absent, NULL or blank values. */
static const char *field(const struct pw_census_fields *f, int col, size_t *len)
{
    if (!f->value[col]) {
        *len = 0;
        return "";
    }
    *len = f->len[col];
    return pw_csv_trim(f->value[col], len);
}

static int reject(struct pw_census *c, size_t row, const char *id, size_t id_len, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Rejected rows are printed and stored in census_rejected_rows, which takes only
 * valid UTF-8: a control byte, a byte that is not UTF-8, or a character cut by
 * the truncation of an id or quoted value becomes '?'. */
/* Bytes of the valid UTF-8 character at p (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_char_len(const unsigned char *p)
{
    unsigned char b = p[0];
    if (b < 0x80) return 1;
    size_t len = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (!len) return 0;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (b == 0xE0) lo = 0xA0;
    else if (b == 0xED) hi = 0x9F;
    else if (b == 0xF0) lo = 0x90;
    else if (b == 0xF4) hi = 0x8F;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if ((p[k] & 0xC0) != 0x80) return 0;
    return len;
}

/* Rejected rows are printed and stored in census_rejected_rows, which takes only
 * valid UTF-8: in the first n bytes of s, a control byte (NUL included), a byte
 * that is not UTF-8, or a character cut by the truncation of an id or a quoted
 * value becomes '?'. */
static void printable_utf8(char *s, size_t n)
{
    unsigned char *p = (unsigned char *)s, *end = p + n;
    while (p < end) {
        size_t len = utf8_char_len(p);
        if (len == 0 || p + len > end || (len == 1 && (*p < 0x20 || *p == 0x7F))) {
            *p++ = '?';
            continue;
        }
        p += len;
    }
}

static int reject(struct pw_census *c, size_t row, const char *id, size_t id_len, int col, const char *fmt, ...)
{
    if (c->rejected_count == c->rejected_capacity) {
        size_t cap = c->rejected_capacity ? c->rejected_capacity * 2 : 64;
        struct pw_rejected_row *p = realloc(c->rejected, cap * sizeof *p);
        if (!p) return PW_ENOMEM;
        c->rejected = p, c->rejected_capacity = cap;
    }
    struct pw_rejected_row *r = &c->rejected[c->rejected_count++];
    r->row = row;
    if (id_len >= sizeof r->employee_id) id_len = sizeof r->employee_id - 1;
    memcpy(r->employee_id, id, id_len);
    r->employee_id[id_len] = '\0';
    printable_utf8(r->employee_id, id_len);
    snprintf(r->column, sizeof r->column, "%s", pw_census_column_names[col]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    printable_utf8(r->reason, strlen(r->reason));
    c->stats.rejected_rows++;
    return 0;
}

#define SHOW(n, s) (int)((n) > 40 ? 40 : (n)), (s)   /* at most 40 bytes of a bad value in a reason */

/* ---- row rules against hostile values (kept apart from the MODEL 2.1 rules) ---- */

/* Why id (trimmed, n bytes) is not a usable employee_id, or NULL. Ids become event
 * ids, file names of nothing, and text in reports: a control byte (a NUL cut the
 * hashed id short) or an id past 64 characters (longer ones were truncated into
 * duplicate event ids) is refused rather than mangled. */
static const char *id_problem(const char *id, size_t n, char *why, size_t size)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)id[i];
        /* C0 controls and DEL, and the C1 controls U+0080-U+009F (UTF-8 C2 80-9F). */
        bool c1 = b == 0xC2 && i + 1 < n && (unsigned char)id[i + 1] >= 0x80 && (unsigned char)id[i + 1] <= 0x9F;
        if (b < 0x20 || b == 0x7F || c1) {
            snprintf(why, size, "has a control character (code %u) at character %zu; ids must be printable text",
                     c1 ? (unsigned)(unsigned char)id[i + 1] : (unsigned)b, chars + 1);
            return why;
        }
        chars += (b & 0xC0) != 0x80;
    }
    if (chars > PW_CENSUS_ID_MAX) {
        snprintf(why, size, "is %zu characters long; at most %d are allowed", chars, PW_CENSUS_ID_MAX);
        return why;
    }
    /* 64 characters of UTF-8 take at most 4 bytes each; more is broken text. */
    if (n > 4 * PW_CENSUS_ID_MAX) {
        snprintf(why, size, "is %zu bytes long; at most %d characters (%d bytes) are allowed", n, PW_CENSUS_ID_MAX,
                 4 * PW_CENSUS_ID_MAX);
        return why;
    }
    return NULL;
}

/* Why a termination date does not fit the row, or NULL. Before the hire date is
 * impossible. After the census date on an active row describes a departure that
 * has not happened yet: the simulation draws terminations itself, and dropping the
 * employee from the starting roster (the reference system's treatment of any row
 * with a date) would understate the workforce; docs/decisions.md. */
static const char *termination_problem(pw_date term, pw_date hire, bool active, pw_date census_date, char *why,
                                       size_t size)
{
    char a[11], b[11];
    if (term < hire) {
        pw_date_format(term, a), pw_date_format(hire, b);
        snprintf(why, size, "termination date %s is before the hire date %s", a, b);
        return why;
    }
    if (active && term > census_date) {
        pw_date_format(term, a), pw_date_format(census_date, b);
        snprintf(why, size,
                 "termination date %s is after the census date %s on an active row (leave it empty while "
                 "employed, or set active to false)",
                 a, b);
        return why;
    }
    return NULL;
}

int pw_census_add_row(struct pw_census *c, const struct pw_census_fields *f, size_t row, const struct pw_config *cfg,
                      const struct pw_tables *tables)
{
    struct pw__census_row r = {0};
    size_t n, idn;
    const char *s, *id;
    char a[11], b[11], why[160];
    bool flag, active = true;
    int percent_fixed = 0, clamped = 0, hours_fixed = 0, level_ignored = 0;
    const pw_date census_date = cfg->plan_year_end_date;
    c->stats.rows_read++;

    id = field(f, PW_CC_EMPLOYEE_ID, &idn);
    if (!idn) return reject(c, row, "", 0, PW_CC_EMPLOYEE_ID, "is empty");
    if (id_problem(id, idn, why, sizeof why)) return reject(c, row, id, idn, PW_CC_EMPLOYEE_ID, "%s", why);

    s = field(f, PW_CC_BIRTH_DATE, &n);
    if (!n) return reject(c, row, id, idn, PW_CC_BIRTH_DATE, "is missing");
    if (!pw_date_parse(s, n, &r.birth))
        return reject(c, row, id, idn, PW_CC_BIRTH_DATE, "'%.*s' is not a date (expected YYYY-MM-DD)", SHOW(n, s));

    s = field(f, PW_CC_HIRE_DATE, &n);
    if (!n) return reject(c, row, id, idn, PW_CC_HIRE_DATE, "is missing");
    if (!pw_date_parse(s, n, &r.hire))
        return reject(c, row, id, idn, PW_CC_HIRE_DATE, "'%.*s' is not a date (expected YYYY-MM-DD)", SHOW(n, s));
    if (r.hire <= r.birth) {
        pw_date_format(r.hire, a), pw_date_format(r.birth, b);
        return reject(c, row, id, idn, PW_CC_HIRE_DATE, "hire date %s is not after the birth date %s", a, b);
    }
    /* A hire dated after the census date but inside the first simulated year
     * belongs to the starting population, as in the reference system; the
     * year's pay, service and eligibility start at that date. */
    const pw_date first_year_end = pw_year_end(cfg->start_year);
    if (r.hire > first_year_end) {
        pw_date_format(r.hire, a), pw_date_format(first_year_end, b);
        return reject(c, row, id, idn, PW_CC_HIRE_DATE, "hire date %s is after the first simulated year (ends %s)", a,
                      b);
    }
    c->stats.hired_after_census += r.hire > census_date;
    int age = pw_age(r.birth, census_date);
    if (age < 14 || age > 100) {
        pw_date_format(census_date, b);
        return reject(c, row, id, idn, PW_CC_BIRTH_DATE, "age %d at the census date %s is outside [14, 100]", age, b);
    }

    s = field(f, PW_CC_GROSS_COMPENSATION, &n);
    if (!n) return reject(c, row, id, idn, PW_CC_GROSS_COMPENSATION, "is missing");
    if (!pw_csv_parse_number(s, n, &r.comp))
        return reject(c, row, id, idn, PW_CC_GROSS_COMPENSATION, "'%.*s' is not a finite number", SHOW(n, s));
    if (r.comp <= 0)
        return reject(c, row, id, idn, PW_CC_GROSS_COMPENSATION, "must be greater than 0 (%.*s)", SHOW(n, s));
    if (r.comp > PW_CENSUS_COMP_MAX)
        return reject(c, row, id, idn, PW_CC_GROSS_COMPENSATION,
                      "'%.*s' is above 1000000000, the largest annual salary rate accepted", SHOW(n, s));

    r.term = PW_NO_DATE;
    s = field(f, PW_CC_TERMINATION_DATE, &n);
    if (n && !pw_date_parse(s, n, &r.term))
        return reject(c, row, id, idn, PW_CC_TERMINATION_DATE, "'%.*s' is not a date (expected YYYY-MM-DD)", SHOW(n, s));

    s = field(f, PW_CC_ACTIVE, &n);
    if (n && !pw_csv_parse_bool(s, n, &active))
        return reject(c, row, id, idn, PW_CC_ACTIVE, "'%.*s' is not a boolean (expected true/false, 1/0, yes/no or t/f)",
                      SHOW(n, s));
    if (r.term != PW_NO_DATE && termination_problem(r.term, r.hire, active, census_date, why, sizeof why))
        return reject(c, row, id, idn, PW_CC_TERMINATION_DATE, "%s", why);

    /* deferral_rates.*: use_census_rates false ignores the column; a rate that is
     * not a number, negative or above 100 takes pre_enrolled_fallback when that is
     * set (else: not a number is rejected, the rest clamped); rates above 1 are
     * percents unless normalize_percentages is false. */
    s = field(f, PW_CC_DEFERRAL_RATE, &n);
    if (n && cfg->use_census_rates) {
        const bool fallback = !isnan(cfg->pre_enrolled_fallback);
        bool number = pw_csv_parse_number(s, n, &r.deferral);
        if (!number && !fallback)
            return reject(c, row, id, idn, PW_CC_DEFERRAL_RATE, "'%.*s' is not a finite number", SHOW(n, s));
        if (fallback && (!number || r.deferral < 0 || r.deferral > 100)) {
            r.deferral = cfg->pre_enrolled_fallback;
            c->stats.deferral_fallback++;
        }
        if (r.deferral > 1 && !cfg->normalize_percentages)
            return reject(c, row, id, idn, PW_CC_DEFERRAL_RATE,
                          "%.*s is above 1 and deferral_rates.normalize_percentages is false", SHOW(n, s));
        /* Rates above 1 can only be percentages (6 meaning 6%). */
        if (r.deferral > 1) r.deferral /= 100, percent_fixed = 1;
        if (r.deferral < 0 || r.deferral > cfg->plan_deferral_cap)
            r.deferral = pw_clamp(r.deferral, 0, cfg->plan_deferral_cap), clamped = 1;
        r.deferral = pw_round6(r.deferral);
    }

    r.hours = 40;
    s = field(f, PW_CC_HOURS, &n);
    if (n) {
        if (!pw_csv_parse_number(s, n, &r.hours))
            return reject(c, row, id, idn, PW_CC_HOURS, "'%.*s' is not a finite number", SHOW(n, s));
        /* 0 is a real schedule (it fails an hours rule); only a missing value takes 40. */
        if (!(r.hours >= 0 && r.hours <= 80)) r.hours = 40, hours_fixed = 1;
    }

    s = field(f, PW_CC_AUTO_ESCALATION_OPT_OUT, &n);
    if (n) {
        if (!pw_csv_parse_bool(s, n, &flag))
            return reject(c, row, id, idn, PW_CC_AUTO_ESCALATION_OPT_OUT,
                          "'%.*s' is not a boolean (expected true/false, 1/0, yes/no or t/f)", SHOW(n, s));
        r.auto_escalation_opt_out = flag;
    }

    s = field(f, PW_CC_ELIGIBILITY_OVERRIDE, &n);
    if (n) {
        if (!pw_csv_parse_bool(s, n, &flag))
            return reject(c, row, id, idn, PW_CC_ELIGIBILITY_OVERRIDE,
                          "'%.*s' is not a boolean (expected true/false, 1/0, yes/no or t/f)", SHOW(n, s));
        r.override_false = !flag;
    }

    if (f->value[PW_CC_SSN] && memchr(f->value[PW_CC_SSN], '\0', f->len[PW_CC_SSN]))
        return reject(c, row, id, idn, PW_CC_SSN, "contains a NUL byte");
    /* Ownership and officer flags feed the HCE and key-employee rules; empty = false. */
    static const int flag_cols[] = {PW_CC_IS_5PCT_OWNER, PW_CC_IS_1PCT_OWNER, PW_CC_IS_OFFICER};
    uint8_t *flag_out[] = {&r.owner5, &r.owner1, &r.officer};
    for (int k = 0; k < 3; k++) {
        s = field(f, flag_cols[k], &n);
        if (!n) continue;
        if (!pw_csv_parse_bool(s, n, &flag))
            return reject(c, row, id, idn, flag_cols[k], "'%.*s' is not a boolean (expected true/false, 1/0, yes/no or t/f)",
                          SHOW(n, s));
        *flag_out[k] = flag;
    }

    /* level_id is advisory: anything but a valid level falls back to the pay rule. */
    double lv;
    s = field(f, PW_CC_LEVEL_ID, &n);
    if (n && pw_csv_parse_number(s, n, &lv) && lv >= 1 && lv <= tables->levels.count && lv == floor(lv))
        r.level = (uint8_t)lv;
    else
        r.level = (uint8_t)pw_level_from_compensation(&tables->levels, r.comp), level_ignored = n > 0;

    struct pw__census_stage *st = c->stage;
    if (st->count == st->capacity) {
        size_t cap = st->capacity ? st->capacity * 2 : 1024;
        struct pw__census_row *p = realloc(st->rows, cap * sizeof *p);
        if (!p) return PW_ENOMEM;
        st->rows = p, st->capacity = cap;
    }
    r.id = pw_strpool_add(c->roster.strings, id, idn);
    r.id_len = (uint32_t)idn;
    r.key = pw_census_key(id, idn);
    s = f->value[PW_CC_SSN];
    if (s && f->len[PW_CC_SSN]) r.ssn = pw_strpool_add(c->roster.strings, s, f->len[PW_CC_SSN]);
    if (!r.id || (s && f->len[PW_CC_SSN] && !r.ssn)) return PW_ENOMEM;
    r.seq = st->count;
    st->rows[st->count++] = r;

    c->stats.valid_rows++;
    c->stats.deferral_percent_fixed += (size_t)percent_fixed;
    c->stats.deferral_clamped += (size_t)clamped;
    c->stats.hours_defaulted += (size_t)hours_fixed;
    c->stats.level_id_ignored += (size_t)level_ignored;
    c->stats.override_false_rows += r.override_false;
    c->stats.inactive_without_term += !active && r.term == PW_NO_DATE;
    return 0;
}

/* Canonical id order; among equal ids the row to keep first (MODEL 2.1). */
static int row_cmp(const void *pa, const void *pb)
{
    const struct pw__census_row *a = pa, *b = pb;
    int c = pw_id_cmp(a->id, a->id_len, b->id, b->id_len);
    if (c) return c;
    if (a->hire != b->hire) return a->hire > b->hire ? -1 : 1;
    if (a->comp != b->comp) return a->comp > b->comp ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Number of adjacent equal values after sorting keys (LSD radix, 8 passes of a
 * byte: linear time, and tmp is the caller's scratch of the same size). */
static size_t count_equal_keys(uint64_t *keys, uint64_t *tmp, size_t n)
{
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[(keys[i] >> shift & 0xFF) + 1]++;
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) tmp[count[keys[i] >> shift & 0xFF]++] = keys[i];
        uint64_t *swap = keys;
        keys = tmp, tmp = swap;
    }
    size_t equal = 0;
    for (size_t i = 1; i < n; i++) equal += keys[i] == keys[i - 1];
    return equal;
}

/* Sort entry: the 8 id bytes after the prefix all ids share, big-endian and
 * zero-padded, order like the ids whenever they differ, so most comparisons
 * never touch the id strings (1M rows sort in a fraction of the time). */
struct sort_entry {
    uint64_t prefix;
    const struct pw__census_row *row;
};

static int entry_cmp(const void *pa, const void *pb)
{
    const struct sort_entry *a = pa, *b = pb;
    if (a->prefix != b->prefix) return a->prefix < b->prefix ? -1 : 1;
    return row_cmp(a->row, b->row);
}

int pw_census_finish(struct pw_census *c, struct pw_err *err)
{
    struct pw__census_stage *st = c->stage;
    PW_ASSERT(st != NULL);
    const struct pw__census_row *rows = st->rows;
    struct sort_entry *e = malloc((st->count ? st->count : 1) * sizeof *e);
    if (!e) return pw_err_set(err, PW_ENOMEM, "out of memory building the roster");
    size_t lcp = st->count ? rows[0].id_len : 0;
    for (size_t i = 1; i < st->count && lcp; i++) {
        size_t j = 0, n = rows[i].id_len < lcp ? rows[i].id_len : lcp;
        while (j < n && rows[i].id[j] == rows[0].id[j]) j++;
        lcp = j;
    }
    for (size_t i = 0; i < st->count; i++) {
        uint64_t p = 0;
        for (size_t j = lcp; j < lcp + 8; j++) p = p << 8 | (j < rows[i].id_len ? (unsigned char)rows[i].id[j] : 0);
        e[i].prefix = p, e[i].row = &rows[i];
    }
    if (st->count > 1) qsort(e, st->count, sizeof *e, entry_cmp);

    /* Keep the first row of each id run; count the roster before filling it. */
    size_t kept = 0, roster = 0;
    for (size_t i = 0; i < st->count; i++) {
        const struct pw__census_row *r = e[i].row, *last = kept ? e[kept - 1].row : NULL;
        if (last && e[kept - 1].prefix == e[i].prefix && pw_id_cmp(last->id, last->id_len, r->id, r->id_len) == 0) {
            c->stats.duplicate_ids++;
            continue;
        }
        e[kept++] = e[i];
        if (r->term == PW_NO_DATE) roster++;
    }
    c->stats.terminated_rows = kept - roster;
    struct pw_workforce *wf = &c->roster;
    if (pw_workforce_reserve(wf, roster) != 0) {
        free(e);
        return pw_err_set(err, PW_ENOMEM, "out of memory building the roster");
    }
    for (size_t i = 0; i < kept; i++) {
        const struct pw__census_row *r = e[i].row;
        if (r->term != PW_NO_DATE) continue;
        size_t k = pw_workforce_push(wf);
        wf->employee_id[k] = r->id;
        wf->id_len[k] = r->id_len;
        wf->key[k] = r->key;
        wf->employee_key[k] = (uint32_t)k;   /* the roster is far below PW_HIRE_KEY_BASE rows */
        wf->ssn[k] = r->ssn;
        wf->is_census[k] = 1;
        wf->birth_date[k] = r->birth;
        wf->hire_date[k] = r->hire;
        wf->level[k] = r->level;
        wf->salary[k] = r->comp;
        wf->hours_per_week[k] = r->hours;
        /* MODEL 2.1a: a pre-enrolled row stays in the plan despite a false override. */
        wf->plan_excluded[k] = r->override_false && r->deferral == 0;
        wf->auto_escalation_opt_out[k] = r->auto_escalation_opt_out;
        wf->eligibility_override_false[k] = r->override_false;
        wf->is_5pct_owner[k] = r->owner5;
        wf->is_1pct_owner[k] = r->owner1;
        wf->is_officer[k] = r->officer;
        wf->deferral_rate[k] = r->deferral;
        wf->prior_prorated_comp[k] = r->comp;
        c->stats.pre_enrolled += r->deferral > 0;
        c->stats.pre_enrolled_override_false += r->deferral > 0 && r->override_false;
    }
    free(e);
    free(st->rows);
    free(st);
    c->stage = NULL;

    if (wf->count > 1) {
        uint64_t *keys = malloc(2 * wf->count * sizeof *keys);
        if (!keys) return pw_err_set(err, PW_ENOMEM, "out of memory building the roster");
        memcpy(keys, wf->key, wf->count * sizeof *keys);
        c->stats.key_collisions = count_equal_keys(keys, keys + wf->count, wf->count);
        free(keys);
    }
    if (wf->count == 0)
        return pw_err_set(err, PW_ECENSUS, "census has no valid active employees (%zu rows read, %zu rejected)",
                          c->stats.rows_read, c->stats.rejected_rows);
    return 0;
}

void pw_census_log_summary(const struct pw_census *c, size_t max_listed)
{
    const struct pw_census_stats *s = &c->stats;
    if (s->rejected_rows) {
        pw_warn("census: %zu of %zu rows rejected", s->rejected_rows, s->rows_read);
        for (size_t i = 0; i < c->rejected_count && i < max_listed; i++) {
            const struct pw_rejected_row *r = &c->rejected[i];
            pw_warn("census row %zu ('%s'), column '%s': %s", r->row, r->employee_id, r->column, r->reason);
        }
        if (c->rejected_count > max_listed)
            pw_warn("census: %zu more rejected rows not shown", c->rejected_count - max_listed);
    }
    if (s->duplicate_ids)
        pw_warn("census: %zu rows dropped as duplicate employee_id (kept the latest hire date, then the highest "
                "compensation, then the first in the file)", s->duplicate_ids);
    if (s->terminated_rows) pw_info("census: %zu rows with a termination date are not in the starting roster", s->terminated_rows);
    if (s->inactive_without_term)
        pw_warn("census: %zu rows have active = false but no termination date; they are kept as active", s->inactive_without_term);
    if (s->deferral_percent_fixed)
        pw_warn("census: %zu deferral rates above 1 read as percentages (divided by 100)", s->deferral_percent_fixed);
    if (s->deferral_clamped) pw_warn("census: %zu deferral rates clamped to [0, plan_deferral_cap]", s->deferral_clamped);
    if (s->hours_defaulted) pw_warn("census: %zu scheduled_hours_per_week values outside [0, 80] set to 40", s->hours_defaulted);
    if (s->deferral_fallback)
        pw_warn("census: %zu unreadable deferral rates set to deferral_rates.pre_enrolled_fallback", s->deferral_fallback);
    if (s->hired_after_census)
        pw_info("census: %zu employees hired after the census date, inside the first simulated year, start in the "
                "roster", s->hired_after_census);
    if (s->level_id_ignored)
        pw_warn("census: %zu level_id values are not a job level; level derived from compensation", s->level_id_ignored);
    if (s->pre_enrolled_override_false)
        pw_info("census: %zu pre-enrolled rows stay in the plan despite eligibility_override = false",
                s->pre_enrolled_override_false);
    if (s->key_collisions) pw_warn("census: %zu employee ids share an RNG key with another id", s->key_collisions);
}
