/* export_xlsx.c: the Excel workbook of `planwise export --format xlsx`. Each sheet
 * is one SQL query; values come back as text from DuckDB and are written as numbers
 * where the column type is numeric, so spreadsheets can sum them. Number formats are
 * picked from the column name (money, rates) because the queries name their columns
 * that way; headers are frozen and widths set from the longest value seen. */
#include "report/export_xlsx.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/atomic_file.h"
#include "io/compare.h"
#include "io/db_result.h"
#include "io/export.h"

struct sheet {
    char name[32];      /* Excel allows 31 characters */
    char sql[2048];
};

static bool is_numeric_type(const char *t)
{
    static const char *const num[] = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                                      "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL"};
    for (size_t i = 0; i < sizeof num / sizeof *num; i++)
        if (strncmp(t, num[i], strlen(num[i])) == 0) return true;
    return false;
}

static bool name_has(const char *name, const char *const *words)
{
    for (; *words; words++)
        if (strstr(name, *words)) return true;
    return false;
}

enum fmt_kind { F_TEXT, F_INT, F_MONEY, F_RATE, F_NUM };

static enum fmt_kind column_kind(const char *name, const char *type)
{
    static const char *const rate[] = {"rate", "pct", "share", "vested_pct", NULL};
    static const char *const money[] = {"payroll", "compensation", "amount", "deferrals", "match", "core", "forfeit",
                                        "cost", "balance", "contributions", "limit", "change", "_value",
                                        "difference", NULL};
    if (!is_numeric_type(type)) return F_TEXT;
    if (strcmp(name, "pct_difference") == 0) return F_NUM;   /* already in percent */
    if (name_has(name, rate)) return F_RATE;
    if (strstr(type, "INT") && !name_has(name, money)) return F_INT;
    if (name_has(name, money)) return F_MONEY;
    return F_NUM;
}

static int add_sheets(struct pw_db *db, const char *scenario, struct sheet *out, size_t *n, struct pw_err *err)
{
    char q[512];
    pw_sql_quote(q, sizeof q, scenario);
    int64_t last = 0;
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(simulation_year), 0) FROM fct_workforce_snapshot WHERE scenario_id = %s", q);
    int rc = pw_db_query_int(db, sql, &last, err);
    if (rc) return rc;
    *n = 0;
    struct sheet *s = &out[(*n)++];
    snprintf(s->name, sizeof s->name, "workforce_by_year");
    snprintf(s->sql, sizeof s->sql,
             "SELECT s.simulation_year, count(*) FILTER (WHERE employment_status = 'active') AS active_headcount,"
             " any_value(e.hires) AS hires, any_value(e.terminations) AS terminations,"
             " round(sum(prorated_annual_compensation), 2) AS payroll,"
             " round(avg(current_compensation) FILTER (WHERE employment_status = 'active'), 2) AS avg_active_compensation"
             " FROM fct_workforce_snapshot s LEFT JOIN (SELECT simulation_year,"
             " count(*) FILTER (WHERE event_type = 'hire') AS hires,"
             " count(*) FILTER (WHERE event_type = 'termination') AS terminations FROM fct_yearly_events"
             " WHERE scenario_id = %s GROUP BY 1) e USING (simulation_year) WHERE s.scenario_id = %s"
             " GROUP BY 1 ORDER BY 1",
             q, q);
    s = &out[(*n)++];
    snprintf(s->name, sizeof s->name, "employer_cost");
    snprintf(s->sql, sizeof s->sql,
             "SELECT simulation_year, round(sum(prorated_annual_compensation), 2) AS payroll,"
             " round(sum(prorated_annual_contributions), 2) AS employee_deferrals,"
             " round(sum(employer_match_amount), 2) AS employer_match, round(sum(employer_core_amount), 2) AS employer_core,"
             " round(sum(employer_match_amount) + sum(employer_core_amount), 2) AS total_employer_cost,"
             " round(sum(forfeiture_amount), 2) AS forfeitures,"
             " (sum(employer_match_amount) + sum(employer_core_amount)) / nullif(sum(prorated_annual_compensation), 0)"
             " AS employer_cost_pct_of_payroll"
             " FROM fct_workforce_snapshot WHERE scenario_id = %s GROUP BY 1 ORDER BY 1",
             q);
    s = &out[(*n)++];
    snprintf(s->name, sizeof s->name, "participation");
    snprintf(s->sql, sizeof s->sql,
             "SELECT simulation_year, count(*) AS employees,"
             " count(*) FILTER (WHERE current_eligibility_status = 'eligible') AS eligible,"
             " count(*) FILTER (WHERE current_deferral_rate > 0) AS participants,"
             " count(*) FILTER (WHERE current_deferral_rate > 0)"
             " / nullif(count(*) FILTER (WHERE current_eligibility_status = 'eligible'), 0) AS participation_rate,"
             " avg(current_deferral_rate) FILTER (WHERE current_deferral_rate > 0) AS avg_deferral_rate"
             " FROM fct_workforce_snapshot WHERE scenario_id = %s GROUP BY 1 ORDER BY 1",
             q);
    enum pw_db_relation kind;
    if ((rc = pw_db_relation_kind(db, "fct_scenario_comparison", &kind, err))) return rc;
    if (kind != PW_DB_NONE) {
        s = &out[(*n)++];
        snprintf(s->name, sizeof s->name, "comparison");
        snprintf(s->sql, sizeof s->sql,
                 "SELECT base_scenario, other_scenario, simulation_year, metric, base_value, other_value, difference,"
                 " pct_difference FROM fct_scenario_comparison WHERE base_scenario = %s OR other_scenario = %s"
                 " ORDER BY base_scenario, other_scenario, simulation_year, metric_order",
                 q, q);
    }
    if ((rc = pw_db_relation_kind(db, "fct_compliance_tests", &kind, err))) return rc;
    if (kind != PW_DB_NONE) {
        s = &out[(*n)++];
        snprintf(s->name, sizeof s->name, "compliance");
        snprintf(s->sql, sizeof s->sql, "SELECT * FROM fct_compliance_tests WHERE scenario_id = %s", q);
    }
    s = &out[(*n)++];
    snprintf(s->name, sizeof s->name, "snapshot_%lld", (long long)last);
    snprintf(s->sql, sizeof s->sql,
             "SELECT * EXCLUDE (scenario_id) FROM fct_workforce_snapshot WHERE scenario_id = %s"
             " AND simulation_year = %lld ORDER BY employee_id",
             q, (long long)last);
    return 0;
}

