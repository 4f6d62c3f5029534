/* test_dag.c: the SQL-model layer (dag/dag.h).
 * Parser: header settings and defaults, descriptions, refs and vars with their line
 * numbers, every kind of header and template problem in one pass. Planner: levels
 * and fan-out, cycles reported with their path, unknown refs and vars, duplicate
 * names (user vs built-in included), output-table names. Rendering: refs, var
 * quoting, trailing semicolons and comments. Executor, on an in-memory database over
 * a connection pool: parallel levels, failure propagation to dependents (skipped),
 * checks reporting violating-row counts and sample rows, planwise_model_runs and the
 * recommendations read back from it, a table that becomes a view, and the built-in
 * models on empty output tables. One query per user model, and the sandbox the
 * models run in. Models in a folder: subfolders, non-SQL files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dag/dag.h"
#include "io/db.h"
#include "io/store_schema.h"

/* ---- helpers ---- */

static struct pw_dag *dag_of(const char *const *files)
{
    struct pw_dag *dag = pw_dag_new();
    assert_non_null(dag);
    struct pw_err err = {0};
    for (size_t i = 0; files[i]; i += 2) assert_int_equal(pw_dag_add_text(dag, files[i], files[i + 1], false, &err), 0);
    return dag;
}

/* True when a problem at file:line contains text (line -1: any line). */
static bool has_problem(const struct pw_dag *dag, const char *file, int line, const char *text)
{
    for (size_t i = 0; i < pw_dag_problem_count(dag); i++) {
        const struct pw_dag_problem *p = pw_dag_problem_at(dag, i);
        if (strcmp(p->file, file) == 0 && (line < 0 || p->line == line) && strstr(p->message, text)) return true;
    }
    return false;
}

static void dump_problems(const struct pw_dag *dag)
{
    for (size_t i = 0; i < pw_dag_problem_count(dag); i++) {
        const struct pw_dag_problem *p = pw_dag_problem_at(dag, i);
        fprintf(stderr, "  %s:%d: %s\n", p->file, p->line, p->message);
    }
}

static const struct pw_model *model(const struct pw_dag *dag, const char *name)
{
    int i = pw_dag_find(dag, name);
    assert_true(i >= 0);
    return pw_dag_model_at(dag, (size_t)i);
}

static struct pw_db *memory_db(void)
{
    struct pw_db *db;
    struct pw_err err = {0};
    assert_int_equal(pw_db_open(&db, ":memory:", NULL, &err), 0);
    return db;
}

static int64_t query_int(struct pw_db *db, const char *sql)
{
    int64_t v = -1;
    struct pw_err err = {0};
    if (pw_db_query_int(db, sql, &v, &err)) fprintf(stderr, "%s\n", err.msg);
    return v;
}

static const struct pw_model_result *result(const struct pw_dag_summary *sum, const char *name)
{
    for (size_t i = 0; i < sum->count; i++)
        if (strcmp(sum->results[i].name, name) == 0) return &sum->results[i];
    fail_msg("no result for %s", name);
    return NULL;
}

/* ---- parser ---- */

static void test_header_and_defaults(void **state)
{
    (void)state;
    const char *files[] = {
        "m/a.sql", "-- Headcount by year.\n-- planwise: kind=mart materialized=view\nSELECT 1 AS x\n",
        "m/b.sql", "SELECT 2 AS y;\n",
        "m/c.sql", "\n--   planwise:  kind = check , materialized=table\n-- Rows with a problem.\nSELECT 3 WHERE false\n",
        "m/d.sql", "-- A check with the default materialization.\n-- planwise: kind=check\nSELECT 4 WHERE false\n",
        0};
    struct pw_dag *dag = dag_of(files);
    assert_int_equal(pw_dag_plan(dag), 0);
    const struct pw_model *a = model(dag, "a"), *b = model(dag, "b"), *c = model(dag, "c"), *d = model(dag, "d");
    assert_int_equal(a->kind, PW_MODEL_MART);
    assert_int_equal(a->materialized, PW_MAT_VIEW);
    assert_string_equal(a->description, "Headcount by year.");
    assert_int_equal(b->kind, PW_MODEL_MART);
    assert_int_equal(b->materialized, PW_MAT_TABLE);
    assert_string_equal(b->description, "");
    assert_int_equal(c->kind, PW_MODEL_CHECK);
    assert_int_equal(c->materialized, PW_MAT_TABLE);
    assert_string_equal(c->description, "Rows with a problem.");
    assert_int_equal(d->kind, PW_MODEL_CHECK);
    assert_int_equal(d->materialized, PW_MAT_VIEW);
    assert_string_equal(d->file, "m/d.sql");
    pw_dag_free(dag);
}

