/* compliance_store.c: the three compliance tables (DDL) and their writers. Rows go
 * through a DuckDB appender in whole data chunks, filled here column by column
 * (the detail table has one row per employee-year, so one library call per value
 * would cost more than the tests). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/compliance_int.h"
#include "io/db_internal.h"
#include "model/compliance_groups.h"

/* adp_status / acp_status: the order of the PW_CY_TESTED ... codes (compliance_year.h). */
#define STATUS_ENUM \
    "ENUM('tested', 'not_yet_eligible', 'excluded_from_plan', 'otherwise_excludable', 'not_match_eligible', 'no_match')"

static const char *const ddl[] = {
    "CREATE TABLE IF NOT EXISTS fct_compliance_tests ("
    " scenario_id VARCHAR NOT NULL, simulation_year INTEGER NOT NULL, test_order INTEGER NOT NULL,"
    " test VARCHAR NOT NULL, method VARCHAR, result VARCHAR NOT NULL,"
    " hce_pct DOUBLE, nhce_pct DOUBLE, ratio_pct DOUBLE, limit_pct DOUBLE, margin_pct DOUBLE,"
    " hce_count BIGINT, nhce_count BIGINT, excluded_count BIGINT, excluded_reasons VARCHAR,"
    " correction VARCHAR, correction_amount DOUBLE, correction_cost DOUBLE, correction_count BIGINT,"
    " corrected_result VARCHAR, corrected_margin_pct DOUBLE,"
    " alt_refund_amount DOUBLE, alt_qnec_targeted_cost DOUBLE, alt_qnec_uniform_cost DOUBLE,"
    " alt_qnec_uniform_rate DOUBLE, affected_count BIGINT, affected_amount DOUBLE, note VARCHAR)",

    /* One row per employee-year: the fixed vocabularies are ENUMs and the columns name
     * their compression, which keeps writing it cheap (as the snapshot does). */
    "CREATE TABLE IF NOT EXISTS fct_compliance_detail ("
    " scenario_id VARCHAR NOT NULL USING COMPRESSION dictionary,"
    " simulation_year INTEGER NOT NULL USING COMPRESSION rle,"
    " employee_id VARCHAR NOT NULL USING COMPRESSION fsst,"
    " is_hce BOOLEAN NOT NULL USING COMPRESSION rle, hce_basis VARCHAR USING COMPRESSION dictionary,"
    " prior_year_compensation DOUBLE USING COMPRESSION alp,"
    " is_key_employee BOOLEAN NOT NULL USING COMPRESSION rle, key_basis VARCHAR USING COMPRESSION dictionary,"
    " testing_compensation DOUBLE USING COMPRESSION alp,"
    " adp_status " STATUS_ENUM " NOT NULL USING COMPRESSION bitpacking,"
    " elective_deferrals DOUBLE USING COMPRESSION alp, catch_up_deferrals DOUBLE USING COMPRESSION alp,"
    " adp_ratio DOUBLE USING COMPRESSION alp, adp_refund DOUBLE USING COMPRESSION alp,"
    " adp_qnec DOUBLE USING COMPRESSION alp,"
    " acp_status " STATUS_ENUM " NOT NULL USING COMPRESSION bitpacking,"
    " matching_contributions DOUBLE USING COMPRESSION alp, acp_ratio DOUBLE USING COMPRESSION alp,"
    " acp_refund DOUBLE USING COMPRESSION alp, acp_qnec DOUBLE USING COMPRESSION alp,"
    " benefits_401k BOOLEAN NOT NULL USING COMPRESSION rle, benefits_401m BOOLEAN NOT NULL USING COMPRESSION rle,"
    " benefits_nonelective BOOLEAN NOT NULL USING COMPRESSION rle,"
    " coverage_excluded_reason ENUM('under_21', 'under_1_year', 'leaver_500_hours') USING COMPRESSION bitpacking,"
    " core_allocation_rate DOUBLE USING COMPRESSION alp, rate_group_ratio DOUBLE USING COMPRESSION alp,"
    " top_heavy_minimum DOUBLE USING COMPRESSION alp, plan_balance DOUBLE USING COMPRESSION alp)",

    "CREATE TABLE IF NOT EXISTS fct_compliance_cost ("
    " scenario_id VARCHAR NOT NULL, simulation_year INTEGER NOT NULL,"
    " adp_qnec_cost DOUBLE NOT NULL, acp_qnec_cost DOUBLE NOT NULL, top_heavy_minimum_cost DOUBLE NOT NULL,"
    " total_correction_cost DOUBLE NOT NULL, adp_refunds DOUBLE NOT NULL, acp_refunds DOUBLE NOT NULL)",
};

