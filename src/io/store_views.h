/* store_views.h: the tables users query, as views over the narrow storage of
 * store_schema.h, one column list per view.
 *
 * fct_yearly_events, fct_workforce_snapshot, fct_employer_match_events,
 * fct_workforce_needs, fct_workforce_needs_by_level and census_rejected_rows keep
 * the columns, names, types and meanings of MODEL 6; what the storage leaves out
 * is computed on read: scenario_id from the run, employee ids and dates from
 * pw.dim_employee, ages and tenures from dates, bands from the run's band tables,
 * totals, statuses, the UUID v5 event_id (SHA-1 in SQL) and the event_details
 * text. Only rows of a scenario's latest complete run, in years that have a
 * commit record, are visible (pw.visible_years).
 *
 * X(column, SQL type, expression over the view's FROM clause). The same list
 * gives the CREATE VIEW text and, for the wide layout of the benchmark's
 * baseline mode, the CREATE TABLE of a base table with these columns. */
#ifndef PW_IO_STORE_VIEWS_H
#define PW_IO_STORE_VIEWS_H

#include "core/err.h"
#include "core/strbuf.h"
#include "io/db.h"

/* Event rows: e = pw.events, v = pw.visible_years, d = pw.dim_employee, p = pw.run_params,
 * ab / tb = pw.band_labels of the age and the tenure. */
#define PW_V_EVENTS_COLUMNS(X)                                                                        \
    X(scenario_id, "VARCHAR", "v.scenario_id")                                                      \
    X(event_id, "UUID", "pw.event_uuid(v.scenario_id, d.employee_id, e.simulation_year, e.event_type, e.event_sequence)") \
    X(employee_id, "VARCHAR", "d.employee_id")                                                       \
    X(event_type, "pw_event_type", "e.event_type")                                                   \
    X(event_category, "pw_event_category", "e.event_category")                                       \
    X(simulation_year, "INTEGER", "e.simulation_year")                                               \
    X(effective_date, "DATE", "e.effective_date")                                                    \
    X(event_sequence, "INTEGER", "CAST(e.event_sequence AS INTEGER)")                                \
    X(compensation_amount, "DOUBLE", "e.compensation_amount")                                        \
    X(previous_compensation, "DOUBLE", "e.previous_compensation")                                    \
    X(employee_deferral_rate, "DOUBLE", "e.employee_deferral_rate")                                  \
    X(prev_employee_deferral_rate, "DOUBLE", "e.prev_employee_deferral_rate")                        \
    X(level_id, "INTEGER", "CAST(e.level_id AS INTEGER)")                                            \
    X(employee_age, "INTEGER", "e.simulation_year - year(d.employee_birth_date)")                   \
    X(employee_tenure, "INTEGER", "CAST(e.employee_tenure AS INTEGER)")                              \
    X(age_band, "VARCHAR", "ab.label")                                                               \
    X(tenure_band, "VARCHAR", "tb.label")                                                            \
    X(event_probability, "DOUBLE", "e.event_probability")                                            \
    X(event_details, "VARCHAR", "pw.event_details(e.event_type, e.event_category, e.effective_date, e.level_id, " \
      "e.employee_deferral_rate, e.detail_rate_1, e.detail_rate_2, e.detail_amount_1, e.detail_amount_2, "   \
      "e.detail_code, d.scheduled_hours_per_week, d.employee_birth_date, d.employee_hire_date, p.raise_timing, " \
      "p.termination_selection, p.minimum_age, p.waiting_period_days, p.escalation_increment, p.escalation_cap, " \
      "p.opt_out_grace_days)")

/* Snapshot rows: s = pw.snapshot, v, d, p as above. The age at Dec 31 is the year
 * difference (every birthday of the year has passed by Dec 31). */
