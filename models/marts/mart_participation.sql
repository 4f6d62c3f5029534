-- Plan participation and average deferral by scenario, year, age band and income band.
-- planwise: kind=mart materialized=table
--   population     everyone employed in the year (snapshot rows, leavers included), as
--                  in the run summary
--   age_band       the snapshot's age band (the run's age_bands table)
--   income_band    the MODEL 4.11 income group of current_compensation: low < 50,000 <=
--                  moderate < 100,000 <= high < 200,000 <= executive (pw_income_group)
--   employees, eligible (status eligible), enrolled (is_enrolled_flag), participating
--   (deferral rate above 0 at the end of employment)
--   participation_rate        participating / eligible (6 decimals; NULL if none eligible)
--   avg_deferral_rate         mean current_deferral_rate of participants (NULL if none),
--                             from the sum of the rates in millionths, so it does not depend
--                             on the order rows are added in
--   employee_deferrals / employer_match  sums over the group, in cents
-- Reads the stored rows of the visible runs; the age at Dec 31 of Y is Y minus the
-- birth year, and its band comes from the run's band labels (pw.band_labels), as in
-- fct_workforce_snapshot.
WITH s AS (
    SELECT v.scenario_id, s.simulation_year, s.simulation_year - year(d.employee_birth_date) AS current_age,
           ab.label AS age_band,
           pw_income_group(s.current_compensation) AS income_band,
           s.current_eligibility_status, s.is_enrolled_flag, s.current_deferral_rate,
           s.prorated_annual_contributions, s.employer_match_amount
    FROM pw.snapshot s
    JOIN pw.visible_years v ON v.run_key = s.run_key AND v.simulation_year = s.simulation_year
    JOIN pw.dim_employee d ON d.run_key = s.run_key AND d.employee_key = s.employee_key
    JOIN pw.band_labels ab ON ab.run_key = s.run_key AND ab.dimension = 0
                          AND ab.value = least(s.simulation_year - year(d.employee_birth_date), 127)
)
SELECT scenario_id, simulation_year, age_band, income_band,
       count(*) AS employees,
       count(*) FILTER (WHERE current_eligibility_status = 'eligible') AS eligible,
       count(*) FILTER (WHERE is_enrolled_flag) AS enrolled,
       count(*) FILTER (WHERE current_deferral_rate > 0) AS participating,
       round(count(*) FILTER (WHERE current_deferral_rate > 0)
             / nullif(count(*) FILTER (WHERE current_eligibility_status = 'eligible'), 0), 6) AS participation_rate,
       round(sum(CAST(round(current_deferral_rate * 1e6) AS BIGINT)) FILTER (WHERE current_deferral_rate > 0)
             / nullif(count(*) FILTER (WHERE current_deferral_rate > 0), 0)) / 1e6 AS avg_deferral_rate,
       sum(pw_cents(prorated_annual_contributions)) / 100.0 AS employee_deferrals,
       sum(pw_cents(employer_match_amount)) / 100.0 AS employer_match
FROM s
GROUP BY scenario_id, simulation_year, age_band, income_band
ORDER BY scenario_id, simulation_year, min(current_age),
         CASE income_band WHEN 'low' THEN 1 WHEN 'moderate' THEN 2 WHEN 'high' THEN 3 ELSE 4 END;