int pw_compliance_ensure_tables(struct pw_db *db, struct pw_err *err)
{
    for (size_t i = 0; i < sizeof ddl / sizeof *ddl; i++) {
        int rc = pw_db_exec(db, ddl[i], err);
        if (rc) return rc;
    }
    return 0;
}

/* ---- a chunk writer for VARCHAR, INTEGER, BIGINT, DOUBLE and BOOLEAN columns ---- */

#define MAX_COLS 40

struct writer {
    const char *table;
    duckdb_appender app;
    duckdb_data_chunk chunk;
    idx_t cols, row, capacity;
    duckdb_vector vec[MAX_COLS];
    void *data[MAX_COLS];
    int col;                      /* next column of the current row */
};

static void bind_vectors(struct writer *w)
{
    for (idx_t c = 0; c < w->cols; c++) {
        w->vec[c] = duckdb_data_chunk_get_vector(w->chunk, c);
        w->data[c] = duckdb_vector_get_data(w->vec[c]);
    }
}

static int writer_open(struct writer *w, struct pw_db *db, const char *table, struct pw_err *err)
{
    memset(w, 0, sizeof *w);
    w->table = table;
    if (duckdb_appender_create(db->connection, NULL, table, &w->app) == DuckDBError) {
        int rc = pw_err_set(err, PW_EDB, "cannot append to '%s': %s", table, duckdb_appender_error(w->app));
        duckdb_appender_destroy(&w->app);
        return rc;
    }
    w->cols = duckdb_appender_column_count(w->app);
    PW_ASSERT(w->cols <= MAX_COLS);
    duckdb_logical_type types[MAX_COLS];
    for (idx_t c = 0; c < w->cols; c++) types[c] = duckdb_appender_column_type(w->app, c);
    w->chunk = duckdb_create_data_chunk(types, w->cols);
    for (idx_t c = 0; c < w->cols; c++) duckdb_destroy_logical_type(&types[c]);
    w->capacity = duckdb_vector_size();
    bind_vectors(w);
    return 0;
}

static void w_null(struct writer *w)
{
    duckdb_vector v = w->vec[w->col++];
    duckdb_vector_ensure_validity_writable(v);
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(v), w->row);
}
static void w_str(struct writer *w, const char *s)
{
    if (!s || !*s) {
        w_null(w);
        return;
    }
    duckdb_vector_assign_string_element(w->vec[w->col++], w->row, s);
}
static void w_i32(struct writer *w, int32_t v) { ((int32_t *)w->data[w->col++])[w->row] = v; }
static void w_i64(struct writer *w, int64_t v)
{
    if (v < 0) {
        w_null(w);
        return;
    }
    ((int64_t *)w->data[w->col++])[w->row] = v;
}
static void w_f64(struct writer *w, double v)
{
    if (isnan(v) || isinf(v)) {
        w_null(w);
        return;
    }
    ((double *)w->data[w->col++])[w->row] = v;
}
static void w_bool(struct writer *w, bool v) { ((bool *)w->data[w->col++])[w->row] = v; }
/* An ENUM column of at most 256 members: its index (the vector holds uint8_t). */
static void w_enum(struct writer *w, uint8_t index) { ((uint8_t *)w->data[w->col++])[w->row] = index; }