static void test_bad_headers_all_reported(void **state)
{
    (void)state;
    const char *files[] = {
        "m/h1.sql", "-- planwise: kind=report\n-- planwise: materialized=snapshot\nSELECT 1\n",
        "m/h2.sql", "-- planwise: kind=mart kind=check\n-- planwise: colour=red\n-- planwise: kind\nSELECT 1\n",
        "m/h3.sql", "-- ok\nSELECT 1\n-- planwise: kind=check\n",
        "m/h4.sql", "-- planwise: materialized=\n-- planwise: !\nSELECT 1\n",
        "m/h5.sql", "-- nothing but comments\n\n/* and this */;\n",
        "m/9bad-name.sql", "SELECT 1\n",
        0};
    struct pw_dag *dag = dag_of(files);
    assert_true(pw_dag_plan(dag) > 0);
    assert_true(has_problem(dag, "m/h1.sql", 1, "invalid kind 'report' (expected mart or check)"));
    assert_true(has_problem(dag, "m/h1.sql", 2, "invalid materialized 'snapshot' (expected table or view)"));
    assert_true(has_problem(dag, "m/h2.sql", 1, "header sets 'kind' twice"));
    assert_true(has_problem(dag, "m/h2.sql", 2, "unknown header setting 'colour'"));
    assert_true(has_problem(dag, "m/h2.sql", 3, "header setting 'kind' needs a value"));
    assert_true(has_problem(dag, "m/h3.sql", 3, "header line after the SQL has started"));
    assert_true(has_problem(dag, "m/h4.sql", 1, "header setting 'materialized' needs a value"));
    assert_true(has_problem(dag, "m/h4.sql", 2, "unexpected '!' in the header"));
    assert_true(has_problem(dag, "m/h5.sql", 0, "no SQL in the model"));
    assert_true(has_problem(dag, "m/9bad-name.sql", 0, "model name '9bad-name' (the file name) is not a SQL name"));
    assert_int_equal(pw_dag_problem_count(dag), 10);
    pw_dag_free(dag);
}

static void test_refs_vars_lines(void **state)
{
    (void)state;
    const char *files[] = {
        "m/base.sql", "SELECT 1 AS x\n",
        "m/use.sql",
        "-- uses base\n"
        "SELECT x\n"
        "FROM {{ ref('base') }}\n"                    /* line 3 */
        "JOIN {{ref(\"fct_yearly_events\")}} e ON true\n" /* line 4 */
        "WHERE x = {{ var('threshold') }}\n"          /* line 5 */
        "  AND {{ var( 'scenario_id' ) }} IS NOT NULL\n", /* line 6 */
        "m/bad.sql",
        "SELECT 1\n"
        "FROM {{ source('a', 'b') }}\n"               /* line 2 */
        "{% if x %}\n"                                /* line 3 */
        "WHERE {{ ref('nothing_here') }}\n"           /* line 4 */
        "AND {{ var('no_such_var') }}\n"              /* line 5 */
        "AND {{ ref('base'\n",                        /* line 6: never closed */
        0};
    struct pw_dag *dag = dag_of(files);
    struct pw_err err = {0};
    assert_int_equal(pw_dag_set_var(dag, "threshold", "7", &err), 0);
    size_t n = pw_dag_plan(dag);
    if (n != 5) dump_problems(dag);
    assert_int_equal(n, 5);
    const struct pw_model *use = model(dag, "use");
    int refs = 0, vars = 0;
    for (size_t i = 0; i < use->part_count; i++) {
        const struct pw_model_part *p = &use->parts[i];
        if (p->type == PW_PART_REF && strcmp(p->name, "base") == 0) {
            assert_int_equal(p->line, 3);
            assert_int_equal(p->target, pw_dag_find(dag, "base"));
            refs++;
        } else if (p->type == PW_PART_REF) {
            assert_string_equal(p->name, "fct_yearly_events");
            assert_int_equal(p->line, 4);
            assert_int_equal(p->target, -1);
            refs++;
        } else if (p->type == PW_PART_VAR) {
            assert_int_equal(p->line, strcmp(p->name, "threshold") == 0 ? 5 : 6);
            vars++;
        }
    }
    assert_int_equal(refs, 2);
    assert_int_equal(vars, 2);
    assert_int_equal(use->dep_count, 1);
    /* scenario_id is a built-in var: known by name even before a database gives it a value */
    assert_false(has_problem(dag, "m/use.sql", -1, ""));
    assert_true(has_problem(dag, "m/bad.sql", 2, "unsupported template expression '{{ source('a', 'b') }}'"));
    assert_true(has_problem(dag, "m/bad.sql", 3, "'{%' blocks are not supported"));
    assert_true(has_problem(dag, "m/bad.sql", 4, "unknown ref 'nothing_here' (not a model or a planwise output table)"));
    assert_true(has_problem(dag, "m/bad.sql", 5, "unknown var 'no_such_var' (set it with --var no_such_var=VALUE)"));
    assert_true(has_problem(dag, "m/bad.sql", 6, "'{{' without a closing '}}'"));
    pw_dag_free(dag);
}

/* ---- planner ---- */

