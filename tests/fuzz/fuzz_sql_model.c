/* fuzz_sql_model.c: fuzz target for SQL-model files (dag/dag.h): the
 * `-- planwise:` header and description in the leading comments, the
 * {{ ref() }} / {{ var() }} templates, and the planning that follows (names,
 * refs, vars, cycles, levels).
 *
 * Input: byte 0 selects how the rest is used:
 *   mode 0  the rest is one model file, models/fuzz.sql;
 *   mode 1  the rest is cut at form feeds into up to six files a.sql, b.sql, ...
 *           so models can ref each other, form cycles and repeat names;
 *   mode 2  as mode 1, next to the built-in models (names taken, refs to marts).
 * Vars x and scenario_id are set. Every input is planned; a plan without
 * problems must render every model, and the listings must print. Problems must
 * name their file and carry a message. Nothing may crash, leak or hang; a
 * broken promise aborts, so the drivers report it like a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dag/dag.h"
#include "fuzz.h"

#define MAX_FILES 6

static FILE *sink;   /* /dev/null: the listings are exercised, not read */

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_sql_model: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void add(struct pw_dag *dag, const char *file, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    struct pw_err err = {0};
    if (pw_dag_add_text(dag, file, copy, false, &err) != 0) fail("cannot add a model", err.msg);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sink && !(sink = fopen("/dev/null", "w"))) abort();
    if (size < 1) return 0;
    const int mode = data[0] % 3;
    const char *text = (const char *)data + 1;
    const size_t len = size - 1;
    struct pw_err err = {0};
    struct pw_dag *dag = pw_dag_new();
    if (!dag) return 0;
    if (mode == 2 && pw_dag_add_builtin(dag, &err) != 0) fail("cannot add the built-in models", err.msg);
    if (mode == 0) {
        add(dag, "models/fuzz.sql", text, len);
    } else {
        char file[16];
        int n = 0;
        for (size_t start = 0; n < MAX_FILES;) {
            size_t end = start;
            while (end < len && (text[end] != '\f' || n == MAX_FILES - 1)) end++;
            snprintf(file, sizeof file, "%c.sql", 'a' + n);
            add(dag, file, text + start, end - start);
            n++;
            if (end >= len) break;
            start = end + 1;
        }
    }
    if (pw_dag_set_var(dag, "x", "42", &err) != 0 || pw_dag_set_var(dag, "scenario_id", "it's", &err) != 0)
        fail("cannot set a var", err.msg);

    size_t problems = pw_dag_plan(dag);
    if (problems != pw_dag_problem_count(dag)) fail("plan and problem count disagree", NULL);
    for (size_t i = 0; i < problems; i++) {
        const struct pw_dag_problem *p = pw_dag_problem_at(dag, i);
        if (!p->file || !p->file[0] || !p->message || !p->message[0]) fail("a problem without file or message", NULL);
    }
    pw_dag_print_problems(dag, sink);
    pw_dag_print_list(dag, sink);
    if (problems == 0) {
        pw_dag_print_plan(dag, sink);
        pw_dag_print_recommendations(dag, sink);
        for (size_t i = 0; i < pw_dag_model_count(dag); i++) {
            char *sql = NULL;
            if (pw_dag_render(dag, i, &sql, &err) != 0) fail("a planned model does not render", err.msg);
            if (!sql) fail("render returned no text", NULL);
            free(sql);
        }
    }
    pw_dag_free(dag);
    return 0;
}

/* Two files: a header with every setting, a description, refs and vars; the
 * second refs the first and an output table. */
static const char seed_text[] =
    "-- Headcount by level, one row per year.\n"
    "-- planwise: kind=mart materialized=view\n"
    "-- more words\n"
    "SELECT simulation_year, level_id, count(*) AS n, {{ var('x') }} AS x\n"
    "FROM {{ ref('fct_workforce_snapshot') }}\n"
    "WHERE scenario_id = {{ var('scenario_id') }}\n"
    "GROUP BY ALL;\n"
    "\f"
    "-- planwise: kind=check, materialized=table\n"
    "SELECT * FROM {{ ref(\"a\") }} a JOIN {{ref('fct_yearly_events')}} e USING (simulation_year) WHERE n < 0\n";

size_t pw_fuzz_seed(uint8_t **out)
{
    size_t n = sizeof seed_text - 1;
    *out = malloc(n + 1);
    if (!*out) return 0;
    (*out)[0] = 1;
    memcpy(*out + 1, seed_text, n);
    return n + 1;
}
