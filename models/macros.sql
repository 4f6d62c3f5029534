-- models/macros.sql: SQL macros of the built-in models (the plan checks of MODEL 7,
-- invariants 13-20, and the marts). Every model execution creates them first, as
-- persistent macros of the output database, so the check views also work later from
-- any SQL tool, and user models may call them too. To run a check by hand after a
-- run: planwise query --db X "SELECT * FROM check_13_eligibility".
--
-- pw_config(): one row per scenario with the effective plan parameters of its latest
-- run. They are read from run_metadata.config_text (the run's YAML as written) with
-- small regular expressions; an absent key, or `null`, gives the MODEL 2.2 default.
-- The reader understands block-style YAML with two-space indentation and one
-- `key: value` per line (the layout of config/simulation_config.yaml); other
-- layouts may make the plan checks report rows.
-- pw_irs(): the built-in irs_limits.csv (years outside 2024-2035 use the nearest year).
-- pw_vesting(): the built-in vesting_schedules.csv.
-- pw_formula_tiers(): the tiers of the match formulas the test runs use, one row per
--   tier (simple = one tier [0, max) at match_rate), with YOS bands for tenure_graded.

-- newline-terminated YAML text of a scenario's latest run ('' without --config)
CREATE OR REPLACE MACRO pw_cfg_text(scen) AS (
    SELECT coalesce(arg_max(coalesce(config_text, ''), started_at), '') || chr(10)
    FROM run_metadata WHERE scenario_id = scen);
-- lines of top-level section `name:` (up to the next line starting in column 0)
CREATE OR REPLACE MACRO pw_section(t, name) AS
    regexp_extract(t, '(?m)^' || name || ':[^\n]*\n((?:[ \t]+[^\n]*\n|[ \t]*\n)*)', 1);
-- lines of a second-level subsection `  name:` of a section
CREATE OR REPLACE MACRO pw_sub(sec, name) AS
    regexp_extract(sec, '(?m)^  ' || name || ':[^\n]*\n((?:   [^\n]*\n|[ \t]*\n)*)', 1);
-- the scalar of the first `key:` line of a section (NULL when absent, empty or null)
CREATE OR REPLACE MACRO pw_key(sec, k) AS
    nullif(nullif(regexp_extract(sec, '(?m)^[ \t]+' || k || ':[ \t]*"?([^"#\s,}]*)', 1), ''), 'null');
-- the same for a key directly under the section (two-space indent), where a nested
-- block has a key of the same name (employer_core_contribution.integration.enabled)
CREATE OR REPLACE MACRO pw_top(sec, k) AS
    nullif(nullif(regexp_extract(sec, '(?m)^  ' || k || ':[ \t]*"?([^"#\s,}]*)', 1), ''), 'null');
CREATE OR REPLACE MACRO pw_num(sec, k, dflt) AS coalesce(TRY_CAST(pw_key(sec, k) AS DOUBLE), dflt);
CREATE OR REPLACE MACRO pw_bool(sec, k, dflt) AS coalesce(TRY_CAST(pw_key(sec, k) AS BOOLEAN), dflt);
CREATE OR REPLACE MACRO pw_date(sec, k) AS TRY_CAST(pw_key(sec, k) AS DATE);
-- `key: null` written explicitly (as opposed to absent)
CREATE OR REPLACE MACRO pw_is_null(sec, k) AS regexp_matches(sec, '(?m)^[ \t]+' || k || ':[ \t]*null');
-- birthday(b, A) of MODEL 1.3: Feb 29 -> Mar 1 in non-leap years
CREATE OR REPLACE MACRO pw_birthday(b, a) AS
    CASE WHEN month(b) = 2 AND day(b) = 29 AND NOT ((year(b) + a) % 4 = 0 AND ((year(b) + a) % 100 <> 0 OR (year(b) + a) % 400 = 0))
         THEN make_date(CAST(year(b) + a AS BIGINT), 3, 1)
         ELSE make_date(CAST(year(b) + a AS BIGINT), month(b), day(b)) END;
-- cents of a money amount
CREATE OR REPLACE MACRO pw_cents(x) AS CAST(round(x * 100) AS BIGINT);
-- MODEL 4.11 groups
CREATE OR REPLACE MACRO pw_age_group(age) AS
    CASE WHEN age <= 30 THEN 'young' WHEN age <= 45 THEN 'mid_career' WHEN age <= 55 THEN 'mature' ELSE 'senior' END;
CREATE OR REPLACE MACRO pw_income_group(pay) AS
    CASE WHEN pay < 50000 THEN 'low' WHEN pay < 100000 THEN 'moderate' WHEN pay < 200000 THEN 'high' ELSE 'executive' END;

-- the largest `rate:` of a block of schedule rows (NULL if none)
CREATE OR REPLACE MACRO pw_max_rate(sec) AS
    list_max(list_transform(regexp_extract_all(sec, '[ \t{,]rate:[ \t]*([0-9.]+)', 1), x -> TRY_CAST(x AS DOUBLE)));

CREATE OR REPLACE MACRO pw_config() AS TABLE
WITH raw AS (
    SELECT scenario_id, arg_max(start_year, started_at) AS start_year, arg_max(end_year, started_at) AS end_year,
           coalesce(arg_max(coalesce(config_text, ''), started_at), '') || chr(10) AS t
    FROM run_metadata GROUP BY ALL
),
sec AS (
    SELECT *,
           pw_section(t, 'plan_eligibility') AS s_pe, pw_section(t, 'eligibility') AS s_el,
           pw_section(t, 'setup') AS s_setup,
           pw_sub(pw_section(t, 'enrollment'), 'auto_enrollment') AS s_ae,
           pw_sub(pw_section(t, 'enrollment'), 'proactive_enrollment') AS s_pro,
           pw_sub(pw_section(t, 'enrollment'), 'voluntary_enrollment') AS s_vol,
           pw_sub(pw_section(t, 'enrollment'), 'match_magnet') AS s_mag,
           pw_sub(pw_section(t, 'enrollment'), 'year_over_year_conversion') AS s_yoy,
           pw_section(t, 'deferral_rates') AS s_dr,
           pw_section(t, 'deferral_auto_escalation') AS s_esc,
           pw_section(t, 'deferral_match_response') AS s_mr,
           pw_section(t, 'employer_match') AS s_m,
           pw_sub(pw_section(t, 'employer_match'), 'eligibility') AS s_me,
           pw_section(t, 'employer_core_contribution') AS s_c,
           pw_sub(pw_section(t, 'employer_core_contribution'), 'eligibility') AS s_ce,
           pw_sub(pw_section(t, 'employer_core_contribution'), 'integration') AS s_ci,
           pw_section(t, 'vesting') AS s_v
    FROM raw
)
SELECT scenario_id, start_year, end_year,
       coalesce(pw_date(s_setup, 'plan_year_end_date'), make_date(start_year - 1, 12, 31)) AS census_date,
       -- 4.10
       CAST(pw_num(s_pe, 'minimum_age', 21) AS INTEGER) AS min_age,
       CAST(coalesce(TRY_CAST(pw_key(s_pe, 'waiting_period_days') AS DOUBLE),
                     pw_num(s_el, 'waiting_period_days', 0)) AS INTEGER) AS waiting_days,
       pw_num(s_el, 'new_hire_ineligible_pct', 0) AS new_hire_ineligible_pct,
       -- 4.11
       pw_bool(s_ae, 'enabled', true) AS ae_enabled,
       coalesce(pw_key(s_ae, 'scope'), 'new_hires_only') AS ae_scope,
       -- the effective AE cutoff (NULL = none): hire_date_cutoff, default 2020-01-01; null ->
       -- Jan 1 S for new_hires_only, no cutoff for all_eligible_employees
       CASE WHEN pw_is_null(s_ae, 'hire_date_cutoff')
            THEN CASE WHEN coalesce(pw_key(s_ae, 'scope'), 'new_hires_only') = 'new_hires_only'
                      THEN make_date(start_year, 1, 1) END
            ELSE coalesce(pw_date(s_ae, 'hire_date_cutoff'), DATE '2020-01-01') END AS ae_cutoff,
       CAST(pw_num(s_ae, 'window_days', 45) AS INTEGER) AS window_days,
       CAST(pw_num(s_ae, 'opt_out_grace_period', 30) AS INTEGER) AS grace_days,
       pw_num(s_ae, 'default_deferral_rate', 0.02) AS ae_default_rate,
       pw_num(s_ae, 'voluntary_enrollment_rate', 1.0) AS vol_enrollment_rate,
       pw_bool(s_pro, 'enabled', true) AS proactive_enabled,
       CAST(pw_num(s_pro, 'min_days', 7) AS INTEGER) AS pro_min_days,
       CAST(pw_num(s_pro, 'max_days', 35) AS INTEGER) AS pro_max_days,
       pw_bool(s_vol, 'enabled', true) AS voluntary_enabled,
       pw_bool(s_vol, 'match_optimization', true) AS match_optimization,
       pw_num(s_mag, 'snap_probability', 0.45) AS snap_probability,
       pw_num(s_mag, 'min_deferral_rate', 0.01) AS min_rate,
       pw_num(s_mag, 'max_deferral_rate', 0.10) AS max_rate,
       pw_bool(s_yoy, 'enabled', true) AS yoy_enabled,
       CAST(pw_num(s_yoy, 'enrollment_month', 6) AS INTEGER) AS yoy_month,
       CAST(pw_num(s_yoy, 'enrollment_day', 15) AS INTEGER) AS yoy_day,
       -- year-over-year rates given in the YAML (else the table: 0.03 / 0.04 / 0.05 / 0.06)
       regexp_matches(s_yoy, '(?m)^[ \t]+deferral_rates:') AS yoy_rates_set,
       -- 4.12, 4.13
       pw_num(s_dr, 'plan_deferral_cap', 0.75) AS deferral_cap,
       pw_num(s_dr, 'roth_share', 0.15) AS roth_share,
       coalesce(TRY_CAST(pw_top(s_esc, 'enabled') AS BOOLEAN), true) AS esc_enabled,
       coalesce(pw_key(s_esc, 'effective_day'), '01-01') AS esc_day,
       pw_num(s_esc, 'increment_amount', 0.01) AS esc_increment,
       pw_num(s_esc, 'maximum_rate', 0.10) AS esc_max,
       CASE WHEN pw_is_null(s_esc, 'hire_date_cutoff') THEN NULL
            ELSE coalesce(pw_date(s_esc, 'hire_date_cutoff'), DATE '2020-01-01') END AS esc_cutoff,
       CAST(pw_num(s_esc, 'first_escalation_delay_years', 1) AS INTEGER) AS esc_delay,
       coalesce(TRY_CAST(pw_top(s_mr, 'enabled') AS BOOLEAN), false) AS mr_enabled,
       pw_num(s_mr, 'upward_participation_rate', 0.40) AS mr_up_rate,
       pw_num(s_mr, 'upward_maximize_rate', 0.60) AS mr_up_max,
       pw_num(s_mr, 'upward_partial_increase_factor', 0.50) AS mr_up_factor,
       pw_bool(s_mr, 'downward_enabled', true) AS mr_down_enabled,
       pw_num(s_mr, 'downward_participation_rate', 0.15) AS mr_down_rate,
       pw_num(s_mr, 'downward_reduce_to_max_rate', 0.70) AS mr_down_max,
       pw_num(s_mr, 'downward_partial_decrease_factor', 0.50) AS mr_down_factor,
       -- 4.14
       coalesce(TRY_CAST(pw_top(s_m, 'enabled') AS BOOLEAN), true) AS match_enabled,
       coalesce(pw_top(s_m, 'active_formula'), 'tiered_match') AS active_formula,
       pw_bool(s_m, 'apply_eligibility', true) AS match_apply_eligibility,
       pw_num(s_me, 'minimum_tenure_years', 0) AS match_min_tenure,
       pw_num(s_me, 'minimum_hours_annual', 1000) AS match_min_hours,
       pw_bool(s_me, 'require_active_at_year_end', true) AS match_require_active,
       pw_bool(s_me, 'allow_new_hires', true) AS match_allow_new_hires,
       pw_bool(s_me, 'allow_terminated_new_hires', false) AS match_allow_terminated_new_hires,
       pw_bool(s_me, 'allow_experienced_terminations', false) AS match_allow_experienced_terminations,
       -- 4.15; core_max_rate = the largest rate the status can give: 0 for none, the
       -- contribution rate for flat, else the largest rate of the status's schedule (the
       -- default graded schedule's 0.03 when graded_by_service has no graded_schedule in
       -- the YAML) or the contribution rate (used where no schedule row applies)
       coalesce(TRY_CAST(pw_top(s_c, 'enabled') AS BOOLEAN), true) AS core_enabled,
       coalesce(pw_top(s_c, 'status'), 'flat') AS core_status,
       coalesce(TRY_CAST(pw_top(s_c, 'contribution_rate') AS DOUBLE), 0.01) AS core_rate,
       CASE coalesce(pw_top(s_c, 'status'), 'flat')
           WHEN 'none' THEN 0.0
           WHEN 'flat' THEN coalesce(TRY_CAST(pw_top(s_c, 'contribution_rate') AS DOUBLE), 0.01)
           ELSE greatest(coalesce(TRY_CAST(pw_top(s_c, 'contribution_rate') AS DOUBLE), 0.01),
                         coalesce(pw_max_rate(pw_sub(s_c, CASE coalesce(pw_top(s_c, 'status'), 'flat')
                                                          WHEN 'graded_by_service' THEN 'graded_schedule'
                                                          WHEN 'age_banded' THEN 'age_schedule'
                                                          ELSE 'points_schedule' END)),
                                  CASE WHEN coalesce(pw_top(s_c, 'status'), 'flat') = 'graded_by_service'
                                       THEN 0.03 ELSE 0.0 END)) END AS core_max_rate,
       pw_bool(s_ci, 'enabled', false) AS integration_enabled,
       pw_num(s_ci, 'disparity_rate', 0.0) AS disparity_rate,
       pw_num(s_ce, 'minimum_tenure_years', 0) AS core_min_tenure,
       pw_num(s_ce, 'minimum_hours_annual', 1000) AS core_min_hours,
       pw_bool(s_ce, 'require_active_at_year_end', true) AS core_require_active,
       pw_bool(s_ce, 'allow_new_hires', true) AS core_allow_new_hires,
       pw_bool(s_ce, 'allow_terminated_new_hires', false) AS core_allow_terminated_new_hires,
       pw_bool(s_ce, 'allow_experienced_terminations', false) AS core_allow_experienced_terminations,
       -- 4.17 (a built-in formula's own vesting_schedule wins for the match)
       coalesce(TRY_CAST(pw_top(s_v, 'enabled') AS BOOLEAN), true) AS vesting_enabled,
       CASE WHEN NOT coalesce(TRY_CAST(pw_top(s_v, 'enabled') AS BOOLEAN), true) THEN 'immediate'
            WHEN coalesce(pw_top(s_m, 'active_formula'), 'tiered_match') = 'safe_harbor_basic' THEN 'immediate'
            WHEN coalesce(pw_top(s_m, 'active_formula'), 'tiered_match') = 'qaca' THEN 'cliff_2'
            ELSE coalesce(pw_key(s_v, 'match_schedule'), 'graded_6') END AS match_schedule,
       CASE WHEN NOT coalesce(TRY_CAST(pw_top(s_v, 'enabled') AS BOOLEAN), true) THEN 'immediate'
            ELSE coalesce(pw_key(s_v, 'core_schedule'), 'graded_6') END AS core_schedule,
       pw_bool(s_v, 'require_hours_credit', false) AS hours_credit,
       pw_num(s_v, 'hours_credit_threshold', 1000) AS hours_credit_threshold
FROM sec;

CREATE OR REPLACE MACRO pw_irs() AS TABLE
SELECT * FROM (VALUES
    (2024, 23000, 30500, 30500, 345000, 155000, 69000, 168600),
    (2025, 23500, 31000, 34750, 350000, 160000, 70000, 176100),
    (2026, 23500, 31000, 34750, 350000, 160000, 70000, 184500),
    (2027, 24000, 31500, 35250, 355000, 165000, 71000, 192900),
    (2028, 24500, 32000, 35750, 360000, 170000, 72000, 201300),
    (2029, 25000, 32500, 36250, 365000, 175000, 73000, 209700),
    (2030, 25500, 33000, 36750, 370000, 180000, 74000, 218100),
    (2031, 26000, 33500, 37250, 375000, 185000, 75000, 226500),
    (2032, 26500, 34000, 37750, 380000, 190000, 76000, 234900),
    (2033, 27000, 34500, 38250, 385000, 195000, 77000, 243300),
    (2034, 27500, 35000, 38750, 390000, 200000, 78000, 251700),
    (2035, 28000, 35500, 39250, 395000, 205000, 79000, 260100))
    AS t(year, deferral_limit, catch_up_total_limit, super_catch_up_total_limit, compensation_limit,
         hce_threshold, annual_additions_limit, ss_wage_base);
-- the IRS row of year y (nearest year outside the table)
CREATE OR REPLACE MACRO pw_irs_year(y) AS greatest(2024, least(2035, y));

CREATE OR REPLACE MACRO pw_vesting() AS TABLE
SELECT * FROM (VALUES
    ('immediate', 0, 1.0),
    ('cliff_1', 0, 0.0), ('cliff_1', 1, 1.0),
    ('cliff_2', 0, 0.0), ('cliff_2', 1, 0.0), ('cliff_2', 2, 1.0),
    ('cliff_3', 0, 0.0), ('cliff_3', 1, 0.0), ('cliff_3', 2, 0.0), ('cliff_3', 3, 1.0),
    ('cliff_4', 0, 0.0), ('cliff_4', 1, 0.0), ('cliff_4', 2, 0.0), ('cliff_4', 3, 0.0), ('cliff_4', 4, 1.0),
    ('graded_3', 0, 0.0), ('graded_3', 1, 0.3333), ('graded_3', 2, 0.6667), ('graded_3', 3, 1.0),
    ('graded_4', 0, 0.0), ('graded_4', 1, 0.25), ('graded_4', 2, 0.50), ('graded_4', 3, 0.75), ('graded_4', 4, 1.0),
    ('graded_5', 0, 0.0), ('graded_5', 1, 0.20), ('graded_5', 2, 0.40), ('graded_5', 3, 0.60), ('graded_5', 4, 0.80),
    ('graded_5', 5, 1.0),
    ('graded_6', 0, 0.0), ('graded_6', 1, 0.0), ('graded_6', 2, 0.20), ('graded_6', 3, 0.40), ('graded_6', 4, 0.60),
    ('graded_6', 5, 0.80), ('graded_6', 6, 1.0))
    AS t(schedule, years_of_service, vested_pct);
-- vested share of a schedule after n vesting years (the last row beyond the schedule)
CREATE OR REPLACE MACRO pw_vested(sched, n) AS (
    SELECT arg_max(vested_pct, years_of_service) FROM pw_vesting()
    WHERE schedule = sched AND years_of_service <= greatest(n, 0));

-- Match formulas of MODEL 4.14 (built-in set) and the `loyalty_match` of
-- config/examples/tenure_graded_match.yaml. One row per tier; [min_years, max_years)
-- is the YOS band (tenure_graded only); cap = max_match_percentage of a tiered formula.
-- m_max of a band = least(sum of rate x width, cap); ceiling = the band's largest
-- employee_max with rate > 0.
CREATE OR REPLACE MACRO pw_formula_tiers() AS TABLE
SELECT * FROM (VALUES
    ('simple_match', 'simple', 0, NULL, 0.00, 0.06, 0.50, NULL),
    ('tiered_match', 'tiered', 0, NULL, 0.00, 0.03, 1.00, 0.04),
    ('tiered_match', 'tiered', 0, NULL, 0.03, 0.05, 0.50, 0.04),
    ('enhanced_tiered', 'tiered', 0, NULL, 0.00, 0.03, 1.00, 0.04),
    ('enhanced_tiered', 'tiered', 0, NULL, 0.03, 0.05, 0.50, 0.04),
    ('stretch_match', 'tiered', 0, NULL, 0.00, 0.12, 0.25, 0.03),
    ('safe_harbor_basic', 'tiered', 0, NULL, 0.00, 0.03, 1.00, 0.04),
    ('safe_harbor_basic', 'tiered', 0, NULL, 0.03, 0.05, 0.50, 0.04),
    ('qaca', 'tiered', 0, NULL, 0.00, 0.01, 1.00, 0.035),
    ('qaca', 'tiered', 0, NULL, 0.01, 0.06, 0.50, 0.035),
    ('loyalty_match', 'tenure_graded', 0, 3, 0.00, 0.06, 0.50, NULL),
    ('loyalty_match', 'tenure_graded', 3, 10, 0.00, 0.03, 1.00, NULL),
    ('loyalty_match', 'tenure_graded', 3, 10, 0.03, 0.06, 0.50, NULL),
    ('loyalty_match', 'tenure_graded', 10, NULL, 0.00, 0.06, 1.00, NULL))
    AS t(formula_name, formula_type, min_years, max_years, employee_min, employee_max, match_rate, cap);
-- per formula and YOS band: m_max (largest match as a share of pay) and the ceiling C
CREATE OR REPLACE MACRO pw_formula_bands() AS TABLE
SELECT formula_name, any_value(formula_type) AS formula_type, min_years, max_years,
       least(sum(match_rate * (employee_max - employee_min)), coalesce(any_value(cap), 1e9)) AS m_max,
       max(employee_max) FILTER (WHERE match_rate > 0) AS ceiling
FROM pw_formula_tiers() GROUP BY formula_name, min_years, max_years;

-- Census pre-enrolled employees (2.1a): census employees whose first snapshot row has
-- enrollment_method 'census'.
CREATE OR REPLACE MACRO pw_pre_enrolled() AS TABLE
SELECT s.scenario_id, s.employee_id FROM fct_workforce_snapshot s
JOIN (SELECT scenario_id, employee_id, min(simulation_year) AS y FROM fct_workforce_snapshot GROUP BY ALL) f
  ON f.scenario_id = s.scenario_id AND f.employee_id = s.employee_id AND f.y = s.simulation_year
WHERE s.detailed_status_code IN ('continuous_active', 'experienced_termination') AND s.enrollment_method = 'census';