static void test_levels_and_fanout(void **state)
{
    (void)state;
    const char *files[] = {
        "m/a.sql", "SELECT 1 AS x",
        "m/b.sql", "SELECT * FROM {{ ref('a') }}",
        "m/c.sql", "SELECT * FROM {{ ref('a') }}, {{ ref('b') }}, {{ ref('A') }}",
        "m/d.sql", "SELECT count(*) FROM {{ ref('fct_workforce_snapshot') }}",
        "m/e.sql", "-- planwise: kind=check\nSELECT * FROM {{ ref('c') }} WHERE x < 0",
        0};
    struct pw_dag *dag = dag_of(files);
    assert_int_equal(pw_dag_plan(dag), 0);
    assert_int_equal(pw_dag_level_count(dag), 4);
    assert_int_equal(model(dag, "a")->level, 0);
    assert_int_equal(model(dag, "b")->level, 1);
    assert_int_equal(model(dag, "c")->level, 2);
    assert_int_equal(model(dag, "d")->level, 0);
    assert_int_equal(model(dag, "e")->level, 3);
    assert_int_equal(model(dag, "a")->fanout, 2);   /* b and c (c refs it twice) */
    assert_int_equal(model(dag, "c")->dep_count, 2);
    assert_int_equal(model(dag, "d")->dep_count, 0);
    assert_int_equal(model(dag, "e")->fanout, 0);
    pw_dag_free(dag);
}

static void test_cycles_with_path(void **state)
{
    (void)state;
    const char *files[] = {
        "m/a.sql", "SELECT * FROM\n{{ ref('b') }}",
        "m/b.sql", "SELECT * FROM {{ ref('c') }}",
        "m/c.sql", "SELECT * FROM\n\n{{ ref('a') }}",
        "m/self.sql", "SELECT 1\nUNION ALL SELECT * FROM {{ ref('self') }}",
        "m/down.sql", "SELECT * FROM {{ ref('c') }}",
        "m/fine.sql", "SELECT * FROM {{ ref('missing') }}",
        0};
    struct pw_dag *dag = dag_of(files);
    size_t n = pw_dag_plan(dag);
    if (n != 3) dump_problems(dag);
    assert_int_equal(n, 3);
    /* each cycle once, from its first model, at the line of the ref that starts it */
    assert_true(has_problem(dag, "m/a.sql", 2, "cycle: a -> b -> c -> a"));
    assert_true(has_problem(dag, "m/self.sql", 2, "cycle: self -> self"));
    assert_true(has_problem(dag, "m/fine.sql", 1, "unknown ref 'missing'"));
    assert_int_equal(model(dag, "down")->level, -1);
    pw_dag_free(dag);
}

static void test_duplicates_and_reserved_names(void **state)
{
    (void)state;
    struct pw_dag *dag = pw_dag_new();
    struct pw_err err = {0};
    assert_int_equal(pw_dag_add_builtin(dag, &err), 0);
    assert_int_equal(pw_dag_add_text(dag, "u/mart_employer_cost.sql", "SELECT 1", false, &err), 0);
    assert_int_equal(pw_dag_add_text(dag, "u/one/x.sql", "SELECT 1", false, &err), 0);
    assert_int_equal(pw_dag_add_text(dag, "u/two/X.sql", "SELECT 2", false, &err), 0);
    assert_int_equal(pw_dag_add_text(dag, "u/fct_yearly_events.sql", "SELECT 3", false, &err), 0);
    size_t n = pw_dag_plan(dag);
    if (n != 3) dump_problems(dag);
    assert_int_equal(n, 3);
    assert_true(has_problem(dag, "u/mart_employer_cost.sql", 0,
                            "model 'mart_employer_cost' is already a built-in model (<built-in>/marts/mart_employer_cost.sql)"));
    assert_true(has_problem(dag, "u/two/X.sql", 0, "duplicate model name 'X': also defined in u/one/x.sql"));
    assert_true(has_problem(dag, "u/fct_yearly_events.sql", 0, "is a planwise output table"));
    pw_dag_free(dag);
}

static void test_builtin_models_plan_clean(void **state)
{
    (void)state;
    struct pw_dag *dag = pw_dag_new();
    struct pw_err err = {0};
    assert_int_equal(pw_dag_add_builtin(dag, &err), 0);
    size_t n = pw_dag_plan(dag);
    if (n) dump_problems(dag);
    assert_int_equal(n, 0);
    int marts = 0, checks = 0;
    for (size_t i = 0; i < pw_dag_model_count(dag); i++) {
        const struct pw_model *m = pw_dag_model_at(dag, i);
        assert_true(m->builtin);
        assert_true(strlen(m->description) > 0);
        m->kind == PW_MODEL_CHECK ? checks++ : marts++;
    }
    assert_int_equal(marts, 4);
    assert_int_equal(checks, 21);   /* invariants 1-20, invariant 20 in two parts */
    assert_true(pw_dag_find(dag, "fct_compensation_growth") >= 0);
    pw_dag_free(dag);
}

/* A user model is one query: several statements, or a statement that is not a
 * query, is a planning problem at the line of the second statement / of the
 * statement; semicolons in strings, names and comments are not statements. */
