/* config_dcplan.c: the `dc_plan` block, the layout in which the reference
 * system's web app (Studio) saves plan settings, mapped onto the same keys as
 * the reference's own export does (names, percent fields, months of waiting).
 *
 * The block wins over the keys it maps onto wherever it stands in the file, as
 * the reference applies it after the rest of the configuration; the YAML loader
 * therefore hands it over last. Keys of the block that the reference does not
 * map warn like any unknown key. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "model/plan_config_lists.h"

enum conv {
    C_AS_IS,     /* same value */
    C_PERCENT,   /* percent -> fraction */
    C_MONTHS,    /* months -> days (x 30) */
    C_SCOPE,     /* 'all_eligible' -> 'all_eligible_employees' */
    C_TEMPLATE,  /* match template -> formula name */
    C_NULL_EMPTY,/* "" -> null */
    C_LIST,      /* a list key */
    C_STUDIO_LIST, /* a match-mode list whose rates may be fractions or percents */
};

static const struct {
    const char *from, *to;
    enum conv conv;
} map[] = {
    {"auto_enroll", "enrollment.auto_enrollment.enabled", C_AS_IS},
    {"auto_enroll_hire_date_cutoff", "enrollment.auto_enrollment.hire_date_cutoff", C_NULL_EMPTY},
    {"auto_enroll_window_days", "enrollment.auto_enrollment.window_days", C_AS_IS},
    {"auto_enroll_opt_out_grace_period", "enrollment.auto_enrollment.opt_out_grace_period", C_AS_IS},
    {"default_deferral_percent", "enrollment.auto_enrollment.default_deferral_rate", C_PERCENT},
    {"auto_enroll_scope", "enrollment.auto_enrollment.scope", C_SCOPE},
    {"opt_out_rate_young", "enrollment.auto_enrollment.opt_out_rates.by_age.young", C_AS_IS},
    {"opt_out_rate_mid", "enrollment.auto_enrollment.opt_out_rates.by_age.mid_career", C_AS_IS},
    {"opt_out_rate_mature", "enrollment.auto_enrollment.opt_out_rates.by_age.mature", C_AS_IS},
    {"opt_out_rate_senior", "enrollment.auto_enrollment.opt_out_rates.by_age.senior", C_AS_IS},
    {"opt_out_rate_low_income", "enrollment.auto_enrollment.opt_out_rates.by_income.low_income", C_AS_IS},
    {"opt_out_rate_moderate", "enrollment.auto_enrollment.opt_out_rates.by_income.moderate", C_AS_IS},
    {"opt_out_rate_high", "enrollment.auto_enrollment.opt_out_rates.by_income.high", C_AS_IS},
    {"opt_out_rate_executive", "enrollment.auto_enrollment.opt_out_rates.by_income.executive", C_AS_IS},
    {"auto_escalation", "deferral_auto_escalation.enabled", C_AS_IS},
    {"escalation_rate_percent", "deferral_auto_escalation.increment_amount", C_PERCENT},
    {"escalation_cap_percent", "deferral_auto_escalation.maximum_rate", C_PERCENT},
    {"escalation_effective_day", "deferral_auto_escalation.effective_day", C_AS_IS},
    {"escalation_delay_years", "deferral_auto_escalation.first_escalation_delay_years", C_AS_IS},
    {"escalation_hire_date_cutoff", "deferral_auto_escalation.hire_date_cutoff", C_NULL_EMPTY},
    {"voluntary_enrollment_rate", "enrollment.auto_enrollment.voluntary_enrollment_rate", C_AS_IS},
    {"match_magnet_enabled", "enrollment.match_magnet.enabled", C_AS_IS},
    {"match_magnet_probability", "enrollment.match_magnet.snap_probability", C_AS_IS},
    {"max_voluntary_deferral_percent", "enrollment.match_magnet.max_deferral_rate", C_AS_IS},
    {"eligibility_months", "plan_eligibility.waiting_period_days", C_MONTHS},
    {"match_enabled", "employer_match.enabled", C_AS_IS},
    {"match_template", "employer_match.active_formula", C_TEMPLATE},
    {"match_status", "employer_match.employer_match_status", C_AS_IS},
    {"match_graded_schedule", "employer_match.employer_match_graded_schedule", C_LIST},
    {"tenure_match_tiers", "employer_match.tenure_match_tiers", C_STUDIO_LIST},
    {"tenure_graded_bands", "employer_match.tenure_graded_bands", C_LIST},
    {"points_match_tiers", "employer_match.points_match_tiers", C_STUDIO_LIST},
    {"match_min_tenure_years", "employer_match.eligibility.minimum_tenure_years", C_AS_IS},
    {"match_require_year_end_active", "employer_match.eligibility.require_active_at_year_end", C_AS_IS},
    {"match_min_hours_annual", "employer_match.eligibility.minimum_hours_annual", C_AS_IS},
    {"match_allow_terminated_new_hires", "employer_match.eligibility.allow_terminated_new_hires", C_AS_IS},
    {"match_allow_experienced_terminations", "employer_match.eligibility.allow_experienced_terminations", C_AS_IS},
    {"match_allow_new_hires", "employer_match.eligibility.allow_new_hires", C_AS_IS},
    {"core_enabled", "employer_core_contribution.enabled", C_AS_IS},
    {"core_contribution_rate_percent", "employer_core_contribution.contribution_rate", C_PERCENT},
    {"core_contribution_rate", "employer_core_contribution.contribution_rate", C_AS_IS},
    {"core_status", "employer_core_contribution.status", C_AS_IS},
    {"core_graded_schedule", "employer_core_contribution.graded_schedule", C_LIST},
    {"core_points_schedule", "employer_core_contribution.points_schedule", C_LIST},
    {"core_age_schedule", "employer_core_contribution.age_schedule", C_LIST},
    {"core_min_tenure_years", "employer_core_contribution.eligibility.minimum_tenure_years", C_AS_IS},
    {"core_require_year_end_active", "employer_core_contribution.eligibility.require_active_at_year_end", C_AS_IS},
    {"core_min_hours_annual", "employer_core_contribution.eligibility.minimum_hours_annual", C_AS_IS},
    {"core_allow_terminated_new_hires", "employer_core_contribution.eligibility.allow_terminated_new_hires", C_AS_IS},
    {"core_allow_experienced_terminations", "employer_core_contribution.eligibility.allow_experienced_terminations",
     C_AS_IS},
    {"core_allow_new_hires", "employer_core_contribution.eligibility.allow_new_hires", C_AS_IS},
    {"core_integration_enabled", "employer_core_contribution.integration.enabled", C_AS_IS},
    {"core_integration_level_mode", "employer_core_contribution.integration.level_mode", C_AS_IS},
    {"core_integration_level_value", "employer_core_contribution.integration.level_value", C_AS_IS},
    {"core_integration_disparity_rate_percent", "employer_core_contribution.integration.disparity_rate", C_PERCENT},
    {"core_integration_disparity_rate", "employer_core_contribution.integration.disparity_rate", C_AS_IS},
};

