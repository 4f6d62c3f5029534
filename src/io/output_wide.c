/* output_wide.c: one year's rows in the wide layout: the user-facing tables as
 * base tables, every column written as the views show it, with the UUIDs and the
 * event_details text computed in C. This is how outputs were stored before the
 * narrow layout and stays as the baseline execution mode of `planwise
 * benchmark`, which compares the two layouts row for row. Column indices come
 * from the views' column lists (store_views.h). */
#include <math.h>
#include <string.h>

#include "core/num.h"
#include "io/output_int.h"
#include "io/store_views.h"
#include "model/plan_config.h"

static int write_events(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_year *yr = y->view.year;
    const struct pw_workforce *wf = y->view.wf;
    const struct pw_tables *t = y->tables;
    for (size_t c = 0; c < y->chunk_count; c++) {
        const struct pw_event_chunk *ch = &y->chunks[c];
        for (size_t i = 0; i < ch->count; i++) {
            const struct pw_event *ev = &ch->events[i];
            uint32_t r = ev->row;
            struct pw_event_values v;
            pw_event_values(&y->view, ev, &v);
            uint8_t id[16];
            pw_event_uuid(y->scenario_id, wf->employee_id[r], wf->id_len[r], yr->year, pw_event_type_names[ev->type],
                          ev->sequence, id);
            char details[160];
            pw_event_details_format(&y->view, ev, &v, details, sizeof details);
            pw_tw_str(w, PW_VEV_scenario_id, y->scenario_id);
            pw_tw_uuid(w, PW_VEV_event_id, id);
            pw_tw_varchar(w, PW_VEV_employee_id, wf->employee_id[r], wf->id_len[r]);
            pw_tw_enum(w, PW_VEV_event_type, ev->type - 1u);
            pw_tw_enum(w, PW_VEV_event_category, ev->category);
            pw_tw_int(w, PW_VEV_simulation_year, yr->year);
            pw_tw_date(w, PW_VEV_effective_date, ev->date);
            pw_tw_int(w, PW_VEV_event_sequence, ev->sequence);
            pw_tw_double(w, PW_VEV_compensation_amount, v.compensation);
            pw_tw_double(w, PW_VEV_previous_compensation, v.previous_compensation);
            pw_tw_double(w, PW_VEV_employee_deferral_rate, v.deferral_rate);
            pw_tw_double(w, PW_VEV_prev_employee_deferral_rate, v.previous_deferral_rate);
            pw_tw_int(w, PW_VEV_level_id, v.level);
            pw_tw_int(w, PW_VEV_employee_age, yr->age[r]);
            pw_tw_int(w, PW_VEV_employee_tenure, yr->reported_tenure[r]);
            pw_tw_str(w, PW_VEV_age_band, t->age_bands.label[yr->age_band[r]]);
            pw_tw_str(w, PW_VEV_tenure_band, t->tenure_bands.label[yr->reported_tenure_band[r]]);
            pw_tw_double(w, PW_VEV_event_probability, v.probability);
            pw_tw_str(w, PW_VEV_event_details, details);
            int rc = pw_tw_end_row(w, err);
            if (rc) return rc;
        }
    }
    return 0;
}

static unsigned detailed_status(const struct pw_year *yr, uint32_t r)
{
    bool hire = r >= yr->n_roster;
    switch (yr->term_kind[r]) {
    case PW_TERM_NONE: return hire ? PW_DETAILED_NEW_HIRE_ACTIVE : PW_DETAILED_CONTINUOUS_ACTIVE;
    case PW_TERM_NEW_HIRE: return PW_DETAILED_NEW_HIRE_TERMINATION;
    default: return PW_DETAILED_EXPERIENCED_TERMINATION;
    }
}

