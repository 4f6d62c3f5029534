/* compliance_read.c: one scenario-year of the output tables as the columns of the
 * compliance tests (struct pw_cy_year). One query over fct_workforce_snapshot of
 * the year, with the 415(c) match cut from fct_employer_match_events and, in the
 * first year, the census pay from the year's first compensation event (the same
 * rule as check_20b_hce). Only the user-facing names and columns are read. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/compliance_int.h"
#include "io/db_internal.h"

/* %s: the first year's census-pay join and column, or nothing. Enum columns are
 * compared with their members directly (no text casts). */
static const char year_sql[] =
    "WITH s AS (SELECT * FROM fct_workforce_snapshot WHERE scenario_id = $1 AND simulation_year = $2),"
    " me AS (SELECT employee_id, sum(irs_415c_reduction) AS cut FROM fct_employer_match_events"
    "   WHERE scenario_id = $1 AND simulation_year = $2 GROUP BY ALL)%s"
    " SELECT s.employee_id::VARCHAR,"
    " (s.employee_hire_date - DATE '1970-01-01')::INTEGER,"
    " s.employment_status = 'active',"
    " s.termination_date IS NOT NULL,"
    " s.current_age::INTEGER, s.current_tenure::INTEGER, s.annual_hours_worked::INTEGER,"
    " s.scheduled_hours_per_week::DOUBLE,"
    " CASE s.current_eligibility_status WHEN 'eligible' THEN 1 WHEN 'excluded' THEN 2 ELSE 0 END,"
    " s.employer_match_eligible,"
    " CASE s.employer_match_eligibility_reason WHEN 'inactive_eoy' THEN 1 WHEN 'insufficient_hours' THEN 2"
    "   WHEN 'insufficient_tenure' THEN 3 ELSE 0 END,"
    " s.prorated_annual_compensation::DOUBLE, s.contribution_base_compensation::DOUBLE,"
    " (s.pre_tax_contributions + s.roth_contributions)::DOUBLE,"
    " CASE WHEN s.limit_type <> 'BASE'"
    "   THEN greatest(0, s.pre_tax_contributions + s.roth_contributions - $3) ELSE 0 END::DOUBLE,"
    " s.employer_match_amount::DOUBLE, s.employer_core_amount::DOUBLE,"
    " CASE WHEN s.termination_date IS NULL THEN s.employer_match_balance + s.employer_core_balance"
    "   ELSE s.vested_balance END::DOUBLE,"
    " s.is_hce, s.is_5pct_owner, s.is_1pct_owner, s.is_officer, %s::DOUBLE,"
    " s.irs_402g_limit_applied, s.irs_415c_limit_applied,"
    " coalesce(me.cut, 0)::DOUBLE"
    " FROM s LEFT JOIN me USING (employee_id)%s"
    " ORDER BY s.employee_id";

/* The first year's look-back pay is the census pay (the rule of check_20b_hce). */
static const char first_cte[] =
    ", fc AS (SELECT employee_id, arg_min(previous_compensation, event_sequence) AS s0 FROM fct_yearly_events"
    "   WHERE scenario_id = $1 AND simulation_year = $2 AND event_type IN ('promotion', 'raise') GROUP BY ALL)";
static const char first_col[] = "CASE WHEN year(s.employee_hire_date) < $2 THEN coalesce(fc.s0, s.current_compensation) END";

enum { C_ID, C_HIRE, C_ACTIVE, C_TERM, C_AGE, C_TENURE, C_HOURS, C_SCHED, C_PLAN, C_MELIG, C_MREASON, C_COMP,
       C_TCOMP, C_DEF, C_CATCH, C_MATCH, C_CORE, C_EBAL, C_HCE, C_OWN5, C_OWN1, C_OFF, C_CENSUS, C_402G, C_415C,
       C_CUT, C_COUNT };

static bool valid(duckdb_vector v, idx_t r)
{
    uint64_t *m = duckdb_vector_get_validity(v);
    return !m || duckdb_validity_row_is_valid(m, r);
}

static uint8_t get_bool(duckdb_vector v, idx_t r) { return valid(v, r) && ((bool *)duckdb_vector_get_data(v))[r]; }
static int32_t get_i32(duckdb_vector v, idx_t r) { return valid(v, r) ? ((int32_t *)duckdb_vector_get_data(v))[r] : 0; }
static double get_f64(duckdb_vector v, idx_t r, double null_value)
{
    return valid(v, r) ? ((double *)duckdb_vector_get_data(v))[r] : null_value;
}

