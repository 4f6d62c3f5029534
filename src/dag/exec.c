/* exec.c: executing a planned dag. The built-in macros are created first on the
 * caller's connection; then the levels run one after the other, and the models of
 * one level run in parallel, each worker of the core pool on its own pooled
 * connection (its own transactions). A model whose refs failed or were skipped is
 * skipped; the others go on, so one run reports every failure.
 *
 * A table is rebuilt inside a transaction (CREATE OR REPLACE TABLE ... AS), so a
 * failing model leaves its previous table in place. A view is created and then
 * counted once: that evaluates it, so SQL that only fails at run time (a bad cast)
 * is caught here, and the time recorded is the cost of one evaluation, comparable
 * with the build time of a table. A check is materialized the same way; its row
 * count is the number of violating rows, and the first rows are kept as a sample.
 *
 * The models run sandboxed (io/sql_guard.c): once the macros and the run table
 * are in place, DuckDB's external access is switched off and its configuration
 * locked for the database instance, so a model can create its own tables and
 * views but reach no file, extension or setting. A user model's rendered SQL is
 * checked to be exactly one query before it is wrapped in CREATE ... AS. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/pool.h"
#include "dag/dag_int.h"
#include "io/db_pool.h"

#define SAMPLE_ROWS 5

struct exec_ctx {
    struct pw_dag *dag;
    struct pw_db_pool *conns;
    struct pw_dag_summary *sum;
    int *result_of;          /* model index -> index in sum->results */
    size_t *batch;           /* result indices of the level being run */
};

/* "database error: X" -> "X": the model's own wording is enough. */
static char *db_message(const struct pw_err *err)
{
    const char *m = err->msg;
    static const char prefix[] = "database error: ";
    if (strncmp(m, prefix, sizeof prefix - 1) == 0) m += sizeof prefix - 1;
    return pw__strdup(m);
}

static int exec_sql(struct pw_db *conn, const char *head, const char *name, const char *tail, struct pw_err *err)
{
    char *sql = NULL;
    size_t len = 0, cap = 0;
    if (pw__buf_add(&sql, &len, &cap, head, strlen(head)) || pw__buf_add(&sql, &len, &cap, "\"", 1) ||
        pw__buf_add(&sql, &len, &cap, name, strlen(name)) || pw__buf_add(&sql, &len, &cap, "\"", 1) ||
        pw__buf_add(&sql, &len, &cap, tail, strlen(tail))) {
        free(sql);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    int rc = pw_db_exec(conn, sql, err);
    free(sql);
    return rc;
}

/* Creates or replaces the relation of model m from its rendered SQL. */
static int materialize(struct pw_db *conn, const struct pw_model *m, const char *sql, struct pw_err *err)
{
    enum pw_db_relation have;
    int rc = pw_db_relation_kind(conn, m->name, &have, err);
    if (rc) return rc;
    bool view = m->materialized == PW_MAT_VIEW;
    char *tail = NULL;
    size_t len = 0, cap = 0;
    /* The newline before the end closes a line comment on the model's last line. */
    if (pw__buf_add(&tail, &len, &cap, " AS\n", 4) || pw__buf_add(&tail, &len, &cap, sql, strlen(sql)) ||
        pw__buf_add(&tail, &len, &cap, "\n", 1))
        rc = pw_err_set(err, PW_ENOMEM, "out of memory");
    if (!rc) rc = pw_db_exec(conn, "BEGIN TRANSACTION", err);
    if (rc) {
        free(tail);
        return rc;
    }
    /* A model that changed from table to view (or back) replaces the other kind. */
    if (have == PW_DB_TABLE && view) rc = exec_sql(conn, "DROP TABLE ", m->name, "", err);
    else if (have == PW_DB_VIEW && !view) rc = exec_sql(conn, "DROP VIEW ", m->name, "", err);
    if (!rc) rc = exec_sql(conn, view ? "CREATE OR REPLACE VIEW " : "CREATE OR REPLACE TABLE ", m->name, tail, err);
    free(tail);
    if (!rc) rc = pw_db_exec(conn, "COMMIT", err);
    if (rc) pw_db_exec(conn, "ROLLBACK", NULL);
    return rc;
}

/* The built-in checks judge a finished scenario against its whole history from the
 * census. Rows of a scenario whose run is not complete (running, stopped, failed)
 * or that was branched (--from-checkpoint: it starts after another scenario's year
 * N and holds only the later years) are not counted (docs/decisions.md). */
static const char branch_filter[] =
    " WHERE scenario_id NOT IN (SELECT scenario_id FROM run_metadata WHERE status <> 'complete'"
    " OR (resumed_from_year IS NOT NULL AND start_year > resumed_from_year))";

/* The filter of a model's rows in counts and samples: built-in checks leave out
 * branched and unfinished scenarios, and keep only the chosen scenario's rows. */
static void check_filter(const struct pw_dag *dag, const struct pw_model *m, char *out, size_t size)
{
    out[0] = '\0';
    if (m->kind != PW_MODEL_CHECK || !m->builtin) return;
    int n = snprintf(out, size, "%s", branch_filter);
    if (dag->check_scenario_sql && n > 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " AND scenario_id = %s", dag->check_scenario_sql);
}

/* Rows of the model's relation. A view is counted as whole rows (count of the row
 * value t), so every column is computed: count(*) alone would let DuckDB skip the
 * columns, and with them the errors and the cost of computing them. */
static int count_rows(const struct pw_dag *dag, struct pw_db *conn, const struct pw_model *m, int64_t *rows,
                      struct pw_err *err)
{
    char filter[sizeof branch_filter + 200], sql[sizeof filter + PW_MODEL_NAME_MAX + 64];
    check_filter(dag, m, filter, sizeof filter);
    if (m->materialized == PW_MAT_VIEW)
        snprintf(sql, sizeof sql, "SELECT count(t) FROM \"%s\" t%s", m->name, filter);
    else snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"%s", m->name, filter);
    return pw_db_query_int(conn, sql, rows, err);
}