static int write_sheet(struct pw_db *db, lxw_workbook *wb, const struct sheet *sh, lxw_format *const *fmts,
                       struct pw_err *err)
{
    struct pw_db_text types = {0}, t = {0};
    int rc = pw_export_describe(db, sh->sql, &types, err);
    if (!rc) rc = pw_db_query_text(db, sh->sql, PW_XLSX_MAX_ROWS, &t, err);
    if (rc) goto out;
    lxw_worksheet *ws = workbook_add_worksheet(wb, sh->name);
    if (!ws) { rc = pw_err_set(err, PW_EIO, "cannot add sheet '%s'", sh->name); goto out; }
    size_t width[512] = {0};
    enum fmt_kind kind[512];
    size_t cols = t.cols < 512 ? t.cols : 512;
    for (size_t c = 0; c < cols; c++) {
        kind[c] = column_kind(t.names[c], pw_db_text_at(&types, c, 1) ? pw_db_text_at(&types, c, 1) : "");
        worksheet_write_string(ws, 0, (lxw_col_t)c, t.names[c], fmts[0]);
        width[c] = strlen(t.names[c]);
    }
    for (size_t r = 0; r < t.rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            const char *v = pw_db_text_at(&t, r, c);
            if (!v) continue;
            size_t len = strlen(v);
            if (kind[c] == F_TEXT) {
                worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, v, NULL);
            } else {
                double d = strtod(v, NULL);
                worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, d, fmts[kind[c]]);
                if (kind[c] == F_MONEY) len += len / 3 + 2;   /* separators and the currency sign */
            }
            if (len > width[c]) width[c] = len;
        }
    }
    for (size_t c = 0; c < cols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)(width[c] < 60 ? width[c] + 2 : 62), NULL);
    worksheet_freeze_panes(ws, 1, 0);
out:
    pw_db_text_release(&types);
    pw_db_text_release(&t);
    return rc;
}

int pw_export_xlsx(struct pw_db *db, const char *scenario, const char *path, size_t *sheets, struct pw_err *err)
{
    struct sheet sh[8];
    size_t n = 0;
    *sheets = 0;
    int rc = add_sheets(db, scenario, sh, &n, err);
    if (rc) return rc;
    /* Check every sheet's size first, so a too-large export writes nothing. */
    for (size_t i = 0; i < n; i++) {
        char sql[2200];
        int64_t rows = 0;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM (%s)", sh[i].sql);
        if ((rc = pw_db_query_int(db, sql, &rows, err))) return rc;
        if ((uint64_t)rows + 1 > PW_XLSX_MAX_ROWS)
            return pw_err_set(err, PW_ERANGE,
                              "sheet '%s' would have %lld rows plus a header, more than Excel's limit of 1,048,576 rows;"
                              " export it with --format parquet or --format csv",
                              sh[i].name, (long long)rows);
    }
    /* The workbook is written under a temporary name and renamed over path only once
     * workbook_close has written all of it, so a failure leaves an earlier file of
     * that name as it was. */
    struct pw_atomic_file af;
    if ((rc = pw_atomic_file_begin_path(&af, path, err))) return rc;
    lxw_workbook *wb = workbook_new(af.tmp);
    if (!wb) {
        pw_atomic_file_abort(&af);
        return pw_err_set(err, PW_EIO, "cannot create workbook '%s'", path);
    }
    lxw_format *fmts[5];
    fmts[F_TEXT] = workbook_add_format(wb);
    format_set_bold(fmts[F_TEXT]);
    format_set_bottom(fmts[F_TEXT], LXW_BORDER_THIN);
    fmts[F_INT] = workbook_add_format(wb);
    format_set_num_format(fmts[F_INT], "#,##0");
    fmts[F_MONEY] = workbook_add_format(wb);
    format_set_num_format(fmts[F_MONEY], "$#,##0.00");
    fmts[F_RATE] = workbook_add_format(wb);
    format_set_num_format(fmts[F_RATE], "0.00%");
    fmts[F_NUM] = workbook_add_format(wb);
    format_set_num_format(fmts[F_NUM], "#,##0.00");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = write_sheet(db, wb, &sh[i], fmts, err);
        if (!rc) ++*sheets;
    }
    errno = 0;
    lxw_error e = workbook_close(wb);
    int sys = errno; /* the system error behind a failed write, when there is one */
    if (!rc && e != LXW_NO_ERROR)
        rc = pw_err_set(err, PW_EIO, "cannot write workbook '%s': %s", path,
                        e == LXW_ERROR_ZIP_FILE_OPERATION && sys ? strerror(sys) : lxw_strerror(e));
    if (rc) pw_atomic_file_abort(&af);
    else rc = pw_atomic_file_commit_path(&af, err);
    if (rc) *sheets = 0;
    return rc;
}
