/* store_views.c: the SQL macros and the user-facing views of the narrow layout
 * (see store_views.h), made from the view column lists.
 *
 * The macros reproduce the engine's own arithmetic exactly, so a view shows the
 * very values the wide layout writes from C: pw.fixed is pw_tb_fixed (round half
 * away from zero of x * 10^places, then integer and fraction digits), pw.round2 /
 * pw.round6 are pw_round2 / pw_round6 (core/num.h, same operations in the same
 * order), pw.tenure_at is pw_tenure's integer floor(days / 365.25), and
 * pw.event_uuid is the UUID v5 of MODEL 6.1. `planwise benchmark` compares the
 * two layouts row for row on every run, which keeps them equal. */
#include "io/store_views.h"

#include "io/db_internal.h"
#include "io/store_schema.h"

#define PW__S(x) #x
#define PW__STR(x) PW__S(x)

#define PW__VCOL(name, type, expr) {#name, type, expr},
static const struct pw_view_column events_cols[] = {PW_V_EVENTS_COLUMNS(PW__VCOL)};
static const struct pw_view_column snapshot_cols[] = {PW_V_SNAPSHOT_COLUMNS(PW__VCOL)};
static const struct pw_view_column match_cols[] = {PW_V_MATCH_COLUMNS(PW__VCOL)};
static const struct pw_view_column needs_cols[] = {PW_V_NEEDS_COLUMNS(PW__VCOL)};
static const struct pw_view_column needs_level_cols[] = {PW_V_NEEDS_BY_LEVEL_COLUMNS(PW__VCOL)};
static const struct pw_view_column rejected_cols[] = {PW_V_REJECTED_COLUMNS(PW__VCOL)};
#undef PW__VCOL

#define PW__FROM_EMPLOYEE_YEAR(t)                                                                  \
    " JOIN pw.visible_years v ON v.run_key = " t ".run_key AND v.simulation_year = " t ".simulation_year" \
    " JOIN pw.dim_employee d ON d.run_key = " t ".run_key AND d.employee_key = " t ".employee_key"        \
    " JOIN pw.run_params p ON p.run_key = " t ".run_key"
/* The band label of a value of a run (pw.band_labels: 0 = age, 1 = tenure). */
#define PW__BAND_JOIN(alias, t, dim, value)                                                            \
    " LEFT JOIN pw.band_labels " alias " ON " alias ".run_key = " t ".run_key AND " alias ".dimension = " dim \
    " AND " alias ".value = least(" value ", " PW__STR(PW_BAND_VALUES) " - 1)"

#define PW__VIEW(name, cols, from) {name, cols, (int)(sizeof cols / sizeof *cols), from}
const struct pw_view_def pw_views[PW_V_COUNT] = {
    [PW_V_EVENTS] = PW__VIEW("fct_yearly_events", events_cols,
                             "FROM pw.events e" PW__FROM_EMPLOYEE_YEAR("e")
                             PW__BAND_JOIN("ab", "e", "0", "e.simulation_year - year(d.employee_birth_date)")
                             PW__BAND_JOIN("tb", "e", "1", "e.employee_tenure")),
    [PW_V_SNAPSHOT] = PW__VIEW("fct_workforce_snapshot", snapshot_cols,
                               "FROM pw.snapshot s" PW__FROM_EMPLOYEE_YEAR("s")
                               PW__BAND_JOIN("ab", "s", "0", PW_SNAP_AGE) PW__BAND_JOIN("tb", "s", "1", PW_SNAP_TENURE)),
    [PW_V_MATCH] = PW__VIEW("fct_employer_match_events", match_cols,
                            "FROM pw.snapshot s" PW__FROM_EMPLOYEE_YEAR("s")
                            " WHERE s.employer_match_amount > 0 AND p.match_formula_name IS NOT NULL"),
    [PW_V_NEEDS] = PW__VIEW("fct_workforce_needs", needs_cols,
                            "FROM pw.needs n JOIN pw.visible_years v"
                            " ON v.run_key = n.run_key AND v.simulation_year = n.simulation_year"),
    [PW_V_NEEDS_BY_LEVEL] = PW__VIEW("fct_workforce_needs_by_level", needs_level_cols,
                                     "FROM pw.needs_by_level n JOIN pw.visible_years v"
                                     " ON v.run_key = n.run_key AND v.simulation_year = n.simulation_year"),
    [PW_V_REJECTED] = PW__VIEW("census_rejected_rows", rejected_cols,
                               "FROM pw.rejected_rows r JOIN pw.visible_runs v ON v.run_key = r.run_key"),
};
#undef PW__VIEW

