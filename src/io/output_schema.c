/* output_schema.c: DDL of the output tables (MODEL 6). Fixed vocabularies are ENUMs
 * (one byte per row, still compared as text in SQL); all money is DOUBLE rounded
 * to cents; dates are DATE. The schema version guards against mixing layouts. */
#include "io/output_schema.h"

const char *const pw_output_ddl[] = {
    "CREATE TABLE IF NOT EXISTS planwise_schema (version INTEGER NOT NULL)",

    "CREATE TABLE IF NOT EXISTS fct_yearly_events ("
    " scenario_id VARCHAR NOT NULL,"
    " event_id UUID NOT NULL,"
    " employee_id VARCHAR NOT NULL,"
    " event_type ENUM('hire','eligibility','enrollment','deferral_match_response','deferral_escalation',"
    "   'promotion','raise','enrollment_change','termination','forfeiture') NOT NULL,"
    " event_category ENUM('hire','experienced_termination','new_hire_termination','promotion','raise',"
    "   'eligibility','auto_enrollment','proactive_voluntary','voluntary_enrollment','year_over_year_voluntary',"
    "   'enrollment_opt_out','deferral_escalation','match_response','forfeiture') NOT NULL,"
    " simulation_year INTEGER NOT NULL,"
    " effective_date DATE NOT NULL,"
    " event_sequence INTEGER NOT NULL,"
    " compensation_amount DOUBLE,"
    " previous_compensation DOUBLE,"
    " employee_deferral_rate DOUBLE,"
    " prev_employee_deferral_rate DOUBLE,"
    " level_id INTEGER,"
    " employee_age INTEGER,"
    " employee_tenure INTEGER,"
    " age_band VARCHAR,"
    " tenure_band VARCHAR,"
    " event_probability DOUBLE,"
    " event_details VARCHAR)",

    "CREATE TABLE IF NOT EXISTS fct_workforce_snapshot ("
    " scenario_id VARCHAR NOT NULL,"
    " simulation_year INTEGER NOT NULL,"
    " employee_id VARCHAR NOT NULL,"
    " employee_ssn VARCHAR,"
    " employee_birth_date DATE NOT NULL,"
    " employee_hire_date DATE NOT NULL,"
    " employment_status ENUM('active','terminated') NOT NULL,"
    " termination_date DATE,"
    " termination_reason ENUM('experienced_termination','new_hire_termination'),"
    " detailed_status_code ENUM('continuous_active','new_hire_active','new_hire_termination',"
    "   'experienced_termination') NOT NULL,"
    " level_id INTEGER NOT NULL,"
    " current_age INTEGER NOT NULL,"
    " current_tenure INTEGER NOT NULL,"
    " age_band VARCHAR NOT NULL,"
    " tenure_band VARCHAR NOT NULL,"
    " current_compensation DOUBLE NOT NULL,"
    " prorated_annual_compensation DOUBLE NOT NULL,"
    " full_year_equivalent_compensation DOUBLE NOT NULL,"
    " scheduled_hours_per_week DOUBLE NOT NULL,"
    " annual_hours_worked INTEGER NOT NULL)",

    "CREATE TABLE IF NOT EXISTS fct_workforce_needs ("
    " scenario_id VARCHAR NOT NULL, simulation_year INTEGER NOT NULL,"
    " starting_headcount BIGINT, experienced_headcount BIGINT, prior_year_hires_active BIGINT,"
    " target_growth_rate DOUBLE, termination_rate DOUBLE, new_hire_termination_rate DOUBLE,"
    " target_ending_headcount BIGINT, expected_experienced_terminations BIGINT, rif_terminations BIGINT,"
    " total_experienced_terminations BIGINT, total_hires BIGINT, expected_new_hire_terminations BIGINT,"
    " net_from_hires BIGINT, nh_terms_shortfall BIGINT, ending_headcount_actual BIGINT,"
    " reconciliation_error BIGINT)",

    "CREATE TABLE IF NOT EXISTS fct_workforce_needs_by_level ("
    " scenario_id VARCHAR NOT NULL, simulation_year INTEGER NOT NULL, level_id INTEGER NOT NULL,"
    " starting_headcount BIGINT, termination_quota BIGINT, terminations_realized BIGINT, hires BIGINT,"
    " new_hire_terminations BIGINT, new_hire_base_compensation DOUBLE, ending_headcount BIGINT)",

    "CREATE TABLE IF NOT EXISTS census_rejected_rows ("
    " scenario_id VARCHAR NOT NULL, row_number BIGINT NOT NULL, employee_id VARCHAR,"
    " column_name VARCHAR, reason VARCHAR)",

    "CREATE TABLE IF NOT EXISTS run_metadata ("
    " scenario_id VARCHAR NOT NULL, run_id UUID NOT NULL, random_seed UBIGINT, start_year INTEGER,"
    " end_year INTEGER, config_path VARCHAR, config_text VARCHAR, config_sha1 VARCHAR,"
    " program_version VARCHAR, duckdb_version VARCHAR, census_path VARCHAR, census_rows_read BIGINT,"
    " census_rows_rejected BIGINT, starting_roster BIGINT, threads INTEGER, started_at TIMESTAMP,"
    " wall_seconds DOUBLE, stage_seconds VARCHAR, event_rows BIGINT, snapshot_rows BIGINT)",
    0,
};

const char *const pw_output_tables[] = {
    "fct_yearly_events", "fct_workforce_snapshot", "fct_workforce_needs", "fct_workforce_needs_by_level",
    "census_rejected_rows", "run_metadata", 0,
};
