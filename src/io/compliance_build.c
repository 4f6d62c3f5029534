/* compliance_build.c: the compliance tests of a scenario, year after year, over an
 * output database (compliance.h): the run's configuration (given, or read back
 * from run_metadata), the IRS limits, then for each year the rows, the tests, and
 * the three tables, all in one transaction per scenario. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/compliance_int.h"
#include "io/compare.h"
#include "io/db_result.h"
#include "io/yaml_config.h"
#include "model/compliance_groups.h"

int pw_compliance_scenarios(struct pw_db *db, char ***ids, size_t *n, struct pw_err *err)
{
    *ids = NULL, *n = 0;
    enum pw_db_relation kind;
    int rc = pw_db_relation_kind(db, "run_metadata", &kind, err);
    if (rc) return rc;
    if (kind == PW_DB_NONE)
        return pw_err_set(err, PW_EDB, "database '%s' holds no planwise runs (no table run_metadata)", pw_db_path(db));
    struct pw_db_text t;
    rc = pw_db_query_text(db,
                          "SELECT scenario_id FROM (SELECT scenario_id, arg_max(status, started_at) AS status,"
                          " max(started_at) AS t FROM run_metadata GROUP BY ALL) WHERE status = 'complete'"
                          " ORDER BY t, scenario_id",
                          100000, &t, err);
    if (rc) return rc;
    *ids = calloc(t.rows ? t.rows : 1, sizeof **ids);
    if (!*ids) rc = pw_err_set(err, PW_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < t.rows; i++) {
        const char *s = pw_db_text_at(&t, i, 0);
        (*ids)[i] = strdup(s ? s : "");
        if (!(*ids)[i]) rc = pw_err_set(err, PW_ENOMEM, "out of memory");
        else (*n)++;
    }
    pw_db_text_release(&t);
    return rc;
}

int pw_compliance_present(struct pw_db *db, const char *scenario, bool *present, struct pw_err *err)
{
    *present = false;
    enum pw_db_relation kind;
    int rc = pw_db_relation_kind(db, "fct_compliance_tests", &kind, err);
    if (rc || kind == PW_DB_NONE) return rc;
    char q[512], sql[700];
    pw_sql_quote(q, sizeof q, scenario);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM fct_compliance_tests WHERE scenario_id = %s", q);
    int64_t rows = 0;
    rc = pw_db_query_int(db, sql, &rows, err);
    *present = rows > 0;
    return rc;
}

int pw__compliance_delete_rows(struct pw_db *db, const char *scenario, struct pw_err *err)
{
    char q[300], sql[1200];
    pw_sql_quote(q, sizeof q, scenario);   /* scenario ids are at most 64 characters */
    snprintf(sql, sizeof sql,
             "DELETE FROM fct_compliance_tests WHERE scenario_id = %s;"
             " DELETE FROM fct_compliance_detail WHERE scenario_id = %s;"
             " DELETE FROM fct_compliance_cost WHERE scenario_id = %s",
             q, q, q);
    return pw_db_exec(db, sql, err);
}

int pw_compliance_forget(struct pw_db *db, const char *scenario, struct pw_err *err)
{
    int rc = pw_compliance_ensure_tables(db, err);
    return rc ? rc : pw__compliance_delete_rows(db, scenario, err);
}

int pw_compliance_check_complete(struct pw_db *db, const char *scenario, struct pw_err *err)
{
    enum pw_db_relation kind;
    int rc = pw_db_relation_kind(db, "run_metadata", &kind, err);
    if (rc) return rc;
    if (kind == PW_DB_NONE)
        return pw_err_set(err, PW_EDB, "database '%s' holds no planwise runs (no table run_metadata)", pw_db_path(db));
    char q[300], sql[600];
    pw_sql_quote(q, sizeof q, scenario);
    snprintf(sql, sizeof sql, "SELECT arg_max(status, started_at) FROM run_metadata WHERE scenario_id = %s", q);
    struct pw_db_text t;
    if ((rc = pw_db_query_text(db, sql, 1, &t, err))) return rc;
    const char *status = pw_db_text_at(&t, 0, 0);
    if (!status) rc = pw_err_set(err, PW_EDB, "scenario '%s' does not exist in '%s'", scenario, pw_db_path(db));
    else if (strcmp(status, "complete") != 0)
        rc = pw_err_set(err, PW_EDB, "scenario '%s' %s: its tests need a complete run", scenario,
                        strcmp(status, "failed") == 0 ? "failed" : "is incomplete");
    pw_db_text_release(&t);
    return rc;
}

/* ---- the configuration of the scenario's latest run ---- */