static const char *const macros[] = {
    /* pw_tb_fixed: x * 10^places rounded half away from zero, then digits. */
    "CREATE MACRO pw.fixed(x, places) AS"
    " CASE WHEN round(x * 10 ** places) < 0 THEN '-' ELSE '' END"
    " || CAST(CAST(abs(round(x * 10 ** places)) AS BIGINT) // CAST(10 ** places AS BIGINT) AS VARCHAR)"
    " || CASE WHEN places > 0 THEN '.' || lpad(CAST(CAST(abs(round(x * 10 ** places)) AS BIGINT)"
    " % CAST(10 ** places AS BIGINT) AS VARCHAR), places, '0') ELSE '' END",
    "CREATE MACRO pw.round2(x) AS CASE WHEN x < 0 THEN -(floor(abs(x) * 100.0 + 0.5 + 1e-7) / 100.0)"
    " ELSE floor(abs(x) * 100.0 + 0.5 + 1e-7) / 100.0 END",
    "CREATE MACRO pw.round6(x) AS CASE WHEN x < 0 THEN -(floor(abs(x) * 1e6 + 0.5 + 1e-6) / 1e6)"
    " ELSE floor(abs(x) * 1e6 + 0.5 + 1e-6) / 1e6 END",
    /* MODEL 1.3: age(b, d) and tenure(h, d) = floor(days / 365.25), 0 before hire. */
    "CREATE MACRO pw.age_at(b, d) AS CAST(year(d) - year(b) - CASE WHEN month(d) < month(b)"
    " OR (month(d) = month(b) AND day(d) < day(b)) THEN 1 ELSE 0 END AS INTEGER)",
    "CREATE MACRO pw.tenure_at(h, d) AS CASE WHEN d < h THEN 0"
    " ELSE CAST(date_diff('day', h, d) * 4 // 1461 AS INTEGER) END",
    /* Label of value v in a band list indexed by value (index v + 1; the last
     * entry stands for every larger value). */
    "CREATE MACRO pw.band(labels, v) AS labels[least(v, len(labels) - 1) + 1]",
    "CREATE MACRO pw.hours_text(h) AS CASE WHEN h = floor(h) THEN CAST(CAST(h AS BIGINT) AS VARCHAR)"
    " ELSE pw.fixed(h, 2) END",
    /* A SHA-1 in hex as a UUID of version 5 (RFC 4122 variant bits). */
    "CREATE MACRO pw.uuid_from_sha1(h) AS CAST(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-5'"
    " || substr(h, 14, 3) || '-' || substr('89ab', ((strpos('0123456789abcdef', substr(h, 17, 1)) - 1) % 4) + 1, 1)"
    " || substr(h, 18, 3) || '-' || substr(h, 21, 12) AS UUID)",
    /* MODEL 6.1: uuid5(namespace 96ce0876-..., 'scenario|employee|year|type|sequence'). */
    "CREATE MACRO pw.event_uuid(scenario, employee, yr, typ, seq) AS pw.uuid_from_sha1(lower(sha1("
    "unhex('96ce08760fb75911899ef6c2b8b36d20') || encode(scenario || '|' || employee || '|' || yr || '|'"
    " || typ || '|' || seq))))",
    /* MODEL 6.1 event_details, from the structured columns (model/events.h). */
    "CREATE MACRO pw.event_details(typ, cat, dt, lvl, rate, r1, r2, a1, a2, code, hours, birth, hire, raise_timing,"
    " selection, min_age, waiting, esc_inc, esc_cap, grace) AS CASE typ"
    " WHEN 'hire' THEN 'level=' || lvl || ';hours_per_week=' || pw.hours_text(hours)"
    "   || ';age_at_hire=' || pw.age_at(birth, hire)"
    " WHEN 'promotion' THEN 'from_level=' || code || ';to_level=' || lvl || ';raise_pct=' || pw.fixed(r1, 6)"
    " WHEN 'raise' THEN 'merit_rate=' || pw.fixed(r1, 6) || ';cola_rate=' || pw.fixed(r2, 6) || ';timing=' || raise_timing"
    " WHEN 'termination' THEN 'reason=' || cat || ';selection='"
    "   || CASE WHEN cat = 'experienced_termination' THEN selection ELSE 'uniform' END"
    " WHEN 'forfeiture' THEN 'match=' || pw.fixed(a1, 2) || ';core=' || pw.fixed(a2, 2)"
    "   || ';vested_pct_match=' || pw.fixed(r1, 6) || ';vested_pct_core=' || pw.fixed(r2, 6)"
    " WHEN 'eligibility' THEN 'eligibility_date=' || dt || ';minimum_age=' || min_age"
    "   || ';waiting_period_days=' || waiting"
    " WHEN 'enrollment' THEN 'method=' || CASE cat WHEN 'proactive_voluntary' THEN 'proactive'"
    "   WHEN 'voluntary_enrollment' THEN 'voluntary' WHEN 'year_over_year_voluntary' THEN 'year_over_year'"
    " WHEN 'census_enrollment' THEN 'census'"
    "   ELSE 'auto' END || ';rate=' || pw.fixed(rate, 6) || ';magnet=' || CASE WHEN code = 1 THEN 'true' ELSE 'false' END"
    " WHEN 'deferral_match_response' THEN 'direction=' || CASE WHEN code & 1 = 1 THEN 'upward' ELSE 'downward' END"
    "   || ';mode=' || CASE WHEN code & 4 = 0 THEN 'partial' WHEN code & 1 = 1 THEN 'maximize' ELSE 'reduce_to_max' END"
    "   || ';ceiling=' || pw.fixed(r1, 6)"
    " WHEN 'deferral_escalation' THEN 'increment=' || pw.fixed(esc_inc, 6) || ';cap=' || pw.fixed(esc_cap, 6)"
    "   || ';escalation_number=' || code"
    " WHEN 'enrollment_change' THEN 'action=opt_out;grace_period_days=' || grace"
    " END",
    /* A scenario's rows are those of its latest complete run; a year of it shows
     * once its commit record exists. */
    "CREATE VIEW pw.visible_runs AS SELECT scenario_id, max(run_key) AS run_key FROM main.run_metadata"
    " WHERE status = 'complete' GROUP BY scenario_id",
    "CREATE VIEW pw.visible_years AS SELECT r.scenario_id, c.run_key, c.simulation_year"
    " FROM pw.year_commits c JOIN pw.visible_runs r ON r.run_key = c.run_key",
    0,
};

