/* config.c: defaults, cross-key rules and the YAML dump of struct pw_config.
 *
 * Defaults and per-key ranges come from the key table (config_keys.c); this
 * file adds what one row cannot say: rules between keys (MODEL 2.2), derived
 * values (family seeds, census date) and the sectioned YAML writer behind
 * `planwise config show` (the list-valued plan keys included). Reading the
 * plan lists and the plan rules live in plan_config_lists.c and plan_config_check.c. */
#include "model/config.h"

#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/config_keys.h"
#include "model/plan_config_lists.h"
#include "model/scenario_id.h"

void pw_config_init_defaults(struct pw_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < pw_config_key_count; i++)
        if (pw_config_keys[i].offset != PW_KEY_NO_FIELD) pw_config_key_apply_default(cfg, &pw_config_keys[i]);
    /* Not YAML keys: set by the CLI. cola_rate keeps the table's usual value
     * so code that ignores cola_rate_set still sees something sane. */
    cfg->cola_rate = 0.02;
    cfg->plan_year_end_date = PW_NO_DATE;
    cfg->on_bad_rows = PW_BAD_ROWS_FAIL;
    cfg->threads = 1;
    cfg->config_path[0] = '\0';
    /* The core has no apply_eligibility key: its three tests always apply (MODEL 4.15). */
    cfg->plan.core_eligibility.apply_eligibility = true;
}

/* "config.yaml:12: " for key, "config.yaml: " when its line is unknown, "" without a file. */
void pw__config_where(const struct pw_config_source *src, const char *key, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!src || !src->name) return;
    int i = pw_config_key_index(key);
    if (src->lines && i >= 0 && src->lines[i] > 0)
        snprintf(buf, size, "%s:%d: ", src->names && src->names[i] ? src->names[i] : src->name, src->lines[i]);
    else
        snprintf(buf, size, "%s: ", src->name);
}

/* The first of a, b, c (NULLs skipped) written in the file, else a: a rule
 * between keys points at the line the user actually wrote. */
const char *pw__config_given(const struct pw_config_source *src, const char *a, const char *b, const char *c)
{
    const char *cand[3] = {a, b, c};
    for (int j = 0; j < 3; j++) {
        int i = cand[j] ? pw_config_key_index(cand[j]) : -1;
        if (src && src->lines && i >= 0 && src->lines[i] > 0) return cand[j];
    }
    return a;
}

