-- Plan participation and average deferral by scenario, year, age band and income band.
-- planwise: kind=mart materialized=table
--   population     everyone employed in the year (snapshot rows, leavers included), as
--                  in the run summary
--   age_band       the snapshot's age band (age_bands table)
--   income_band    the MODEL 4.11 income group of current_compensation: low < 50,000 <=
--                  moderate < 100,000 <= high < 200,000 <= executive (pw_income_group)
--   employees, eligible (status eligible), enrolled (is_enrolled_flag), participating
--   (deferral rate above 0 at the end of employment)
--   participation_rate        participating / eligible (6 decimals; NULL if none eligible)
--   avg_deferral_rate         mean current_deferral_rate of participants (NULL if none)
--   employee_deferrals / employer_match  sums over the group, in cents
WITH s AS (
    SELECT *, pw_income_group(current_compensation) AS income_band FROM fct_workforce_snapshot
)
SELECT scenario_id, simulation_year, age_band, income_band,
       count(*) AS employees,
       count(*) FILTER (WHERE current_eligibility_status = 'eligible') AS eligible,
       count(*) FILTER (WHERE is_enrolled_flag) AS enrolled,
       count(*) FILTER (WHERE current_deferral_rate > 0) AS participating,
       round(count(*) FILTER (WHERE current_deferral_rate > 0)
             / nullif(count(*) FILTER (WHERE current_eligibility_status = 'eligible'), 0), 6) AS participation_rate,
       round(avg(current_deferral_rate) FILTER (WHERE current_deferral_rate > 0), 6) AS avg_deferral_rate,
       sum(pw_cents(prorated_annual_contributions)) / 100.0 AS employee_deferrals,
       sum(pw_cents(employer_match_amount)) / 100.0 AS employer_match
FROM s
GROUP BY scenario_id, simulation_year, age_band, income_band
ORDER BY scenario_id, simulation_year, min(current_age),
         CASE income_band WHEN 'low' THEN 1 WHEN 'moderate' THEN 2 WHEN 'high' THEN 3 ELSE 4 END;