static void test_one_query_per_model(void **state)
{
    (void)state;
    const char *files[] = {
        "m/two.sql", "-- Looks like a mart.\nSELECT 1 AS a;\n\n  DROP TABLE run_metadata\n",
        "m/three.sql", "SELECT 1 AS a; /* ; */ SELECT 2;\nSELECT 3",
        "m/drop.sql", "-- planwise: kind=mart\n\nDROP TABLE run_metadata;\n",
        "m/copy.sql", "COPY (SELECT 1) TO '/tmp/pw_dag_copy.csv'",
        "m/attach.sql", "\n-- header\nATTACH '/tmp/pw_dag_other.duckdb' AS other",
        "m/install.sql", "INSTALL httpfs",
        "m/pragma.sql", "PRAGMA enable_profiling",
        "m/set.sql", "SET enable_external_access = true",
        "m/insert.sql", "INSERT INTO run_metadata SELECT * FROM run_metadata",
        "m/create.sql", "CREATE TABLE x AS SELECT 1",
        "m/cte_delete.sql", "WITH d AS (SELECT 1) DELETE FROM run_metadata",
        "m/explain.sql", "EXPLAIN SELECT 1",
        /* Fine: one query each, whatever hides a ';'. */
        "m/ok_strings.sql", "SELECT 'a;b' AS \"c;d\", $$x;y$$ AS e, E'it\\'s;' AS f -- trailing ; comment\n;\n",
        "m/ok_with.sql", "WITH t AS (SELECT 1 AS a) SELECT * FROM t /* ; */;",
        "m/ok_from.sql", "FROM {{ ref('ok_with') }} SELECT a",
        "m/ok_values.sql", "VALUES (1, {{ var('v') }}), (2, 'x')",
        "m/ok_union.sql", "SELECT 1 AS a UNION ALL SELECT 2 ORDER BY a LIMIT 1",
        0};
    struct pw_dag *dag = dag_of(files);
    struct pw_err err = {0};
    assert_int_equal(pw_dag_set_var(dag, "v", "O'Brien; DROP TABLE x", &err), 0);
    size_t n = pw_dag_plan(dag);
    if (n != 12) dump_problems(dag);
    assert_int_equal(n, 12);
    assert_true(has_problem(dag, "m/two.sql", 4, "a second statement starts here (the model has 2 statements); a "
                                                 "model is one query (SELECT or WITH), and planwise creates its "
                                                 "table or view from it"));
    assert_true(has_problem(dag, "m/three.sql", 1, "(the model has 3 statements)"));
    assert_true(has_problem(dag, "m/drop.sql", 3, "the statement is not a query (it starts with 'DROP'); a model is "
                                                  "one query"));
    assert_true(has_problem(dag, "m/copy.sql", 1, "it starts with 'COPY'"));
    assert_true(has_problem(dag, "m/attach.sql", 3, "it starts with 'ATTACH'"));
    assert_true(has_problem(dag, "m/install.sql", 1, "'INSTALL'"));
    assert_true(has_problem(dag, "m/pragma.sql", 1, "'PRAGMA'"));
    assert_true(has_problem(dag, "m/set.sql", 1, "'SET'"));
    assert_true(has_problem(dag, "m/insert.sql", 1, "'INSERT'"));
    assert_true(has_problem(dag, "m/create.sql", 1, "'CREATE'"));
    assert_true(has_problem(dag, "m/cte_delete.sql", 1, "'WITH'"));
    assert_true(has_problem(dag, "m/explain.sql", 1, "'EXPLAIN'"));
    /* Nothing runs when planning found problems. */
    struct pw_db *db = memory_db();
    struct pw_dag_summary sum;
    assert_int_equal(pw_dag_execute(dag, db, 1, &sum, &err), PW_EMODEL);
    assert_int_equal(query_int(db, "SELECT count(*) FROM duckdb_tables()"), 0);
    pw_dag_summary_release(&sum);
    pw_db_close(db);
    pw_dag_free(dag);

    /* The built-in models are held to the same rule when read as user models. */
    struct pw_dag *builtin = pw_dag_new();
    assert_int_equal(pw_dag_add_builtin(builtin, &err), 0);
    struct pw_dag *as_user = pw_dag_new();
    for (size_t i = 0; i < pw_dag_model_count(builtin); i++) {
        const struct pw_model *m = pw_dag_model_at(builtin, i);
        assert_int_equal(pw_dag_add_text(as_user, m->file, m->text, false, &err), 0);
    }
    n = pw_dag_plan(as_user);
    if (n) dump_problems(as_user);
    assert_int_equal(n, 0);
    pw_dag_free(as_user);
    pw_dag_free(builtin);
}

/* Models run sandboxed: a query that reads a file fails with DuckDB's permission
 * error while the other models build, and afterwards no connection to the
 * instance can switch access back on or write a file. The executor also refuses
 * what planning could not see (the exact check on the prepared statement). */