static int build(struct exec_ctx *ctx, struct pw_db *conn, const struct pw_model *m, struct pw_model_result *r,
                 struct pw_err *err)
{
    char *sql;
    int rc = pw_dag_render(ctx->dag, (size_t)r->model, &sql, err);
    if (rc) return rc;
    /* The exact test behind planning's parse-level one: the rendered SQL, prepared
     * now that the relations it reads exist, must be one query. Wrapped in CREATE
     * ... AS, a second statement would otherwise run as well. */
    if (!m->builtin) rc = pw_db_check_one_query(conn, sql, "not run", err);
    if (!rc) rc = materialize(conn, m, sql, err);
    free(sql);
    if (!rc) rc = count_rows(ctx->dag, conn, m, &r->rows, err);
    if (rc || m->kind != PW_MODEL_CHECK || r->rows == 0) return rc;
    char filter[sizeof branch_filter + 200], query[sizeof filter + PW_MODEL_NAME_MAX + 32];
    check_filter(ctx->dag, m, filter, sizeof filter);
    snprintf(query, sizeof query, "SELECT * FROM \"%s\"%s", m->name, filter);
    /* Without a sample the count still says the check failed. */
    if (pw_db_query_text(conn, query, SAMPLE_ROWS, &r->sample, NULL)) memset(&r->sample, 0, sizeof r->sample);
    return 0;
}

static void run_one(void *p, size_t chunk, int worker)
{
    struct exec_ctx *ctx = p;
    struct pw_model_result *r = &ctx->sum->results[ctx->batch[chunk]];
    const struct pw_model *m = &ctx->dag->models[r->model];
    for (size_t k = 0; k < m->dep_count; k++) {
        const struct pw_model_result *d = &ctx->sum->results[ctx->result_of[m->deps[k]]];
        if (d->status == PW_MODEL_FAILED || d->status == PW_MODEL_SKIPPED) {
            char msg[2 * PW_MODEL_NAME_MAX + 64];
            snprintf(msg, sizeof msg, "refs '%s', which %s", d->name,
                     d->status == PW_MODEL_FAILED ? "failed" : "was skipped");
            r->status = PW_MODEL_SKIPPED;
            r->error = pw__strdup(msg);
            return;
        }
    }
    struct pw_err err = {0};
    double t0 = pw_wall_seconds();
    int rc = build(ctx, pw_db_pool_at(ctx->conns, worker), m, r, &err);
    r->seconds = pw_wall_seconds() - t0;
    if (rc) {
        r->status = PW_MODEL_FAILED;
        r->rows = -1;
        r->error = db_message(&err);
    } else {
        r->status = m->kind == PW_MODEL_CHECK && r->rows > 0 ? PW_MODEL_CHECK_FAILED : PW_MODEL_OK;
    }
}

/* Results in execution order: by level, marts before checks, then by name. */
static int cmp_result(const void *a, const void *b)
{
    const struct pw_model_result *x = a, *y = b;
    if (x->level != y->level) return x->level < y->level ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Orders a level's batch costliest first (unmeasured models count as costly), so
 * the slowest model does not start last while the other connections sit idle.
 * Insertion sort: a level holds a few dozen models. */
static void order_by_cost(const struct pw_dag *dag, const struct pw_dag_summary *sum, size_t *batch, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = batch[i], j = i;
        const struct pw_model *mv = &dag->models[sum->results[v].model];
        double cv = mv->measured ? mv->last_seconds : 1e9;
        while (j > 0) {
            const struct pw_model *mp = &dag->models[sum->results[batch[j - 1]].model];
            if ((mp->measured ? mp->last_seconds : 1e9) >= cv) break;
            batch[j] = batch[j - 1];
            j--;
        }
        batch[j] = v;
    }
}