/* The reference's Studio template names and the formulas they select. */
static const struct {
    const char *template_name, *formula;
} templates[] = {{"simple", "simple_match"}, {"tiered", "tiered_match"}, {"stretch", "stretch_match"},
                 {"safe_harbor", "safe_harbor_basic"}, {"qaca", "qaca_safe_harbor"}};

struct dc {
    struct pw_config *cfg;
    const char *file;
    int *lines;
    struct pw_plan_lines *plan_lines;
    struct pw_err *err;
};

static int set_scalar(struct dc *d, const char *to, const char *text, bool is_null, int line)
{
    int idx = pw_config_key_index(to);
    PW_ASSERT(idx >= 0);
    char where[PW_PATH_MAX + 32];
    snprintf(where, sizeof where, "%s:%d: ", d->file, line);
    if (d->lines) d->lines[idx] = line;
    return pw_config_key_set(d->cfg, &pw_config_keys[idx], text, is_null, where, d->err);
}

/* Studio sends eligibility tenure without allow_new_hires: the reference then
 * derives it (new hires pass only when no tenure is required). */
static int derive_new_hires(struct dc *d, const struct pw_node *block, const char *prefix, const char *to)
{
    char tenure_key[64], allow_key[64];
    snprintf(tenure_key, sizeof tenure_key, "%s_min_tenure_years", prefix);
    snprintf(allow_key, sizeof allow_key, "%s_allow_new_hires", prefix);
    const struct pw_node *tenure = NULL;
    for (int i = 0; i < block->count; i++) {
        if (strcmp(block->child[i].key, allow_key) == 0) return 0;
        if (strcmp(block->child[i].key, tenure_key) == 0) tenure = &block->child[i];
    }
    if (!tenure || tenure->kind != PW_NODE_SCALAR) return 0;
    const struct pw_employer_eligibility *e =
        strcmp(prefix, "match") == 0 ? &d->cfg->plan.match_eligibility : &d->cfg->plan.core_eligibility;
    return set_scalar(d, to, e->minimum_tenure_years == 0 ? "true" : "false", false, tenure->key_line);
}

