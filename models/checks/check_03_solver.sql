-- Invariant 3 (MODEL 7, rules of MODEL 4.2): the growth solver trace.
-- planwise: kind=check materialized=view
--   Exp = N - H_prev, H_prev = the new_hire_active rows of Y-1 (0 in the first year);
--   exp_terms = floor(Exp t + H_prev n); net = target - (N - exp_terms);
--   net > 0  => hires = ceil(net / (1 - n)), hires - nh_terms = net, 0 <= nh_terms < hires, rif = 0;
--   net <= 0 => hires = nh_terms = 0 and rif = -net;
--   total_experienced_terminations = exp_terms + rif.
-- And the events realise the plan: hire events = total_hires, experienced
-- terminations = total_experienced_terminations, new-hire terminations =
-- nh_terms - nh_terms_shortfall. One fct_workforce_needs row per year S..E.
-- Returns one row per violating (scenario, year); no rows = pass.
WITH prev_hires AS (
    SELECT scenario_id, simulation_year + 1 AS simulation_year, count(*) AS h_prev
    FROM fct_workforce_snapshot
    WHERE detailed_status_code = 'new_hire_active'
    GROUP BY ALL
),
ev AS (
    SELECT scenario_id, simulation_year,
           count(*) FILTER (WHERE event_type = 'hire') AS hires,
           count(*) FILTER (WHERE event_category = 'experienced_termination') AS exp_terms,
           count(*) FILTER (WHERE event_category = 'new_hire_termination') AS nh_terms
    FROM fct_yearly_events
    GROUP BY ALL
),
meta AS (
    SELECT scenario_id, arg_max(start_year, started_at) AS start_year, arg_max(end_year, started_at) AS end_year
    FROM run_metadata
    GROUP BY ALL
),
n AS (
    SELECT n.*,
           CASE WHEN n.simulation_year = m.start_year THEN 0 ELSE coalesce(p.h_prev, 0) END AS want_h_prev,
           CAST(floor(n.experienced_headcount * n.termination_rate
                      + n.prior_year_hires_active * n.new_hire_termination_rate + 1e-9) AS BIGINT) AS want_exp_terms,
           coalesce(e.hires, 0) AS hire_events, coalesce(e.exp_terms, 0) AS exp_term_events,
           coalesce(e.nh_terms, 0) AS nh_term_events
    FROM fct_workforce_needs n
    LEFT JOIN meta m ON m.scenario_id = n.scenario_id
    LEFT JOIN prev_hires p ON p.scenario_id = n.scenario_id AND p.simulation_year = n.simulation_year
    LEFT JOIN ev e ON e.scenario_id = n.scenario_id AND e.simulation_year = n.simulation_year
),
bad AS (
    SELECT scenario_id, simulation_year, CASE
        WHEN prior_year_hires_active <> want_h_prev THEN 'H_prev <> new_hire_active rows of Y-1'
        WHEN experienced_headcount <> starting_headcount - prior_year_hires_active THEN 'Exp <> N - H_prev'
        WHEN expected_experienced_terminations <> want_exp_terms THEN 'exp_terms <> floor(Exp t + H_prev n)'
        WHEN net_from_hires <> target_ending_headcount - (starting_headcount - expected_experienced_terminations)
            THEN 'net_from_hires <> target - survivors'
        WHEN net_from_hires > 0 AND total_hires - expected_new_hire_terminations <> net_from_hires
            THEN 'net > 0 but hires - nh_terms <> net'
        WHEN net_from_hires > 0 AND NOT (expected_new_hire_terminations >= 0 AND expected_new_hire_terminations < total_hires)
            THEN 'net > 0 but not 0 <= nh_terms < hires'
        WHEN net_from_hires > 0 AND total_hires <> CAST(ceil(net_from_hires / (1 - new_hire_termination_rate) - 1e-9) AS BIGINT)
            THEN 'hires <> ceil(net / (1 - n))'
        WHEN net_from_hires > 0 AND rif_terminations <> 0 THEN 'net > 0 but rif_terminations <> 0'
        WHEN net_from_hires <= 0 AND (total_hires <> 0 OR expected_new_hire_terminations <> 0)
            THEN 'net <= 0 but hires or nh_terms <> 0'
        WHEN net_from_hires <= 0 AND rif_terminations <> -net_from_hires THEN 'net <= 0 but rif <> -net'
        WHEN total_experienced_terminations <> expected_experienced_terminations + rif_terminations
            THEN 'total_experienced_terminations <> exp_terms + rif'
        WHEN hire_events <> total_hires THEN 'hire events <> total_hires'
        WHEN exp_term_events <> total_experienced_terminations THEN 'experienced termination events <> total'
        WHEN nh_term_events <> expected_new_hire_terminations - nh_terms_shortfall
            THEN 'new-hire termination events <> nh_terms - shortfall'
        END AS problem
    FROM n
)
SELECT * FROM bad WHERE problem IS NOT NULL
UNION ALL
SELECT m.scenario_id, NULL::INTEGER, 'needs years are not exactly start_year..end_year'
FROM meta m
LEFT JOIN (SELECT scenario_id, count(DISTINCT simulation_year) AS years, count(*) AS rows,
                  min(simulation_year) AS y0, max(simulation_year) AS y1
           FROM fct_workforce_needs GROUP BY ALL) x ON x.scenario_id = m.scenario_id
WHERE x.y0 IS DISTINCT FROM m.start_year OR x.y1 IS DISTINCT FROM m.end_year
   OR x.years <> m.end_year - m.start_year + 1 OR x.rows <> x.years
