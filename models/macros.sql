-- models/macros.sql: SQL macros of the built-in models (the plan checks of MODEL 7,
-- invariants 13-20, and the marts). Every model execution creates them first, as
-- persistent macros of the output database, so the check views also work later from
-- any SQL tool, and user models may call them too. To run a check by hand after a
-- run: planwise query --db X "SELECT * FROM check_13_eligibility".
--
-- pw_config(): one row per scenario with the effective plan parameters of its latest
-- run. They are read from pw.run_params.effective_config, the run's effective
-- configuration as `planwise config show` prints it (every key, defaults filled in,
-- overlays merged, block-style YAML with two-space indentation, one `key: value` per
-- line, lists of mappings as `- key: value` items), with small regular expressions.
-- Without that row (not written by planwise) the run's YAML as written
-- (run_metadata.config_text) is read the same way; an absent key, or `null`, then
-- gives the MODEL 2.2 default.
-- pw_irs(): the built-in irs_limits.csv (years outside 2024-2035 use the nearest year).
-- pw_vesting(): the built-in vesting_schedules.csv.
-- pw_match_tiers(): the tiers of the formula each scenario's match pays by (the
--   formula named by active_formula, or the list employer_match_status selects), one
--   row per tier and schedule row; pw_match_bands(): per schedule row, the largest
--   match as a share of pay.
-- pw_core_rows(): the rows of the core schedule each scenario's status selects.
-- pw_age_y(): the age that drives bands, hazards, groups and tiers under the run's
--   simulation.age_convention (the stored current_age is always the age on Dec 31).

-- one row per scenario: its latest run's years and configuration text (newline-terminated)
CREATE OR REPLACE MACRO pw_config_src() AS TABLE
SELECT m.scenario_id, arg_max(m.start_year, m.started_at) AS start_year, arg_max(m.end_year, m.started_at) AS end_year,
       coalesce(arg_max(coalesce(p.effective_config, m.config_text, ''), m.started_at), '') || chr(10) AS t
FROM run_metadata m LEFT JOIN pw.run_params p ON p.run_key = m.run_key
GROUP BY m.scenario_id;
-- newline-terminated configuration text of a scenario's latest run
CREATE OR REPLACE MACRO pw_cfg_text(scen) AS (SELECT t FROM pw_config_src() WHERE scenario_id = scen);
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
-- the lines under `key:` at `ind` spaces (a nested mapping or a block list), '' if none
CREATE OR REPLACE MACRO pw_block(txt, ind, k) AS
    coalesce(regexp_extract(coalesce(txt, ''), '(?m)^' || repeat(' ', ind) || k || ':[ \t]*\n((?:'
                                                 || repeat(' ', ind + 2) || '[^\n]*\n)*)', 1), '');
-- the items of a block list whose `- ` starts at `ind` spaces, each with its own lines
CREATE OR REPLACE MACRO pw_items(txt, ind) AS
    regexp_extract_all(coalesce(txt, ''), '(?m)^' || repeat(' ', ind) || '- [^\n]*\n(?:'
                                          || repeat(' ', ind + 2) || '[^\n]*\n)*');