#define PW_SNAP_AGE "s.simulation_year - year(d.employee_birth_date)"
#define PW_SNAP_TENURE "pw.tenure_at(d.employee_hire_date, coalesce(s.termination_date, make_date(s.simulation_year, 12, 31)))"
#define PW_SNAP_NEW_HIRE "d.hire_year IS NOT DISTINCT FROM s.simulation_year"
#define PW_V_SNAPSHOT_COLUMNS(X)                                                                      \
    X(scenario_id, "VARCHAR", "v.scenario_id")                                                      \
    X(simulation_year, "INTEGER", "s.simulation_year")                                               \
    X(employee_id, "VARCHAR", "d.employee_id")                                                       \
    X(employee_ssn, "VARCHAR", "d.employee_ssn")                                                     \
    X(employee_birth_date, "DATE", "d.employee_birth_date")                                          \
    X(employee_hire_date, "DATE", "d.employee_hire_date")                                            \
    X(employment_status, "pw_employment_status",                                                      \
      "CASE WHEN s.termination_date IS NULL THEN 'active'::pw_employment_status "                    \
      "ELSE 'terminated'::pw_employment_status END")                                                 \
    X(termination_date, "DATE", "s.termination_date")                                                \
    X(termination_reason, "pw_termination_reason",                                                    \
      "CASE WHEN s.termination_date IS NULL THEN NULL WHEN " PW_SNAP_NEW_HIRE                          \
      " THEN 'new_hire_termination'::pw_termination_reason ELSE 'experienced_termination'::pw_termination_reason END") \
    X(detailed_status_code, "pw_detailed_status",                                                     \
      "CASE WHEN s.termination_date IS NULL THEN CASE WHEN " PW_SNAP_NEW_HIRE                          \
      " THEN 'new_hire_active'::pw_detailed_status ELSE 'continuous_active'::pw_detailed_status END "   \
      "ELSE CASE WHEN " PW_SNAP_NEW_HIRE " THEN 'new_hire_termination'::pw_detailed_status "           \
      "ELSE 'experienced_termination'::pw_detailed_status END END")                                   \
    X(level_id, "INTEGER", "CAST(s.level_id AS INTEGER)")                                            \
    X(current_age, "INTEGER", PW_SNAP_AGE)                                                           \
    X(current_tenure, "INTEGER", PW_SNAP_TENURE)                                                     \
    X(age_band, "VARCHAR", "ab.label")                                                               \
    X(tenure_band, "VARCHAR", "tb.label")                                                            \
    X(current_compensation, "DOUBLE", "s.current_compensation")                                      \
    X(prorated_annual_compensation, "DOUBLE", "s.prorated_annual_compensation")                      \
    X(full_year_equivalent_compensation, "DOUBLE", "s.current_compensation")                         \
    X(scheduled_hours_per_week, "DOUBLE", "d.scheduled_hours_per_week")                              \
    X(annual_hours_worked, "INTEGER", "CAST(s.annual_hours_worked AS INTEGER)")                      \
    X(employee_eligibility_date, "DATE", "s.employee_eligibility_date")                              \
    X(current_eligibility_status, "pw_eligibility_status", "s.current_eligibility_status")           \
    X(is_enrolled_flag, "BOOLEAN", "s.is_enrolled_flag")                                             \
    X(employee_enrollment_date, "DATE", "s.employee_enrollment_date")                                \
    X(enrollment_method, "pw_enrollment_method", "s.enrollment_method")                              \
    X(ever_opted_out, "BOOLEAN", "s.ever_opted_out")                                                 \
    X(current_deferral_rate, "DOUBLE", "s.current_deferral_rate")                                    \
    X(original_deferral_rate, "DOUBLE", "s.original_deferral_rate")                                  \
    X(participation_status, "pw_participation_status",                                                \
      "CASE WHEN s.current_deferral_rate > 0 THEN 'participating'::pw_participation_status "         \
      "ELSE 'not_participating'::pw_participation_status END")                                       \
    X(total_deferral_escalations, "INTEGER", "CAST(s.total_deferral_escalations AS INTEGER)")        \
    X(last_escalation_date, "DATE", "s.last_escalation_date")                                        \
    X(auto_escalation_opt_out, "BOOLEAN", "d.auto_escalation_opt_out")                               \
    X(contribution_base_compensation, "DOUBLE", "s.contribution_base_compensation")                  \
    X(prorated_annual_contributions, "DOUBLE", "s.prorated_annual_contributions")                    \
    X(pre_tax_contributions, "DOUBLE", "s.pre_tax_contributions")                                    \
    X(roth_contributions, "DOUBLE", "s.roth_contributions")                                          \
    X(effective_annual_deferral_rate, "DOUBLE", "s.effective_annual_deferral_rate")                  \
    X(applicable_deferral_limit, "DOUBLE", "s.applicable_deferral_limit")                            \
    X(limit_type, "pw_limit_type", "s.limit_type")                                                   \
    X(irs_402g_limit_applied, "BOOLEAN", "s.irs_402g_limit_applied")                                 \
    X(irs_401a17_limit_applied, "BOOLEAN", "s.irs_401a17_limit_applied")                             \
    X(irs_415c_limit_applied, "BOOLEAN", "s.irs_415c_limit_applied")                                 \
    X(employer_match_eligible, "BOOLEAN", "s.employer_match_eligible")                               \
    X(employer_match_eligibility_reason, "pw_match_eligibility_reason", "s.employer_match_eligibility_reason") \
    X(employer_match_amount, "DOUBLE", "s.employer_match_amount")                                    \
    X(employer_core_eligible, "BOOLEAN", "s.employer_core_eligible")                                 \
    X(employer_core_amount, "DOUBLE", "s.employer_core_amount")                                      \
    X(total_employer_contributions, "DOUBLE", "pw.round2(s.employer_match_amount + s.employer_core_amount)") \
    X(employer_match_balance, "DOUBLE", "s.employer_match_balance")                                  \
    X(employer_core_balance, "DOUBLE", "s.employer_core_balance")                                    \
    X(vesting_years, "INTEGER", "CAST(s.vesting_years AS INTEGER)")                                  \
    X(match_vested_pct, "DOUBLE", "s.match_vested_pct")                                              \
    X(core_vested_pct, "DOUBLE", "s.core_vested_pct")                                                \
    X(vested_balance, "DOUBLE", "s.vested_balance")                                                  \
    X(forfeiture_amount, "DOUBLE", "s.forfeiture_amount")                                            \
    X(is_hce, "BOOLEAN", "s.is_hce")                                                                 \
    X(is_5pct_owner, "BOOLEAN", "d.is_5pct_owner")                                                   \
    X(is_1pct_owner, "BOOLEAN", "d.is_1pct_owner")                                                   \
    X(is_officer, "BOOLEAN", "d.is_officer")

