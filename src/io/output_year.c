/* output_year.c: one year's rows in the narrow tables of store_schema.h, written
 * through data-chunk appenders with the column indices of the tables' lists.
 * Only stored facts are written; what the views compute on read (ids, dates,
 * ages, bands, totals, UUIDs, details text) is not. */
#include <math.h>
#include <string.h>

#include "core/num.h"
#include "io/output_int.h"
#include "io/store_parquet.h"

static void snapshot_row(struct pw_table_writer *w, int run_key, const struct pw_year_output *y, uint32_t r)
{
    const struct pw_year *yr = y->view.year;
    const struct pw_workforce *wf = y->view.wf;
    const struct pw_plan_money *m = y->view.money;
    struct pw_plan_snapshot ps;
    pw_plan_year_snapshot(y->view.plan, r, wf, r, &ps);
    uint32_t codes = (ps.is_enrolled ? PW_SNAPFLAG_ENROLLED : 0) | (ps.ever_opted_out ? PW_SNAPFLAG_OPTED_OUT : 0) |
                     (m->irs_402g[r] ? PW_SNAPFLAG_402G : 0) | (m->irs_401a17[r] ? PW_SNAPFLAG_401A17 : 0) |
                     (m->irs_415c[r] ? PW_SNAPFLAG_415C : 0) | (m->match_eligible[r] ? PW_SNAPFLAG_MATCH_ELIGIBLE : 0) |
                     (m->match_cap_applied[r] ? PW_SNAPFLAG_MATCH_CAPPED : 0) |
                     (m->core_eligible[r] ? PW_SNAPFLAG_CORE_ELIGIBLE : 0) | (m->is_hce[r] ? PW_SNAPFLAG_HCE : 0);
    codes |= (uint32_t)(y->view.plan->elig_status[r] & PW_SNAPCODE_ELIG_MASK) << PW_SNAPCODE_ELIG_SHIFT;
    codes |= (uint32_t)(ps.method & PW_SNAPCODE_METHOD_MASK) << PW_SNAPCODE_METHOD_SHIFT;
    codes |= (uint32_t)(m->limit_type[r] & PW_SNAPCODE_LIMIT_MASK) << PW_SNAPCODE_LIMIT_SHIFT;
    codes |= (uint32_t)(m->match_reason[r] & PW_SNAPCODE_REASON_MASK) << PW_SNAPCODE_REASON_SHIFT;
    codes |= (uint32_t)(yr->end_level[r] & PW_SNAPCODE_LEVEL_MASK) << PW_SNAPCODE_LEVEL_SHIFT;
    codes |= (uint32_t)(ps.total_deferral_escalations & PW_SNAPCODE_ESCALATIONS_MASK) << PW_SNAPCODE_ESCALATIONS_SHIFT;
    pw_tw_int(w, PW_SNAP_run_key, run_key);
    pw_tw_int(w, PW_SNAP_simulation_year, yr->year);
    pw_tw_int(w, PW_SNAP_employee_key, wf->employee_key[r]);
    pw_tw_date(w, PW_SNAP_termination_date, yr->term_date[r]);
    pw_tw_int(w, PW_SNAP_codes, codes);
    pw_tw_int(w, PW_SNAP_vesting_years, m->vesting_years[r]);
    pw_tw_int(w, PW_SNAP_annual_hours_worked, yr->hours_worked[r]);
    pw_tw_date(w, PW_SNAP_employee_eligibility_date, ps.eligibility_date);
    pw_tw_date(w, PW_SNAP_employee_enrollment_date, ps.enrollment_date);
    pw_tw_date(w, PW_SNAP_last_escalation_date, ps.last_escalation_date);
    pw_tw_double(w, PW_SNAP_current_compensation, yr->current_comp[r]);
    pw_tw_double(w, PW_SNAP_prorated_annual_compensation, yr->prorated_comp[r]);
    pw_tw_double(w, PW_SNAP_current_deferral_rate, ps.current_deferral_rate);
    pw_tw_double(w, PW_SNAP_original_deferral_rate, ps.original_deferral_rate);
    pw_tw_double(w, PW_SNAP_contribution_base_compensation, m->b_cap[r]);
    pw_tw_double(w, PW_SNAP_prorated_annual_contributions, m->deferrals[r]);
    pw_tw_double(w, PW_SNAP_pre_tax_contributions, m->pre_tax[r]);
    pw_tw_double(w, PW_SNAP_effective_annual_deferral_rate, m->eff_rate[r]);
    pw_tw_double(w, PW_SNAP_applicable_deferral_limit, m->applicable_limit[r]);
    pw_tw_double(w, PW_SNAP_employer_match_amount, m->match[r]);
    pw_tw_double(w, PW_SNAP_uncapped_match_amount, m->match_uncapped[r]);
    pw_tw_double(w, PW_SNAP_irs_415c_match_reduction, m->match_415c_cut[r]);
    pw_tw_double(w, PW_SNAP_employer_core_amount, m->core[r]);
    pw_tw_double(w, PW_SNAP_employer_match_balance, m->match_balance[r]);
    pw_tw_double(w, PW_SNAP_employer_core_balance, m->core_balance[r]);
    pw_tw_double(w, PW_SNAP_match_vested_pct, m->match_vested_pct[r]);
    pw_tw_double(w, PW_SNAP_core_vested_pct, m->core_vested_pct[r]);
    pw_tw_double(w, PW_SNAP_vested_balance, m->vested_balance[r]);
    pw_tw_double(w, PW_SNAP_forfeiture_amount, m->forfeit_total[r]);
}