-- the number of the first `key:` of a list item (NULL when absent or null)
CREATE OR REPLACE MACRO pw_inum(item, k) AS
    TRY_CAST(regexp_extract(item, '(?m)^[ ]*(?:- )?' || k || ':[ \t]*([-0-9.eE+]+)', 1) AS DOUBLE);
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
WITH raw AS (SELECT * FROM pw_config_src()),
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
           pw_section(t, 'vesting') AS s_v,
           pw_section(t, 'simulation') AS s_sim, pw_section(t, 'new_hire') AS s_nh,
           pw_sub(pw_section(t, 'new_hire_compensation'), 'percentile_strategy') AS s_nhp,
           pw_section(t, 'assumptions') AS s_as,
           -- the block of the formula named by active_formula (its lines under `    name:`)
           pw_block(pw_block(pw_section(t, 'employer_match'), 2, 'formulas'), 4,
                    coalesce(pw_top(pw_section(t, 'employer_match'), 'active_formula'), 'tiered_match')) AS s_f
    FROM raw
)
SELECT scenario_id, start_year, end_year,
       coalesce(pw_date(s_setup, 'plan_year_end_date'), make_date(start_year - 1, 12, 31)) AS census_date,
       -- simulation.age_convention (exact / reference): pw_age_y()
       coalesce(pw_key(s_sim, 'age_convention'), 'exact') AS age_convention,
       -- 4.5: the hire ages of new_hire.age_distribution (NULL = the new_hire_age_distribution
       -- table: the built-in ages unless a table replaces it), the pay noise
       nullif(list_transform(pw_items(pw_block(s_nh, 2, 'age_distribution'), 4), x -> CAST(pw_inum(x, 'age') AS INTEGER)),
              []) AS nh_ages,
       pw_key(s_as, 'directory') IS NOT NULL OR pw_key(s_as, 'new_hire_age_distribution') IS NOT NULL AS nh_age_table_replaced,
       CASE WHEN pw_bool(s_nhp, 'variance_enabled', true) THEN pw_num(s_nhp, 'variance_std_dev', 0.05) ELSE 0.0 END AS nh_sigma,
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
       pw_bool(s_vol, 'every_year', false) AS voluntary_every_year,
       pw_bool(s_vol, 'match_optimization', true) AS match_optimization,
       pw_num(s_mag, 'snap_probability', 0.45) AS snap_probability,
       pw_num(s_mag, 'min_deferral_rate', 0.01) AS min_rate,
       pw_num(s_mag, 'max_deferral_rate', 0.10) AS max_rate,
       pw_bool(s_yoy, 'enabled', true) AS yoy_enabled,
       CAST(pw_num(s_yoy, 'enrollment_month', 6) AS INTEGER) AS yoy_month,
       CAST(pw_num(s_yoy, 'enrollment_day', 15) AS INTEGER) AS yoy_day,
       -- year-over-year rates given in the YAML (else the table: 0.03 / 0.04 / 0.05 / 0.06)
       regexp_matches(s_yoy, '(?m)^[ \t]+deferral_rates:') AS yoy_rates_set,
       -- the rate of converters by age group (conservative; NULL when the rates come from a
       -- replaced table or converters choose like voluntary enrollees)
       CASE WHEN pw_bool(pw_block(s_yoy, 4, 'deferral_rates'), 'conservative', true)
                 AND pw_key(s_as, 'directory') IS NULL AND pw_key(s_as, 'enrollment_yoy_rates') IS NULL
                 AND pw_key(s_as, 'enrollment_groups') IS NULL
            THEN {'young': pw_num(pw_block(s_yoy, 4, 'deferral_rates'), 'young', 0.03),
                  'mid_career': pw_num(pw_block(s_yoy, 4, 'deferral_rates'), 'mid_career', 0.04),
                  'mature': pw_num(pw_block(s_yoy, 4, 'deferral_rates'), 'mature', 0.05),
                  'senior': pw_num(pw_block(s_yoy, 4, 'deferral_rates'), 'senior', 0.06)} END AS yoy_rates,
       -- 4.12, 4.13
       pw_num(s_dr, 'plan_deferral_cap', 0.75) AS deferral_cap,
       pw_num(s_dr, 'roth_share', 0.15) AS roth_share,
       -- census participants get a census_enrollment event in the first year
       pw_bool(s_dr, 'generate_synthetic_events', false) AS synthetic_events,
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
       coalesce(pw_top(s_m, 'employer_match_status'), 'deferral_based') AS match_status,
       pw_bool(s_m, 'apply_eligibility', true) AS match_apply_eligibility,
       pw_num(s_me, 'minimum_tenure_years', 0) AS match_min_tenure,
       pw_num(s_me, 'minimum_hours_annual', 1000) AS match_min_hours,
       pw_bool(s_me, 'require_active_at_year_end', true) AS match_require_active,
       pw_bool(s_me, 'allow_new_hires', true) AS match_allow_new_hires,
       pw_bool(s_me, 'allow_terminated_new_hires', false) AS match_allow_terminated_new_hires,
       pw_bool(s_me, 'allow_experienced_terminations', false) AS match_allow_experienced_terminations,
       -- 4.15; core_max_rate = the largest rate the status can give: 0 for none, the
       -- contribution rate for flat, else the largest of the contribution rate (paid where
       -- no schedule row applies, and by an empty schedule) and the schedule's rates
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
                                                          ELSE 'points_schedule' END)), 0.0)) END AS core_max_rate,
       pw_bool(s_ci, 'enabled', false) AS integration_enabled,
       pw_num(s_ci, 'disparity_rate', 0.0) AS disparity_rate,
       pw_num(s_ce, 'minimum_tenure_years', 0) AS core_min_tenure,
       pw_num(s_ce, 'minimum_hours_annual', 1000) AS core_min_hours,
       pw_bool(s_ce, 'require_active_at_year_end', true) AS core_require_active,
       pw_bool(s_ce, 'allow_new_hires', true) AS core_allow_new_hires,
       pw_bool(s_ce, 'allow_terminated_new_hires', false) AS core_allow_terminated_new_hires,
       pw_bool(s_ce, 'allow_experienced_terminations', false) AS core_allow_experienced_terminations,
       -- 4.17 (the active formula's own vesting_schedule wins for the match; money of a
       -- match mode vests by vesting.match_schedule)
       coalesce(TRY_CAST(pw_top(s_v, 'enabled') AS BOOLEAN), true) AS vesting_enabled,
       CASE WHEN NOT coalesce(TRY_CAST(pw_top(s_v, 'enabled') AS BOOLEAN), true) THEN 'immediate'
            WHEN coalesce(pw_top(s_m, 'employer_match_status'), 'deferral_based') = 'deferral_based'
                 AND pw_key(s_f, 'vesting_schedule') IS NOT NULL THEN pw_key(s_f, 'vesting_schedule')
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