/* Match rows (MODEL 6.3): the snapshot rows with a match, same aliases. */
#define PW_V_MATCH_COLUMNS(X)                                                                         \
    X(scenario_id, "VARCHAR", "v.scenario_id")                                                      \
    X(event_id, "UUID", "pw.event_uuid(v.scenario_id, d.employee_id, s.simulation_year, 'employer_match', 0)") \
    X(employee_id, "VARCHAR", "d.employee_id")                                                       \
    X(simulation_year, "INTEGER", "s.simulation_year")                                               \
    X(effective_date, "DATE", "make_date(s.simulation_year, 12, 31)")                                \
    X(formula_name, "VARCHAR", "p.match_formula_name")                                               \
    X(formula_type, "pw_formula_type", "p.match_formula_type")                                       \
    X(eligible_compensation, "DOUBLE", "s.contribution_base_compensation")                           \
    X(deferral_rate, "DOUBLE", "s.effective_annual_deferral_rate")                                   \
    X(annual_deferrals, "DOUBLE", "s.prorated_annual_contributions")                                 \
    X(uncapped_match_amount, "DOUBLE", "s.uncapped_match_amount")                                    \
    X(employer_match_amount, "DOUBLE", "s.employer_match_amount")                                    \
    X(match_cap_applied, "BOOLEAN", "s.match_cap_applied")                                           \
    X(irs_415c_reduction, "DOUBLE", "s.irs_415c_match_reduction")                                    \
    X(years_of_service, "INTEGER", PW_SNAP_TENURE)                                                   \
    X(points, "INTEGER", "CASE WHEN p.match_formula_type = 'points_based' THEN " PW_SNAP_AGE " + " PW_SNAP_TENURE " END") \
    X(effective_match_rate, "DOUBLE",                                                                 \
      "CASE WHEN s.prorated_annual_contributions > 0 THEN "                                           \
      "pw.round6(s.employer_match_amount / s.prorated_annual_contributions) END")                     \
    X(match_percentage_of_comp, "DOUBLE",                                                             \
      "CASE WHEN s.contribution_base_compensation > 0 THEN "                                          \
      "pw.round6(s.employer_match_amount / s.contribution_base_compensation) END")

/* The solver trace: n = pw.needs / pw.needs_by_level, v. */
#define PW_V_NEEDS_COLUMNS(X)                                                                         \
    X(scenario_id, "VARCHAR", "v.scenario_id")                                                      \
    X(simulation_year, "INTEGER", "n.simulation_year")                                               \
    X(starting_headcount, "BIGINT", "n.starting_headcount")                                          \
    X(experienced_headcount, "BIGINT", "n.experienced_headcount")                                    \
    X(prior_year_hires_active, "BIGINT", "n.prior_year_hires_active")                                \
    X(target_growth_rate, "DOUBLE", "n.target_growth_rate")                                          \
    X(termination_rate, "DOUBLE", "n.termination_rate")                                              \
    X(new_hire_termination_rate, "DOUBLE", "n.new_hire_termination_rate")                            \
    X(target_ending_headcount, "BIGINT", "n.target_ending_headcount")                                \
    X(expected_experienced_terminations, "BIGINT", "n.expected_experienced_terminations")            \
    X(rif_terminations, "BIGINT", "n.rif_terminations")                                              \
    X(total_experienced_terminations, "BIGINT", "n.total_experienced_terminations")                  \
    X(total_hires, "BIGINT", "n.total_hires")                                                        \
    X(expected_new_hire_terminations, "BIGINT", "n.expected_new_hire_terminations")                  \
    X(net_from_hires, "BIGINT", "n.net_from_hires")                                                  \
    X(nh_terms_shortfall, "BIGINT", "n.nh_terms_shortfall")                                          \
    X(ending_headcount_actual, "BIGINT", "n.ending_headcount_actual")                                \
    X(reconciliation_error, "BIGINT", "n.reconciliation_error")

