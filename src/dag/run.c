/* run.c: pw_dag_run, the whole model step in one call (load, vars, plan, execute,
 * report failures) for `planwise run` and `planwise models run`. */
#include <stdio.h>
#include <string.h>

#include "dag/dag_int.h"

/* "2 of 21 checks failed (check_05_uniqueness, ...); 1 model failed; 1 skipped" */
static void failure_message(const struct pw_dag_summary *sum, struct pw_err *err)
{
    char msg[PW_ERR_MSG_MAX] = "", names[512] = "";
    int checks = 0, shown = 0;
    for (size_t i = 0; i < sum->count; i++) {
        const struct pw_model_result *r = &sum->results[i];
        checks += r->kind == PW_MODEL_CHECK;
        if (r->status == PW_MODEL_CHECK_FAILED && shown++ < 4) {
            size_t l = strlen(names);
            snprintf(names + l, sizeof names - l, "%s%s", l ? ", " : "", r->name);
        }
    }
    if (shown > 4) {
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, ", ...");
    }
    size_t l = 0;
    if (sum->checks_failed)
        l += (size_t)snprintf(msg + l, sizeof msg - l, "%d of %d data-quality checks failed (%s)", sum->checks_failed,
                              checks, names);
    int failed = sum->marts_failed + sum->checks_errored;
    if (failed && l < sizeof msg)
        l += (size_t)snprintf(msg + l, sizeof msg - l, "%s%d model%s failed", l ? "; " : "", failed,
                              failed == 1 ? "" : "s");
    if (sum->skipped && l < sizeof msg)
        snprintf(msg + l, sizeof msg - l, "%s%d skipped", l ? "; " : "", sum->skipped);
    pw_err_set(err, PW_EMODEL, "%s", msg);
}

/* The built-in models read planwise's output tables: a database without them gets
 * one message instead of an error from every model. */
static int check_outputs_present(struct pw_db *db, struct pw_err *err)
{
    int64_t n = 0;
    int rc = pw_db_query_int(db,
                             "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND "
                             "table_name IN ('run_metadata', 'fct_yearly_events', 'fct_workforce_snapshot')",
                             &n, err);
    if (rc) return rc;
    if (n < 3)
        return pw_err_set(err, PW_EMODEL,
                          "database '%s' holds no planwise outputs (run_metadata, fct_yearly_events, "
                          "fct_workforce_snapshot); write them with 'planwise run --db %s' first",
                          pw_db_path(db), pw_db_path(db));
    return 0;
}

int pw_dag_run(struct pw_db *db, const struct pw_dag_options *opt, struct pw_dag_summary *sum, struct pw_err *err)
{
    memset(sum, 0, sizeof *sum);
    int rc0 = check_outputs_present(db, err);
    if (rc0) return rc0;
    FILE *diag = opt->diag ? opt->diag : stderr;
    struct pw_dag *dag = pw_dag_new();
    if (!dag) return pw_err_set(err, PW_ENOMEM, "out of memory");
    int rc = pw_dag_add_builtin_kinds(dag, opt->builtin ? opt->builtin : PW_DAG_MARTS | PW_DAG_CHECKS, err);
    if (!rc && opt->check_scenario) rc = pw_dag_set_check_scenario(dag, opt->check_scenario, err);
    if (!rc && opt->models_dir) rc = pw_dag_add_dir(dag, opt->models_dir, err);
    for (int i = 0; i < opt->var_count && !rc; i++) rc = pw_dag_set_var_arg(dag, opt->vars[i], err);
    if (!rc) rc = pw_dag_read_builtin_vars(dag, db, err);
    if (rc) {
        pw_dag_free(dag);
        return rc;
    }
    /* Splitting the models' SQL needs only a parser: db's will do. */
    dag->parser = db;
    size_t problems = pw_dag_plan(dag);
    dag->parser = NULL;
    if (problems) {
        pw_dag_print_problems(dag, diag);
        sum->problems = (int)problems;
        pw_dag_free(dag);
        return pw_err_set(err, PW_EMODEL, "%zu problem%s in the SQL models; none was run", problems,
                          problems == 1 ? "" : "s");
    }
    rc = pw_dag_execute(dag, db, opt->threads, sum, err);
    pw_dag_free(dag);
    if (rc) return rc;
    pw_dag_print_failures(sum, diag);
    if (!pw_dag_summary_ok(sum)) {
        failure_message(sum, err);
        return PW_EMODEL;
    }
    return 0;
}