-- The age of year y that drives bands, hazards, enrollment groups, promotions and
-- core/match age tiers (simulation.age_convention): exact = the age on Dec 31 of y;
-- reference = year of the census date + (y - S) - year of birth. Catch-up always uses
-- the exact age (the stored current_age).
CREATE OR REPLACE MACRO pw_age_y(convention, census_date, start_year, birth, y) AS
    CASE WHEN convention = 'reference' THEN year(census_date) + (y - start_year) - year(birth)
         ELSE y - year(birth) END;

-- The formula each scenario's match pays by (MODEL 4.14, docs/decisions.md "Match modes
-- are formulas"): employer_match_status deferral_based = the formula named by
-- active_formula under employer_match.formulas; the other modes = the list of that name
-- (employer_match_graded_schedule as fractions, tenure_match_tiers and
-- points_match_tiers in percent, tenure_graded_bands), named after the mode. One row per
-- tier: a schedule row of years (or points = age_Y + YOS when by_points) applies from
-- min_x to the next row's min, max_x (NULL = open; the YAML's max is informative); a
-- simple formula is one tier [0, max_match_percentage) at match_rate, a schedule row one
-- tier [0, max_deferral) at its match_rate; cap = max_match_percentage of a tiered
-- formula (a cap on the match as a share of pay), else NULL.
CREATE OR REPLACE MACRO pw_match_tiers() AS TABLE
WITH c AS (
    SELECT scenario_id, pw_section(t, 'employer_match') AS sec FROM pw_config_src()
),
f AS (
    SELECT scenario_id, sec, coalesce(pw_top(sec, 'employer_match_status'), 'deferral_based') AS status,
           coalesce(pw_top(sec, 'active_formula'), 'tiered_match') AS active
    FROM c
),
g AS (
    SELECT scenario_id, status, sec,
           CASE WHEN status = 'deferral_based' THEN active ELSE status END AS formula_name,
           CASE WHEN status = 'deferral_based' THEN pw_block(pw_block(sec, 2, 'formulas'), 4, active) END AS fb
    FROM f
),
h AS (
    SELECT *,
           CASE status WHEN 'deferral_based' THEN pw_key(fb, 'type') WHEN 'tenure_graded' THEN 'tenure_graded'
                       WHEN 'points_based' THEN 'points_based' ELSE 'graded_by_service' END AS formula_type,
           -- the schedule's rows, their indentation and the unit of their rates
           CASE status WHEN 'deferral_based' THEN coalesce(nullif(pw_block(fb, 6, 'schedule'), ''), pw_block(fb, 6, 'bands'))
                       WHEN 'graded_by_service' THEN pw_block(sec, 2, 'employer_match_graded_schedule')
                       WHEN 'tenure_based' THEN pw_block(sec, 2, 'tenure_match_tiers')
                       WHEN 'tenure_graded' THEN pw_block(sec, 2, 'tenure_graded_bands')
                       WHEN 'points_based' THEN pw_block(sec, 2, 'points_match_tiers') END AS rows_txt,
           CASE WHEN status = 'deferral_based' THEN 8 ELSE 4 END AS ri,
           CASE WHEN status IN ('tenure_based', 'points_based') THEN 'percent'
                WHEN status = 'graded_by_service' THEN 'either' ELSE 'fraction' END AS unit
    FROM g
),
row_items AS (
    SELECT scenario_id, formula_name, formula_type, ri, unit, unnest(pw_items(rows_txt, ri)) AS item
    FROM h WHERE formula_type IN ('graded_by_service', 'points_based', 'tenure_graded')
),
rows AS (
    SELECT *, coalesce(pw_inum(item, 'min_years'), pw_inum(item, 'service_years_min'), pw_inum(item, 'min_points')) AS min_x,
           pw_inum(item, 'match_rate') AS r, coalesce(pw_inum(item, 'max_deferral'), pw_inum(item, 'max_deferral_pct')) AS md
    FROM row_items
),
tiers AS (
    SELECT scenario_id, formula_name, formula_type, 0.0 AS min_x, 0.0 AS employee_min,
           TRY_CAST(pw_key(fb, 'max_match_percentage') AS DOUBLE) AS employee_max,
           TRY_CAST(pw_key(fb, 'match_rate') AS DOUBLE) AS match_rate, NULL::DOUBLE AS cap
    FROM h WHERE formula_type = 'simple'
    UNION ALL
    SELECT scenario_id, formula_name, formula_type, 0.0, pw_inum(ti, 'employee_min'), pw_inum(ti, 'employee_max'),
           pw_inum(ti, 'match_rate'), cap
    FROM (SELECT *, unnest(pw_items(pw_block(fb, 6, 'tiers'), 8)) AS ti,
                 TRY_CAST(regexp_extract(fb, '(?m)^      max_match_percentage:[ \t]*([-0-9.eE+]+)', 1) AS DOUBLE) AS cap
          FROM h WHERE formula_type = 'tiered')
    UNION ALL
    SELECT scenario_id, formula_name, formula_type, min_x, 0.0,
           CASE unit WHEN 'percent' THEN md / 100 WHEN 'either' THEN CASE WHEN md > 1 THEN md / 100 ELSE md END ELSE md END,
           CASE unit WHEN 'percent' THEN r / 100 WHEN 'either' THEN CASE WHEN r > 2 THEN r / 100 ELSE r END ELSE r END, NULL
    FROM rows WHERE formula_type IN ('graded_by_service', 'points_based')
    UNION ALL
    SELECT scenario_id, formula_name, formula_type, min_x, pw_inum(ti, 'employee_min'), pw_inum(ti, 'employee_max'),
           pw_inum(ti, 'match_rate'), NULL
    FROM (SELECT *, unnest(pw_items(pw_block(item, ri + 2, 'tiers'), ri + 4)) AS ti FROM rows WHERE formula_type = 'tenure_graded')
),
next_min AS (
    SELECT scenario_id, min_x, lead(min_x) OVER (PARTITION BY scenario_id ORDER BY min_x) AS max_x
    FROM (SELECT DISTINCT scenario_id, min_x FROM tiers)
)
SELECT t.scenario_id, t.formula_name, t.formula_type, t.formula_type = 'points_based' AS by_points,
       t.min_x, n.max_x, t.employee_min, t.employee_max, t.match_rate, t.cap