static int flush(struct writer *w, struct pw_err *err)
{
    if (w->row == 0) return 0;
    duckdb_data_chunk_set_size(w->chunk, w->row);
    if (duckdb_append_data_chunk(w->app, w->chunk) == DuckDBError)
        return pw_err_set(err, PW_EDB, "cannot append to '%s': %s", w->table, duckdb_appender_error(w->app));
    duckdb_data_chunk_reset(w->chunk);
    bind_vectors(w);
    w->row = 0;
    return 0;
}

static int end_row(struct writer *w, struct pw_err *err)
{
    PW_ASSERT((idx_t)w->col == w->cols);   /* a writer below does not match its table */
    w->col = 0;
    return ++w->row == w->capacity ? flush(w, err) : 0;
}

static int writer_close(struct writer *w, int rc, struct pw_err *err)
{
    if (rc == 0) rc = flush(w, err);
    if (rc == 0 && duckdb_appender_close(w->app) == DuckDBError)
        rc = pw_err_set(err, PW_EDB, "cannot write '%s': %s", w->table, duckdb_appender_error(w->app));
    duckdb_destroy_data_chunk(&w->chunk);
    duckdb_appender_destroy(&w->app);
    return rc;
}

/* ---- rows ---- */

static double money(double x) { return isnan(x) ? x : round(x * 100) / 100; }
static double rate6(double x) { return isnan(x) || isinf(x) ? x : round(x * 1e6) / 1e6; }

int pw__compliance_write_tests(struct pw_db *db, const char *scenario, int year, const struct pw_cy_test *tests,
                               struct pw_err *err)
{
    struct writer w;
    int rc = writer_open(&w, db, "fct_compliance_tests", err);
    if (rc) return rc;
    for (int i = 0; i < PW_CY_TESTS && !rc; i++) {
        const struct pw_cy_test *t = &tests[i];
        w_str(&w, scenario);
        w_i32(&w, year);
        w_i32(&w, i + 1);
        w_str(&w, pw_cy_test_names[i]);
        w_str(&w, t->method);
        w_str(&w, t->result);
        w_f64(&w, rate6(t->hce_pct));
        w_f64(&w, rate6(t->nhce_pct));
        w_f64(&w, rate6(t->ratio_pct));
        w_f64(&w, rate6(t->limit_pct));
        w_f64(&w, rate6(t->margin_pct));
        w_i64(&w, t->hce_count);
        w_i64(&w, t->nhce_count);
        w_i64(&w, t->excluded_count);
        w_str(&w, t->excluded_reasons);
        w_str(&w, t->correction);
        w_f64(&w, money(t->correction_amount));
        w_f64(&w, money(t->correction_cost));
        w_i64(&w, t->correction_count);
        w_str(&w, t->corrected_result);
        w_f64(&w, rate6(t->corrected_margin_pct));
        w_f64(&w, money(t->alt_refund_amount));
        w_f64(&w, money(t->alt_qnec_targeted_cost));
        w_f64(&w, money(t->alt_qnec_uniform_cost));
        w_f64(&w, rate6(t->alt_qnec_uniform_rate));
        w_i64(&w, t->affected_count);
        w_f64(&w, money(t->affected_amount));
        w_str(&w, t->note);
        rc = end_row(&w, err);
    }
    if ((rc = writer_close(&w, rc, err))) return rc;

