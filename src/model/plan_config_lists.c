/* plan_config_lists.c: reading and defaults of the list-valued plan keys:
 * `employer_match.formulas` and the core schedules (MODEL 4.14, 4.15).
 *
 * Field names follow the reference system's simulation_config.yaml (tiers of
 * {employee_min, employee_max, match_rate}); the names its other layers use
 * for the same numbers are accepted as aliases (`rate`, `max_deferral_pct`,
 * `service_years_min`, `contribution_rate`), always as fractions, so a
 * schedule copied from there reads the same. Reading only checks types and
 * presence; every range and list shape is checked in plan_config_check.c. */
#include "model/plan_config_lists.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "model/csv.h"

#define KEY_LEN 400

const char *const pw__formula_type_names[] = {"simple", "tiered", "graded_by_service", "tenure_graded",
                                              "points_based", NULL};

/* The reference system's own type names for formulas that are tiered formulas
 * here: its main configuration uses `type: 'safe_harbor'` and `type: 'qaca'`
 * with `tiers` and `max_match_percentage`; the safe-harbor character (vesting,
 * notice rules) is not a different match computation. The formula keeps the
 * type it was written with (safe_harbor), which exempts the design from the
 * ADP/ACP tests (docs/compliance.md). */
static const struct {
    const char *name;
    int type, safe_harbor;
} type_aliases[] = {{"safe_harbor", PW_FORMULA_TIERED, PW_SH_BASIC}, {"qaca", PW_FORMULA_TIERED, PW_SH_QACA}};

/* Reference vesting-schedule names with a built-in equivalent in vesting_schedules. */
static const struct {
    const char *name, *table_name;
} schedule_aliases[] = {{"qaca_2_year", "cliff_2"}};

const struct pw_core_schedule_info pw__core_schedules[PW_CORE_SCHED_COUNT] = {
    {"employer_core_contribution.graded_schedule", "min_years", "max_years"},
    {"employer_core_contribution.age_schedule", "min_age", "max_age"},
    {"employer_core_contribution.points_schedule", "min_points", "max_points"},
};

enum pw_core_schedule_id pw__plan_core_schedule_id(const struct pw_config_key *k)
{
    const size_t base = offsetof(struct pw_config, plan);
    if (k->offset == base + offsetof(struct pw_plan_config, age_rows)) return PW_CORE_SCHED_AGE;
    if (k->offset == base + offsetof(struct pw_plan_config, points_rows)) return PW_CORE_SCHED_POINTS;
    PW_ASSERT(k->offset == base + offsetof(struct pw_plan_config, graded));
    return PW_CORE_SCHED_GRADED;
}

struct pw_core_row *pw__plan_core_rows(struct pw_plan_config *p, enum pw_core_schedule_id id, int **count)
{
    switch (id) {
    case PW_CORE_SCHED_AGE: *count = &p->age_count; return p->age_rows;
    case PW_CORE_SCHED_POINTS: *count = &p->points_count; return p->points_rows;
    default: *count = &p->graded_count; return p->graded;
    }
}

bool pw_match_formula_named(const struct pw_plan_config *p, const char *name)
{
    for (int i = 0; i < p->formula_count && i < PW_MAX_FORMULAS; i++)
        if (strcmp(p->formulas[i].name, name) == 0) return true;
    return false;
}

const struct pw_match_formula *pw_plan_active_formula(const struct pw_plan_config *p)
{
    if (p->match_status > PW_MATCH_DEFERRAL_BASED && p->match_status <= PW_MATCH_MODES)
        return p->match_mode[p->match_status - 1].row_count > 0 ? &p->match_mode[p->match_status - 1] : NULL;
    for (int i = 0; i < p->formula_count && i < PW_MAX_FORMULAS; i++)
        if (strcmp(p->formulas[i].name, p->active_formula) == 0) return &p->formulas[i];
    return NULL;
}

/* ---- defaults ---- */