static int apply_response(struct dc *d, const struct pw_node *v)
{
    char key[256];
    if (v->kind != PW_NODE_MAP)
        return pw_err_set(d->err, PW_ECONFIG, "%s:%d: 'dc_plan.deferral_match_response' must be a mapping", d->file,
                          v->key_line);
    bool enabled_given = false;
    for (int i = 0; i < v->count; i++) {
        const struct pw_node *e = &v->child[i];
        snprintf(key, sizeof key, "deferral_match_response.%s", e->key);
        if (pw_config_key_index(key) < 0 || e->kind == PW_NODE_MAP || e->kind == PW_NODE_LIST) {
            pw_warn("%s:%d: unknown key 'dc_plan.%s'; ignored", d->file, e->key_line, key);
            continue;
        }
        enabled_given |= strcmp(e->key, "enabled") == 0;
        if (set_scalar(d, key, e->text ? e->text : "", e->kind == PW_NODE_NULL, e->key_line)) return PW_ECONFIG;
    }
    /* Studio shows the response as a match setting that is on unless turned off. */
    return enabled_given ? 0 : set_scalar(d, "deferral_match_response.enabled", "true", false, v->key_line);
}

/* match_tiers (fractions) with match_cap_percent: a tiered formula 'dc_plan_match' that becomes active. */
static int apply_match_tiers(struct dc *d, const struct pw_node *tiers, const struct pw_node *cap)
{
    struct pw_node formula = {PW_NODE_MAP, tiers->line, tiers->key_line, "dc_plan_match", NULL, 0, NULL};
    struct pw_node items[3];
    items[formula.count++] = (struct pw_node){PW_NODE_SCALAR, tiers->line, tiers->key_line, "type", "tiered", 0,
                                              NULL};
    struct pw_node t = *tiers;
    t.key = "tiers";
    items[formula.count++] = t;
    if (cap) {
        struct pw_node c = *cap;
        c.key = "max_match_percentage";
        items[formula.count++] = c;
    }
    formula.child = items;
    struct pw_node set = {PW_NODE_MAP, tiers->line, tiers->key_line, "employer_match.formulas", NULL, 1, &formula};
    const struct pw_config_key *k = pw_config_key_find("employer_match.formulas");
    if (pw_plan_set_list(d->cfg, k, &set, d->file, d->plan_lines, d->err)) return PW_ECONFIG;
    return set_scalar(d, "employer_match.active_formula", "dc_plan_match", false, tiers->key_line);
}