static void dir_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) dir[0] = '\0';
    else snprintf(dir, size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

/* Loads the stored YAML: the base file's text, then each scenario overlay that
 * `planwise run` appended after a "# --scenario-file PATH" line. */
static int load_stored_config(const char *text, const char *path, struct pw_config *cfg, struct pw_err *err)
{
    static const char marker[] = "\n# --scenario-file ";
    const char *texts[PW_CONFIG_LAYERS_MAX], *names[PW_CONFIG_LAYERS_MAX], *dirs[PW_CONFIG_LAYERS_MAX];
    size_t lens[PW_CONFIG_LAYERS_MAX];
    char name_buf[PW_CONFIG_LAYERS_MAX][PW_PATH_MAX], dir_buf[PW_CONFIG_LAYERS_MAX][PW_PATH_MAX];
    int n = 0;
    const char *p = text;
    snprintf(name_buf[0], PW_PATH_MAX, "%s", *path ? path : "<stored configuration>");
    dir_of(path, dir_buf[0], PW_PATH_MAX);
    while (n < PW_CONFIG_LAYERS_MAX) {
        const char *next = strstr(p, marker);
        texts[n] = p;
        lens[n] = next ? (size_t)(next - p) : strlen(p);
        names[n] = name_buf[n];
        dirs[n] = dir_buf[n];
        n++;
        if (!next || n == PW_CONFIG_LAYERS_MAX) break;
        const char *file = next + sizeof marker - 1, *eol = strchr(file, '\n');
        size_t flen = eol ? (size_t)(eol - file) : strlen(file);
        snprintf(name_buf[n], PW_PATH_MAX, "%.*s", (int)flen, file);
        dir_of(name_buf[n], dir_buf[n], PW_PATH_MAX);
        p = eol ? eol + 1 : file + flen;
    }
    return pw_config_load_text_layers(cfg, texts, lens, names, dirs, n, err);
}

/* The latest run of the scenario must be complete; its YAML into cfg. */
static int run_config(struct pw_db *db, const char *scenario, struct pw_config *cfg, struct pw_err *err)
{
    int rc = pw_compliance_check_complete(db, scenario, err);
    if (rc) return rc;
    char q[512], sql[1024];
    pw_sql_quote(q, sizeof q, scenario);
    snprintf(sql, sizeof sql,
             "SELECT arg_max(coalesce(config_text, ''), started_at),"
             " arg_max(coalesce(config_path, ''), started_at) FROM run_metadata WHERE scenario_id = %s",
             q);
    struct pw_db_text t;
    if ((rc = pw_db_query_text(db, sql, 1, &t, err))) return rc;
    {
        const char *text = pw_db_text_at(&t, 0, 0), *path = pw_db_text_at(&t, 0, 1);
        struct pw_err e2 = {0};
        rc = load_stored_config(text ? text : "", path ? path : "", cfg, &e2);
        if (rc) rc = pw_err_set(err, PW_ECONFIG, "scenario '%s': its stored configuration does not load: %s", scenario,
                                e2.msg);
    }
    pw_db_text_release(&t);
    return rc;
}

/* The run's assumption tables, or the built-in ones when they cannot be read. */
static int run_tables(const struct pw_config *cfg, struct pw_tables *t, char *warning, size_t size, struct pw_err *err)
{
    const char *files[PW_ASSUMPTION_TABLES];
    for (int i = 0; i < PW_ASSUMPTION_TABLES; i++) files[i] = cfg->assumption_files[i];
    struct pw_err e2 = {0};
    if (pw_tables_load_with(t, cfg->assumptions_directory, files, &e2) == 0) return 0;
    snprintf(warning, size, "the run's assumption tables do not load (%.300s): built-in IRS limits used", e2.msg);
    return pw_tables_load(t, "", err);
}

/* ---- the years ---- */

static int years_of(struct pw_db *db, const char *scenario, struct pw_db_text *t, struct pw_err *err)
{
    char q[512], sql[800];
    pw_sql_quote(q, sizeof q, scenario);
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT simulation_year FROM fct_workforce_snapshot WHERE scenario_id = %s ORDER BY 1", q);
    int rc = pw_db_query_text(db, sql, 100000, t, err);
    if (!rc && t->rows == 0) rc = pw_err_set(err, PW_EDB, "scenario '%s' has no simulated year in '%s'", scenario, pw_db_path(db));
    return rc;
}

static double year_cost(const struct pw_cy_test *tests)
{
    double c = 0;
    for (int i = PW_CY_ADP; i <= PW_CY_ACP; i++)
        if (!strncmp(tests[i].correction, "qnec", 4)) c += tests[i].correction_cost;
    if (!strcmp(tests[PW_CY_TOP_HEAVY].correction, "top_heavy_minimum")) c += tests[PW_CY_TOP_HEAVY].correction_cost;
    return c;
}

void pw__compliance_tally(const struct pw_cy_test *tests, struct pw_compliance_outcome *out)
{
    for (int i = 0; i < PW_CY_TESTS; i++) {
        const struct pw_cy_test *t = &tests[i];
        bool fail = strcmp(t->result, "fail") == 0;
        if (fail || strcmp(t->result, "pass") == 0) out->tests++;
        if (fail) out->failed++;
        if (fail && strcmp(t->corrected_result, "pass") == 0) out->corrected++;
    }
    out->top_heavy_years += strcmp(tests[PW_CY_TOP_HEAVY].result, "top_heavy") == 0;
    out->correction_cost += year_cost(tests);
}

void pw__compliance_params(const struct pw_config *cfg, const struct pw_tables *tables, const struct pw_ct_design *design,
                           int year, struct pw_cy_params *par)
{
    const struct pw_irs_year *irs_prev = pw_tables_irs(tables, year - 1);
    *par = (struct pw_cy_params){.cfg = &cfg->compliance, .design = design, .hce_threshold_prev = irs_prev->hce_threshold};
    par->officer_pay = cfg->compliance.officer_pay_threshold;
    if (isnan(par->officer_pay)) par->officer_pay = pw_key_officer_pay(year, &par->officer_pay_estimated);
}

/* Copies a finished year's detail rows into d and appends them. */
static int write_year_detail(struct pw_db *db, const char *scenario, struct pw_cy_detail *d, const struct pw_cy_year *y,
                             struct pw_err *err)
{
    if (pw_cy_detail_copy(d, y)) return pw_err_set(err, PW_ENOMEM, "out of memory for the compliance detail");
    return pw__compliance_write_detail(db, scenario, d, 1, err);
}

static int build_years(struct pw_db *db, const char *scenario, const struct pw_config *cfg, const struct pw_tables *tables,
                       const struct pw_db_text *years, struct pw_compliance_outcome *out, struct pw_err *err)
{
    struct pw_ct_design design;
    pw_ct_design_from_plan(&cfg->plan, &design);
    struct pw_cy_year ya, yb, *cur = &ya, *prev = &yb;
    struct pw_cy_detail detail = {0};
    struct pw_cy_test *tests = malloc(PW_CY_TESTS * sizeof *tests);
    int rc = pw_cy_year_init(&ya, 0);
    if (!rc) rc = pw_cy_year_init(&yb, 0);
    if (rc || !tests) {
        free(tests);
        pw_cy_year_release(&ya), pw_cy_year_release(&yb);
        return pw_err_set(err, PW_ENOMEM, "out of memory for the compliance tests");
    }
    bool have_prev = false;
    for (size_t k = 0; k < years->rows && !rc; k++) {
        int year = atoi(pw_db_text_at(years, k, 0));
        bool first = !have_prev || prev->year != year - 1;
        if (first && have_prev) {   /* a gap: last year's rows are final */
            rc = write_year_detail(db, scenario, &detail, prev, err);
            have_prev = false;
        }
        if (rc) break;
        if (k == 0) out->first_year = year;
        out->last_year = year;
        rc = pw__compliance_read_year(db, scenario, year, first, pw_tables_irs(tables, year)->deferral_limit, cur, err);
        if (rc) break;
        struct pw_cy_params par;
        pw__compliance_params(cfg, tables, &design, year, &par);
        if (pw_cy_run(&par, cur, first ? NULL : prev, tests)) {
            rc = pw_err_set(err, PW_ENOMEM, "out of memory in the compliance tests of '%s' %d", scenario, year);
            break;
        }
        rc = pw__compliance_write_tests(db, scenario, year, tests, err);
        if (!rc && have_prev) rc = write_year_detail(db, scenario, &detail, prev, err);
        pw__compliance_tally(tests, out);
        struct pw_cy_year *swap = prev;
        prev = cur, cur = swap;
        have_prev = true;
    }
    if (!rc && have_prev) rc = write_year_detail(db, scenario, &detail, prev, err);
    free(tests);
    pw_cy_detail_release(&detail);
    pw_cy_year_release(&ya), pw_cy_year_release(&yb);
    return rc;
}

int pw_compliance_build(struct pw_db *db, const char *scenario, const struct pw_config *cfg,
                        const struct pw_tables *tables, struct pw_compliance_outcome *out, struct pw_err *err)
{
    memset(out, 0, sizeof *out);
    struct pw_config *own_cfg = NULL;
    struct pw_tables *own_tables = NULL;
    int rc = 0;
    if (!cfg) {
        if (!(own_cfg = malloc(sizeof *own_cfg))) return pw_err_set(err, PW_ENOMEM, "out of memory");
        rc = run_config(db, scenario, own_cfg, err);
        cfg = own_cfg;
    }
    if (!rc && !tables) {
        if (!(own_tables = malloc(sizeof *own_tables))) rc = pw_err_set(err, PW_ENOMEM, "out of memory");
        else rc = run_tables(cfg, own_tables, out->warning, sizeof out->warning, err);
        tables = own_tables;
    }
    struct pw_db_text years = {0};
    if (!rc) rc = years_of(db, scenario, &years, err);
    if (!rc) rc = pw_compliance_ensure_tables(db, err);
    if (!rc) rc = pw_db_exec(db, "BEGIN TRANSACTION", err);
    if (!rc) {
        rc = pw__compliance_delete_rows(db, scenario, err);
        if (!rc) rc = build_years(db, scenario, cfg, tables, &years, out, err);
        if (!rc) rc = pw_db_exec(db, "COMMIT", err);
        if (rc) pw_db_exec(db, "ROLLBACK", NULL);
    }
    pw_db_text_release(&years);
    free(own_cfg);
    free(own_tables);
    return rc;
}
