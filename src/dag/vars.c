/* vars.c: {{ var() }} values and rendering a model's SQL.
 *
 * A var is inserted as a SQL literal, never as raw text: a plain decimal number
 * (-12, 3.5) as written, anything else as a single-quoted string with quotes
 * doubled. So `WHERE scenario_id = {{ var('scenario_id') }}` works as written and a
 * value cannot change the statement. The built-in scenario_id is always a string. */
#include <stdlib.h>
#include <string.h>

#include "dag/dag_int.h"
#include "io/db_result.h"

static const char *const builtin_vars[] = {"scenario_id", "start_year", "end_year", 0};

bool pw_dag_is_builtin_var(const char *name)
{
    for (int i = 0; builtin_vars[i]; i++)
        if (strcmp(name, builtin_vars[i]) == 0) return true;
    return false;
}

static struct pw__var *find_var(const struct pw_dag *dag, const char *name)
{
    for (size_t i = 0; i < dag->var_count; i++)
        if (strcmp(dag->vars[i].name, name) == 0) return &dag->vars[i];
    return NULL;
}

const char *pw_dag_var(const struct pw_dag *dag, const char *name)
{
    const struct pw__var *v = find_var(dag, name);
    return v ? v->value : NULL;
}

static int put_var(struct pw_dag *dag, const char *name, const char *value, bool builtin, struct pw_err *err)
{
    if (!pw__is_identifier(name, strlen(name)))
        return pw_err_set(err, PW_EUSAGE, "invalid var name '%s' (letters, digits and '_', not starting with a digit)",
                          name);
    char *copy = pw__strdup(value);
    if (!copy) return pw_err_set(err, PW_ENOMEM, "out of memory");
    struct pw__var *v = find_var(dag, name);
    if (!v) {
        if (dag->var_count == dag->var_cap) {
            size_t cap = dag->var_cap ? 2 * dag->var_cap : 8;
            struct pw__var *n = realloc(dag->vars, cap * sizeof *n);
            if (!n) {
                free(copy);
                return pw_err_set(err, PW_ENOMEM, "out of memory");
            }
            dag->vars = n;
            dag->var_cap = cap;
        }
        v = &dag->vars[dag->var_count++];
        memset(v, 0, sizeof *v);
        snprintf(v->name, sizeof v->name, "%s", name);
    }
    free(v->value);
    v->value = copy;
    v->builtin = builtin;
    return 0;
}

int pw_dag_set_var(struct pw_dag *dag, const char *name, const char *value, struct pw_err *err)
{
    return put_var(dag, name, value, false, err);
}

int pw_dag_set_var_arg(struct pw_dag *dag, const char *arg, struct pw_err *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return pw_err_set(err, PW_EUSAGE, "invalid --var '%s' (expected NAME=VALUE)", arg);
    char name[PW_MODEL_NAME_MAX];
    size_t n = (size_t)(eq - arg);
    if (n >= sizeof name) return pw_err_set(err, PW_EUSAGE, "invalid --var '%s' (name too long)", arg);
    memcpy(name, arg, n);
    name[n] = '\0';
    return put_var(dag, name, eq + 1, false, err);
}

int pw_dag_read_builtin_vars(struct pw_dag *dag, struct pw_db *db, struct pw_err *err)
{
    dag->builtin_vars_read = true;
    enum pw_db_relation kind;
    int rc = pw_db_relation_kind(db, "run_metadata", &kind, err);
    if (rc || kind == PW_DB_NONE) return rc;
    /* The latest run, or the latest run of the scenario chosen with --var scenario_id. */
    const char *scenario = pw_dag_var(dag, "scenario_id");
    char *sql = NULL;
    size_t len = 0, cap = 0;
    static const char head[] = "SELECT scenario_id, start_year, end_year FROM run_metadata";
    if (pw__buf_add(&sql, &len, &cap, head, sizeof head - 1)) return pw_err_set(err, PW_ENOMEM, "out of memory");
    if (scenario && (pw__buf_add(&sql, &len, &cap, " WHERE scenario_id = ", 21) ||
                     pw__sql_quote(&sql, &len, &cap, scenario))) {
        free(sql);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    static const char tail[] = " ORDER BY started_at DESC, scenario_id LIMIT 1";
    if (pw__buf_add(&sql, &len, &cap, tail, sizeof tail - 1)) {
        free(sql);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    struct pw_db_text t;
    rc = pw_db_query_text(db, sql, 1, &t, err);
    free(sql);
    if (rc) return rc;
    for (size_t c = 0; c < 3 && t.rows == 1 && !rc; c++) {
        const char *v = pw_db_text_at(&t, 0, c);
        struct pw__var *have = find_var(dag, builtin_vars[c]);
        if (v && !(have && !have->builtin)) rc = put_var(dag, builtin_vars[c], v, true, err);
    }
    pw_db_text_release(&t);
    return rc;
}

/* A plain decimal number: optional '-', digits, optional '.' and digits. */
static bool is_number(const char *s)
{
    if (*s == '-') s++;
    if (!(*s >= '0' && *s <= '9')) return false;
    while (*s >= '0' && *s <= '9') s++;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) return false;
        while (*s >= '0' && *s <= '9') s++;
    }
    return *s == '\0';
}

int pw_dag_render(const struct pw_dag *dag, size_t i, char **out, struct pw_err *err)
{
    *out = NULL;
    const struct pw_model *m = &dag->models[i];
    char *sql = NULL;
    size_t len = 0, cap = 0;
    int rc = pw__buf_add(&sql, &len, &cap, "", 0);
    for (size_t k = 0; k < m->part_count && !rc; k++) {
        const struct pw_model_part *p = &m->parts[k];
        if (p->type == PW_PART_TEXT) {
            rc = pw__buf_add(&sql, &len, &cap, m->text + p->begin, p->end - p->begin);
        } else if (p->type == PW_PART_REF) {
            /* A model by its own spelling, quoted (a model may be named like a keyword);
             * an output table by its plain name. */
            if (p->target >= 0) {
                const char *name = dag->models[p->target].name;
                rc = pw__buf_add(&sql, &len, &cap, "\"", 1) || pw__buf_add(&sql, &len, &cap, name, strlen(name)) ||
                             pw__buf_add(&sql, &len, &cap, "\"", 1)
                         ? PW_ENOMEM
                         : 0;
            } else {
                rc = pw__buf_add(&sql, &len, &cap, p->name, strlen(p->name));
            }
        } else {
            const char *v = pw_dag_var(dag, p->name);
            if (!v) {
                free(sql);
                return pw_err_set(err, PW_EMODEL, "%s:%d: var '%s' has no value", m->file, p->line, p->name);
            }
            if (is_number(v) && strcmp(p->name, "scenario_id") != 0) rc = pw__buf_add(&sql, &len, &cap, v, strlen(v));
            else rc = pw__sql_quote(&sql, &len, &cap, v);
        }
    }
    if (rc) {
        free(sql);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    pw__strip_tail(sql, &len);
    *out = sql;
    return 0;
}
