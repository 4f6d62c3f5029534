-- Invariant 4 (MODEL 7, rules of MODEL 4.3): level quotas.
-- planwise: kind=check materialized=view
--   sum of termination quotas = total_experienced_terminations; each quota <= the
--   level's starting headcount; realised experienced terminations per level (by the
--   level at the start of the year) = quota; sum of hires by level = total_hires;
--   per-level starting headcount = actives of Y-1 by level (Y > S), sums = N;
--   hires, new-hire terminations and ending headcount per level match the events
--   and the snapshot.
-- Largest remainder exactly: termination quotas f = min(h, T h div N) plus one unit
-- each for the levels first in (f < h desc, T h mod N desc, level asc); adaptive
-- hire quotas likewise with f = H h div N, (remainder desc, level asc). The hire
-- rule is checked only when the run's YAML sets no new_hire_level_distribution.
-- Returns one row per violating (scenario, year, level); no rows = pass.
WITH lv AS (
    SELECT l.*, n.starting_headcount AS n_total, n.total_experienced_terminations AS t_total,
           n.total_hires AS h_total
    FROM fct_workforce_needs_by_level l
    JOIN fct_workforce_needs n ON n.scenario_id = l.scenario_id AND n.simulation_year = l.simulation_year
),
meta AS (
    SELECT scenario_id, arg_max(start_year, started_at) AS start_year,
           regexp_matches(arg_max(coalesce(config_text, ''), started_at),
                          'new_hire_level_distribution:[ \t]*(\{[ \t]*[0-9]|\r?\n[ \t]+[0-9])') AS fixed_hires
    FROM run_metadata
    GROUP BY ALL
),
promos AS (
    SELECT scenario_id, simulation_year, employee_id, count(*) AS n
    FROM fct_yearly_events WHERE event_type = 'promotion' GROUP BY ALL
),
-- level at the start of Y of each leaver: the termination event's level minus promotions in Y
leavers AS (
    SELECT t.scenario_id, t.simulation_year, t.level_id - coalesce(p.n, 0) AS level_id, t.event_category
    FROM fct_yearly_events t
    LEFT JOIN promos p ON p.scenario_id = t.scenario_id AND p.simulation_year = t.simulation_year
                      AND p.employee_id = t.employee_id
    WHERE t.event_type = 'termination'
),
by_level_events AS (
    SELECT scenario_id, simulation_year, level_id,
           count(*) FILTER (WHERE event_category = 'experienced_termination') AS exp_terms,
           count(*) FILTER (WHERE event_category = 'new_hire_termination') AS nh_terms
    FROM leavers GROUP BY ALL
),
hire_events AS (
    SELECT scenario_id, simulation_year, level_id, count(*) AS hires
    FROM fct_yearly_events WHERE event_type = 'hire' GROUP BY ALL
),
prev_actives AS (
    SELECT scenario_id, simulation_year + 1 AS simulation_year, level_id, count(*) AS n
    FROM fct_workforce_snapshot WHERE employment_status = 'active' GROUP BY ALL
),
end_actives AS (
    SELECT scenario_id, simulation_year, level_id, count(*) AS n
    FROM fct_workforce_snapshot WHERE employment_status = 'active' GROUP BY ALL
),
-- largest remainder, recomputed
tq AS (
    SELECT scenario_id, simulation_year, level_id, starting_headcount AS h, t_total, h_total, n_total,
           CASE WHEN starting_headcount > 0 AND n_total > 0
                THEN least(starting_headcount, (t_total * starting_headcount) // n_total) ELSE 0 END AS tf,
           CASE WHEN n_total > 0 THEN (t_total * starting_headcount) % n_total ELSE 0 END AS tr,
           CASE WHEN starting_headcount > 0 AND n_total > 0
                THEN (h_total * starting_headcount) // n_total ELSE 0 END AS hf,
           CASE WHEN n_total > 0 THEN (h_total * starting_headcount) % n_total ELSE 0 END AS hr
    FROM lv
),
tq2 AS (
    SELECT *,
           t_total - sum(tf) OVER w AS t_left,
           h_total - sum(hf) OVER w AS h_left,
           row_number() OVER (PARTITION BY scenario_id, simulation_year
                              ORDER BY (h > 0) DESC, (tf < h) DESC, tr DESC, level_id) AS t_rank,
           row_number() OVER (PARTITION BY scenario_id, simulation_year
                              ORDER BY (h > 0) DESC, hr DESC, level_id) AS h_rank
    FROM tq
    WINDOW w AS (PARTITION BY scenario_id, simulation_year)
),
want AS (
    SELECT scenario_id, simulation_year, level_id,
           tf + CASE WHEN h > 0 AND t_rank <= t_left THEN 1 ELSE 0 END AS want_quota,
           hf + CASE WHEN h > 0 AND h_rank <= h_left THEN 1 ELSE 0 END AS want_hires
    FROM tq2
),
per_level AS (
    SELECT l.scenario_id, l.simulation_year, l.level_id, l.starting_headcount, l.termination_quota,
           l.terminations_realized, l.hires, l.new_hire_terminations, l.ending_headcount,
           coalesce(b.exp_terms, 0) AS exp_term_events, coalesce(b.nh_terms, 0) AS nh_term_events,
           coalesce(h.hires, 0) AS hire_events, coalesce(e.n, 0) AS end_actives,
           CASE WHEN l.simulation_year = m.start_year THEN l.starting_headcount ELSE coalesce(p.n, 0) END AS start_actives,
           w.want_quota, w.want_hires, m.fixed_hires,
           CASE
               WHEN l.termination_quota > l.starting_headcount THEN 'termination quota > level headcount'
               WHEN l.termination_quota < 0 OR l.hires < 0 THEN 'negative quota'
               WHEN l.terminations_realized <> l.termination_quota THEN 'terminations_realized <> quota'
               WHEN coalesce(b.exp_terms, 0) <> l.termination_quota THEN 'experienced termination events by start level <> quota'
               WHEN coalesce(h.hires, 0) <> l.hires THEN 'hire events by level <> hires'
               WHEN coalesce(b.nh_terms, 0) <> l.new_hire_terminations THEN 'new-hire termination events by level <> new_hire_terminations'
               WHEN coalesce(e.n, 0) <> l.ending_headcount THEN 'snapshot actives by level <> ending_headcount'
               WHEN l.simulation_year > m.start_year AND coalesce(p.n, 0) <> l.starting_headcount
                   THEN 'starting_headcount <> actives of Y-1 at that level'
               WHEN l.termination_quota <> w.want_quota THEN 'termination quota <> largest-remainder quota'
               WHEN NOT m.fixed_hires AND l.hires <> w.want_hires THEN 'hires <> adaptive largest-remainder quota'
           END AS problem
    FROM fct_workforce_needs_by_level l
    LEFT JOIN meta m USING (scenario_id)
    LEFT JOIN by_level_events b USING (scenario_id, simulation_year, level_id)
    LEFT JOIN hire_events h USING (scenario_id, simulation_year, level_id)
    LEFT JOIN end_actives e USING (scenario_id, simulation_year, level_id)
    LEFT JOIN prev_actives p USING (scenario_id, simulation_year, level_id)
    LEFT JOIN want w USING (scenario_id, simulation_year, level_id)
),
totals AS (
    SELECT scenario_id, simulation_year, NULL::INTEGER AS level_id, CASE
        WHEN sum(l.termination_quota) <> any_value(n.total_experienced_terminations)
            THEN 'sum of termination quotas <> total_experienced_terminations'
        WHEN sum(l.hires) <> any_value(n.total_hires) THEN 'sum of level hires <> total_hires'
        WHEN sum(l.starting_headcount) <> any_value(n.starting_headcount) THEN 'sum of level starting headcounts <> N'
        WHEN sum(l.ending_headcount) <> any_value(n.ending_headcount_actual) THEN 'sum of level ending headcounts <> ending_actual'
        END AS problem
    FROM fct_workforce_needs_by_level l
    JOIN fct_workforce_needs n USING (scenario_id, simulation_year)
    GROUP BY scenario_id, simulation_year
),
-- events at a level that has no fct_workforce_needs_by_level row
orphans AS (
    SELECT x.scenario_id, x.simulation_year, x.level_id, 'events at a level without a by-level row' AS problem
    FROM (SELECT scenario_id, simulation_year, level_id FROM hire_events
          UNION SELECT scenario_id, simulation_year, level_id FROM by_level_events
          UNION SELECT scenario_id, simulation_year, level_id FROM end_actives) x
    ANTI JOIN fct_workforce_needs_by_level l USING (scenario_id, simulation_year, level_id)
)
SELECT scenario_id, simulation_year, level_id, problem FROM per_level WHERE problem IS NOT NULL
UNION ALL
SELECT scenario_id, simulation_year, level_id, problem FROM totals WHERE problem IS NOT NULL
UNION ALL
SELECT scenario_id, simulation_year, level_id, problem FROM orphans
