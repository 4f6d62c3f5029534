/* plan.c: from parsed models to an executable plan: names (duplicates, output
 * table names), refs (models or output tables), vars, cycles (each reported with
 * its path) and topological levels (a model's level is one more than the highest
 * level of the models it refs), and user models that are not one query
 * (statements.c). Every problem is recorded; nothing stops early. */
#include <stdlib.h>
#include <string.h>

#include "dag/dag_int.h"

static int check_names(struct pw_dag *dag, bool *dup)
{
    for (size_t i = 0; i < dag->count; i++) {
        const struct pw_model *m = &dag->models[i];
        int rc = 0;
        if (pw__is_output_table(m->name))
            rc = pw__dag_problem(dag, m->file, 0, "model name '%s' is a planwise output table; choose another name",
                                 m->name);
        for (size_t j = 0; j < i && !rc; j++) {
            const struct pw_model *o = &dag->models[j];
            if (dup[j] || pw__name_cmp(o->name, m->name) != 0) continue;
            dup[i] = true;
            if (o->builtin && !m->builtin)
                rc = pw__dag_problem(dag, m->file, 0, "model '%s' is already a built-in model (%s); choose another name",
                                     m->name, o->file);
            else
                rc = pw__dag_problem(dag, m->file, 0, "duplicate model name '%s': also defined in %s", m->name, o->file);
            break;
        }
        if (rc) return rc;
    }
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Resolves the refs and vars of model i and fills its deps. */
static int resolve(struct pw_dag *dag, size_t i, const bool *dup)
{
    struct pw_model *m = &dag->models[i];
    free(m->deps);
    m->deps = NULL;
    m->dep_count = 0;
    size_t refs = 0;
    for (size_t k = 0; k < m->part_count; k++) refs += m->parts[k].type == PW_PART_REF;
    if (refs && !(m->deps = malloc(refs * sizeof *m->deps))) return PW_ENOMEM;
    for (size_t k = 0; k < m->part_count; k++) {
        struct pw_model_part *p = &m->parts[k];
        int rc = 0;
        if (p->type == PW_PART_REF) {
            int t = -1;
            for (size_t j = 0; j < dag->count && t < 0; j++)
                if (!dup[j] && pw__name_cmp(dag->models[j].name, p->name) == 0) t = (int)j;
            p->target = t;
            if (t >= 0) m->deps[m->dep_count++] = t;
            else if (!pw__is_output_table(p->name))
                rc = pw__dag_problem(dag, m->file, p->line, "unknown ref '%s' (not a model or a planwise output table)",
                                     p->name);
        } else if (p->type == PW_PART_VAR && !pw_dag_var(dag, p->name)) {
            if (!pw_dag_is_builtin_var(p->name))
                rc = pw__dag_problem(dag, m->file, p->line, "unknown var '%s' (set it with --var %s=VALUE)", p->name,
                                     p->name);
            else if (dag->builtin_vars_read)
                rc = pw__dag_problem(dag, m->file, p->line,
                                     "var '%s' has no value: the database has no run_metadata (set it with --var "
                                     "%s=VALUE)",
                                     p->name, p->name);
        }
        if (rc) return rc;
    }
    if (m->dep_count > 1) qsort(m->deps, m->dep_count, sizeof *m->deps, cmp_int);
    size_t n = 0;
    for (size_t k = 0; k < m->dep_count; k++)
        if (n == 0 || m->deps[n - 1] != m->deps[k]) m->deps[n++] = m->deps[k];
    m->dep_count = n;
    return 0;
}

struct cycle_search {
    struct pw_dag *dag;
    char *color;          /* 0 unvisited, 1 on the stack, 2 done */
    int *stack;
    size_t depth;
    char **seen;          /* keys of the cycles reported */
    size_t nseen;
};

/* Line of the first ref from model a to model b. */
static int ref_line(const struct pw_model *a, int b)
{
    for (size_t k = 0; k < a->part_count; k++)
        if (a->parts[k].type == PW_PART_REF && a->parts[k].target == b) return a->parts[k].line;
    return 0;
}

static int report_cycle(struct cycle_search *cs, size_t from)
{
    struct pw_dag *dag = cs->dag;
    size_t n = cs->depth - from, start = from;
    for (size_t k = from; k < cs->depth; k++)
        if (cs->stack[k] < cs->stack[start]) start = k;
    /* The same cycle can be met from several entry points: report it once. */
    char key[2048] = "";
    int *sorted = malloc(n * sizeof *sorted);
    if (!sorted) return PW_ENOMEM;
    memcpy(sorted, cs->stack + from, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_int);
    for (size_t k = 0; k < n; k++) {
        size_t l = strlen(key);
        snprintf(key + l, sizeof key - l, "%d,", sorted[k]);
    }
    free(sorted);
    for (size_t k = 0; k < cs->nseen; k++)
        if (strcmp(cs->seen[k], key) == 0) return 0;
    char **seen = realloc(cs->seen, (cs->nseen + 1) * sizeof *seen);
    if (!seen) return PW_ENOMEM;
    cs->seen = seen;
    if (!(cs->seen[cs->nseen] = pw__strdup(key))) return PW_ENOMEM;
    cs->nseen++;
    char path[2048] = "";
    for (size_t k = 0; k <= n; k++) {
        const struct pw_model *m = &dag->models[cs->stack[from + (start - from + k) % n]];
        size_t l = strlen(path);
        snprintf(path + l, sizeof path - l, "%s%s", k ? " -> " : "", m->name);
    }
    const struct pw_model *first = &dag->models[cs->stack[start]];
    int next = cs->stack[from + (start - from + 1) % n];
    return pw__dag_problem(dag, first->file, ref_line(first, next), "cycle: %s", path);
}

static int visit(struct cycle_search *cs, int u)
{
    cs->color[u] = 1;
    cs->stack[cs->depth++] = u;
    const struct pw_model *m = &cs->dag->models[u];
    for (size_t k = 0; k < m->dep_count; k++) {
        int v = m->deps[k], rc = 0;
        if (cs->color[v] == 1) {
            size_t from = 0;
            while (cs->stack[from] != v) from++;
            rc = report_cycle(cs, from);
        } else if (cs->color[v] == 0) {
            rc = visit(cs, v);
        }
        if (rc) return rc;
    }
    cs->depth--;
    cs->color[u] = 2;
    return 0;
}

static int find_cycles(struct pw_dag *dag)
{
    struct cycle_search cs = {.dag = dag};
    cs.color = calloc(dag->count ? dag->count : 1, 1);
    cs.stack = malloc((dag->count ? dag->count : 1) * sizeof *cs.stack);
    int rc = cs.color && cs.stack ? 0 : PW_ENOMEM;
    for (size_t i = 0; i < dag->count && !rc; i++)
        if (cs.color[i] == 0) rc = visit(&cs, (int)i);
    for (size_t k = 0; k < cs.nseen; k++) free(cs.seen[k]);
    free(cs.seen);
    free(cs.color);
    free(cs.stack);
    return rc;
}

/* Level of model i: 0 without refs to models, else 1 + the highest level of its
 * refs; -1 inside or downstream of a cycle. state: 0 new, 1 in progress, 2 done. */
static int level_of(struct pw_dag *dag, char *state, size_t i)
{
    struct pw_model *m = &dag->models[i];
    if (state[i] == 2) return m->level;
    if (state[i] == 1) return -1;
    state[i] = 1;
    int level = 0;
    for (size_t k = 0; k < m->dep_count; k++) {
        int l = level_of(dag, state, (size_t)m->deps[k]);
        if (l < 0 || level < 0) level = -1;
        else if (l + 1 > level) level = l + 1;
    }
    state[i] = 2;
    m->level = level;
    return level;
}

size_t pw_dag_plan(struct pw_dag *dag)
{
    if (dag->planned) return dag->problem_count;
    dag->planned = true;
    bool *dup = calloc(dag->count ? dag->count : 1, sizeof *dup);
    char *state = calloc(dag->count ? dag->count : 1, 1);
    int rc = dup && state ? check_names(dag, dup) : PW_ENOMEM;
    for (size_t i = 0; i < dag->count && !rc; i++) rc = resolve(dag, i, dup);
    if (!rc) rc = find_cycles(dag);
    if (!rc) rc = pw__check_statements(dag);
    dag->levels = 0;
    for (size_t i = 0; i < dag->count && !rc; i++) {
        dag->models[i].fanout = 0;
        dag->models[i].level = -1;
    }
    for (size_t i = 0; i < dag->count && !rc; i++) {
        const struct pw_model *m = &dag->models[i];
        for (size_t k = 0; k < m->dep_count; k++) dag->models[m->deps[k]].fanout++;
    }
    for (size_t i = 0; i < dag->count && !rc; i++) {
        int l = level_of(dag, state, i);
        if (l + 1 > dag->levels) dag->levels = l + 1;
    }
    free(dup);
    free(state);
    /* Out of memory while planning: leave a problem so nothing runs. */
    if (rc) {
        pw__dag_problem(dag, "", 0, "out of memory while planning the models");
        return dag->problem_count ? dag->problem_count : 1;
    }
    return dag->problem_count;
}