/* The wide layout (the benchmark's baseline) stores the user-facing tables
 * themselves; these views give it the narrow relations the built-in SQL models
 * read, computed back from the wide rows (employee keys from a hash of the id,
 * event details parsed from their text), so the marts and checks run on both
 * layouts. Only the baseline mode writes this layout. */
#define PW__DETAIL(key) "TRY_CAST(regexp_extract(w.event_details, '" key "=([^;]*)', 1) AS DOUBLE)"
static const char *const wide_compat[] = {
    "CREATE VIEW pw.dim_employee AS SELECT r.run_key, CAST(hash(s.employee_id) >> 1 AS BIGINT) AS employee_key,"
    " s.employee_id, any_value(s.employee_ssn) AS employee_ssn, any_value(s.employee_birth_date) AS employee_birth_date,"
    " any_value(s.employee_hire_date) AS employee_hire_date,"
    " CAST(min(s.simulation_year) FILTER (WHERE s.detailed_status_code IN ('new_hire_active', 'new_hire_termination'))"
    " AS SMALLINT) AS hire_year, any_value(s.scheduled_hours_per_week) AS scheduled_hours_per_week,"
    " any_value(s.auto_escalation_opt_out) AS auto_escalation_opt_out"
    " FROM main.fct_workforce_snapshot s JOIN pw.visible_runs r ON r.scenario_id = s.scenario_id"
    " GROUP BY r.run_key, s.employee_id",
    "CREATE VIEW pw.events AS SELECT r.run_key, w.simulation_year, CAST(hash(w.employee_id) >> 1 AS BIGINT) AS employee_key,"
    " CAST(w.event_sequence AS UTINYINT) AS event_sequence, w.event_type, w.event_category, w.effective_date,"
    " CAST(w.level_id AS UTINYINT) AS level_id, CAST(w.employee_tenure AS UTINYINT) AS employee_tenure,"
    " w.compensation_amount, w.previous_compensation, w.employee_deferral_rate, w.prev_employee_deferral_rate,"
    " w.event_probability,"
    " CASE w.event_type WHEN 'promotion' THEN " PW__DETAIL("raise_pct") " WHEN 'raise' THEN " PW__DETAIL("merit_rate")
    " WHEN 'deferral_match_response' THEN " PW__DETAIL("ceiling") " WHEN 'forfeiture' THEN " PW__DETAIL("vested_pct_match")
    " END AS detail_rate_1,"
    " CASE w.event_type WHEN 'raise' THEN " PW__DETAIL("cola_rate") " WHEN 'forfeiture' THEN " PW__DETAIL("vested_pct_core")
    " END AS detail_rate_2,"
    " CASE WHEN w.event_type = 'forfeiture' THEN " PW__DETAIL("match") " END AS detail_amount_1,"
    " CASE WHEN w.event_type = 'forfeiture' THEN " PW__DETAIL("core") " END AS detail_amount_2,"
    " CAST(CASE w.event_type WHEN 'promotion' THEN " PW__DETAIL("from_level") " WHEN 'deferral_escalation' THEN "
    PW__DETAIL("escalation_number") " WHEN 'enrollment' THEN CASE WHEN w.event_details LIKE '%magnet=true%' THEN 1 ELSE 0 END"
    " WHEN 'deferral_match_response' THEN CASE WHEN w.event_details LIKE '%direction=upward%' THEN 1 ELSE 2 END"
    " + CASE WHEN w.event_details LIKE '%mode=partial%' THEN 0 ELSE 4 END ELSE 0 END AS UTINYINT) AS detail_code"
    " FROM main.fct_yearly_events w JOIN pw.visible_runs r ON r.scenario_id = w.scenario_id",
    "CREATE VIEW pw.snapshot AS SELECT r.run_key, s.simulation_year, CAST(hash(s.employee_id) >> 1 AS BIGINT) AS employee_key,"
    " s.termination_date, CAST(s.level_id AS UTINYINT) AS level_id, s.current_compensation, s.prorated_annual_compensation,"
    " CAST(s.annual_hours_worked AS SMALLINT) AS annual_hours_worked, s.employee_eligibility_date,"
    " s.current_eligibility_status, s.is_enrolled_flag, s.employee_enrollment_date, s.enrollment_method, s.ever_opted_out,"
    " s.current_deferral_rate, s.original_deferral_rate, CAST(s.total_deferral_escalations AS UTINYINT) AS"
    " total_deferral_escalations, s.last_escalation_date, s.contribution_base_compensation,"
    " s.prorated_annual_contributions, s.pre_tax_contributions, s.roth_contributions, s.effective_annual_deferral_rate,"
    " s.applicable_deferral_limit, s.limit_type, s.irs_402g_limit_applied, s.irs_401a17_limit_applied,"
    " s.irs_415c_limit_applied, s.employer_match_eligible, s.employer_match_eligibility_reason, s.employer_match_amount,"
    " coalesce(m.uncapped_match_amount, 0) AS uncapped_match_amount, coalesce(m.match_cap_applied, false) AS"
    " match_cap_applied, coalesce(m.irs_415c_reduction, 0) AS irs_415c_match_reduction, s.employer_core_eligible,"
    " s.employer_core_amount, s.employer_match_balance, s.employer_core_balance, CAST(s.vesting_years AS UTINYINT) AS"
    " vesting_years, s.match_vested_pct, s.core_vested_pct, s.vested_balance, s.forfeiture_amount, s.is_hce"
    " FROM main.fct_workforce_snapshot s JOIN pw.visible_runs r ON r.scenario_id = s.scenario_id"
    " LEFT JOIN main.fct_employer_match_events m ON m.scenario_id = s.scenario_id"
    " AND m.simulation_year = s.simulation_year AND m.employee_id = s.employee_id",
    "CREATE VIEW pw.needs AS SELECT r.run_key, n.* EXCLUDE (scenario_id)"
    " FROM main.fct_workforce_needs n JOIN pw.visible_runs r ON r.scenario_id = n.scenario_id",
    "CREATE VIEW pw.needs_by_level AS SELECT r.run_key, n.* EXCLUDE (scenario_id, level_id),"
    " CAST(n.level_id AS UTINYINT) AS level_id"
    " FROM main.fct_workforce_needs_by_level n JOIN pw.visible_runs r ON r.scenario_id = n.scenario_id",
    0,
};
#undef PW__DETAIL