static struct pw_match_formula *builtin(struct pw_plan_config *p, const char *name, const char *label, int type,
                                        double cap, const char *vesting)
{
    struct pw_match_formula *f = &p->formulas[p->formula_count++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->label, sizeof f->label, "%s", label);
    snprintf(f->vesting_schedule, sizeof f->vesting_schedule, "%s", vesting);
    f->type = type;
    f->max_match_percentage = cap;
    f->has_cap = true;
    return f;
}

static void tier(struct pw_match_formula *f, double lo, double hi, double rate)
{
    f->tiers[f->tier_count++] = (struct pw_match_tier){lo, hi, rate};
}

/* The built-in set of MODEL 4.14; "" vesting = vesting.match_schedule. */
static void default_formulas(struct pw_plan_config *p)
{
    memset(p->formulas, 0, sizeof p->formulas);
    p->formula_count = 0;
    struct pw_match_formula *f = builtin(p, "simple_match", "Simple Match", PW_FORMULA_SIMPLE, 0.06, "");
    f->match_rate = 0.50;
    f = builtin(p, "tiered_match", "Tiered Match", PW_FORMULA_TIERED, 0.04, "");
    tier(f, 0.00, 0.03, 1.00), tier(f, 0.03, 0.05, 0.50);
    f = builtin(p, "enhanced_tiered", "Enhanced Tiered Match", PW_FORMULA_TIERED, 0.04, "");
    tier(f, 0.00, 0.03, 1.00), tier(f, 0.03, 0.05, 0.50);
    f = builtin(p, "stretch_match", "Stretch Match", PW_FORMULA_TIERED, 0.03, "");
    tier(f, 0.00, 0.12, 0.25);
    /* Safe-harbor money must vest at once; the QACA may use a 2-year cliff. */
    f = builtin(p, "safe_harbor_basic", "Safe Harbor Basic Match", PW_FORMULA_TIERED, 0.04, "immediate");
    tier(f, 0.00, 0.03, 1.00), tier(f, 0.03, 0.05, 0.50);
    f = builtin(p, "qaca", "QACA Safe Harbor Match", PW_FORMULA_TIERED, 0.035, "cliff_2");
    tier(f, 0.00, 0.01, 1.00), tier(f, 0.01, 0.06, 0.50);
}

void pw__plan_list_default(struct pw_config *cfg, const struct pw_config_key *k)
{
    if (k->type == PW_KEY_PLAN_LIST) {
        pw__lists_default(cfg, k);
        return;
    }
    if (k->type == PW_KEY_MATCH_FORMULAS) {
        default_formulas(&cfg->plan);
        return;
    }
    int *count;
    struct pw_core_row *rows = pw__plan_core_rows(&cfg->plan, pw__plan_core_schedule_id(k), &count);
    *count = 0;
    if (pw__plan_core_schedule_id(k) != PW_CORE_SCHED_GRADED) return;
    rows[0] = (struct pw_core_row){0, 3, 0.01};
    rows[1] = (struct pw_core_row){3, 6, 0.02};
    rows[2] = (struct pw_core_row){6, PW_OPEN_MAX, 0.03};
    *count = 3;
}

void pw__plan_list_allowed(const struct pw_config_key *k, char *buf, size_t size)
{
    if (k->type == PW_KEY_PLAN_LIST) {
        pw__lists_allowed(k, buf, size);
        return;
    }
    if (k->type == PW_KEY_MATCH_FORMULAS) {
        snprintf(buf, size, "name -> {type, match_rate, max_match_percentage, tiers, schedule, bands, "
                            "vesting_schedule}");
        return;
    }
    const struct pw_core_schedule_info *s = &pw__core_schedules[pw__plan_core_schedule_id(k)];
    snprintf(buf, size, "a list of {%s, %s, rate}, sorted and contiguous; %s null = open", s->min_name, s->max_name,
             s->max_name);
}

/* ---- reading ---- */

/* Builds a dotted key for messages. Keys are short (formula names have at
 * most 47 characters), so a cut one could only shorten a message. */