static int write_snapshot(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_year *yr = y->view.year;
    const struct pw_workforce *wf = y->view.wf;
    const struct pw_plan_money *m = y->view.money;
    const struct pw_tables *t = y->tables;
    for (size_t p = 0; p < yr->n_pop; p++) {
        uint32_t r = yr->order[p];
        int kind = yr->term_kind[r];
        struct pw_plan_snapshot ps;
        pw_plan_year_snapshot(y->view.plan, r, wf, r, &ps);
        pw_tw_str(w, PW_VSNAP_scenario_id, y->scenario_id);
        pw_tw_int(w, PW_VSNAP_simulation_year, yr->year);
        pw_tw_varchar(w, PW_VSNAP_employee_id, wf->employee_id[r], wf->id_len[r]);
        pw_tw_str(w, PW_VSNAP_employee_ssn, wf->ssn[r]);
        pw_tw_date(w, PW_VSNAP_employee_birth_date, wf->birth_date[r]);
        pw_tw_date(w, PW_VSNAP_employee_hire_date, wf->hire_date[r]);
        pw_tw_enum(w, PW_VSNAP_employment_status, kind == PW_TERM_NONE ? PW_STATUS_ACTIVE : PW_STATUS_TERMINATED);
        pw_tw_date(w, PW_VSNAP_termination_date, yr->term_date[r]);
        if (kind == PW_TERM_NONE) pw_tw_null(w, PW_VSNAP_termination_reason);
        else pw_tw_enum(w, PW_VSNAP_termination_reason, kind == PW_TERM_EXPERIENCED ? PW_REASON_EXPERIENCED : PW_REASON_NEW_HIRE);
        pw_tw_enum(w, PW_VSNAP_detailed_status_code, detailed_status(yr, r));
        pw_tw_int(w, PW_VSNAP_level_id, yr->end_level[r]);
        pw_tw_int(w, PW_VSNAP_current_age, yr->age[r]);
        pw_tw_int(w, PW_VSNAP_current_tenure, yr->reported_tenure[r]);
        pw_tw_str(w, PW_VSNAP_age_band, t->age_bands.label[yr->age_band[r]]);
        pw_tw_str(w, PW_VSNAP_tenure_band, t->tenure_bands.label[yr->reported_tenure_band[r]]);
        pw_tw_double(w, PW_VSNAP_current_compensation, yr->current_comp[r]);
        pw_tw_double(w, PW_VSNAP_prorated_annual_compensation, yr->prorated_comp[r]);
        pw_tw_double(w, PW_VSNAP_full_year_equivalent_compensation, yr->current_comp[r]);
        pw_tw_double(w, PW_VSNAP_scheduled_hours_per_week, wf->hours_per_week[r]);
        pw_tw_int(w, PW_VSNAP_annual_hours_worked, yr->hours_worked[r]);
        pw_tw_date(w, PW_VSNAP_employee_eligibility_date, ps.eligibility_date);
        pw_tw_enum(w, PW_VSNAP_current_eligibility_status, y->view.plan->elig_status[r]);
        pw_tw_bool(w, PW_VSNAP_is_enrolled_flag, ps.is_enrolled);
        pw_tw_date(w, PW_VSNAP_employee_enrollment_date, ps.enrollment_date);
        if (ps.method == PW_ENROLL_NONE) pw_tw_null(w, PW_VSNAP_enrollment_method);
        else pw_tw_enum(w, PW_VSNAP_enrollment_method, (unsigned)ps.method - 1u);
        pw_tw_bool(w, PW_VSNAP_ever_opted_out, ps.ever_opted_out);
        pw_tw_double(w, PW_VSNAP_current_deferral_rate, ps.current_deferral_rate);
        pw_tw_double(w, PW_VSNAP_original_deferral_rate, ps.original_deferral_rate);
        pw_tw_enum(w, PW_VSNAP_participation_status,
                   ps.current_deferral_rate > 0 ? PW_PARTICIPATING : PW_NOT_PARTICIPATING);
        pw_tw_int(w, PW_VSNAP_total_deferral_escalations, ps.total_deferral_escalations);
        pw_tw_date(w, PW_VSNAP_last_escalation_date, ps.last_escalation_date);
        pw_tw_bool(w, PW_VSNAP_auto_escalation_opt_out, ps.auto_escalation_opt_out);
        pw_tw_double(w, PW_VSNAP_contribution_base_compensation, m->b_cap[r]);
        pw_tw_double(w, PW_VSNAP_prorated_annual_contributions, m->deferrals[r]);
        pw_tw_double(w, PW_VSNAP_pre_tax_contributions, m->pre_tax[r]);
        pw_tw_double(w, PW_VSNAP_roth_contributions, m->roth[r]);
        pw_tw_double(w, PW_VSNAP_effective_annual_deferral_rate, m->eff_rate[r]);
        pw_tw_double(w, PW_VSNAP_applicable_deferral_limit, m->applicable_limit[r]);
        pw_tw_enum(w, PW_VSNAP_limit_type, m->limit_type[r]);
        pw_tw_bool(w, PW_VSNAP_irs_402g_limit_applied, m->irs_402g[r]);
        pw_tw_bool(w, PW_VSNAP_irs_401a17_limit_applied, m->irs_401a17[r]);
        pw_tw_bool(w, PW_VSNAP_irs_415c_limit_applied, m->irs_415c[r]);
        pw_tw_bool(w, PW_VSNAP_employer_match_eligible, m->match_eligible[r]);
        pw_tw_enum(w, PW_VSNAP_employer_match_eligibility_reason, m->match_reason[r]);
        pw_tw_double(w, PW_VSNAP_employer_match_amount, m->match[r]);
        pw_tw_bool(w, PW_VSNAP_employer_core_eligible, m->core_eligible[r]);
        pw_tw_double(w, PW_VSNAP_employer_core_amount, m->core[r]);
        pw_tw_double(w, PW_VSNAP_total_employer_contributions, pw_round2(m->match[r] + m->core[r]));
        pw_tw_double(w, PW_VSNAP_employer_match_balance, m->match_balance[r]);
        pw_tw_double(w, PW_VSNAP_employer_core_balance, m->core_balance[r]);
        pw_tw_int(w, PW_VSNAP_vesting_years, m->vesting_years[r]);
        pw_tw_double(w, PW_VSNAP_match_vested_pct, m->match_vested_pct[r]);
        pw_tw_double(w, PW_VSNAP_core_vested_pct, m->core_vested_pct[r]);
        pw_tw_double(w, PW_VSNAP_vested_balance, m->vested_balance[r]);
        pw_tw_double(w, PW_VSNAP_forfeiture_amount, m->forfeit_total[r]);
        pw_tw_bool(w, PW_VSNAP_is_hce, m->is_hce[r]);
        pw_tw_bool(w, PW_VSNAP_is_5pct_owner, y->view.wf->is_5pct_owner[r]);
        pw_tw_bool(w, PW_VSNAP_is_1pct_owner, y->view.wf->is_1pct_owner[r]);
        pw_tw_bool(w, PW_VSNAP_is_officer, y->view.wf->is_officer[r]);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

/* fct_employer_match_events (MODEL 6.3): one row per employee-year with a match. */
static int write_match_events(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_year *yr = y->view.year;
    const struct pw_workforce *wf = y->view.wf;
    const struct pw_plan_money *m = y->view.money;
    const struct pw_match_formula *f = y->formula;
    if (!f) return 0;
    for (size_t p = 0; p < yr->n_pop; p++) {
        uint32_t r = yr->order[p];
        if (!(m->match[r] > 0)) continue;
        uint8_t id[16];
        pw_event_uuid(y->scenario_id, wf->employee_id[r], wf->id_len[r], yr->year, "employer_match", 0, id);
        pw_tw_str(w, PW_VMATCH_scenario_id, y->scenario_id);
        pw_tw_uuid(w, PW_VMATCH_event_id, id);
        pw_tw_varchar(w, PW_VMATCH_employee_id, wf->employee_id[r], wf->id_len[r]);
        pw_tw_int(w, PW_VMATCH_simulation_year, yr->year);
        pw_tw_date(w, PW_VMATCH_effective_date, yr->dec31);
        pw_tw_str(w, PW_VMATCH_formula_name, f->name);
        pw_tw_enum(w, PW_VMATCH_formula_type, (unsigned)f->type);
        pw_tw_double(w, PW_VMATCH_eligible_compensation, m->b_cap[r]);
        pw_tw_double(w, PW_VMATCH_deferral_rate, m->eff_rate[r]);
        pw_tw_double(w, PW_VMATCH_annual_deferrals, m->deferrals[r]);
        pw_tw_double(w, PW_VMATCH_uncapped_match_amount, m->match_uncapped[r]);
        pw_tw_double(w, PW_VMATCH_employer_match_amount, m->match[r]);
        pw_tw_bool(w, PW_VMATCH_match_cap_applied, m->match_cap_applied[r]);
        pw_tw_double(w, PW_VMATCH_irs_415c_reduction, m->match_415c_cut[r]);
        pw_tw_int(w, PW_VMATCH_years_of_service, m->yos[r]);
        if (f->type == PW_FORMULA_POINTS_BASED) pw_tw_int(w, PW_VMATCH_points, m->points[r]);
        else pw_tw_null(w, PW_VMATCH_points);
        pw_tw_double(w, PW_VMATCH_effective_match_rate, m->deferrals[r] > 0 ? pw_round6(m->match[r] / m->deferrals[r]) : NAN);
        pw_tw_double(w, PW_VMATCH_match_percentage_of_comp, m->b_cap[r] > 0 ? pw_round6(m->match[r] / m->b_cap[r]) : NAN);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

static int write_needs(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_needs *n = &y->view.year->needs;
    pw_tw_str(w, PW_VNEEDS_scenario_id, y->scenario_id);
    pw_tw_int(w, PW_VNEEDS_simulation_year, y->view.year->year);
    pw_tw_int(w, PW_VNEEDS_starting_headcount, n->starting_headcount);
    pw_tw_int(w, PW_VNEEDS_experienced_headcount, n->experienced_headcount);
    pw_tw_int(w, PW_VNEEDS_prior_year_hires_active, n->prior_year_hires_active);
    pw_tw_double(w, PW_VNEEDS_target_growth_rate, y->growth_rate);
    pw_tw_double(w, PW_VNEEDS_termination_rate, y->termination_rate);
    pw_tw_double(w, PW_VNEEDS_new_hire_termination_rate, y->new_hire_termination_rate);
    pw_tw_int(w, PW_VNEEDS_target_ending_headcount, n->target_ending_headcount);
    pw_tw_int(w, PW_VNEEDS_expected_experienced_terminations, n->expected_experienced_terminations);
    pw_tw_int(w, PW_VNEEDS_rif_terminations, n->rif_terminations);
    pw_tw_int(w, PW_VNEEDS_total_experienced_terminations, n->total_experienced_terminations);
    pw_tw_int(w, PW_VNEEDS_total_hires, n->total_hires);
    pw_tw_int(w, PW_VNEEDS_expected_new_hire_terminations, n->expected_new_hire_terminations);
    pw_tw_int(w, PW_VNEEDS_net_from_hires, n->net_from_hires);
    pw_tw_int(w, PW_VNEEDS_nh_terms_shortfall, n->nh_terms_shortfall);
    pw_tw_int(w, PW_VNEEDS_ending_headcount_actual, n->ending_headcount_actual);
    pw_tw_int(w, PW_VNEEDS_reconciliation_error, n->reconciliation_error);
    return pw_tw_end_row(w, err);
}

static int write_needs_by_level(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_level_needs *b = &y->view.year->by_level;
    for (int l = 1; l <= y->levels; l++) {
        pw_tw_str(w, PW_VNBL_scenario_id, y->scenario_id);
        pw_tw_int(w, PW_VNBL_simulation_year, y->view.year->year);
        pw_tw_int(w, PW_VNBL_level_id, l);
        pw_tw_int(w, PW_VNBL_starting_headcount, b->starting_headcount[l]);
        pw_tw_int(w, PW_VNBL_termination_quota, b->termination_quota[l]);
        pw_tw_int(w, PW_VNBL_terminations_realized, b->terminations_realized[l]);
        pw_tw_int(w, PW_VNBL_hires, b->hires[l]);
        pw_tw_int(w, PW_VNBL_new_hire_terminations, b->new_hire_terminations[l]);
        pw_tw_double(w, PW_VNBL_new_hire_base_compensation, b->new_hire_base_compensation[l]);
        pw_tw_int(w, PW_VNBL_ending_headcount, b->ending_headcount[l]);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

typedef int (*fill_fn)(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err);

static int append(struct pw_output *o, struct pw_db *c, int view, fill_fn fill, const struct pw_year_output *y,
                  struct pw_err *err)
{
    char sql[256];
    int rc = 0;
    if (o->wide_old_rows_pending) {
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE scenario_id = %s", pw_views[view].name, o->scenario_sql);
        if ((rc = pw_db_exec(c, sql, err))) return rc;
    }
    struct pw_table_writer *w;
    if ((rc = pw_table_writer_new(&w, c, pw_views[view].name, o->row_appends, err))) return rc;
    if ((rc = fill(w, y, err))) {
        pw_table_writer_free(w);
        return rc;
    }
    return pw_table_writer_close(w, err);
}

int pw__output_append_group_wide(struct pw_output *o, int group, struct pw_db *c, const struct pw_year_output *y,
                                 struct pw_err *err)
{
    switch (group) {
    case PW__G_EVENTS: return append(o, c, PW_V_EVENTS, write_events, y, err);
    case PW__G_SNAPSHOT: return append(o, c, PW_V_SNAPSHOT, write_snapshot, y, err);
    default: {
        int rc = append(o, c, PW_V_MATCH, write_match_events, y, err);
        if (!rc) rc = append(o, c, PW_V_NEEDS, write_needs, y, err);
        if (!rc) rc = append(o, c, PW_V_NEEDS_BY_LEVEL, write_needs_by_level, y, err);
        return rc;
    }
    }
}