int pw_config_apply_dc_plan(struct pw_config *cfg, const struct pw_node *block, const char *file, int *lines,
                            struct pw_plan_lines *plan_lines, struct pw_err *err)
{
    struct dc d = {cfg, file ? file : "<config>", lines, plan_lines, err};
    if (block->kind == PW_NODE_NULL) return 0;
    if (block->kind != PW_NODE_MAP)
        return pw_err_set(err, PW_ECONFIG, "%s:%d: 'dc_plan' must be a mapping of keys", d.file, block->key_line);
    const struct pw_node *tiers = NULL, *cap = NULL;
    for (int i = 0; i < block->count; i++) {
        const struct pw_node *e = &block->child[i];
        char text[64];
        if (strcmp(e->key, "deferral_match_response") == 0) {
            if (apply_response(&d, e)) return PW_ECONFIG;
            continue;
        }
        if (strcmp(e->key, "match_tiers") == 0) {
            tiers = e->kind == PW_NODE_LIST && e->count > 0 ? e : NULL;
            continue;
        }
        if (strcmp(e->key, "match_cap_percent") == 0) {
            cap = e->kind == PW_NODE_SCALAR ? e : NULL;
            continue;
        }
        size_t m = 0;
        while (m < sizeof map / sizeof *map && strcmp(map[m].from, e->key) != 0) m++;
        if (m == sizeof map / sizeof *map) {
            pw_warn("%s:%d: unknown key 'dc_plan.%s'; ignored", d.file, e->key_line, e->key);
            continue;
        }
        const char *to = map[m].to;
        if (map[m].conv == C_LIST || map[m].conv == C_STUDIO_LIST) {
            const struct pw_config_key *k = pw_config_key_find(to);
            int idx = pw_config_key_index(to);
            if (lines) lines[idx] = e->key_line;
            int rc = map[m].conv == C_STUDIO_LIST ? pw__lists_read_studio(cfg, k, e, d.file, err)
                                                  : pw_plan_set_list(cfg, k, e, d.file, plan_lines, err);
            if (rc) return PW_ECONFIG;
            continue;
        }
        if (e->kind == PW_NODE_MAP || e->kind == PW_NODE_LIST)
            return pw_err_set(err, PW_ECONFIG, "%s:%d: 'dc_plan.%s' must be a single value", d.file, e->key_line,
                              e->key);
        const bool is_null = e->kind == PW_NODE_NULL;
        const char *v = is_null ? "" : e->text;
        double x;
        switch (map[m].conv) {
        case C_PERCENT:
        case C_MONTHS:
            if (is_null) break;
            if (!pw_config_parse_double(v, &x))
                return pw_err_set(err, PW_ECONFIG, "%s:%d: 'dc_plan.%s' must be a number, got '%.60s'", d.file,
                                  e->key_line, e->key, v);
            if (map[m].conv == C_PERCENT) pw_config_format_double(x / 100.0, text, sizeof text);
            else snprintf(text, sizeof text, "%.0f", x * 30);
            v = text;
            break;
        case C_SCOPE:
            if (strcmp(v, "all_eligible") == 0) v = "all_eligible_employees";
            break;
        case C_TEMPLATE:
            for (size_t t = 0; t < sizeof templates / sizeof *templates; t++)
                if (strcmp(v, templates[t].template_name) == 0) v = templates[t].formula;
            /* planwise's built-in QACA formula is 'qaca'; the reference names it qaca_safe_harbor. */
            if (strcmp(v, "qaca_safe_harbor") == 0 && !pw_match_formula_named(&cfg->plan, v)) v = "qaca";
            break;
        case C_NULL_EMPTY:
            if (!is_null && !*v) {
                if (set_scalar(&d, to, "", true, e->key_line)) return PW_ECONFIG;
                continue;
            }
            break;
        default: break;
        }
        if (set_scalar(&d, to, v, is_null, e->key_line)) return PW_ECONFIG;
        if (map[m].conv == C_MONTHS && !is_null &&
            set_scalar(&d, "eligibility.waiting_period_days", v, false, e->key_line))
            return PW_ECONFIG;
    }
    if (tiers && apply_match_tiers(&d, tiers, cap)) return PW_ECONFIG;
    if (derive_new_hires(&d, block, "match", "employer_match.eligibility.allow_new_hires") ||
        derive_new_hires(&d, block, "core", "employer_core_contribution.eligibility.allow_new_hires"))
        return PW_ECONFIG;
    return 0;
}
