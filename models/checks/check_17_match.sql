-- Invariant 17 (MODEL 7, rules of MODEL 4.14): employer match.
-- planwise: kind=check materialized=view
--   0 <= match <= m_max x B_cap + 0.01, m_max = the largest match as a share of pay of
--   the schedule row that applies to the employee (least(sum of tier rate x width, cap);
--   tiered_match / safe_harbor_basic 0.04, qaca 0.035, simple_match 0.03; see
--   pw_match_tiers in macros.sql); match = 0 when the match is disabled, the employee is
--   not match-eligible or D = 0; without a 415(c) cut, match = round2(formula(d) x B_cap)
--   with d = effective_annual_deferral_rate (one cent slack), with a cut, match <= that.
--   The formula is the one the match pays by: the formula named by active_formula
--   (built-in or defined under employer_match.formulas), or with employer_match_status
--   graded_by_service / tenure_based / tenure_graded / points_based the list of that
--   name, a formula named after the mode (docs/decisions.md "Match modes are formulas").
--   A schedule row applies from its min to the next row's min (the last row on without
--   end; no row below the first min: match 0), by YOS = current_tenure, or for
--   points_based by age_Y + YOS with age_Y of the run's age convention (pw_age_y);
--   eligibility (YOS = current_tenure): apply_eligibility false -> active at Dec 31 and
--   hours >= 1000; true -> status test (active, or require_active_at_year_end false, or
--   an allowed kind of leaver), hours >= minimum_hours_annual, YOS >= minimum_tenure_years
--   or (allow_new_hires and hired in Y); reason = the first failing test, else eligible;
--   fct_employer_match_events has exactly the snapshot rows with match > 0, with the same
--   match, B_cap, D and d, dated Dec 31 Y, formula = the formula's name and type, YOS =
--   tenure, points = age + YOS for points_based (else NULL), effective_match_rate = match / D,
--   match_percentage_of_comp = match / B_cap, uncapped = round2(sum of tiers x B_cap),
--   match_cap_applied iff the cap cut it, irs_415c_reduction = formula amount - match
--   (0 without the 415(c) flag), event_id = uuid5 of 'scenario|employee|year|employer_match|0'.
--   A formula whose tiers cannot be read from the configuration skips the rules that
--   need them: m_max, the amount, formula_type, uncapped amount, cap flag and 415(c)
--   reduction.
-- Uses macros.sql. Returns one row per violation; no rows = pass.
WITH cfg AS (SELECT * FROM pw_config()),
tiers AS (SELECT * FROM pw_match_tiers()),
bands AS (SELECT * FROM pw_match_bands()),
known AS (SELECT scenario_id, any_value(formula_name) AS formula_name, any_value(formula_type) AS formula_type,
                 any_value(by_points) AS by_points FROM bands GROUP BY ALL),