char *pw__key_path(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

struct rd {
    const char *file;      /* display name of the YAML file */
    struct pw_err *err;
};

__attribute__((format(printf, 3, 4))) static int rd_fail(const struct rd *r, int line, const char *fmt, ...)
{
    char msg[PW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->file && line > 0) return pw_err_set(r->err, PW_ECONFIG, "%s:%d: %s", r->file, line, msg);
    return pw_err_set(r->err, PW_ECONFIG, "%s", msg);
}

static void rd_unknown(const struct rd *r, const struct pw_node *e, const char *key)
{
    pw_warn("%s:%d: unknown key '%s.%s'; ignored", r->file ? r->file : "<config>", e->key_line, key, e->key);
}

static const char *shape(const struct pw_node *n)
{
    switch (n->kind) {
    case PW_NODE_NULL: return "null";
    case PW_NODE_SCALAR: return "a scalar";
    case PW_NODE_MAP: return "a mapping";
    default: return "a list";
    }
}

/* A number; with open, null means an open maximum (PW_OPEN_MAX). */
static int rd_number(const struct rd *r, const struct pw_node *v, const char *key, bool open, double *out)
{
    if (v->kind == PW_NODE_NULL && open) return *out = PW_OPEN_MAX, 0;
    if (v->kind != PW_NODE_SCALAR)
        return rd_fail(r, v->key_line, "'%s' must be a number%s, got %s", key, open ? " or null (open)" : "",
                       shape(v));
    if (!pw_config_parse_double(v->text, out))
        return rd_fail(r, v->key_line, "'%s' must be a number%s, got '%.60s'", key, open ? " or null (open)" : "",
                       v->text);
    /* -1 is how an open maximum is stored, so a written negative maximum cannot pass. */
    if (open && *out < 0)
        return rd_fail(r, v->key_line, "'%s' must be >= 0 or null (open), got %s", key, v->text);
    return 0;
}

/* A string of 1 .. size-1 characters; null gives "" when nullable. */
static int rd_string(const struct rd *r, const struct pw_node *v, const char *key, bool nullable, char *out,
                     size_t size)
{
    if (v->kind == PW_NODE_NULL && nullable) return out[0] = '\0', 0;
    if (v->kind != PW_NODE_SCALAR) return rd_fail(r, v->key_line, "'%s' must be a string, got %s", key, shape(v));
    size_t n = strlen(v->text);
    if (n < 1 || n >= size)
        return rd_fail(r, v->key_line, "'%s' must be 1 to %zu characters long%s, got %zu characters", key, size - 1,
                       nullable ? " or null" : "", n);
    memcpy(out, v->text, n + 1);
    return 0;
}

/* Slots of a list item: the numbers a row can carry. */
enum { S_MIN, S_MAX, S_RATE, S_CAP, S_SLOTS };
#define BIT(s) (1u << (s))
#define DIM_YEARS 1u
#define DIM_POINTS 2u
#define SKIP (-1)  /* accepted and ignored (reference numbering) */
#define OWN (-2)   /* read by the caller (a band's tiers) */

struct field {
    const char *name;
    int slot;        /* S_*, SKIP or OWN */
    unsigned dim;    /* DIM_* for min/max names of match schedules */
};

struct record {
    const char *shape;                 /* for messages: "{employee_min, employee_max, match_rate}" */
    const struct field *fields;        /* name == NULL ends */
    const char *slot_name[S_SLOTS];
    unsigned required, open;           /* BIT(slot) masks */
};

static const struct field tier_fields[] = {
    {"employee_min", S_MIN, 0}, {"employee_max", S_MAX, 0}, {"match_rate", S_RATE, 0}, {"tier", SKIP, 0}, {NULL, 0, 0}};
static const struct record tier_rec = {"{employee_min, employee_max, match_rate}", tier_fields,
                                       {"employee_min", "employee_max", "match_rate", NULL},
                                       BIT(S_MIN) | BIT(S_MAX) | BIT(S_RATE), 0};

static const struct field match_row_fields[] = {
    {"min_years", S_MIN, DIM_YEARS},   {"max_years", S_MAX, DIM_YEARS}, {"min_points", S_MIN, DIM_POINTS},
    {"max_points", S_MAX, DIM_POINTS}, {"match_rate", S_RATE, 0},        {"rate", S_RATE, 0},
    {"max_deferral", S_CAP, 0},        {"max_deferral_pct", S_CAP, 0},   {NULL, 0, 0}};
static const struct record match_row_rec = {"{min_years|min_points, max_years|max_points, match_rate, max_deferral}",
                                            match_row_fields,
                                            {"min_years' or 'min_points", "max_years", "match_rate", "max_deferral"},
                                            BIT(S_MIN) | BIT(S_RATE) | BIT(S_CAP), BIT(S_MAX)};

static const struct field band_fields[] = {
    {"min_years", S_MIN, 0}, {"max_years", S_MAX, 0}, {"tiers", OWN, 0}, {NULL, 0, 0}};
static const struct record band_rec = {"{min_years, max_years, tiers}", band_fields,
                                       {"min_years", "max_years", NULL, NULL}, BIT(S_MIN), BIT(S_MAX)};

static const struct field core_fields[PW_CORE_SCHED_COUNT][7] = {
    {{"min_years", S_MIN, 0}, {"max_years", S_MAX, 0}, {"service_years_min", S_MIN, 0},
     {"service_years_max", S_MAX, 0}, {"rate", S_RATE, 0}, {"contribution_rate", S_RATE, 0}, {NULL, 0, 0}},
    {{"min_age", S_MIN, 0}, {"max_age", S_MAX, 0}, {"rate", S_RATE, 0}, {"contribution_rate", S_RATE, 0},
     {NULL, 0, 0}},
    {{"min_points", S_MIN, 0}, {"max_points", S_MAX, 0}, {"rate", S_RATE, 0}, {"contribution_rate", S_RATE, 0},
     {NULL, 0, 0}},
};

/* Reads one list item into v[] (NAN = absent; absent open slots = PW_OPEN_MAX). */
static int read_record(const struct rd *r, const struct pw_node *item, const char *key, const struct record *rec,
                       double v[S_SLOTS], unsigned *dims)
{
    if (item->kind != PW_NODE_MAP)
        return rd_fail(r, item->line, "'%s' must be a mapping %s, got %s", key, rec->shape, shape(item));
    const char *given[S_SLOTS] = {NULL};
    for (int s = 0; s < S_SLOTS; s++) v[s] = NAN;
    *dims = 0;
    for (int i = 0; i < item->count; i++) {
        const struct pw_node *e = &item->child[i];
        const struct field *f = rec->fields;
        while (f->name && strcmp(f->name, e->key) != 0) f++;
        if (!f->name) {
            rd_unknown(r, e, key);
            continue;
        }
        if (f->slot < 0) continue;
        char sub[KEY_LEN];
        pw__key_path(sub, sizeof sub, "%s.%s", key, e->key);
        if (given[f->slot])
            return rd_fail(r, e->key_line, "'%s' repeats '%s.%s' under another name", sub, key, given[f->slot]);
        given[f->slot] = f->name;
        *dims |= f->dim;
        if (rd_number(r, e, sub, (rec->open & BIT(f->slot)) != 0, &v[f->slot])) return PW_ECONFIG;
    }
    for (int s = 0; s < S_SLOTS; s++) {
        if (given[s]) continue;
        if (rec->required & BIT(s)) return rd_fail(r, item->line, "'%s' needs '%s'", key, rec->slot_name[s]);
        if (rec->open & BIT(s)) v[s] = PW_OPEN_MAX;
    }
    if (*dims == (DIM_YEARS | DIM_POINTS))
        return rd_fail(r, item->line, "'%s' mixes years keys (min_years, max_years) and points keys "
                                      "(min_points, max_points)", key);
    return 0;
}

static int check_list(const struct rd *r, const struct pw_node *v, const char *key, int max, const char *what)
{
    if (v->kind != PW_NODE_LIST)
        return rd_fail(r, v->key_line, "'%s' must be a list of %s, got %s", key, what, shape(v));
    if (v->count > max)
        return rd_fail(r, v->key_line, "'%s' has %d %s; at most %d are allowed", key, v->count, what, max);
    return 0;
}

static int read_tiers(const struct rd *r, const struct pw_node *v, const char *key, struct pw_match_tier *t,
                      int *count, int *lines)
{
    if (check_list(r, v, key, PW_MAX_TIERS, "tiers")) return PW_ECONFIG;
    for (int i = 0; i < v->count; i++) {
        char item[KEY_LEN];
        double x[S_SLOTS];
        unsigned dims;
        pw__key_path(item, sizeof item, "%s[%d]", key, i);
        if (read_record(r, &v->child[i], item, &tier_rec, x, &dims)) return PW_ECONFIG;
        t[i] = (struct pw_match_tier){x[S_MIN], x[S_MAX], x[S_RATE]};
        lines[i] = v->child[i].line;
    }
    *count = v->count;
    return 0;
}

/* schedule (graded_by_service, points_based) or bands (tenure_graded); *dims
 * collects which min/max names the schedule used. */
static int read_rows(const struct rd *r, const struct pw_node *v, const char *key, bool bands,
                     struct pw_match_formula *f, int *lines, int (*tier_lines)[PW_MAX_TIERS], unsigned *dims)
{
    if (check_list(r, v, key, PW_MAX_SCHEDULE_ROWS, bands ? "bands" : "rows")) return PW_ECONFIG;
    *dims = 0;
    for (int i = 0; i < v->count; i++) {
        const struct pw_node *it = &v->child[i];
        char item[KEY_LEN];
        double x[S_SLOTS];
        unsigned d;
        pw__key_path(item, sizeof item, "%s[%d]", key, i);
        if (read_record(r, it, item, bands ? &band_rec : &match_row_rec, x, &d)) return PW_ECONFIG;
        if ((*dims | d) == (DIM_YEARS | DIM_POINTS))
            return rd_fail(r, it->line, "'%s' uses %s keys but earlier rows use %s keys", item,
                           d & DIM_YEARS ? "years" : "points", d & DIM_YEARS ? "points" : "years");
        *dims |= d;
        struct pw_match_row *row = &f->rows[i];
        memset(row, 0, sizeof *row);
        row->min = x[S_MIN], row->max = x[S_MAX];
        lines[i] = it->line;
        if (!bands) {
            row->match_rate = x[S_RATE], row->max_deferral = x[S_CAP];
            continue;
        }
        const struct pw_node *tiers = NULL;
        for (int j = 0; j < it->count; j++)
            if (strcmp(it->child[j].key, "tiers") == 0) tiers = &it->child[j];
        if (!tiers || tiers->kind == PW_NODE_NULL) return rd_fail(r, it->line, "'%s' needs 'tiers'", item);
        char sub[KEY_LEN];
        pw__key_path(sub, sizeof sub, "%s.tiers", item);
        if (read_tiers(r, tiers, sub, row->tiers, &row->tier_count, tier_lines[i])) return PW_ECONFIG;
    }
    f->row_count = v->count;
    return 0;
}

bool pw__plan_name_ok(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-'))
            return false;
    return true;
}

/* Which of a formula's keys were written, with the line of each. */
enum { K_MATCH_RATE, K_CAP, K_TIERS, K_SCHEDULE, K_BANDS, K_COUNT };
static const char *const formula_key_names[K_COUNT] = {"match_rate", "max_match_percentage", "tiers", "schedule",
                                                        "bands"};
/* Keys each type needs (first) and allows. */
static const unsigned type_needs[] = {BIT(K_MATCH_RATE) | BIT(K_CAP), BIT(K_TIERS), BIT(K_SCHEDULE), BIT(K_BANDS),
                                      BIT(K_SCHEDULE)};
static const unsigned type_allows[] = {BIT(K_MATCH_RATE) | BIT(K_CAP), BIT(K_TIERS) | BIT(K_CAP), BIT(K_SCHEDULE),
                                       BIT(K_BANDS), BIT(K_SCHEDULE)};

static int read_formula(const struct rd *r, struct pw_plan_config *p, const struct pw_node *e,
                        struct pw_plan_lines *pl)
{
    char key[KEY_LEN];
    pw__key_path(key, sizeof key, "employer_match.formulas.%s", e->key);
    if (!pw__plan_name_ok(e->key) || strlen(e->key) >= PW_NAME_MAX)
        return rd_fail(r, e->key_line, "'%s': formula names must be 1 to %d letters, digits, '_' or '-'", key,
                       PW_NAME_MAX - 1);
    if (e->kind != PW_NODE_MAP)
        return rd_fail(r, e->key_line, "'%s' must be a mapping of formula keys, got %s", key, shape(e));
    int idx = 0;
    while (idx < p->formula_count && strcmp(p->formulas[idx].name, e->key) != 0) idx++;
    if (idx == PW_MAX_FORMULAS)
        return rd_fail(r, e->key_line, "'%s': at most %d formulas are allowed, built-in ones included", key,
                       PW_MAX_FORMULAS);

    /* Read into a scratch formula and lines, so a failed read changes nothing. */
    struct {
        int tier[PW_MAX_TIERS], row[PW_MAX_SCHEDULE_ROWS], band_tier[PW_MAX_SCHEDULE_ROWS][PW_MAX_TIERS];
    } fl;
    struct pw_match_formula f;
    memset(&fl, 0, sizeof fl);
    memset(&f, 0, sizeof f);
    memcpy(f.name, e->key, strlen(e->key) + 1);
    f.type = -1;
    int immediate_line = 0; /* immediate_vesting: true given */
    int line_of[K_COUNT] = {0};
    unsigned dims = 0;
    for (int i = 0; i < e->count; i++) {
        const struct pw_node *v = &e->child[i];
        char sub[KEY_LEN];
        pw__key_path(sub, sizeof sub, "%s.%s", key, v->key);
        int kk = 0;
        while (kk < K_COUNT && strcmp(formula_key_names[kk], v->key) != 0) kk++;
        /* null stands for "not given" for every formula key */
        if (kk < K_COUNT && v->kind != PW_NODE_NULL) line_of[kk] = v->key_line;
        int rc = 0;
        if (strcmp(v->key, "name") == 0) {
            rc = rd_string(r, v, sub, true, f.label, sizeof f.label);
        } else if (strcmp(v->key, "type") == 0) {
            int t = 0;
            const char *text = v->kind == PW_NODE_SCALAR ? v->text : "";
            while (pw__formula_type_names[t] && strcmp(pw__formula_type_names[t], text) != 0) t++;
            for (size_t a = 0; !pw__formula_type_names[t] && a < sizeof type_aliases / sizeof *type_aliases; a++)
                if (strcmp(type_aliases[a].name, text) == 0) t = type_aliases[a].type, f.safe_harbor = type_aliases[a].safe_harbor;
            if (!pw__formula_type_names[t]) {
                char got[80];
                if (v->kind == PW_NODE_SCALAR) snprintf(got, sizeof got, "'%.60s'", v->text);
                else snprintf(got, sizeof got, "%s", shape(v));
                return rd_fail(r, v->key_line, "'%s' must be one of 'simple', 'tiered', 'graded_by_service', "
                                                "'tenure_graded', 'points_based', 'safe_harbor', 'qaca', got %s", sub, got);
            }
            f.type = t;
        } else if (strcmp(v->key, "vesting_schedule") == 0) {
            rc = rd_string(r, v, sub, true, f.vesting_schedule, sizeof f.vesting_schedule);
            for (size_t a = 0; rc == 0 && a < sizeof schedule_aliases / sizeof *schedule_aliases; a++)
                if (strcmp(f.vesting_schedule, schedule_aliases[a].name) == 0)
                    snprintf(f.vesting_schedule, sizeof f.vesting_schedule, "%s", schedule_aliases[a].table_name);
        } else if (strcmp(v->key, "immediate_vesting") == 0) {
            bool b = false;
            const char *text = v->kind == PW_NODE_SCALAR ? v->text : "";
            if (v->kind != PW_NODE_NULL && !pw_csv_parse_bool(text, strlen(text), &b))
                return rd_fail(r, v->key_line, "'%s' must be true or false", sub);
            if (b) immediate_line = v->key_line;
        } else if (kk == K_COUNT) {
            rd_unknown(r, v, key);
        } else if (v->kind == PW_NODE_NULL) {
            continue;
        } else if (kk == K_MATCH_RATE) {
            rc = rd_number(r, v, sub, false, &f.match_rate);
        } else if (kk == K_CAP) {
            rc = rd_number(r, v, sub, false, &f.max_match_percentage);
        } else if (kk == K_TIERS) {
            rc = read_tiers(r, v, sub, f.tiers, &f.tier_count, fl.tier);
        } else {
            rc = read_rows(r, v, sub, kk == K_BANDS, &f, fl.row, fl.band_tier, &dims);
        }
        if (rc) return PW_ECONFIG;
    }
    /* immediate_vesting: true is the schedule 'immediate' for this formula's money. */
    if (immediate_line) {
        if (f.vesting_schedule[0] && strcmp(f.vesting_schedule, "immediate") != 0)
            return rd_fail(r, immediate_line, "'%s' has immediate_vesting: true and vesting_schedule '%s'; give one",
                           key, f.vesting_schedule);
        snprintf(f.vesting_schedule, sizeof f.vesting_schedule, "immediate");
    }
    unsigned has = 0;
    for (int kk = 0; kk < K_COUNT; kk++) has |= line_of[kk] ? BIT(kk) : 0u;
    if (line_of[K_SCHEDULE] && line_of[K_BANDS])
        return rd_fail(r, line_of[K_BANDS], "'%s' has both 'schedule' and 'bands'; give one", key);
    if (f.type < 0) {
        /* The reference writes `type` always; infer it from the keys otherwise. */
        if (has & BIT(K_TIERS)) f.type = PW_FORMULA_TIERED;
        else if (has & BIT(K_MATCH_RATE)) f.type = PW_FORMULA_SIMPLE;
        else if (has & BIT(K_BANDS)) f.type = PW_FORMULA_TENURE_GRADED;
        else if (has & BIT(K_SCHEDULE))
            f.type = dims & DIM_POINTS ? PW_FORMULA_POINTS_BASED : PW_FORMULA_GRADED_BY_SERVICE;
        else
            return rd_fail(r, e->key_line, "'%s' needs 'type' (or 'tiers', 'match_rate', 'schedule' or 'bands' to "
                                           "infer it from)", key);
    }
    const char *tname = pw__formula_type_names[f.type];
    for (int kk = 0; kk < K_COUNT; kk++) {
        if ((has & BIT(kk)) && !(type_allows[f.type] & BIT(kk)))
            return rd_fail(r, line_of[kk], "'%s.%s' is not used by type '%s'", key, formula_key_names[kk], tname);
        if (!(has & BIT(kk)) && (type_needs[f.type] & BIT(kk)))
            return rd_fail(r, e->key_line, "'%s' of type '%s' needs '%s'", key, tname, formula_key_names[kk]);
    }
    if (f.type == PW_FORMULA_POINTS_BASED && (dims & DIM_YEARS))
        return rd_fail(r, line_of[K_SCHEDULE], "'%s.schedule' of type 'points_based' needs min_points/max_points, "
                                               "not min_years/max_years", key);
    if (f.type == PW_FORMULA_GRADED_BY_SERVICE && (dims & DIM_POINTS))
        return rd_fail(r, line_of[K_SCHEDULE], "'%s.schedule' of type 'graded_by_service' needs "
                                               "min_years/max_years, not min_points/max_points", key);
    /* Normal form: unused numbers fixed, so consumers never meet a stray value. */
    f.has_cap = f.type == PW_FORMULA_SIMPLE || (has & BIT(K_CAP));
    if (!f.has_cap) f.max_match_percentage = 1.0;
    if (f.type != PW_FORMULA_SIMPLE) f.match_rate = 0;

    p->formulas[idx] = f;
    if (idx == p->formula_count) p->formula_count++;
    if (pl) {
        pl->formula[idx] = e->key_line;
        memcpy(pl->tier[idx], fl.tier, sizeof fl.tier);
        memcpy(pl->row[idx], fl.row, sizeof fl.row);
        memcpy(pl->band_tier[idx], fl.band_tier, sizeof fl.band_tier);
    }
    return 0;
}

static int read_core_schedule(const struct rd *r, struct pw_plan_config *p, enum pw_core_schedule_id id,
                              const struct pw_node *v, struct pw_plan_lines *pl)
{
    const char *key = pw__core_schedules[id].key;
    int *count;
    struct pw_core_row *rows = pw__plan_core_rows(p, id, &count);
    if (v->kind == PW_NODE_NULL) return *count = 0, 0;
    if (check_list(r, v, key, PW_MAX_SCHEDULE_ROWS, "rows")) return PW_ECONFIG;
    char shape_text[96];
    snprintf(shape_text, sizeof shape_text, "{%s, %s, rate}", pw__core_schedules[id].min_name,
             pw__core_schedules[id].max_name);
    struct record rec = {shape_text, core_fields[id], {NULL, NULL, "rate", NULL}, BIT(S_MIN) | BIT(S_RATE),
                         BIT(S_MAX)};
    rec.slot_name[S_MIN] = pw__core_schedules[id].min_name;
    rec.slot_name[S_MAX] = pw__core_schedules[id].max_name;
    struct pw_core_row tmp[PW_MAX_SCHEDULE_ROWS];
    for (int i = 0; i < v->count; i++) {
        char item[KEY_LEN];
        double x[S_SLOTS];
        unsigned dims;
        pw__key_path(item, sizeof item, "%s[%d]", key, i);
        if (read_record(r, &v->child[i], item, &rec, x, &dims)) return PW_ECONFIG;
        tmp[i] = (struct pw_core_row){x[S_MIN], x[S_MAX], x[S_RATE]};
    }
    memcpy(rows, tmp, (size_t)v->count * sizeof *tmp);
    *count = v->count;
    if (pl)
        for (int i = 0; i < v->count; i++) pl->core[id][i] = v->child[i].line;
    return 0;
}

int pw_plan_set_list(struct pw_config *cfg, const struct pw_config_key *k, const struct pw_node *value,
                     const char *file, struct pw_plan_lines *lines, struct pw_err *err)
{
    struct rd r = {file, err};
    if (k->type == PW_KEY_PLAN_LIST) return pw__lists_read(cfg, k, value, file, err);
    if (k->type == PW_KEY_CORE_SCHEDULE)
        return read_core_schedule(&r, &cfg->plan, pw__plan_core_schedule_id(k), value, lines);
    PW_ASSERT(k->type == PW_KEY_MATCH_FORMULAS);
    if (value->kind == PW_NODE_NULL) return 0; /* every formula commented out: the built-in set */
    if (value->kind != PW_NODE_MAP)
        return rd_fail(&r, value->key_line, "'%s' must be a mapping of formula names to formulas, got %s", k->key,
                       shape(value));
    for (int i = 0; i < value->count; i++) {
        const struct pw_node *e = &value->child[i];
        for (int j = 0; j < i; j++)
            if (strcmp(value->child[j].key, e->key) == 0)
                pw_warn("%s:%d: 'employer_match.formulas.%s' is given again (first on line %d); the last one wins",
                        file ? file : "<config>", e->key_line, e->key, value->child[j].key_line);
        if (read_formula(&r, &cfg->plan, e, lines)) return PW_ECONFIG;
    }
    return 0;
}