/* Copies one chunk's rows into y starting at row y->n. */
static int take_chunk(duckdb_data_chunk chunk, struct pw_cy_year *y, struct pw_err *err)
{
    idx_t rows = duckdb_data_chunk_get_size(chunk);
    duckdb_vector v[C_COUNT];
    for (int c = 0; c < C_COUNT; c++) v[c] = duckdb_data_chunk_get_vector(chunk, (idx_t)c);
    duckdb_string_t *ids = duckdb_vector_get_data(v[C_ID]);
    for (idx_t r = 0; r < rows; r++) {
        if (y->n >= y->cap) return pw_err_set(err, PW_EDB, "the snapshot changed while the compliance tests read it");
        size_t i = y->n;
        uint32_t len = duckdb_string_t_length(ids[r]);
        char *id = malloc((size_t)len + 1);
        if (!id) return pw_err_set(err, PW_ENOMEM, "out of memory reading the snapshot");
        memcpy(id, duckdb_string_t_data(&ids[r]), len);
        id[len] = '\0';
        y->id[i] = id;
        y->n++;
        y->hire_date[i] = get_i32(v[C_HIRE], r);
        y->active[i] = get_bool(v[C_ACTIVE], r);
        y->terminated[i] = get_bool(v[C_TERM], r);
        y->age[i] = (int16_t)get_i32(v[C_AGE], r);
        y->tenure[i] = (int16_t)get_i32(v[C_TENURE], r);
        y->hours[i] = get_i32(v[C_HOURS], r);
        y->sched_hours[i] = get_f64(v[C_SCHED], r, 40);
        y->plan_status[i] = (uint8_t)get_i32(v[C_PLAN], r);
        y->match_eligible[i] = get_bool(v[C_MELIG], r);
        y->match_reason[i] = (uint8_t)get_i32(v[C_MREASON], r);
        y->comp[i] = get_f64(v[C_COMP], r, 0);
        y->test_comp[i] = get_f64(v[C_TCOMP], r, 0);
        y->deferrals[i] = get_f64(v[C_DEF], r, 0);
        y->catch_up[i] = get_f64(v[C_CATCH], r, 0);
        y->match[i] = get_f64(v[C_MATCH], r, 0);
        y->core[i] = get_f64(v[C_CORE], r, 0);
        y->employer_balance[i] = get_f64(v[C_EBAL], r, 0);
        y->sim_hce[i] = get_bool(v[C_HCE], r);
        y->owner5[i] = get_bool(v[C_OWN5], r);
        y->owner1[i] = get_bool(v[C_OWN1], r);
        y->officer[i] = get_bool(v[C_OFF], r);
        y->census_comp[i] = get_f64(v[C_CENSUS], r, NAN);
        y->limited_402g[i] = get_bool(v[C_402G], r);
        y->limited_415c[i] = get_bool(v[C_415C], r);
        y->match_415c_cut[i] = get_f64(v[C_CUT], r, 0);
    }
    return 0;
}

int pw__compliance_read_year(struct pw_db *db, const char *scenario, int year, bool first_year, double base_limit,
                             struct pw_cy_year *y, struct pw_err *err)
{
    char sql[sizeof year_sql + sizeof first_cte + sizeof first_col + 64];
    snprintf(sql, sizeof sql, year_sql, first_year ? first_cte : "", first_year ? first_col : "NULL",
             first_year ? " LEFT JOIN fc USING (employee_id)" : "");
    duckdb_prepared_statement st;
    if (duckdb_prepare(db->connection, sql, &st) == DuckDBError) {
        pw_err_set(err, PW_EDB, "cannot read the snapshot of '%s' for the compliance tests: %s", scenario,
                   duckdb_prepare_error(st));
        duckdb_destroy_prepare(&st);
        return PW_EDB;
    }
    duckdb_result res;
    int rc = 0;
    if (duckdb_bind_varchar(st, 1, scenario) == DuckDBError || duckdb_bind_int32(st, 2, year) == DuckDBError ||
        duckdb_bind_double(st, 3, base_limit) == DuckDBError) {
        rc = pw_err_set(err, PW_EDB, "cannot read the snapshot of '%s' %d: bad parameters", scenario, year);
    } else if (duckdb_execute_prepared(st, &res) == DuckDBError) {
        rc = pw_err_set(err, PW_EDB, "cannot read the snapshot of '%s' %d: %s", scenario, year, duckdb_result_error(&res));
        duckdb_destroy_result(&res);
    } else {
        rc = pw_cy_year_reset(y, year, (size_t)duckdb_row_count(&res));
        if (rc) rc = pw_err_set(err, PW_ENOMEM, "out of memory reading the snapshot of '%s' %d", scenario, year);
        duckdb_data_chunk chunk;
        while (!rc && (chunk = duckdb_fetch_chunk(res)) != NULL) {
            rc = take_chunk(chunk, y, err);
            duckdb_destroy_data_chunk(&chunk);
        }
        duckdb_destroy_result(&res);
    }
    duckdb_destroy_prepare(&st);
    return rc;
}