static void test_models_sandboxed(void **state)
{
    (void)state;
    char out[] = "/tmp/pw_dag_sandbox_XXXXXX";
    int fd = mkstemp(out);
    assert_true(fd >= 0);
    close(fd);
    unlink(out);
    char copy_model[512];
    snprintf(copy_model, sizeof copy_model, "SELECT * FROM read_csv('%s')", out);
    const char *files[] = {
        "m/fine.sql", "SELECT range AS x FROM range(5)",
        "m/passwd.sql", "SELECT * FROM read_csv('/etc/passwd')",
        "m/parquet.sql", "-- planwise: materialized=view\nSELECT * FROM read_parquet('/tmp/*.parquet')",
        "m/reads_own.sql", "SELECT count(*) AS n FROM {{ ref('fine') }}",
        /* Does not parse as a whole, so planning leaves it to the executor, whose
         * exact check refuses it before the DROP could run. */
        "m/hidden_drop.sql", "SELECT 1 AS a; DROP TABLE {{ ref('fine') }}; SELEC oops",
        0};
    struct pw_dag *dag = dag_of(files);
    assert_int_equal(pw_dag_plan(dag), 0);
    struct pw_db *db = memory_db();
    struct pw_err err = {0};
    /* Before: the instance still reads files (a census, say). */
    assert_int_equal(query_int(db, "SELECT count(*) > 0 FROM read_csv('/etc/passwd', header = false, sep = '\x01')"),
                     1);
    struct pw_dag_summary sum;
    assert_int_equal(pw_dag_execute(dag, db, 2, &sum, &err), 0);
    assert_int_equal(result(&sum, "fine")->status, PW_MODEL_OK);
    assert_int_equal(result(&sum, "reads_own")->status, PW_MODEL_OK);
    assert_int_equal(result(&sum, "passwd")->status, PW_MODEL_FAILED);
    assert_non_null(strstr(result(&sum, "passwd")->error, "Permission Error"));
    assert_non_null(strstr(result(&sum, "passwd")->error, "/etc/passwd"));
    assert_int_equal(result(&sum, "parquet")->status, PW_MODEL_FAILED);
    assert_int_equal(result(&sum, "hidden_drop")->status, PW_MODEL_FAILED);
    assert_non_null(strstr(result(&sum, "hidden_drop")->error, "not run: "));
    assert_int_equal(query_int(db, "SELECT count(*) FROM fine"), 5);
    pw_dag_summary_release(&sum);
    assert_int_equal(query_int(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'passwd'"), 0);
    /* After: the instance stays sandboxed for every connection, new ones included. */
    struct pw_db *other;
    assert_int_equal(pw_db_connect(&other, db, &err), 0);
    assert_int_equal(pw_db_exec(other, "SET enable_external_access = true", &err), PW_EDB);
    assert_non_null(strstr(err.msg, "locked"));
    char sql[600];
    snprintf(sql, sizeof sql, "COPY (SELECT 1) TO '%s'", out);
    assert_int_equal(pw_db_exec(other, sql, &err), PW_EDB);
    assert_non_null(strstr(err.msg, "Permission Error"));
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(pw_db_exec(other, "INSTALL httpfs", &err), PW_EDB);
    /* A second execution on the sandboxed instance runs (the sandbox is not set twice). */
    assert_int_equal(pw_dag_execute(dag, db, 1, &sum, &err), 0);
    assert_int_equal(result(&sum, "fine")->status, PW_MODEL_OK);
    pw_dag_summary_release(&sum);

    /* The exact check of the executor. */
    assert_int_equal(pw_db_check_one_query(other, "SELECT * FROM fine", "not run", &err), 0);
    assert_int_equal(pw_db_check_one_query(other, "SELECT 1; SELECT 2", "not run", &err), PW_EDB);
    assert_string_equal(err.msg, "not run: 2 statements; a model is one query (SELECT or WITH), and planwise creates "
                                 "its table or view");
    assert_int_equal(pw_db_check_one_query(other, "DROP TABLE fine", "not run", &err), PW_EDB);
    assert_non_null(strstr(err.msg, "not run: a DROP statement"));
    assert_int_equal(pw_db_check_one_query(other, "EXPLAIN SELECT 1", "not run", &err), PW_EDB);
    assert_int_equal(pw_db_check_one_query(other, "SELECT * FROM no_such_table", "not run", &err), PW_EDB);
    assert_non_null(strstr(err.msg, "no_such_table"));
    assert_int_equal(query_int(db, "SELECT count(*) FROM fine"), 5);
    pw_db_close(other);
    pw_dag_free(dag);
    pw_db_close(db);
}

/* ---- rendering ---- */

static void test_render_refs_vars(void **state)
{
    (void)state;
    const char *files[] = {
        "m/base.sql", "SELECT 1 AS x",
        "m/r.sql",
        "SELECT {{ var('n') }} AS n, {{ var('neg') }} AS neg, {{ var('s') }} AS s, {{ var('scenario_id') }} AS sc\n"
        "FROM {{ ref('base') }}, {{ ref('run_metadata') }} -- the end; \n;\n  ; -- really\n",
        0};
    struct pw_dag *dag = dag_of(files);
    struct pw_err err = {0};
    assert_int_equal(pw_dag_set_var(dag, "n", "12.5", &err), 0);
    assert_int_equal(pw_dag_set_var(dag, "neg", "-3", &err), 0);
    assert_int_equal(pw_dag_set_var(dag, "s", "it's 1.5x", &err), 0);
    assert_int_equal(pw_dag_set_var(dag, "scenario_id", "2025", &err), 0);
    assert_int_equal(pw_dag_set_var_arg(dag, "n=42", &err), 0);   /* a later value wins */
    assert_int_equal(pw_dag_set_var_arg(dag, "=x", &err), PW_EUSAGE);
    assert_int_equal(pw_dag_set_var_arg(dag, "noequals", &err), PW_EUSAGE);
    assert_int_equal(pw_dag_set_var_arg(dag, "1x=2", &err), PW_EUSAGE);
    assert_int_equal(pw_dag_plan(dag), 0);
    char *sql;
    assert_int_equal(pw_dag_render(dag, (size_t)pw_dag_find(dag, "r"), &sql, &err), 0);
    assert_string_equal(sql, "SELECT 42 AS n, -3 AS neg, 'it''s 1.5x' AS s, '2025' AS sc\n"
                             "FROM \"base\", run_metadata");
    free(sql);
    pw_dag_free(dag);
}

/* ---- executor ---- */

static void test_failure_propagation_and_checks(void **state)
{
    (void)state;
    const char *files[] = {
        "m/base.sql", "SELECT range AS x FROM range(10)",
        "m/broken.sql", "SELECT no_such_column FROM {{ ref('base') }}",
        "m/child.sql", "SELECT * FROM {{ ref('broken') }}",
        "m/grandchild.sql", "-- planwise: materialized=view\nSELECT * FROM {{ ref('child') }}",
        "m/sibling.sql", "-- planwise: materialized=view\nSELECT x * 2 AS y FROM {{ ref('base') }}",
        "m/bad_cast.sql", "-- planwise: materialized=view\nSELECT CAST('abc' || x AS INTEGER) AS n FROM {{ ref('base') }}",
        "m/check_small.sql", "-- planwise: kind=check\nSELECT x, 'x below 3' AS problem FROM {{ ref('base') }} WHERE x < 3",
        "m/check_fine.sql", "-- planwise: kind=check\nSELECT * FROM {{ ref('sibling') }} WHERE y % 2 = 1",
        "m/check_of_broken.sql", "-- planwise: kind=check\nSELECT * FROM {{ ref('child') }}",
        0};
    struct pw_dag *dag = dag_of(files);
    assert_int_equal(pw_dag_plan(dag), 0);
    struct pw_db *db = memory_db();
    struct pw_dag_summary sum;
    struct pw_err err = {0};
    assert_int_equal(pw_dag_execute(dag, db, 3, &sum, &err), 0);
    assert_int_equal(sum.count, 9);
    assert_int_equal(sum.levels, 4);
    assert_int_equal(result(&sum, "base")->status, PW_MODEL_OK);
    assert_int_equal(result(&sum, "base")->rows, 10);
    assert_int_equal(result(&sum, "broken")->status, PW_MODEL_FAILED);
    assert_non_null(strstr(result(&sum, "broken")->error, "no_such_column"));
    assert_int_equal(result(&sum, "child")->status, PW_MODEL_SKIPPED);
    assert_string_equal(result(&sum, "child")->error, "refs 'broken', which failed");
    assert_int_equal(result(&sum, "grandchild")->status, PW_MODEL_SKIPPED);
    assert_string_equal(result(&sum, "grandchild")->error, "refs 'child', which was skipped");
    assert_int_equal(result(&sum, "check_of_broken")->status, PW_MODEL_SKIPPED);
    assert_int_equal(result(&sum, "sibling")->status, PW_MODEL_OK);
    assert_int_equal(result(&sum, "sibling")->rows, 10);
    /* a view whose SQL only fails when evaluated is caught */
    assert_int_equal(result(&sum, "bad_cast")->status, PW_MODEL_FAILED);
    assert_int_equal(result(&sum, "check_fine")->status, PW_MODEL_OK);
    assert_int_equal(result(&sum, "check_fine")->rows, 0);
    const struct pw_model_result *cs = result(&sum, "check_small");
    assert_int_equal(cs->status, PW_MODEL_CHECK_FAILED);
    assert_int_equal(cs->rows, 3);
    assert_int_equal(cs->sample.rows, 3);
    assert_int_equal(cs->sample.cols, 2);
    assert_string_equal(cs->sample.names[1], "problem");
    assert_string_equal(pw_db_text_at(&cs->sample, 0, 1), "x below 3");
    assert_int_equal(sum.marts_ok, 2);
    assert_int_equal(sum.marts_failed, 2);
    assert_int_equal(sum.checks_passed, 1);
    assert_int_equal(sum.checks_failed, 1);
    assert_int_equal(sum.skipped, 3);
    assert_false(pw_dag_summary_ok(&sum));
    /* the database holds what ran, and every model is recorded */
    assert_int_equal(query_int(db, "SELECT count(*) FROM base"), 10);
    assert_int_equal(query_int(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'child'"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM planwise_model_runs WHERE run_number = 1"), 9);
    assert_int_equal(query_int(db, "SELECT row_count FROM planwise_model_runs WHERE model_name = 'check_small'"), 3);
    assert_int_equal(query_int(db, "SELECT count(*) FROM planwise_model_runs WHERE status = 'skipped' AND seconds IS NULL"), 3);
    /* the failure report names the check, its count and its rows */
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    pw_dag_print_failures(&sum, f);
    fclose(f);
    assert_non_null(strstr(buf, "planwise: data-quality check 'check_small' failed: 3 violating rows; all 3"));
    assert_non_null(strstr(buf, "x below 3"));
    assert_non_null(strstr(buf, "planwise: model 'child' skipped: refs 'broken', which failed"));
    pw_dag_summary_release(&sum);
    pw_dag_free(dag);
    pw_db_close(db);
}

static void test_parallel_level_and_rerun(void **state)
{
    (void)state;
    /* 12 independent tables and 12 views on them: two levels of 12, four connections */
    char names[24][32], texts[24][160];
    const char *files[49];
    for (int i = 0; i < 12; i++) {
        snprintf(names[i], sizeof names[i], "m/t%02d.sql", i);
        snprintf(texts[i], sizeof texts[i], "SELECT range AS k, range %% %d AS g FROM range(%d)", i + 2, 20000 + i);
        snprintf(names[12 + i], sizeof names[0], "m/v%02d.sql", i);
        snprintf(texts[12 + i], sizeof texts[0],
                 "-- planwise: materialized=view\nSELECT g, count(*) AS n FROM {{ ref('t%02d') }} GROUP BY g", i);
    }
    for (int i = 0; i < 24; i++) files[2 * i] = names[i], files[2 * i + 1] = texts[i];
    files[48] = NULL;
    struct pw_dag *dag = dag_of(files);
    assert_int_equal(pw_dag_plan(dag), 0);
    struct pw_db *db = memory_db();
    struct pw_dag_summary sum;
    struct pw_err err = {0};
    assert_int_equal(pw_dag_execute(dag, db, 4, &sum, &err), 0);
    assert_true(pw_dag_summary_ok(&sum));
    assert_int_equal(sum.threads, 4);
    assert_int_equal(sum.marts_ok, 24);
    for (int i = 0; i < 12; i++) {
        char t[16], v[16];
        snprintf(t, sizeof t, "t%02d", i);
        snprintf(v, sizeof v, "v%02d", i);
        assert_int_equal(result(&sum, t)->rows, 20000 + i);
        assert_int_equal(result(&sum, t)->level, 0);
        assert_int_equal(result(&sum, v)->rows, i + 2);
        assert_int_equal(result(&sum, v)->level, 1);
    }
    pw_dag_summary_release(&sum);
    /* a second run replaces everything and is recorded as run 2; measurements read back */
    assert_int_equal(pw_dag_execute(dag, db, 2, &sum, &err), 0);
    assert_int_equal(sum.run_number, 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM planwise_model_runs"), 48);
    assert_int_equal(pw_dag_read_measurements(dag, db, &err), 0);
    assert_true(model(dag, "t00")->measured);
    assert_int_equal(model(dag, "t03")->last_rows, 20003);
    assert_string_equal(model(dag, "v00")->last_materialized, "view");
    char buf[8192] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    pw_dag_print_recommendations(dag, f);
    fclose(f);
    assert_non_null(strstr(buf, "measured: the last recorded run"));
    pw_dag_summary_release(&sum);
    pw_dag_free(dag);
    pw_db_close(db);
}

static void test_table_becomes_view(void **state)
{
    (void)state;
    struct pw_db *db = memory_db();
    struct pw_err err = {0};
    struct pw_dag_summary sum;
    const char *as_table[] = {"m/x.sql", "SELECT 1 AS a", 0};
    const char *as_view[] = {"m/x.sql", "-- planwise: materialized=view\nSELECT 2 AS a", 0};
    for (int round = 0; round < 3; round++) {
        struct pw_dag *dag = dag_of(round == 1 ? as_view : as_table);
        assert_int_equal(pw_dag_execute(dag, db, 1, &sum, &err), 0);
        assert_true(pw_dag_summary_ok(&sum));
        assert_int_equal(query_int(db, "SELECT a FROM x"), round == 1 ? 2 : 1);
        assert_int_equal(query_int(db, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'x'"), round == 1);
        pw_dag_summary_release(&sum);
        pw_dag_free(dag);
    }
    pw_db_close(db);
}

static void test_plan_problems_stop_execution(void **state)
{
    (void)state;
    const char *files[] = {"m/a.sql", "SELECT * FROM {{ ref('zzz') }}", 0};
    struct pw_dag *dag = dag_of(files);
    struct pw_db *db = memory_db();
    struct pw_dag_summary sum;
    struct pw_err err = {0};
    assert_int_equal(pw_dag_execute(dag, db, 2, &sum, &err), PW_EMODEL);
    assert_int_equal(sum.problems, 1);
    assert_int_equal(sum.count, 0);
    assert_string_equal(err.msg, "1 problem in the SQL models; none was run");
    assert_int_equal(query_int(db, "SELECT count(*) FROM duckdb_tables()"), 0);
    pw_dag_summary_release(&sum);
    pw_dag_free(dag);
    pw_db_close(db);
}

/* The built-in models on empty output tables: every one binds and runs. Then the
 * built-in vars from run_metadata: the latest run, or the chosen scenario's. */
static void test_builtin_models_on_empty_outputs(void **state)
{
    (void)state;
    struct pw_db *db = memory_db();
    struct pw_err err = {0};
    assert_int_equal(pw_store_open(db, PW_LAYOUT_TABLES, NULL, NULL, &err), 0);
    char buf[8192] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    struct pw_dag_options opt = {.threads = 2, .diag = f};
    struct pw_dag_summary sum;
    int rc = pw_dag_run(db, &opt, &sum, &err);
    fclose(f);
    if (rc) fprintf(stderr, "%s\n%s\n", err.msg, buf);
    assert_int_equal(rc, 0);
    assert_int_equal(sum.marts_ok, 4);
    assert_int_equal(sum.checks_passed, 21);
    assert_int_equal(query_int(db, "SELECT count(*) FROM fct_compensation_growth"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM check_05_uniqueness"), 0);
    pw_dag_summary_release(&sum);

    assert_int_equal(pw_db_exec(db,
                                "INSERT INTO run_metadata (scenario_id, run_id, run_key, start_year, end_year, started_at, status) VALUES"
                                " ('old', uuid(), 1, 2020, 2021, TIMESTAMP '2024-01-01', 'complete'),"
                                " ('new', uuid(), 2, 2025, 2029, TIMESTAMP '2025-01-01', 'complete')",
                                &err),
                     0);
    struct pw_dag *dag = pw_dag_new();
    assert_int_equal(pw_dag_read_builtin_vars(dag, db, &err), 0);
    assert_string_equal(pw_dag_var(dag, "scenario_id"), "new");
    assert_string_equal(pw_dag_var(dag, "start_year"), "2025");
    pw_dag_free(dag);
    dag = pw_dag_new();
    assert_int_equal(pw_dag_set_var(dag, "scenario_id", "old", &err), 0);
    assert_int_equal(pw_dag_read_builtin_vars(dag, db, &err), 0);
    assert_string_equal(pw_dag_var(dag, "scenario_id"), "old");
    assert_string_equal(pw_dag_var(dag, "end_year"), "2021");
    pw_dag_free(dag);
    pw_db_close(db);
}

static void test_models_folder(void **state)
{
    (void)state;
    char dir[] = "/tmp/pw_dag_XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    const char *const files[][2] = {
        {"b.sql", "SELECT * FROM {{ ref('a') }}\n"},
        {"sub/a.sql", "-- planwise: materialized=view\nSELECT 1 AS x\n"},
        {"notes.txt", "not a model"},
        {"sub/.hidden.sql", "SELECT broken"},
    };
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    struct pw_dag *dag = pw_dag_new();
    struct pw_err err = {0};
    assert_int_equal(pw_dag_add_dir(dag, dir, &err), 0);
    assert_int_equal(pw_dag_model_count(dag), 2);
    assert_int_equal(pw_dag_plan(dag), 0);
    assert_int_equal(model(dag, "b")->level, 1);
    snprintf(path, sizeof path, "%s/sub/a.sql", dir);
    assert_string_equal(model(dag, "a")->file, path);
    assert_int_equal(pw_dag_add_dir(dag, "/nonexistent/models", &err), 0);
    assert_true(has_problem(dag, "/nonexistent/models", 0, "cannot open models folder"));
    pw_dag_free(dag);
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_defaults),
        cmocka_unit_test(test_bad_headers_all_reported),
        cmocka_unit_test(test_refs_vars_lines),
        cmocka_unit_test(test_levels_and_fanout),
        cmocka_unit_test(test_cycles_with_path),
        cmocka_unit_test(test_duplicates_and_reserved_names),
        cmocka_unit_test(test_builtin_models_plan_clean),
        cmocka_unit_test(test_one_query_per_model),
        cmocka_unit_test(test_models_sandboxed),
        cmocka_unit_test(test_render_refs_vars),
        cmocka_unit_test(test_failure_propagation_and_checks),
        cmocka_unit_test(test_parallel_level_and_rerun),
        cmocka_unit_test(test_table_becomes_view),
        cmocka_unit_test(test_plan_problems_stop_execution),
        cmocka_unit_test(test_builtin_models_on_empty_outputs),
        cmocka_unit_test(test_models_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
