-- Invariant 2 (MODEL 7): growth exactness.
-- planwise: kind=check materialized=view
--   target_ending = rha(N x (1 + g)) (rha with the 1e-9 guard of MODEL 1.4);
--   ending_headcount_actual = the snapshot's actives at Dec 31 of Y;
--   reconciliation_error = ending_actual - target;
--   when nh_terms_shortfall = 0: ending_actual = target and reconciliation_error = 0;
--   when shortfall > 0 the hires that found no new-hire termination stay, so the
--   error equals the shortfall exactly.
-- Returns one row per violating (scenario, year); no rows = pass.
WITH act AS (
    SELECT scenario_id, simulation_year, count(*) FILTER (WHERE employment_status = 'active') AS actives
    FROM fct_workforce_snapshot
    GROUP BY ALL
),
chk AS (
    SELECT n.scenario_id, n.simulation_year, n.starting_headcount, n.target_growth_rate,
           n.target_ending_headcount, n.ending_headcount_actual, n.reconciliation_error,
           n.nh_terms_shortfall, coalesce(a.actives, 0) AS snapshot_actives,
           CAST(floor(n.starting_headcount * (1 + n.target_growth_rate) + 0.5 + 1e-9) AS BIGINT) AS want_target
    FROM fct_workforce_needs n
    LEFT JOIN act a ON a.scenario_id = n.scenario_id AND a.simulation_year = n.simulation_year
)
SELECT *,
       CASE
           WHEN target_ending_headcount <> want_target THEN 'target_ending_headcount <> rha(N (1 + g))'
           WHEN ending_headcount_actual <> snapshot_actives THEN 'ending_headcount_actual <> actives in the snapshot'
           WHEN reconciliation_error <> ending_headcount_actual - target_ending_headcount
               THEN 'reconciliation_error <> ending_actual - target'
           WHEN nh_terms_shortfall < 0 THEN 'negative nh_terms_shortfall'
           WHEN nh_terms_shortfall = 0 THEN 'shortfall 0 but ending_actual <> target'
           ELSE 'shortfall > 0 but reconciliation_error <> shortfall'
       END AS problem
FROM chk
WHERE target_ending_headcount <> want_target
   OR ending_headcount_actual <> snapshot_actives
   OR reconciliation_error <> ending_headcount_actual - target_ending_headcount
   OR nh_terms_shortfall < 0
   OR (nh_terms_shortfall = 0 AND (ending_headcount_actual <> target_ending_headcount OR reconciliation_error <> 0))
   OR (nh_terms_shortfall > 0 AND reconciliation_error <> nh_terms_shortfall)