#define PW_V_NEEDS_BY_LEVEL_COLUMNS(X)                                                                \
    X(scenario_id, "VARCHAR", "v.scenario_id")                                                      \
    X(simulation_year, "INTEGER", "n.simulation_year")                                               \
    X(level_id, "INTEGER", "CAST(n.level_id AS INTEGER)")                                            \
    X(starting_headcount, "BIGINT", "n.starting_headcount")                                          \
    X(termination_quota, "BIGINT", "n.termination_quota")                                            \
    X(terminations_realized, "BIGINT", "n.terminations_realized")                                    \
    X(hires, "BIGINT", "n.hires")                                                                    \
    X(new_hire_terminations, "BIGINT", "n.new_hire_terminations")                                    \
    X(new_hire_base_compensation, "DOUBLE", "n.new_hire_base_compensation")                          \
    X(ending_headcount, "BIGINT", "n.ending_headcount")

/* r = pw.rejected_rows, v = pw.visible_runs. */
#define PW_V_REJECTED_COLUMNS(X)                                                                      \
    X(scenario_id, "VARCHAR", "v.scenario_id")                                                      \
    X(row_number, "BIGINT", "r.row_number")                                                          \
    X(employee_id, "VARCHAR", "r.employee_id")                                                       \
    X(column_name, "VARCHAR", "r.column_name")                                                       \
    X(reason, "VARCHAR", "r.reason")

#define PW__VIEW_IDX(prefix, name) prefix##_##name,
#define PW__VEV_IDX(name, type, expr) PW__VIEW_IDX(PW_VEV, name)
#define PW__VSNAP_IDX(name, type, expr) PW__VIEW_IDX(PW_VSNAP, name)
#define PW__VMATCH_IDX(name, type, expr) PW__VIEW_IDX(PW_VMATCH, name)
#define PW__VNEEDS_IDX(name, type, expr) PW__VIEW_IDX(PW_VNEEDS, name)
#define PW__VNBL_IDX(name, type, expr) PW__VIEW_IDX(PW_VNBL, name)
#define PW__VREJ_IDX(name, type, expr) PW__VIEW_IDX(PW_VREJ, name)
enum pw_view_events_col { PW_V_EVENTS_COLUMNS(PW__VEV_IDX) PW_VEV_COUNT };
enum pw_view_snapshot_col { PW_V_SNAPSHOT_COLUMNS(PW__VSNAP_IDX) PW_VSNAP_COUNT };
enum pw_view_match_col { PW_V_MATCH_COLUMNS(PW__VMATCH_IDX) PW_VMATCH_COUNT };
enum pw_view_needs_col { PW_V_NEEDS_COLUMNS(PW__VNEEDS_IDX) PW_VNEEDS_COUNT };
enum pw_view_needs_by_level_col { PW_V_NEEDS_BY_LEVEL_COLUMNS(PW__VNBL_IDX) PW_VNBL_COUNT };
enum pw_view_rejected_col { PW_V_REJECTED_COLUMNS(PW__VREJ_IDX) PW_VREJ_COUNT };

/* The user-facing tables, in the order of pw_views[]. */
enum pw_view {
    PW_V_EVENTS,
    PW_V_SNAPSHOT,
    PW_V_MATCH,
    PW_V_NEEDS,
    PW_V_NEEDS_BY_LEVEL,
    PW_V_REJECTED,
    PW_V_COUNT
};

struct pw_view_column {
    const char *name, *type, *expr;
};

struct pw_view_def {
    const char *name;            /* fct_yearly_events, ... */
    const struct pw_view_column *columns;
    int column_count;
    const char *from;            /* FROM ... WHERE ... of the view */
};

extern const struct pw_view_def pw_views[PW_V_COUNT];

/* Creates the SQL macros and views of the narrow layout (inside the caller's
 * transaction). */
int pw_store_views_create(struct pw_db *db, struct pw_err *err);
/* pw.events and pw.snapshot: the packed stores unpacked into named columns. */
int pw_store_unpack_views_create(struct pw_db *db, struct pw_err *err);
/* The wide layout's SQL macros, visibility views and the narrow relations of
 * schema pw as views over its wide tables (for the built-in SQL models). */
int pw_store_wide_compat_create(struct pw_db *db, struct pw_err *err);
/* CREATE TABLE of a base table with the columns of view v (the wide layout). */
void pw_view_table_ddl(struct pw_strbuf *b, const struct pw_view_def *v);

#endif