    /* The cost line: QNECs and top-heavy minimums cost the employer; refunds move the
     * HCEs' own money (ADP) or their match (ACP) out of the plan. */
    const struct pw_cy_test *adp = &tests[PW_CY_ADP], *acp = &tests[PW_CY_ACP], *th = &tests[PW_CY_TOP_HEAVY];
    double c_adp = !strncmp(adp->correction, "qnec", 4) ? adp->correction_cost : 0;
    double c_acp = !strncmp(acp->correction, "qnec", 4) ? acp->correction_cost : 0;
    double c_th = !strcmp(th->correction, "top_heavy_minimum") ? th->correction_cost : 0;
    double r_adp = !strcmp(adp->correction, "refund") ? adp->correction_amount : 0;
    double r_acp = !strcmp(acp->correction, "refund") ? acp->correction_amount : 0;
    if ((rc = writer_open(&w, db, "fct_compliance_cost", err))) return rc;
    w_str(&w, scenario);
    w_i32(&w, year);
    w_f64(&w, money(c_adp));
    w_f64(&w, money(c_acp));
    w_f64(&w, money(c_th));
    w_f64(&w, money(c_adp + c_acp + c_th));
    w_f64(&w, money(r_adp));
    w_f64(&w, money(r_acp));
    rc = end_row(&w, err);
    return writer_close(&w, rc, err);
}

static void basis_text(uint8_t key, char *buf, size_t size)
{
    buf[0] = '\0';
    static const struct {
        unsigned bit;
        const char *name;
    } k[] = {{PW_KEY_OFFICER, "officer"}, {PW_KEY_OWNER5, "5pct_owner"}, {PW_KEY_OWNER1, "1pct_owner"}};
    for (size_t i = 0; i < 3; i++)
        if (key & k[i].bit) {
            size_t len = strlen(buf);
            snprintf(buf + len, size - len, "%s%s", len ? "," : "", k[i].name);
        }
}

int pw__compliance_write_detail(struct pw_db *db, const char *scenario, const struct pw_cy_detail *years, size_t n,
                                struct pw_err *err)
{
    static const char *const hce_basis[] = {NULL, "pay", "5pct_owner", "pay,5pct_owner"};
    struct writer w;
    int rc = writer_open(&w, db, "fct_compliance_detail", err);
    if (rc) return rc;
    char key[48];
    for (size_t k = 0; k < n && !rc; k++) {
        const struct pw_cy_detail *y = &years[k];
        for (size_t i = 0; i < y->n && !rc; i++) {
            w_str(&w, scenario);
            w_i32(&w, y->year);
            w_str(&w, y->id[i]);
            w_bool(&w, y->hce[i]);
            w_str(&w, hce_basis[y->hce_basis[i] & 3u]);
            w_f64(&w, money(y->prior_comp[i]));
            w_bool(&w, y->key_basis[i] != 0);
            basis_text(y->key_basis[i], key, sizeof key);
            w_str(&w, key);
            w_f64(&w, money(y->test_comp[i]));
            w_enum(&w, y->adp_status[i]);
            w_f64(&w, money(y->deferrals[i]));
            w_f64(&w, money(y->catch_up[i]));
            w_f64(&w, rate6(y->adp_ratio[i]));
            w_f64(&w, money(y->adp_refund[i]));
            w_f64(&w, money(y->adp_qnec[i]));
            w_enum(&w, y->acp_status[i]);
            w_f64(&w, money(y->match[i]));
            w_f64(&w, rate6(y->acp_ratio[i]));
            w_f64(&w, money(y->acp_refund[i]));
            w_f64(&w, money(y->acp_qnec[i]));
            w_bool(&w, (y->benefits[i] & PW_CY_BEN_401K) != 0);
            w_bool(&w, (y->benefits[i] & PW_CY_BEN_401M) != 0);
            w_bool(&w, (y->benefits[i] & PW_CY_BEN_NE) != 0);
            if (y->coverage_excluded[i] == PW_CY_COUNTED) w_null(&w);
            else w_enum(&w, (uint8_t)(y->coverage_excluded[i] - 1));   /* ENUM order = PW_CY_UNDER_21 ... */
            w_f64(&w, rate6(y->core_rate[i]));
            w_f64(&w, rate6(y->rate_group_ratio[i]));
            w_f64(&w, money(y->th_minimum[i]));
            w_f64(&w, money(y->plan_balance[i]));
            rc = end_row(&w, err);
        }
    }
    return writer_close(&w, rc, err);
}
