/* runs.c: table planwise_model_runs, one row per model per execution: what ran,
 * how it ended, its row count and wall time. `models plan --recommend` reads the
 * latest row of each model back as its measured cost, and the executor starts the
 * costliest models of a level first. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dag/dag_int.h"

static const char ddl[] =
    "CREATE TABLE IF NOT EXISTS planwise_model_runs ("
    " run_number BIGINT NOT NULL,"        /* 1, 2, ... per execution in this database */
    " started_at TIMESTAMP NOT NULL,"     /* UTC start of the execution */
    " scenario_id VARCHAR,"               /* the scenario_id var of the execution (marts cover all scenarios) */
    " model_name VARCHAR NOT NULL, kind VARCHAR NOT NULL, materialized VARCHAR NOT NULL,"
    " builtin BOOLEAN NOT NULL, level INTEGER NOT NULL,"
    " status VARCHAR NOT NULL,"           /* ok, check_failed, failed, skipped */
    " row_count BIGINT,"                  /* rows of the relation, violating rows of a check; NULL unknown */
    " seconds DOUBLE,"                    /* wall time of the model */
    " error VARCHAR)";

static const char *const status_names[] = {"not_run", "ok", "check_failed", "failed", "skipped"};

int pw__runs_prepare(struct pw_db *db, int64_t *run_number, struct pw_err *err)
{
    int rc = pw_db_exec(db, ddl, err);
    if (!rc) rc = pw_db_query_int(db, "SELECT coalesce(max(run_number), 0) + 1 FROM planwise_model_runs", run_number, err);
    if (rc) pw_err_prefix(err, "cannot record model runs in planwise_model_runs: ");
    return rc;
}

int pw__runs_record(const struct pw_dag *dag, struct pw_db *db, const struct pw_dag_summary *sum, double started_at,
                    struct pw_err *err)
{
    if (sum->count == 0) return 0;
    char *sql = NULL, num[128];
    size_t len = 0, cap = 0;
    static const char head[] = "INSERT INTO planwise_model_runs VALUES ";
    int rc = pw__buf_add(&sql, &len, &cap, head, sizeof head - 1);
    const char *scenario = pw_dag_var(dag, "scenario_id");
    for (size_t i = 0; i < sum->count && !rc; i++) {
        const struct pw_model_result *r = &sum->results[i];
        const struct pw_model *m = &dag->models[r->model];
        snprintf(num, sizeof num, "%s(%" PRId64 ", make_timestamp(%" PRId64 "::BIGINT), ", i ? ", " : "",
                 sum->run_number, (int64_t)(started_at * 1e6));
        rc = pw__buf_add(&sql, &len, &cap, num, strlen(num));
        if (!rc) rc = scenario ? pw__sql_quote(&sql, &len, &cap, scenario) : pw__buf_add(&sql, &len, &cap, "NULL", 4);
        if (!rc) rc = pw__buf_add(&sql, &len, &cap, ", ", 2) || pw__sql_quote(&sql, &len, &cap, r->name) ? PW_ENOMEM : 0;
        snprintf(num, sizeof num, ", '%s', '%s', %s, %d, '%s', ", r->kind == PW_MODEL_CHECK ? "check" : "mart",
                 r->materialized == PW_MAT_VIEW ? "view" : "table", m->builtin ? "true" : "false", r->level,
                 status_names[r->status]);
        if (!rc) rc = pw__buf_add(&sql, &len, &cap, num, strlen(num));
        if (r->rows >= 0) snprintf(num, sizeof num, "%" PRId64 ", ", r->rows);
        else snprintf(num, sizeof num, "NULL, ");
        if (!rc) rc = pw__buf_add(&sql, &len, &cap, num, strlen(num));
        if (r->status == PW_MODEL_OK || r->status == PW_MODEL_CHECK_FAILED || r->status == PW_MODEL_FAILED)
            snprintf(num, sizeof num, "%.6f, ", r->seconds);
        else
            snprintf(num, sizeof num, "NULL, ");
        if (!rc) rc = pw__buf_add(&sql, &len, &cap, num, strlen(num));
        if (!rc) rc = r->error ? pw__sql_quote(&sql, &len, &cap, r->error) : pw__buf_add(&sql, &len, &cap, "NULL", 4);
        if (!rc) rc = pw__buf_add(&sql, &len, &cap, ")", 1);
    }
    if (rc) {
        free(sql);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    rc = pw_db_exec(db, sql, err);
    free(sql);
    if (rc) pw_err_prefix(err, "cannot record model runs in planwise_model_runs: ");
    return rc;
}

int pw_dag_read_measurements(struct pw_dag *dag, struct pw_db *db, struct pw_err *err)
{
    for (size_t i = 0; i < dag->count; i++) dag->models[i].measured = false;
    enum pw_db_relation kind;
    int rc = pw_db_relation_kind(db, "planwise_model_runs", &kind, err);
    if (rc || kind != PW_DB_TABLE) return rc;
    /* The latest execution that timed the model (a skipped model has no time). */
    struct pw_db_text t;
    rc = pw_db_query_text(db,
                          "SELECT model_name, arg_max(seconds, run_number), arg_max(row_count, run_number),"
                          " arg_max(materialized, run_number) FROM planwise_model_runs WHERE seconds IS NOT NULL"
                          " GROUP BY model_name",
                          (size_t)1 << 20, &t, err);
    if (rc) return rc;
    for (size_t r = 0; r < t.rows; r++) {
        const char *name = pw_db_text_at(&t, r, 0), *secs = pw_db_text_at(&t, r, 1);
        const char *rows = pw_db_text_at(&t, r, 2), *mat = pw_db_text_at(&t, r, 3);
        int i = name ? pw_dag_find(dag, name) : -1;
        if (i < 0 || !secs) continue;
        struct pw_model *m = &dag->models[i];
        m->measured = true;
        m->last_seconds = strtod(secs, NULL);
        m->last_rows = rows ? strtoll(rows, NULL, 10) : -1;
        snprintf(m->last_materialized, sizeof m->last_materialized, "%s", mat ? mat : "");
    }
    pw_db_text_release(&t);
    return 0;
}