/* ---- the unpacking views over the packed stores ------------------------------ */
#define PW__FIELD(col, name) "CAST((" col " >> " PW__STR(PW_##name##_SHIFT) ") & " PW__STR(PW_##name##_MASK) " AS UTINYINT)"
#define PW__FLAG(bit) "(codes & " PW__STR(PW_SNAPFLAG_##bit) ") <> 0"

/* pw.events: the event columns by name (what model/events.h describes), from
 * pw.event_store's codes and value slots (store_schema.h has the slot table). */
static const char events_view[] =
    "CREATE VIEW pw.events AS SELECT run_key, simulation_year, employee_key, "
    PW__FIELD("codes", EVCODE_SEQUENCE) " AS event_sequence, event_type, event_category, effective_date, "
    PW__FIELD("codes", EVCODE_LEVEL) " AS level_id, employee_tenure, "
    "value_1 AS compensation_amount, "
    "CASE event_type WHEN 'promotion' THEN value_2 WHEN 'raise' THEN value_2 WHEN 'termination' THEN value_1 "
    "WHEN 'deferral_match_response' THEN value_1 WHEN 'enrollment_change' THEN value_1 END AS previous_compensation, "
    "CASE event_type WHEN 'enrollment' THEN value_3 WHEN 'deferral_match_response' THEN value_3 "
    "WHEN 'deferral_escalation' THEN value_3 WHEN 'enrollment_change' THEN 0.0 END AS employee_deferral_rate, "
    "CASE event_type WHEN 'enrollment' THEN 0.0 WHEN 'deferral_match_response' THEN value_4 "
    "WHEN 'deferral_escalation' THEN value_4 WHEN 'enrollment_change' THEN value_4 END AS prev_employee_deferral_rate, "
    "event_probability, "
    "CASE event_type WHEN 'promotion' THEN value_3 WHEN 'raise' THEN value_3 WHEN 'forfeiture' THEN value_3 "
    "WHEN 'deferral_match_response' THEN value_2 END AS detail_rate_1, "
    "CASE event_type WHEN 'raise' THEN value_4 WHEN 'forfeiture' THEN value_4 END AS detail_rate_2, "
    "CASE WHEN event_type = 'forfeiture' THEN value_2 END AS detail_amount_1, "
    "CASE WHEN event_type = 'forfeiture' THEN pw.round2(value_1 - value_2) END AS detail_amount_2, "
    PW__FIELD("codes", EVCODE_DETAIL) " AS detail_code "
    "FROM pw.event_store";