static void tally(struct pw_dag_summary *sum)
{
    for (size_t i = 0; i < sum->count; i++) {
        const struct pw_model_result *r = &sum->results[i];
        bool check = r->kind == PW_MODEL_CHECK;
        switch (r->status) {
        case PW_MODEL_OK: check ? sum->checks_passed++ : sum->marts_ok++; break;
        case PW_MODEL_CHECK_FAILED: sum->checks_failed++; break;
        case PW_MODEL_FAILED: check ? sum->checks_errored++ : sum->marts_failed++; break;
        case PW_MODEL_SKIPPED: sum->skipped++; break;
        default: break;
        }
    }
}

int pw_dag_execute(struct pw_dag *dag, struct pw_db *db, int threads, struct pw_dag_summary *sum,
                   struct pw_err *err)
{
    memset(sum, 0, sizeof *sum);
    dag->parser = db;
    size_t problems = pw_dag_plan(dag);
    dag->parser = NULL;
    if (problems) {
        sum->problems = (int)problems;
        return pw_err_set(err, PW_EMODEL, "%zu problem%s in the SQL models; none was run", problems,
                          problems == 1 ? "" : "s");
    }
    double t0 = pw_wall_seconds(), started_at = (double)time(NULL);
    int rc = 0;
    if (dag->prelude && (rc = pw_db_exec(db, dag->prelude, err))) {
        pw_err_prefix(err, "cannot create the macros of '%s': ", dag->prelude_file);
        return rc;
    }
    if ((rc = pw__runs_prepare(db, &sum->run_number, err))) return rc;
    if ((rc = pw_dag_read_measurements(dag, db, err))) return rc;
    /* From here on the SQL is the models' own: no file outside the database, no
     * extension, no setting can be reached or changed by any connection to it. */
    if ((rc = pw_db_sandbox(db, err))) return rc;

    sum->count = dag->count;
    sum->levels = dag->levels;
    sum->results = calloc(dag->count ? dag->count : 1, sizeof *sum->results);
    int *result_of = calloc(dag->count ? dag->count : 1, sizeof *result_of);
    size_t *batch = calloc(dag->count ? dag->count : 1, sizeof *batch);
    int *width = calloc((size_t)dag->levels + 1, sizeof *width);
    if (!sum->results || !result_of || !batch || !width) {
        free(result_of), free(batch), free(width);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    int widest = 1;
    for (size_t i = 0; i < dag->count; i++) {
        const struct pw_model *m = &dag->models[i];
        struct pw_model_result *r = &sum->results[i];
        r->model = (int)i;
        snprintf(r->name, sizeof r->name, "%s", m->name);
        r->kind = m->kind;
        r->materialized = m->materialized;
        r->level = m->level;
        r->rows = -1;
        if (++width[m->level] > widest) widest = width[m->level];
    }
    qsort(sum->results, sum->count, sizeof *sum->results, cmp_result);
    for (size_t i = 0; i < sum->count; i++) result_of[sum->results[i].model] = (int)i;

    /* No more connections than the widest level can use. */
    sum->threads = threads < 1 ? 1 : threads > widest ? widest : threads;
    struct pw_db_pool *conns = NULL;
    struct pw_pool *pool = pw_pool_new(sum->threads);
    if (!pool) rc = pw_err_set(err, PW_ENOMEM, "cannot start worker threads");
    if (!rc) rc = pw_db_pool_new(&conns, db, sum->threads, err);
    struct exec_ctx ctx = {dag, conns, sum, result_of, batch};
    for (int level = 0, next = 0; level < dag->levels && !rc; level++) {
        size_t n = 0;
        while (next < (int)sum->count && sum->results[next].level == level) batch[n++] = (size_t)next++;
        order_by_cost(dag, sum, batch, n);
        pw_pool_run(pool, n, run_one, &ctx);
    }
    pw_db_pool_free(conns);
    pw_pool_free(pool);
    free(result_of), free(batch), free(width);
    if (rc) return rc;
    tally(sum);
    sum->seconds = pw_wall_seconds() - t0;
    return pw__runs_record(dag, db, sum, started_at, err);
}

bool pw_dag_summary_ok(const struct pw_dag_summary *sum)
{
    return sum->problems == 0 && sum->marts_failed == 0 && sum->checks_failed == 0 && sum->checks_errored == 0 &&
           sum->skipped == 0;
}

void pw_dag_summary_release(struct pw_dag_summary *sum)
{
    if (!sum) return;
    for (size_t i = 0; i < sum->count && sum->results; i++) {
        free(sum->results[i].error);
        pw_db_text_release(&sum->results[i].sample);
    }
    free(sum->results);
    memset(sum, 0, sizeof *sum);
}