s0 AS (
    SELECT s.*, c.active_formula, c.match_enabled, c.match_apply_eligibility, c.match_min_hours, c.match_min_tenure,
           c.match_require_active, c.match_allow_new_hires, c.match_allow_terminated_new_hires,
           c.match_allow_experienced_terminations,
           coalesce(k.formula_name, CASE WHEN c.match_status = 'deferral_based' THEN c.active_formula
                                         ELSE c.match_status END) AS formula_name,
           k.formula_name IS NOT NULL AS known_formula, k.formula_type AS known_type,
           CASE WHEN k.by_points THEN pw_age_y(c.age_convention, c.census_date, c.start_year, s.employee_birth_date,
                                               s.simulation_year) + s.current_tenure
                ELSE s.current_tenure END AS x,
           year(s.employee_hire_date) = s.simulation_year AS hired_in_y
    FROM fct_workforce_snapshot s
    JOIN cfg c USING (scenario_id)
    LEFT JOIN known k USING (scenario_id)
),
s AS (
    SELECT s0.*,
           -- a known formula without a row at x pays nothing
           CASE WHEN f.min_x IS NOT NULL THEN f.m_max WHEN s0.known_formula THEN 0.0 END AS m_max,
           s0.known_type AS formula_type, f.min_x AS band_min
    FROM s0
    LEFT JOIN bands f ON f.scenario_id = s0.scenario_id AND s0.x >= f.min_x AND (f.max_x IS NULL OR s0.x < f.max_x)
),
formula AS (
    SELECT s.scenario_id, s.simulation_year, s.employee_id,
           sum(t.match_rate * greatest(0, least(s.effective_annual_deferral_rate, t.employee_max) - t.employee_min)) AS uncapped_share,
           any_value(t.cap) AS cap
    FROM s JOIN tiers t ON t.scenario_id = s.scenario_id AND t.min_x = s.band_min
    GROUP BY ALL
),
chk AS (
    SELECT s.*, f.uncapped_share, f.cap,
           -- (least() skips NULLs: no tiers, no formula amount)
           CASE WHEN s.m_max IS NOT NULL
                THEN least(coalesce(f.uncapped_share, 0), coalesce(f.cap, 1e9)) * s.contribution_base_compensation
           END AS want_match,
           CASE WHEN NOT s.match_apply_eligibility THEN
                    CASE WHEN s.employment_status <> 'active' THEN 'inactive_eoy'
                         WHEN s.annual_hours_worked < 1000 THEN 'insufficient_hours' ELSE 'eligible' END
                WHEN NOT (s.employment_status = 'active' OR NOT s.match_require_active
                          OR (s.detailed_status_code = 'new_hire_termination' AND s.match_allow_terminated_new_hires)
                          OR (s.detailed_status_code = 'experienced_termination' AND s.match_allow_experienced_terminations))
                    THEN 'inactive_eoy'
                WHEN s.annual_hours_worked < s.match_min_hours THEN 'insufficient_hours'
                WHEN NOT (s.current_tenure >= s.match_min_tenure OR (s.match_allow_new_hires AND s.hired_in_y))
                    THEN 'insufficient_tenure'
                ELSE 'eligible' END AS want_reason
    FROM s LEFT JOIN formula f USING (scenario_id, simulation_year, employee_id)
)
SELECT * FROM (
SELECT scenario_id, simulation_year, employee_id, contribution_base_compensation AS b_cap,
       prorated_annual_contributions AS d, effective_annual_deferral_rate AS rate, employer_match_amount AS match,
       round(want_match, 2) AS want_match, CASE
        WHEN employer_match_amount < 0 THEN 'negative match'
        WHEN employer_match_amount > m_max * contribution_base_compensation + 0.01
            THEN 'match > m_max x B_cap (m_max = ' || m_max || ')'
        WHEN employer_match_eligibility_reason::VARCHAR <> want_reason
            THEN 'match eligibility reason ' || employer_match_eligibility_reason::VARCHAR || ' <> ' || want_reason
        WHEN employer_match_eligible <> (employer_match_eligibility_reason = 'eligible')
            THEN 'employer_match_eligible <> (reason = eligible)'
        WHEN employer_match_amount > 0 AND NOT employer_match_eligible THEN 'match for an ineligible employee'
        WHEN employer_match_amount > 0 AND prorated_annual_contributions = 0 THEN 'match with D = 0'
        WHEN employer_match_amount > 0 AND NOT match_enabled THEN 'match while the match is disabled'
        WHEN match_enabled AND employer_match_eligible AND NOT irs_415c_limit_applied
             AND abs(employer_match_amount - want_match) > 0.0101
            THEN 'match <> round2(formula(d) x B_cap)'
        WHEN employer_match_amount > want_match + 0.0101 THEN 'match > formula(d) x B_cap'
    END AS problem
FROM chk
) WHERE problem IS NOT NULL
UNION ALL
-- fct_employer_match_events against the snapshot
SELECT * FROM (
SELECT coalesce(s.scenario_id, m.scenario_id), coalesce(s.simulation_year, m.simulation_year),
       coalesce(s.employee_id, m.employee_id), s.contribution_base_compensation, s.prorated_annual_contributions,
       s.effective_annual_deferral_rate, s.employer_match_amount, m.employer_match_amount, CASE
        WHEN m.employee_id IS NULL THEN 'snapshot match > 0 without a match event row'
        WHEN s.employee_id IS NULL THEN 'match event row without a snapshot row with match > 0'
        WHEN pw_cents(m.employer_match_amount) <> pw_cents(s.employer_match_amount) THEN 'match event amount <> snapshot match'
        WHEN pw_cents(m.eligible_compensation) <> pw_cents(s.contribution_base_compensation) THEN 'eligible_compensation <> B_cap'
        WHEN pw_cents(m.annual_deferrals) <> pw_cents(s.prorated_annual_contributions) THEN 'annual_deferrals <> D'
        WHEN abs(m.deferral_rate - s.effective_annual_deferral_rate) > 1e-9 THEN 'deferral_rate <> d'
        WHEN m.effective_date <> make_date(m.simulation_year, 12, 31) THEN 'match event not dated Dec 31'
        WHEN m.formula_name <> s.formula_name THEN 'formula_name <> the formula the match pays by, ' || s.formula_name
        WHEN m.formula_type::VARCHAR <> s.formula_type THEN 'formula_type <> ' || s.formula_type
        WHEN m.years_of_service <> s.current_tenure THEN 'years_of_service <> reported tenure'
        WHEN m.formula_type = 'points_based' AND m.points IS DISTINCT FROM s.current_age + s.current_tenure
            THEN 'points <> age + YOS'
        WHEN m.formula_type <> 'points_based' AND m.points IS NOT NULL THEN 'points set for a formula not points_based'
        WHEN abs(m.effective_match_rate - m.employer_match_amount / m.annual_deferrals) > 1e-6 THEN 'effective_match_rate <> match / D'
        WHEN abs(m.match_percentage_of_comp - m.employer_match_amount / m.eligible_compensation) > 1e-6
            THEN 'match_percentage_of_comp <> match / B_cap'
        WHEN s.known_formula AND abs(m.uncapped_match_amount - coalesce(s.uncapped_share, 0) * s.contribution_base_compensation) > 0.0101
            THEN 'uncapped_match_amount <> round2(sum of tiers x B_cap) = '
                 || round(coalesce(s.uncapped_share, 0) * s.contribution_base_compensation, 2)
        WHEN s.cap IS NOT NULL AND abs(s.uncapped_share - s.cap) > 1e-9 AND m.match_cap_applied <> (s.uncapped_share > s.cap)
            THEN 'match_cap_applied <> (tiers exceed the cap)'
        WHEN s.m_max IS NOT NULL AND s.cap IS NULL AND m.match_cap_applied THEN 'match_cap_applied without a cap'
        WHEN m.irs_415c_reduction < 0 THEN 'negative irs_415c_reduction'
        WHEN NOT s.irs_415c_limit_applied AND m.irs_415c_reduction <> 0 THEN 'irs_415c_reduction without the 415(c) flag'
        WHEN abs(m.irs_415c_reduction - (s.want_match - m.employer_match_amount)) > 0.0101
            THEN 'irs_415c_reduction <> formula amount - final match'
        WHEN m.event_id::VARCHAR <> substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-5' || substr(h, 14, 3) || '-'
                || substr('89ab', ((strpos('0123456789abcdef', substr(h, 17, 1)) - 1) % 4) + 1, 1)
                || substr(h, 18, 3) || '-' || substr(h, 21, 12)
            THEN 'event_id <> uuid5(scenario|employee|year|employer_match|0)'
    END AS problem
FROM (SELECT * FROM chk WHERE employer_match_amount > 0) s
FULL JOIN (SELECT *, lower(sha1(unhex('96ce08760fb75911899ef6c2b8b36d20')
                      || encode(scenario_id || '|' || employee_id || '|' || simulation_year || '|employer_match|0'))) AS h
           FROM fct_employer_match_events) m USING (scenario_id, simulation_year, employee_id)
) WHERE problem IS NOT NULL
