/* output_schema.c: DDL of the output tables (MODEL 6). Fixed vocabularies are ENUMs
 * (one byte per row, still compared as text in SQL); all money is DOUBLE rounded
 * to cents; dates are DATE. The schema version guards against mixing layouts.
 *
 * The two large tables name a compression method per column: DuckDB otherwise
 * tries every method on every column of every row group, and that analysis was
 * about a sixth of the time of writing them (bench/append_floor), for the same
 * file size. DuckDB still falls back to constant or uncompressed segments where
 * the named method does not fit. */
#include "io/output_schema.h"

const char *const pw_output_ddl[] = {
    "CREATE TABLE IF NOT EXISTS planwise_schema (version INTEGER NOT NULL)",

    "CREATE TABLE IF NOT EXISTS fct_yearly_events ("
    " scenario_id VARCHAR NOT NULL USING COMPRESSION dictionary,"
    " event_id UUID NOT NULL USING COMPRESSION uncompressed,"
    " employee_id VARCHAR NOT NULL USING COMPRESSION fsst,"
    " event_type ENUM('hire','eligibility','enrollment','deferral_match_response','deferral_escalation',"
    "   'promotion','raise','enrollment_change','termination','forfeiture') NOT NULL USING COMPRESSION bitpacking,"
    " event_category ENUM('hire','experienced_termination','new_hire_termination','promotion','raise',"
    "   'eligibility','auto_enrollment','proactive_voluntary','voluntary_enrollment','year_over_year_voluntary',"
    "   'enrollment_opt_out','deferral_escalation','match_response','forfeiture') NOT NULL USING COMPRESSION bitpacking,"
    " simulation_year INTEGER NOT NULL USING COMPRESSION rle,"
    " effective_date DATE NOT NULL USING COMPRESSION bitpacking,"
    " event_sequence INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " compensation_amount DOUBLE USING COMPRESSION alp,"
    " previous_compensation DOUBLE USING COMPRESSION alp,"
    " employee_deferral_rate DOUBLE,"
    " prev_employee_deferral_rate DOUBLE,"
    " level_id INTEGER USING COMPRESSION bitpacking,"
    " employee_age INTEGER USING COMPRESSION bitpacking,"
    " employee_tenure INTEGER USING COMPRESSION bitpacking,"
    " age_band VARCHAR USING COMPRESSION dictionary,"
    " tenure_band VARCHAR USING COMPRESSION dictionary,"
    " event_probability DOUBLE USING COMPRESSION alp,"
    " event_details VARCHAR USING COMPRESSION dictionary)",

    "CREATE TABLE IF NOT EXISTS fct_workforce_snapshot ("
    " scenario_id VARCHAR NOT NULL USING COMPRESSION dictionary,"
    " simulation_year INTEGER NOT NULL USING COMPRESSION rle,"
    " employee_id VARCHAR NOT NULL USING COMPRESSION fsst,"
    " employee_ssn VARCHAR USING COMPRESSION fsst,"
    " employee_birth_date DATE NOT NULL USING COMPRESSION bitpacking,"
    " employee_hire_date DATE NOT NULL USING COMPRESSION bitpacking,"
    " employment_status ENUM('active','terminated') NOT NULL USING COMPRESSION bitpacking,"
    " termination_date DATE USING COMPRESSION rle,"
    " termination_reason ENUM('experienced_termination','new_hire_termination') USING COMPRESSION rle,"
    " detailed_status_code ENUM('continuous_active','new_hire_active','new_hire_termination',"
    "   'experienced_termination') NOT NULL USING COMPRESSION bitpacking,"
    " level_id INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " current_age INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " current_tenure INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " age_band VARCHAR NOT NULL USING COMPRESSION dictionary,"
    " tenure_band VARCHAR NOT NULL USING COMPRESSION dictionary,"
    " current_compensation DOUBLE NOT NULL USING COMPRESSION alp,"
    " prorated_annual_compensation DOUBLE NOT NULL USING COMPRESSION alp,"
    " full_year_equivalent_compensation DOUBLE NOT NULL USING COMPRESSION alp,"
    " scheduled_hours_per_week DOUBLE NOT NULL USING COMPRESSION alp,"
    " annual_hours_worked INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " employee_eligibility_date DATE USING COMPRESSION bitpacking,"
    " current_eligibility_status ENUM('pending','eligible','excluded') NOT NULL USING COMPRESSION bitpacking,"
    " is_enrolled_flag BOOLEAN NOT NULL USING COMPRESSION rle,"
    " employee_enrollment_date DATE USING COMPRESSION bitpacking,"
    " enrollment_method ENUM('census','auto','proactive','voluntary','year_over_year') USING COMPRESSION bitpacking,"
    " ever_opted_out BOOLEAN NOT NULL USING COMPRESSION rle,"
    " current_deferral_rate DOUBLE NOT NULL USING COMPRESSION alp,"
    " original_deferral_rate DOUBLE USING COMPRESSION alp,"
    " participation_status ENUM('participating','not_participating') NOT NULL USING COMPRESSION bitpacking,"
    " total_deferral_escalations INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " last_escalation_date DATE USING COMPRESSION bitpacking,"
    " auto_escalation_opt_out BOOLEAN NOT NULL USING COMPRESSION rle,"
    " contribution_base_compensation DOUBLE NOT NULL USING COMPRESSION alp,"
    " prorated_annual_contributions DOUBLE NOT NULL USING COMPRESSION alp,"
    " pre_tax_contributions DOUBLE NOT NULL USING COMPRESSION alp,"
    " roth_contributions DOUBLE NOT NULL USING COMPRESSION alp,"
    " effective_annual_deferral_rate DOUBLE NOT NULL USING COMPRESSION alp,"
    " applicable_deferral_limit DOUBLE NOT NULL USING COMPRESSION alp,"
    " limit_type ENUM('BASE','CATCH_UP','SUPER_CATCH_UP') NOT NULL USING COMPRESSION bitpacking,"
    " irs_402g_limit_applied BOOLEAN NOT NULL USING COMPRESSION rle,"
    " irs_401a17_limit_applied BOOLEAN NOT NULL USING COMPRESSION rle,"
    " irs_415c_limit_applied BOOLEAN NOT NULL USING COMPRESSION rle,"
    " employer_match_eligible BOOLEAN NOT NULL USING COMPRESSION rle,"
    " employer_match_eligibility_reason ENUM('eligible','inactive_eoy','insufficient_hours','insufficient_tenure') NOT NULL USING COMPRESSION bitpacking,"
    " employer_match_amount DOUBLE NOT NULL USING COMPRESSION alp,"
    " employer_core_eligible BOOLEAN NOT NULL USING COMPRESSION rle,"
    " employer_core_amount DOUBLE NOT NULL USING COMPRESSION alp,"
    " total_employer_contributions DOUBLE NOT NULL USING COMPRESSION alp,"
    " employer_match_balance DOUBLE NOT NULL USING COMPRESSION alp,"
    " employer_core_balance DOUBLE NOT NULL USING COMPRESSION alp,"
    " vesting_years INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " match_vested_pct DOUBLE NOT NULL USING COMPRESSION alp,"
    " core_vested_pct DOUBLE NOT NULL USING COMPRESSION alp,"
    " vested_balance DOUBLE NOT NULL USING COMPRESSION alp,"
    " forfeiture_amount DOUBLE NOT NULL USING COMPRESSION alp,"
    " is_hce BOOLEAN NOT NULL USING COMPRESSION rle,"
    " is_5pct_owner BOOLEAN NOT NULL USING COMPRESSION rle,"
    " is_1pct_owner BOOLEAN NOT NULL USING COMPRESSION rle,"
    " is_officer BOOLEAN NOT NULL USING COMPRESSION rle)",


    "CREATE TABLE IF NOT EXISTS fct_employer_match_events ("
    " scenario_id VARCHAR NOT NULL USING COMPRESSION dictionary, event_id UUID NOT NULL USING COMPRESSION uncompressed,"
    " employee_id VARCHAR NOT NULL USING COMPRESSION fsst,"
    " simulation_year INTEGER NOT NULL USING COMPRESSION rle, effective_date DATE NOT NULL USING COMPRESSION rle,"
    " formula_name VARCHAR NOT NULL USING COMPRESSION dictionary,"
    " formula_type ENUM('simple','tiered','graded_by_service','tenure_graded','points_based') NOT NULL USING COMPRESSION rle,"
    " eligible_compensation DOUBLE NOT NULL USING COMPRESSION alp, deferral_rate DOUBLE NOT NULL USING COMPRESSION alp,"
    " annual_deferrals DOUBLE NOT NULL USING COMPRESSION alp,"
    " uncapped_match_amount DOUBLE NOT NULL USING COMPRESSION alp, employer_match_amount DOUBLE NOT NULL USING COMPRESSION alp,"
    " match_cap_applied BOOLEAN NOT NULL USING COMPRESSION rle, irs_415c_reduction DOUBLE NOT NULL USING COMPRESSION alp,"
    " years_of_service INTEGER NOT NULL USING COMPRESSION bitpacking,"
    " points INTEGER, effective_match_rate DOUBLE USING COMPRESSION alp, match_percentage_of_comp DOUBLE USING COMPRESSION alp)",

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
    " wall_seconds DOUBLE, stage_seconds VARCHAR, event_rows BIGINT, snapshot_rows BIGINT,"
    " status VARCHAR NOT NULL, last_completed_year INTEGER, resumed_from_year INTEGER, from_checkpoint VARCHAR,"
    " error VARCHAR)",
    0,
};

const char *const pw_output_tables[] = {
    "fct_yearly_events", "fct_workforce_snapshot", "fct_employer_match_events", "fct_workforce_needs", "fct_workforce_needs_by_level",
    "census_rejected_rows", "run_metadata", 0,
};
