-- Invariant 18 (MODEL 7, rules of MODEL 4.15-4.16): employer core and 415(c).
-- planwise: kind=check materialized=view
--   0 <= core <= max schedule rate x B_cap + disparity part + 0.01 (max rate of the
--   configured status, see pw_config.core_max_rate; disparity part = disparity_rate x
--   B_cap bound when integration is enabled); core = 0 when the core is disabled,
--   status none without integration (with integration, status none pays the disparity
--   part only: docs/decisions.md), the employee is not core-eligible, or B_cap = 0;
--   flat status without integration and without a 415(c) cut: core =
--   round2(contribution_rate x B_cap); graded_by_service / age_banded / points_based
--   without integration and without a 415(c) cut: core = round2(rate x B_cap), rate =
--   that of the schedule row applying to YOS = current_tenure, age_Y or age_Y + YOS
--   (age_Y of the run's age convention, pw_age_y), a row running from its min to the
--   next row's min (pw_core_rows), else contribution_rate;
--   core eligibility = the three tests of 4.14 with the core eligibility block;
--   total_employer_contributions = match + core (cents);
--   415(c): min(D, deferral_limit of Y) + match + core <= min(annual_additions_limit of
--   Y, B) + 0.01, and with irs_415c_limit_applied that sum is exactly the limit (the
--   excess was removed).
-- Uses macros.sql. Returns one row per violating snapshot row; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
irs AS (SELECT * FROM pw_irs()),
s0 AS (
    SELECT s.*, c.core_enabled, c.core_status, c.core_rate, c.core_max_rate, c.integration_enabled, c.disparity_rate,
           i.deferral_limit, i.annual_additions_limit,
           least(i.annual_additions_limit, s.prorated_annual_compensation) AS limit_415c,
           least(s.prorated_annual_contributions, i.deferral_limit) + s.employer_match_amount + s.employer_core_amount AS additions,
           CASE WHEN NOT (s.employment_status = 'active' OR NOT c.core_require_active
                          OR (s.detailed_status_code = 'new_hire_termination' AND c.core_allow_terminated_new_hires)
                          OR (s.detailed_status_code = 'experienced_termination' AND c.core_allow_experienced_terminations))
                    THEN false
                WHEN s.annual_hours_worked < c.core_min_hours THEN false
                WHEN NOT (s.current_tenure >= c.core_min_tenure
                          OR (c.core_allow_new_hires AND year(s.employee_hire_date) = s.simulation_year)) THEN false
                ELSE true END AS want_core_eligible,
           CASE c.core_status
               WHEN 'graded_by_service' THEN s.current_tenure
               WHEN 'age_banded' THEN pw_age_y(c.age_convention, c.census_date, c.start_year, s.employee_birth_date,
                                               s.simulation_year)
               WHEN 'points_based' THEN pw_age_y(c.age_convention, c.census_date, c.start_year, s.employee_birth_date,
                                                 s.simulation_year) + s.current_tenure END AS x
    FROM fct_workforce_snapshot s
    JOIN cfg c USING (scenario_id)
    JOIN irs i ON i.year = pw_irs_year(s.simulation_year)
),
s AS (
    SELECT s0.*, coalesce(r.rate, s0.core_rate) AS schedule_rate
    FROM s0 LEFT JOIN pw_core_rows() r ON r.scenario_id = s0.scenario_id AND s0.x >= r.min_x
                                       AND (r.max_x IS NULL OR s0.x < r.max_x)
)
SELECT * FROM (
SELECT scenario_id, simulation_year, employee_id, prorated_annual_compensation AS b, contribution_base_compensation AS b_cap,
       prorated_annual_contributions AS d, employer_match_amount AS match, employer_core_amount AS core,
       irs_415c_limit_applied, round(additions, 2) AS additions, limit_415c, CASE
        WHEN employer_core_amount < 0 THEN 'negative core'
        WHEN employer_core_eligible <> want_core_eligible THEN 'employer_core_eligible <> the eligibility tests (' || want_core_eligible || ')'
        WHEN employer_core_amount > 0 AND (NOT core_enabled OR (core_status = 'none' AND NOT integration_enabled))
            THEN 'core while disabled / status none without integration'
        WHEN employer_core_amount > 0 AND NOT employer_core_eligible THEN 'core for an ineligible employee'
        WHEN employer_core_amount > 0 AND contribution_base_compensation = 0 THEN 'core with B_cap = 0'
        WHEN employer_core_amount > core_max_rate * contribution_base_compensation
                                    + CASE WHEN integration_enabled THEN disparity_rate * contribution_base_compensation ELSE 0 END + 0.01
            THEN 'core > max schedule rate x B_cap (+ disparity)'
        WHEN core_enabled AND core_status = 'flat' AND NOT integration_enabled AND employer_core_eligible
             AND NOT irs_415c_limit_applied AND abs(employer_core_amount - core_rate * contribution_base_compensation) > 0.0051
            THEN 'flat core <> round2(contribution_rate x B_cap)'
        WHEN core_enabled AND core_status IN ('graded_by_service', 'age_banded', 'points_based') AND NOT integration_enabled
             AND employer_core_eligible AND NOT irs_415c_limit_applied
             AND abs(employer_core_amount - schedule_rate * contribution_base_compensation) > 0.0051
            THEN 'core <> round2(schedule rate ' || schedule_rate || ' x B_cap)'
        WHEN pw_cents(total_employer_contributions) <> pw_cents(employer_match_amount) + pw_cents(employer_core_amount)
            THEN 'total_employer_contributions <> match + core'
        WHEN employer_match_amount < 0 OR prorated_annual_contributions < 0 THEN 'negative match or D'
        WHEN additions > limit_415c + 0.01 THEN 'min(D, deferral_limit) + match + core > min(annual_additions_limit, B)'
        WHEN irs_415c_limit_applied AND abs(additions - limit_415c) > 0.011
            THEN '415(c) flag set but additions <> the limit after the cut'
    END AS problem
FROM s
) WHERE problem IS NOT NULL