static int write_snapshot(struct pw_table_writer *w, const struct pw_output *o, const struct pw_year_output *y,
                          struct pw_err *err)
{
    const struct pw_year *yr = y->view.year;
    for (size_t p = 0; p < yr->n_pop; p++) {
        snapshot_row(w, o->run_key, y, yr->order[p]);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

/* The value slots of an event (the table of store_schema.h, pw.event_store). */
static void event_slots(const struct pw_event *e, const struct pw_event_values *v, double out[4])
{
    out[0] = v->compensation;
    out[1] = out[2] = out[3] = NAN;
    switch (e->type) {
    case PW_EV_PROMOTION: out[1] = v->previous_compensation, out[2] = v->detail_rate_1; break;
    case PW_EV_RAISE:
        out[1] = v->previous_compensation, out[2] = v->detail_rate_1, out[3] = v->detail_rate_2;
        break;
    case PW_EV_FORFEITURE:
        out[1] = v->detail_amount_1, out[2] = v->detail_rate_1, out[3] = v->detail_rate_2;
        break;
    case PW_EV_ENROLLMENT: out[2] = v->deferral_rate; break;
    case PW_EV_MATCH_RESPONSE:
        out[1] = v->detail_rate_1, out[2] = v->deferral_rate, out[3] = v->previous_deferral_rate;
        break;
    case PW_EV_ESCALATION: out[2] = v->deferral_rate, out[3] = v->previous_deferral_rate; break;
    case PW_EV_ENROLLMENT_CHANGE: out[3] = v->previous_deferral_rate; break;
    default: break;
    }
}

static int write_events(struct pw_table_writer *w, const struct pw_output *o, const struct pw_year_output *y,
                        struct pw_err *err)
{
    const int run_key = o->run_key;
    const struct pw_year *yr = y->view.year;
    const struct pw_workforce *wf = y->view.wf;
    for (size_t c = 0; c < y->chunk_count; c++) {
        const struct pw_event_chunk *ch = &y->chunks[c];
        for (size_t i = 0; i < ch->count; i++) {
            const struct pw_event *ev = &ch->events[i];
            struct pw_event_values v;
            pw_event_values(&y->view, ev, &v);
            double slot[4];
            event_slots(ev, &v, slot);
            uint32_t r = ev->row;
            uint32_t codes = (uint32_t)(ev->sequence & PW_EVCODE_SEQUENCE_MASK) << PW_EVCODE_SEQUENCE_SHIFT |
                             (uint32_t)(v.level & PW_EVCODE_LEVEL_MASK) << PW_EVCODE_LEVEL_SHIFT |
                             (uint32_t)(v.detail_code & PW_EVCODE_DETAIL_MASK) << PW_EVCODE_DETAIL_SHIFT;
            pw_tw_int(w, PW_EV_run_key, run_key);
            pw_tw_int(w, PW_EV_simulation_year, yr->year);
            pw_tw_int(w, PW_EV_employee_key, wf->employee_key[r]);
            pw_tw_enum(w, PW_EV_event_type, ev->type - 1u);
            pw_tw_enum(w, PW_EV_event_category, ev->category);
            pw_tw_date(w, PW_EV_effective_date, ev->date);
            pw_tw_int(w, PW_EV_codes, codes);
            pw_tw_int(w, PW_EV_employee_tenure, yr->reported_tenure[r]);
            pw_tw_double(w, PW_EV_value_1, slot[0]);
            pw_tw_double(w, PW_EV_value_2, slot[1]);
            pw_tw_double(w, PW_EV_value_3, slot[2]);
            pw_tw_double(w, PW_EV_value_4, slot[3]);
            pw_tw_double(w, PW_EV_event_probability, v.probability);
            int rc = pw_tw_end_row(w, err);
            if (rc) return rc;
        }
    }
    return 0;
}

/* The employees new to the run this year: the whole population in the run's
 * first year, the year's hires afterwards. */
static int write_employees(struct pw_table_writer *w, const struct pw_output *o, const struct pw_year_output *y,
                           struct pw_err *err)
{
    const int run_key = o->run_key;
    const bool whole_population = o->years_committed == 0 && !o->resume;
    const struct pw_year *yr = y->view.year;
    const struct pw_workforce *wf = y->view.wf;
    for (size_t r = whole_population ? 0 : yr->n_roster; r < yr->n_pop; r++) {
        pw_tw_int(w, PW_EMP_run_key, run_key);
        pw_tw_int(w, PW_EMP_employee_key, wf->employee_key[r]);
        pw_tw_varchar(w, PW_EMP_employee_id, wf->employee_id[r], wf->id_len[r]);
        pw_tw_str(w, PW_EMP_employee_ssn, wf->ssn[r]);
        pw_tw_date(w, PW_EMP_employee_birth_date, wf->birth_date[r]);
        pw_tw_date(w, PW_EMP_employee_hire_date, wf->hire_date[r]);
        if (r >= yr->n_roster) pw_tw_int(w, PW_EMP_hire_year, yr->year);
        else pw_tw_null(w, PW_EMP_hire_year);
        pw_tw_double(w, PW_EMP_scheduled_hours_per_week, wf->hours_per_week[r]);
        pw_tw_bool(w, PW_EMP_auto_escalation_opt_out, wf->auto_escalation_opt_out[r]);
        pw_tw_bool(w, PW_EMP_is_5pct_owner, wf->is_5pct_owner[r]);
        pw_tw_bool(w, PW_EMP_is_1pct_owner, wf->is_1pct_owner[r]);
        pw_tw_bool(w, PW_EMP_is_officer, wf->is_officer[r]);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

static int write_needs(struct pw_table_writer *w, const struct pw_output *o, const struct pw_year_output *y,
                       struct pw_err *err)
{
    const int run_key = o->run_key;
    const struct pw_needs *n = &y->view.year->needs;
    pw_tw_int(w, PW_NEEDS_run_key, run_key);
    pw_tw_int(w, PW_NEEDS_simulation_year, y->view.year->year);
    pw_tw_int(w, PW_NEEDS_starting_headcount, n->starting_headcount);
    pw_tw_int(w, PW_NEEDS_experienced_headcount, n->experienced_headcount);
    pw_tw_int(w, PW_NEEDS_prior_year_hires_active, n->prior_year_hires_active);
    pw_tw_double(w, PW_NEEDS_target_growth_rate, y->growth_rate);
    pw_tw_double(w, PW_NEEDS_termination_rate, y->termination_rate);
    pw_tw_double(w, PW_NEEDS_new_hire_termination_rate, y->new_hire_termination_rate);
    pw_tw_int(w, PW_NEEDS_target_ending_headcount, n->target_ending_headcount);
    pw_tw_int(w, PW_NEEDS_expected_experienced_terminations, n->expected_experienced_terminations);
    pw_tw_int(w, PW_NEEDS_rif_terminations, n->rif_terminations);
    pw_tw_int(w, PW_NEEDS_total_experienced_terminations, n->total_experienced_terminations);
    pw_tw_int(w, PW_NEEDS_total_hires, n->total_hires);
    pw_tw_int(w, PW_NEEDS_expected_new_hire_terminations, n->expected_new_hire_terminations);
    pw_tw_int(w, PW_NEEDS_net_from_hires, n->net_from_hires);
    pw_tw_int(w, PW_NEEDS_nh_terms_shortfall, n->nh_terms_shortfall);
    pw_tw_int(w, PW_NEEDS_ending_headcount_actual, n->ending_headcount_actual);
    pw_tw_int(w, PW_NEEDS_reconciliation_error, n->reconciliation_error);
    return pw_tw_end_row(w, err);
}

static int write_needs_by_level(struct pw_table_writer *w, const struct pw_output *o, const struct pw_year_output *y,
                                struct pw_err *err)
{
    const int run_key = o->run_key;
    const struct pw_level_needs *b = &y->view.year->by_level;
    for (int l = 1; l <= y->levels; l++) {
        pw_tw_int(w, PW_NBL_run_key, run_key);
        pw_tw_int(w, PW_NBL_simulation_year, y->view.year->year);
        pw_tw_int(w, PW_NBL_level_id, l);
        pw_tw_int(w, PW_NBL_starting_headcount, b->starting_headcount[l]);
        pw_tw_int(w, PW_NBL_termination_quota, b->termination_quota[l]);
        pw_tw_int(w, PW_NBL_terminations_realized, b->terminations_realized[l]);
        pw_tw_int(w, PW_NBL_hires, b->hires[l]);
        pw_tw_int(w, PW_NBL_new_hire_terminations, b->new_hire_terminations[l]);
        pw_tw_double(w, PW_NBL_new_hire_base_compensation, b->new_hire_base_compensation[l]);
        pw_tw_int(w, PW_NBL_ending_headcount, b->ending_headcount[l]);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

typedef int (*fill_fn)(struct pw_table_writer *w, const struct pw_output *o, const struct pw_year_output *y,
                       struct pw_err *err);

/* Runs fill() into a new writer of table t on c and closes it; the Parquet
 * layout appends to the connection's staging table and writes the year's file. */
static int append_table(struct pw_output *o, struct pw_db *c, int t, fill_fn fill, const struct pw_year_output *y,
                        struct pw_err *err)
{
    bool files = o->layout == PW_LAYOUT_PARQUET;
    char stage[64];
    if (files) pw_parquet_stage_name(t, stage, sizeof stage);
    struct pw_table_writer *w;
    int rc = pw_table_writer_new(&w, c, files ? stage : pw_store_tables[t].name, o->row_appends, err);
    if (rc) return rc;
    if ((rc = fill(w, o, y, err))) {
        pw_table_writer_free(w);
        return rc;
    }
    if ((rc = pw_table_writer_close(w, err))) return rc;
    return files ? pw_parquet_stage_flush(c, t, o->data_dir, o->run_key, y->view.year->year, err) : 0;
}


int pw__output_append_group(struct pw_output *o, int group, struct pw_db *c, const struct pw_year_output *y,
                            struct pw_err *err)
{
    switch (group) {
    case PW__G_EVENTS: return append_table(o, c, PW_T_EVENTS, write_events, y, err);
    case PW__G_SNAPSHOT: return append_table(o, c, PW_T_SNAPSHOT, write_snapshot, y, err);
    default: {
        int rc = append_table(o, c, PW_T_DIM_EMPLOYEE, write_employees, y, err);
        if (!rc) rc = append_table(o, c, PW_T_NEEDS, write_needs, y, err);
        if (!rc) rc = append_table(o, c, PW_T_NEEDS_BY_LEVEL, write_needs_by_level, y, err);
        return rc;
    }
    }
}