/* pw.snapshot: the snapshot columns by name from pw.snapshot_store. */
static void snapshot_view(struct pw_strbuf *b)
{
    pw_sb_add(b, "CREATE VIEW pw.snapshot AS SELECT run_key, simulation_year, employee_key, termination_date, "
                 PW__FIELD("codes", SNAPCODE_LEVEL) " AS level_id, current_compensation, prorated_annual_compensation, "
                 "annual_hours_worked, employee_eligibility_date, ");
    pw_store_enum_case(b, "pw_eligibility_status", "(codes >> " PW__STR(PW_SNAPCODE_ELIG_SHIFT) ") & "
                       PW__STR(PW_SNAPCODE_ELIG_MASK), 0);
    pw_sb_add(b, " AS current_eligibility_status, " PW__FLAG(ENROLLED) " AS is_enrolled_flag, "
                 "employee_enrollment_date, ");
    pw_store_enum_case(b, "pw_enrollment_method", "(codes >> " PW__STR(PW_SNAPCODE_METHOD_SHIFT) ") & "
                       PW__STR(PW_SNAPCODE_METHOD_MASK), 1);
    pw_sb_add(b, " AS enrollment_method, " PW__FLAG(OPTED_OUT) " AS ever_opted_out, current_deferral_rate, "
                 "original_deferral_rate, " PW__FIELD("codes", SNAPCODE_ESCALATIONS) " AS total_deferral_escalations, "
                 "last_escalation_date, contribution_base_compensation, prorated_annual_contributions, "
                 "pre_tax_contributions, (round(prorated_annual_contributions * 100) - round(pre_tax_contributions * 100))"
                 " / 100.0 AS roth_contributions, effective_annual_deferral_rate, applicable_deferral_limit, ");
    pw_store_enum_case(b, "pw_limit_type", "(codes >> " PW__STR(PW_SNAPCODE_LIMIT_SHIFT) ") & "
                       PW__STR(PW_SNAPCODE_LIMIT_MASK), 0);
    pw_sb_add(b, " AS limit_type, " PW__FLAG(402G) " AS irs_402g_limit_applied, " PW__FLAG(401A17)
                 " AS irs_401a17_limit_applied, " PW__FLAG(415C) " AS irs_415c_limit_applied, " PW__FLAG(MATCH_ELIGIBLE)
                 " AS employer_match_eligible, ");
    pw_store_enum_case(b, "pw_match_eligibility_reason", "(codes >> " PW__STR(PW_SNAPCODE_REASON_SHIFT) ") & "
                       PW__STR(PW_SNAPCODE_REASON_MASK), 0);
    pw_sb_add(b, " AS employer_match_eligibility_reason, employer_match_amount, uncapped_match_amount, "
                 PW__FLAG(MATCH_CAPPED) " AS match_cap_applied, irs_415c_match_reduction, " PW__FLAG(CORE_ELIGIBLE)
                 " AS employer_core_eligible, employer_core_amount, employer_match_balance, employer_core_balance, "
                 "vesting_years, match_vested_pct, core_vested_pct, vested_balance, forfeiture_amount, "
                 PW__FLAG(HCE) " AS is_hce FROM pw.snapshot_store");
}