int pw__config_fail(const struct pw_config_source *src, const char *key, struct pw_err *err, const char *fmt, ...)
{
    char where[PW_PATH_MAX + 32], msg[PW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pw__config_where(src, key, where, sizeof where);
    return pw_err_set(err, PW_ECONFIG, "%s%s", where, msg);
}

/* Short names for the helpers this file shares with plan_config_check.c. */
#define where_of pw__config_where
#define given pw__config_given
#define fail pw__config_fail

static const char *num(double v, char buf[static 40])
{
    pw_config_format_double(v, buf, 40);
    return buf;
}

/* value within [lo, hi] of two other keys. */
static int check_between(const struct pw_config_source *src, const char *key, const char *what, double v,
                         double lo, double hi, const char *lo_key, const char *hi_key, struct pw_err *err)
{
    if (v >= lo && v <= hi) return 0;
    char a[40], b[40], c[40];
    return fail(src, given(src, key, lo_key, hi_key), err, "'%s'%s must be in [%s, %s] ('%s' to '%s'), got %s",
                key, what, num(lo, a), num(hi, b), lo_key, hi_key, num(v, c));
}

static int check_map_between(const struct pw_config_source *src, const char *key, const struct pw_level_map *m,
                             double lo, double hi, const char *lo_key, const char *hi_key, struct pw_err *err)
{
    for (int l = 1; l <= PW_MAX_LEVELS; l++) {
        char what[32];
        snprintf(what, sizeof what, " level %d", l);
        if (m->set[l] && check_between(src, key, what, m->value[l], lo, hi, lo_key, hi_key, err)) return PW_ECONFIG;
    }
    return 0;
}

#define NHV "new_hire_compensation.validation."

/* The id names a checkpoint folder and appears in file names and SQL: the YAML
 * key follows the rule of --scenario (scenario_id.h). The value is echoed with
 * control characters as '?', so a newline in it cannot break the message. */
static int check_scenario_id(const struct pw_config *cfg, const struct pw_config_source *src, struct pw_err *err)
{
    if (pw_scenario_id_valid(cfg->scenario_id)) return 0;
    char shown[sizeof cfg->scenario_id];
    snprintf(shown, sizeof shown, "%s", cfg->scenario_id);
    for (char *p = shown; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    return fail(src, "scenario_id", err, "'scenario_id' must be " PW_SCENARIO_ID_RULE ", got '%s'", shown);
}

int pw_config_finalize_at(struct pw_config *cfg, const struct pw_config_source *src, struct pw_err *err)
{
    char where[PW_PATH_MAX + 32];
    /* Every row again: values may have been changed by code after loading. */
    for (size_t i = 0; i < pw_config_key_count; i++) {
        const struct pw_config_key *k = &pw_config_keys[i];
        where_of(src, k->key, where, sizeof where);
        if (pw_config_key_check(cfg, k, where, err)) return PW_ECONFIG;
    }

    if (check_scenario_id(cfg, src, err)) return PW_ECONFIG;

    const int s = cfg->start_year, e = cfg->end_year;
    if (e < s || e > s + 100)
        return fail(src, given(src, "simulation.end_year", "simulation.start_year", NULL), err,
                    "'simulation.end_year' must be in [%d, %d] ('simulation.start_year' to start_year + 100), got %d",
                    s, s + 100, e);

    uint64_t bytes;
    if (pw_config_memory_bytes(cfg->perf.memory_limit, (uint64_t)1 << 40, &bytes))
        return fail(src, given(src, "performance.memory_limit", NULL, NULL), err,
                    "'performance.memory_limit' must be auto, a share of RAM from 10%% to 95%% (e.g. 75%%) or a size "
                    "of at least 64MB (e.g. 4GB, 512MiB), got '%s'",
                    cfg->perf.memory_limit);

    /* The reference reads its older compensation.promotion_increase only when it
     * differs from its default 0.125; base_increase_pct, when written, wins. */
    const int base = pw_config_key_index("compensation.promotion_compensation.base_increase_pct");
    const bool base_written = src && src->lines && base >= 0 && src->lines[base] > 0;
    if (!isnan(cfg->promo_increase_legacy) && fabs(cfg->promo_increase_legacy - 0.125) > 1e-12 && !base_written) {
        cfg->promo_base_increase_pct = cfg->promo_increase_legacy;
        /* the default spread cannot exceed a smaller midpoint the older key set */
        const int range = pw_config_key_index("compensation.promotion_compensation.distribution_range");
        if (!(src && src->lines && range >= 0 && src->lines[range] > 0) &&
            cfg->promo_distribution_range > cfg->promo_base_increase_pct)
            cfg->promo_distribution_range = cfg->promo_base_increase_pct;
    }

    if (!cfg->seed_termination_set) cfg->seed_termination = cfg->random_seed;
    if (!cfg->seed_hiring_set) cfg->seed_hiring = cfg->random_seed;
    if (!cfg->seed_promotion_set) cfg->seed_promotion = cfg->random_seed;

    if (!cfg->plan_year_end_date_set || cfg->plan_year_end_date == PW_NO_DATE) {
        cfg->plan_year_end_date_set = false;
        cfg->plan_year_end_date = pw_year_end(s - 1);
    }
    if (cfg->plan_year_end_date >= pw_year_start(s)) {
        char got[11], first[11];
        pw_date_format(cfg->plan_year_end_date, got);
        pw_date_format(pw_year_start(s), first);
        return fail(src, given(src, "setup.plan_year_end_date", "simulation.start_year", NULL), err,
                    "'setup.plan_year_end_date' must be before %s (Jan 1 of 'simulation.start_year'), got %s", first,
                    got);
    }

    if (cfg->promo_distribution_range > cfg->promo_base_increase_pct) {
        char a[40], b[40];
        return fail(src,
                    given(src, "compensation.promotion_compensation.distribution_range",
                          "compensation.promotion_compensation.base_increase_pct", NULL),
                    err,
                    "'compensation.promotion_compensation.distribution_range' must be in [0, %s] "
                    "(at most 'compensation.promotion_compensation.base_increase_pct'), got %s",
                    num(cfg->promo_base_increase_pct, a), num(cfg->promo_distribution_range, b));
    }

    if (cfg->nh_min_percentile > cfg->nh_max_percentile) {
        char a[40], b[40];
        return fail(src, given(src, NHV "min_percentile", NHV "max_percentile", NULL), err,
                    "'" NHV "min_percentile' (%s) must not exceed '" NHV "max_percentile' (%s)",
                    num(cfg->nh_min_percentile, a), num(cfg->nh_max_percentile, b));
    }
    if (cfg->nh_min_market_adjustment > cfg->nh_max_market_adjustment) {
        char a[40], b[40];
        return fail(src, given(src, NHV "min_market_adjustment", NHV "max_market_adjustment", NULL), err,
                    "'" NHV "min_market_adjustment' (%s) must not exceed '" NHV "max_market_adjustment' (%s)",
                    num(cfg->nh_min_market_adjustment, a), num(cfg->nh_max_market_adjustment, b));
    }
    const double pl = cfg->nh_min_percentile, ph = cfg->nh_max_percentile;
    const double ml = cfg->nh_min_market_adjustment, mh = cfg->nh_max_market_adjustment;
    if (check_between(src, "new_hire_compensation.percentile_strategy.default_percentile", "",
                      cfg->nh_default_percentile, pl, ph, NHV "min_percentile", NHV "max_percentile", err) ||
        check_map_between(src, "new_hire_compensation.percentile_strategy.level_overrides",
                          &cfg->nh_percentile_overrides, pl, ph, NHV "min_percentile", NHV "max_percentile", err) ||
        check_between(src, "new_hire_compensation.market_adjustments.base_adjustment", "",
                      cfg->nh_market_base_adjustment, ml, mh, NHV "min_market_adjustment",
                      NHV "max_market_adjustment", err) ||
        check_map_between(src, "new_hire_compensation.market_adjustments.level_adjustments",
                          &cfg->nh_market_level_adjustments, ml, mh, NHV "min_market_adjustment",
                          NHV "max_market_adjustment", err))
        return PW_ECONFIG;

    const struct pw_level_map *dist = &cfg->new_hire_level_distribution;
    bool any = false;
    double sum = 0;
    for (int l = 1; l <= PW_MAX_LEVELS; l++)
        if (dist->set[l]) any = true, sum += dist->value[l];
    if (any && !(sum > 0))
        return fail(src, "workforce.new_hire_level_distribution", err,
                    "'workforce.new_hire_level_distribution' shares must sum to more than 0");
    return pw__plan_finalize(cfg, src, err);
}

int pw_config_memory_bytes(const char *text, uint64_t physical_bytes, uint64_t *bytes)
{
    if (strcmp(text, "auto") == 0) {
        /* What a run needs: its appends, and the marts over a year's rows. More only
         * grows DuckDB's cache of the blocks it wrote, i.e. the peak memory of the
         * process, not its speed (docs/decisions.md). */
        uint64_t half = physical_bytes / 2;
        *bytes = half < PW_MEMORY_AUTO_BYTES ? half : PW_MEMORY_AUTO_BYTES;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno || !(v > 0)) return -1;
    while (*end == ' ') end++;
    if (strcmp(end, "%") == 0) {
        if (v < 10 || v > 95) return -1;
        *bytes = (uint64_t)((double)physical_bytes * v / 100.0);
        return 0;
    }
    static const struct { const char *unit; double scale; } units[] = {
        {"B", 1}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
        {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (strcasecmp(end, units[i].unit) != 0) continue;
        double b = v * units[i].scale;
        if (b < 64e6 || b > 1e18) return -1;
        *bytes = (uint64_t)b;
        return 0;
    }
    return -1;
}

int pw_config_finalize(struct pw_config *cfg, struct pw_err *err) { return pw_config_finalize_at(cfg, NULL, err); }

/* ---- YAML writer ---- */

/* Length of the section part of key (up to and including the last '.'), 0 for top-level keys. */
static size_t section_len(const char *key)
{
    const char *dot = strrchr(key, '.');
    return dot ? (size_t)(dot - key) + 1 : 0;
}

/* Number of leading whole segments two section prefixes share. */
static int shared_depth(const char *a, size_t alen, const char *b, size_t blen)
{
    int depth = 0;
    size_t i = 0;
    while (i < alen && i < blen && a[i] == b[i]) {
        if (a[i] == '.') depth++;
        i++;
    }
    return depth;
}

/* ---- list-valued plan keys (plan_config_lists.h), in the reference layout ---- */

/* One "name: value" line; item starts a list item ("- name: value"). */
static void put(FILE *out, int indent, bool item, const char *name, const char *value)
{
    fprintf(out, "%*s%s%s: %s\n", indent, "", item ? "- " : "", name, value);
}

/* Years, ages and points read better without ".0"; the open maximum is null. */
static const char *bound(double v, char buf[static 40])
{
    if (v == PW_OPEN_MAX) snprintf(buf, 40, "null");
    else pw_config_format_bound(v, buf, 40);
    return buf;
}

static void write_tiers(FILE *out, int ind, const struct pw_match_tier *t, int n)
{
    char a[40];
    for (int i = 0; i < n; i++) {
        put(out, ind, true, "employee_min", num(t[i].employee_min, a));
        put(out, ind + 2, false, "employee_max", num(t[i].employee_max, a));
        put(out, ind + 2, false, "match_rate", num(t[i].match_rate, a));
    }
}

static void write_formula(FILE *out, int ind, const struct pw_match_formula *f)
{
    char a[40], text[4 * PW_NAME_MAX];
    fprintf(out, "%*s%s:\n", ind, "", f->name);
    ind += 2;
    if (f->label[0]) {
        pw_config_format_string(f->label, text, sizeof text);
        put(out, ind, false, "name", text);
    }
    bool known = f->type >= 0 && f->type <= PW_FORMULA_POINTS_BASED;
    /* A formula written as type safe_harbor or qaca reads back as one. */
    const char *tname = !known ? "?" : f->safe_harbor == PW_SH_BASIC ? "safe_harbor"
                                     : f->safe_harbor == PW_SH_QACA ? "qaca" : pw__formula_type_names[f->type];
    pw_config_format_string(tname, text, sizeof text);
    put(out, ind, false, "type", text);
    if (f->type == PW_FORMULA_SIMPLE) put(out, ind, false, "match_rate", num(f->match_rate, a));
    if (f->type == PW_FORMULA_TIERED) {
        fprintf(out, "%*stiers:\n", ind, "");
        write_tiers(out, ind + 2, f->tiers, f->tier_count);
    }
    if (f->type == PW_FORMULA_GRADED_BY_SERVICE || f->type == PW_FORMULA_POINTS_BASED) {
        bool pts = f->type == PW_FORMULA_POINTS_BASED;
        fprintf(out, "%*sschedule:\n", ind, "");
        for (int i = 0; i < f->row_count; i++) {
            const struct pw_match_row *r = &f->rows[i];
            put(out, ind + 2, true, pts ? "min_points" : "min_years", bound(r->min, a));
            put(out, ind + 4, false, pts ? "max_points" : "max_years", bound(r->max, a));
            put(out, ind + 4, false, "match_rate", num(r->match_rate, a));
            put(out, ind + 4, false, "max_deferral", num(r->max_deferral, a));
        }
    }
    if (f->type == PW_FORMULA_TENURE_GRADED) {
        fprintf(out, "%*sbands:\n", ind, "");
        for (int i = 0; i < f->row_count; i++) {
            put(out, ind + 2, true, "min_years", bound(f->rows[i].min, a));
            put(out, ind + 4, false, "max_years", bound(f->rows[i].max, a));
            fprintf(out, "%*stiers:\n", ind + 4, "");
            write_tiers(out, ind + 6, f->rows[i].tiers, f->rows[i].tier_count);
        }
    }
    if (f->has_cap && f->type <= PW_FORMULA_TIERED)
        put(out, ind, false, "max_match_percentage", num(f->max_match_percentage, a));
    if (f->vesting_schedule[0]) {
        pw_config_format_string(f->vesting_schedule, text, sizeof text);
        put(out, ind, false, "vesting_schedule", text);
    }
}

static void write_plan_list(const struct pw_config *cfg, const struct pw_config_key *k, FILE *out, int indent)
{
    const char *seg = strrchr(k->key, '.') + 1;
    if (k->type == PW_KEY_PLAN_LIST) {
        pw__lists_write(cfg, k, out, indent);
        return;
    }
    if (k->type == PW_KEY_MATCH_FORMULAS) {
        const struct pw_plan_config *p = &cfg->plan;
        fprintf(out, "%*s%s:%s\n", indent, "", seg, p->formula_count ? "" : " {}");
        for (int i = 0; i < p->formula_count && i < PW_MAX_FORMULAS; i++)
            write_formula(out, indent + 2, &p->formulas[i]);
        return;
    }
    enum pw_core_schedule_id id = pw__plan_core_schedule_id(k);
    const struct pw_core_row *rows = id == PW_CORE_SCHED_AGE      ? cfg->plan.age_rows
                                     : id == PW_CORE_SCHED_POINTS ? cfg->plan.points_rows
                                                                  : cfg->plan.graded;
    const int count = id == PW_CORE_SCHED_AGE      ? cfg->plan.age_count
                      : id == PW_CORE_SCHED_POINTS ? cfg->plan.points_count
                                                   : cfg->plan.graded_count;
    fprintf(out, "%*s%s:%s\n", indent, "", seg, count ? "" : " []");
    char a[40];
    for (int i = 0; i < count && i < PW_MAX_SCHEDULE_ROWS; i++) {
        put(out, indent + 2, true, pw__core_schedules[id].min_name, bound(rows[i].min, a));
        put(out, indent + 4, false, pw__core_schedules[id].max_name, bound(rows[i].max, a));
        put(out, indent + 4, false, "rate", num(rows[i].rate, a));
    }
}

/* Whether level l has an entry in the default text of a level-map row ("1: 0.30, 2: 0.40"). */
static bool default_has_level(const struct pw_config_key *k, int l)
{
    for (const char *p = k->def; p && *p;) {
        while (*p == ' ' || *p == ',') p++;
        if (atoi(p) == l) return true;
        p += strcspn(p, ",");
    }
    return false;
}

int pw_config_write_yaml(const struct pw_config *cfg, FILE *out)
{
    fprintf(out, "# planwise effective configuration (defaults filled in)\n");
    if (cfg->config_path[0]) fprintf(out, "# from: %s\n", cfg->config_path);
    const char *prev = "";
    size_t prev_len = 0;
    for (size_t i = 0; i < pw_config_key_count; i++) {
        const struct pw_config_key *k = &pw_config_keys[i];
        size_t len = section_len(k->key);
        int keep = shared_depth(prev, prev_len, k->key, len), depth = 0;
        for (size_t j = 0; j < len; j++) depth += k->key[j] == '.';
        if (i > 0 && keep == 0 && (depth > 0 || prev_len > 0)) fputc('\n', out); /* new top-level section */
        /* Open the sections below the shared part. */
        const char *seg = k->key;
        for (int d = 0; d < depth; d++) {
            size_t n = strcspn(seg, ".");
            if (d >= keep) fprintf(out, "%*s%.*s:\n", 2 * d, "", (int)n, seg);
            seg += n + 1;
        }
        char allowed[256], value[PW_PATH_MAX + 64];
        pw_config_key_allowed(k, allowed, sizeof allowed);
        fprintf(out, "%*s# %s; %s\n", 2 * depth, "", k->doc, allowed);
        if (pw_config_key_is_list(k->type)) {
            write_plan_list(cfg, k, out, 2 * depth);
        } else if (k->type == PW_KEY_LEVEL_MAP && k->offset != PW_KEY_NO_FIELD) {
            /* Entries read back merge over the defaults: a default level the map
             * lacks is printed as `N: null`, an empty map as null, so the printed
             * configuration loads into the same one (and hashes the same). */
            const struct pw_level_map *m = (const void *)((const char *)cfg + k->offset);
            bool any = false, dropped = false;
            for (int l = 1; l <= PW_MAX_LEVELS; l++) {
                any |= m->set[l];
                dropped |= !m->set[l] && default_has_level(k, l);
            }
            fprintf(out, "%*s%s:%s\n", 2 * depth, "", seg, any ? "" : dropped ? " null" : " {}");
            for (int l = 1; l <= PW_MAX_LEVELS && any; l++) {
                if (m->set[l]) pw_config_format_double(m->value[l], value, sizeof value);
                else if (default_has_level(k, l)) snprintf(value, sizeof value, "null");
                else continue;
                fprintf(out, "%*s%d: %s\n", 2 * depth + 2, "", l, value);
            }
        } else {
            pw_config_key_format(cfg, k, value, sizeof value);
            fprintf(out, "%*s%s: %s\n", 2 * depth, "", seg, value);
        }
        prev = k->key;
        prev_len = len;
    }
    return ferror(out) ? PW_EIO : 0;
}