FROM tiers t JOIN next_min n USING (scenario_id, min_x);
-- per scenario and schedule row: m_max (the largest match as a share of pay,
-- least(sum of rate x width, cap)) and the ceiling C (the largest employee_max of a
-- tier with rate > 0)
CREATE OR REPLACE MACRO pw_match_bands() AS TABLE
SELECT scenario_id, any_value(formula_name) AS formula_name, any_value(formula_type) AS formula_type,
       any_value(by_points) AS by_points, min_x, any_value(max_x) AS max_x,
       least(sum(match_rate * (employee_max - employee_min)), coalesce(any_value(cap), 1e9)) AS m_max,
       max(employee_max) FILTER (WHERE match_rate > 0) AS ceiling
FROM pw_match_tiers() GROUP BY scenario_id, min_x;

-- The rows of the core schedule the status selects (graded_by_service: years of service,
-- age_banded: age_Y, points_based: age_Y + YOS), each applying from min_x to the next
-- row's min, max_x (NULL = open); rates are fractions. Where no row applies, and for an
-- empty schedule, the rate is contribution_rate.
CREATE OR REPLACE MACRO pw_core_rows() AS TABLE
WITH c AS (
    SELECT scenario_id, pw_section(t, 'employer_core_contribution') AS sec FROM pw_config_src()
),
r AS (
    SELECT scenario_id, status,
           unnest(pw_items(pw_block(sec, 2, CASE status WHEN 'graded_by_service' THEN 'graded_schedule'
                                                        WHEN 'age_banded' THEN 'age_schedule' ELSE 'points_schedule' END), 4)) AS item
    FROM (SELECT *, coalesce(pw_top(sec, 'status'), 'flat') AS status FROM c)
    WHERE status IN ('graded_by_service', 'age_banded', 'points_based')
),
v AS (
    SELECT scenario_id, status,
           coalesce(pw_inum(item, 'min_years'), pw_inum(item, 'service_years_min'), pw_inum(item, 'min_age'),
                    pw_inum(item, 'min_points')) AS min_x,
           coalesce(pw_inum(item, 'rate'), pw_inum(item, 'contribution_rate')) AS rate
    FROM r
)
SELECT scenario_id, status, min_x, lead(min_x) OVER (PARTITION BY scenario_id ORDER BY min_x) AS max_x, rate FROM v;

-- Census pre-enrolled employees (2.1a): census employees whose first snapshot row has
-- enrollment_method 'census'.
CREATE OR REPLACE MACRO pw_pre_enrolled() AS TABLE
SELECT s.scenario_id, s.employee_id FROM fct_workforce_snapshot s
JOIN (SELECT scenario_id, employee_id, min(simulation_year) AS y FROM fct_workforce_snapshot GROUP BY ALL) f
  ON f.scenario_id = s.scenario_id AND f.employee_id = s.employee_id AND f.y = s.simulation_year
WHERE s.detailed_status_code IN ('continuous_active', 'experienced_termination') AND s.enrollment_method = 'census';