int pw_store_unpack_views_create(struct pw_db *db, struct pw_err *err)
{
    int rc = pw__db_query(db, events_view, NULL, "cannot create the output views", err);
    struct pw_strbuf b = PW_STRBUF_INIT;
    snapshot_view(&b);
    if (!rc) rc = pw_sb_ok(&b) ? pw_err_set(err, PW_ENOMEM, "out of memory")
                               : pw__db_query(db, pw_sb_text(&b), NULL, "cannot create the output views", err);
    pw_sb_release(&b);
    return rc;
}

static void view_ddl(struct pw_strbuf *b, const struct pw_view_def *v)
{
    pw_sb_addf(b, "CREATE VIEW %s AS SELECT ", v->name);
    for (int c = 0; c < v->column_count; c++)
        pw_sb_addf(b, "%sCAST(%s AS %s) AS %s", c ? ", " : "", v->columns[c].expr, v->columns[c].type,
                   v->columns[c].name);
    pw_sb_addf(b, " %s", v->from);
}

int pw_store_wide_compat_create(struct pw_db *db, struct pw_err *err)
{
    int rc = 0;
    for (int i = 0; macros[i] && !rc; i++) rc = pw__db_query(db, macros[i], NULL, "cannot create the output views", err);
    for (int i = 0; wide_compat[i] && !rc; i++)
        rc = pw__db_query(db, wide_compat[i], NULL, "cannot create the output views", err);
    return rc;
}

int pw_store_views_create(struct pw_db *db, struct pw_err *err)
{
    int rc = 0;
    for (int i = 0; macros[i] && !rc; i++) rc = pw__db_query(db, macros[i], NULL, "cannot create the output views", err);
    if (!rc) rc = pw_store_unpack_views_create(db, err);
    struct pw_strbuf b = PW_STRBUF_INIT;
    for (int v = 0; v < PW_V_COUNT && !rc; v++) {
        pw_sb_reset(&b);
        view_ddl(&b, &pw_views[v]);
        rc = pw_sb_ok(&b) ? pw_err_set(err, PW_ENOMEM, "out of memory")
                          : pw__db_query(db, pw_sb_text(&b), NULL, "cannot create the output views", err);
    }
    pw_sb_release(&b);
    return rc;
}

void pw_view_table_ddl(struct pw_strbuf *b, const struct pw_view_def *v)
{
    pw_sb_addf(b, "CREATE TABLE IF NOT EXISTS %s (", v->name);
    for (int c = 0; c < v->column_count; c++)
        pw_sb_addf(b, "%s%s %s", c ? ", " : "", v->columns[c].name, v->columns[c].type);
    pw_sb_add(b, ")");
}
