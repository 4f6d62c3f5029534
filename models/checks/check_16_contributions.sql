-- Invariant 16 (MODEL 7, rules of MODEL 4.13): employee contributions.
-- planwise: kind=check materialized=view
--   0 <= D = prorated_annual_contributions <= applicable_deferral_limit; the limit and
--   limit_type follow age_Y and the built-in IRS table (SUPER_CATCH_UP 60-63, CATCH_UP
--   >= 50, else BASE); irs_402g_limit_applied => D = the limit (unless 415(c) then cut
--   D); D = 0 when not enrolled at any time in Y (no enrollment date <= b) or when the
--   rate was 0 all year (opted out before Y, or never enrolled);
--   pre_tax + roth = D in cents, roth = round2(D x roth_share);
--   D <= plan_deferral_cap x B_cap + 0.01; B_cap = round2(min(B, compensation_limit of
--   Y)) <= compensation_limit, irs_401a17_limit_applied iff B > the limit;
--   effective_annual_deferral_rate = round6(D / B_cap) (0 if B_cap = 0);
--   D <= max rate in force during Y x B_cap + 0.01 (rates only rise by events dated
--   inside the employment).
-- Uses macros.sql. Returns one row per violating snapshot row; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
irs AS (SELECT * FROM pw_irs()),
rate_ev AS (
    SELECT scenario_id, employee_id, simulation_year, employee_deferral_rate AS rate, prev_employee_deferral_rate AS prev_rate
    FROM fct_yearly_events
    WHERE event_type IN ('enrollment', 'enrollment_change', 'deferral_escalation', 'deferral_match_response')
),
max_rate AS (
    SELECT s.scenario_id, s.simulation_year, s.employee_id,
           greatest(max(e.rate), max(e.prev_rate)) AS r
    FROM fct_workforce_snapshot s
    JOIN rate_ev e ON e.scenario_id = s.scenario_id AND e.employee_id = s.employee_id AND e.simulation_year = s.simulation_year
    GROUP BY ALL
),
s AS (
    SELECT s.*, coalesce(s.termination_date, make_date(s.simulation_year, 12, 31)) AS b,
           c.deferral_cap, c.roth_share,
           i.deferral_limit, i.catch_up_total_limit, i.super_catch_up_total_limit, i.compensation_limit,
           CASE WHEN s.current_age BETWEEN 60 AND 63 THEN 'SUPER_CATCH_UP'
                WHEN s.current_age >= 50 THEN 'CATCH_UP' ELSE 'BASE' END AS want_type,
           CASE WHEN s.current_age BETWEEN 60 AND 63 THEN i.super_catch_up_total_limit
                WHEN s.current_age >= 50 THEN i.catch_up_total_limit ELSE i.deferral_limit END AS want_limit,
           -- the largest rate in force during Y: the rate at the start of Y (last year's
           -- snapshot rate, or the census rate), and every rate set in Y
           greatest(coalesce(p.current_deferral_rate,
                             CASE WHEN s.enrollment_method = 'census' THEN s.original_deferral_rate END, 0),
                    coalesce(m.r, 0), s.current_deferral_rate) AS max_rate_in_y
    FROM fct_workforce_snapshot s
    JOIN cfg c USING (scenario_id)
    JOIN irs i ON i.year = pw_irs_year(s.simulation_year)
    LEFT JOIN fct_workforce_snapshot p ON p.scenario_id = s.scenario_id AND p.employee_id = s.employee_id
                                      AND p.simulation_year = s.simulation_year - 1
    LEFT JOIN max_rate m ON m.scenario_id = s.scenario_id AND m.employee_id = s.employee_id AND m.simulation_year = s.simulation_year
)
SELECT * FROM (
SELECT scenario_id, simulation_year, employee_id, prorated_annual_compensation AS b_pay, contribution_base_compensation AS b_cap,
       prorated_annual_contributions AS d, pre_tax_contributions, roth_contributions, applicable_deferral_limit, limit_type,
       current_deferral_rate, CASE
        WHEN prorated_annual_contributions < 0 THEN 'negative D'
        WHEN limit_type::VARCHAR <> want_type THEN 'limit_type <> ' || want_type || ' for age ' || current_age
        WHEN applicable_deferral_limit <> want_limit THEN 'applicable_deferral_limit <> IRS table (' || want_limit || ')'
        WHEN prorated_annual_contributions > applicable_deferral_limit + 0.001 THEN 'D > applicable 402(g) limit'
        WHEN irs_402g_limit_applied AND NOT irs_415c_limit_applied AND abs(prorated_annual_contributions - applicable_deferral_limit) > 0.001
            THEN '402(g) flag set but D <> limit'
        WHEN prorated_annual_contributions > 0 AND (employee_enrollment_date IS NULL OR employee_enrollment_date > b)
            THEN 'D > 0 but not enrolled by the end of employment'
        WHEN prorated_annual_contributions > 0 AND max_rate_in_y = 0 THEN 'D > 0 while the rate was 0 all year'
        WHEN pw_cents(pre_tax_contributions) + pw_cents(roth_contributions) <> pw_cents(prorated_annual_contributions)
            THEN 'pre_tax + roth <> D'
        WHEN pre_tax_contributions < 0 OR roth_contributions < 0 THEN 'negative pre-tax or Roth part'
        WHEN abs(roth_contributions - prorated_annual_contributions * roth_share) > 0.0051
            THEN 'roth <> round2(D x roth_share) (half a cent)'
        WHEN prorated_annual_contributions > deferral_cap * contribution_base_compensation + 0.01
            THEN 'D > plan_deferral_cap x B_cap'
        WHEN prorated_annual_contributions > max_rate_in_y * contribution_base_compensation + 0.01
            THEN 'D > (largest rate in force in Y) x B_cap'
        WHEN contribution_base_compensation > compensation_limit THEN 'B_cap > compensation_limit'
        WHEN abs(contribution_base_compensation - round(least(prorated_annual_compensation, compensation_limit), 2)) > 0.0051
            THEN 'B_cap <> round2(min(B, compensation_limit))'
        WHEN irs_401a17_limit_applied <> (prorated_annual_compensation > compensation_limit)
            THEN 'irs_401a17_limit_applied <> (B > compensation_limit)'
        WHEN abs(effective_annual_deferral_rate - CASE WHEN contribution_base_compensation > 0
                 THEN round(prorated_annual_contributions / contribution_base_compensation, 6) ELSE 0 END) > 1.01e-6
            THEN 'effective_annual_deferral_rate <> round6(D / B_cap)'
    END AS problem
FROM s
) WHERE problem IS NOT NULL
