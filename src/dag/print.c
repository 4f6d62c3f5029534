/* print.c: what the `models` commands and `planwise run` show: problems, the model
 * list, the plan by level, materialization recommendations, failures with sample
 * rows, and the summary of an execution. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dag/dag_int.h"

/* Below this measured cost (seconds) a view is as good as a table. */
#define CHEAP_SECONDS 0.05

static const char *kind_name(int kind) { return kind == PW_MODEL_CHECK ? "check" : "mart"; }
static const char *mat_name(int mat) { return mat == PW_MAT_VIEW ? "view" : "table"; }

/* Problems by file, then line (in the order found within one line), so the
 * problems of one file read together. */
void pw_dag_print_problems(const struct pw_dag *dag, FILE *out)
{
    size_t n = dag->problem_count;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        if (order) {
            const struct pw_dag_problem *p = &dag->problems[i];
            for (; j > 0; j--) {
                const struct pw_dag_problem *q = &dag->problems[order[j - 1]];
                int c = strcmp(q->file, p->file);
                if (c < 0 || (c == 0 && q->line <= p->line)) break;
                order[j] = order[j - 1];
            }
            order[j] = i;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct pw_dag_problem *p = &dag->problems[order ? order[i] : i];
        if (p->line > 0) fprintf(out, "planwise: %s:%d: %s\n", p->file, p->line, p->message);
        else if (p->file[0]) fprintf(out, "planwise: %s: %s\n", p->file, p->message);
        else fprintf(out, "planwise: %s\n", p->message);
    }
    free(order);
}

static int name_width(const struct pw_dag *dag)
{
    int w = 5;
    for (size_t i = 0; i < dag->count; i++)
        if ((int)strlen(dag->models[i].name) > w) w = (int)strlen(dag->models[i].name);
    return w;
}

void pw_dag_print_list(const struct pw_dag *dag, FILE *out)
{
    int w = name_width(dag);
    fprintf(out, "%-*s  %-5s  %-5s  %s\n", w, "model", "kind", "as", "source: description");
    for (size_t i = 0; i < dag->count; i++) {
        const struct pw_model *m = &dag->models[i];
        fprintf(out, "%-*s  %-5s  %-5s  %s: %s\n", w, m->name, kind_name(m->kind), mat_name(m->materialized),
                m->builtin ? "built-in" : m->file, m->description);
    }
    int marts = 0;
    for (size_t i = 0; i < dag->count; i++) marts += dag->models[i].kind == PW_MODEL_MART;
    fprintf(out, "(%zu models: %d marts, %zu checks)\n", dag->count, marts, dag->count - (size_t)marts);
}

void pw_dag_print_plan(const struct pw_dag *dag, FILE *out)
{
    int w = name_width(dag);
    fprintf(out, "%zu models in %d level%s; the models of one level run in parallel, each level after the one "
                 "before\n",
            dag->count, dag->levels, dag->levels == 1 ? "" : "s");
    for (int level = 0; level < dag->levels; level++) {
        int n = 0;
        for (size_t i = 0; i < dag->count; i++) n += dag->models[i].level == level;
        fprintf(out, "\nlevel %d (%d model%s)\n", level, n, n == 1 ? "" : "s");
        for (int kind = PW_MODEL_MART; kind <= PW_MODEL_CHECK; kind++) {
            for (size_t i = 0; i < dag->count; i++) {
                const struct pw_model *m = &dag->models[i];
                if (m->level != level || m->kind != kind) continue;
                fprintf(out, "  %-*s  %-5s  %-*s", w, m->name, kind_name(m->kind), m->dep_count ? 5 : 0,
                        mat_name(m->materialized));
                for (size_t k = 0; k < m->dep_count; k++)
                    fprintf(out, "%s%s", k ? ", " : "  refs ", dag->models[m->deps[k]].name);
                fputc('\n', out);
            }
        }
    }
}

/* The recommendation for one model and why (see README, "Models"). */
static const char *recommend(const struct pw_model *m, char *why, size_t size)
{
    int f = m->fanout;
    double c = m->last_seconds;
    if (!m->measured) {
        if (f >= 2) {
            snprintf(why, size, "read by %d models (not measured)", f);
            return "table";
        }
        if (f == 1) {
            snprintf(why, size, "read by one model (not measured)");
            return "view";
        }
        snprintf(why, size, m->kind == PW_MODEL_CHECK ? "a check is evaluated once per run (not measured)"
                                                      : "people and tools query it (not measured)");
        return m->kind == PW_MODEL_CHECK ? "view" : "table";
    }
    if (f >= 1) {
        if (c < CHEAP_SECONDS) {
            snprintf(why, size, "cheap (%.3f s) even when read by %d model%s", c, f, f == 1 ? "" : "s");
            return "view";
        }
        snprintf(why, size, "a view would be computed by each of %d reader%s: about %.3f s each", f, f == 1 ? "" : "s",
                 c);
        return "table";
    }
    if (m->kind == PW_MODEL_CHECK) {
        snprintf(why, size, "no model reads it; evaluated once per run (%.3f s)", c);
        return "view";
    }
    if (c < CHEAP_SECONDS) {
        snprintf(why, size, "no model reads it and it is cheap (%.3f s) to compute per query", c);
        return "view";
    }
    snprintf(why, size, "people and tools query it: keep the %.3f s result", c);
    return "table";
}

void pw_dag_print_recommendations(const struct pw_dag *dag, FILE *out)
{
    int w = name_width(dag), measured = 0;
    for (size_t i = 0; i < dag->count; i++) measured += dag->models[i].measured;
    if (measured == 0)
        fprintf(out, "no measured run in this database ('planwise models run' records one); recommending from "
                     "fan-out only\n");
    else
        fprintf(out, "measured: the last recorded run of each model (table planwise_model_runs)\n");
    fprintf(out, "%-*s  %-5s  %-5s  %7s  %10s  %10s  %-9s  %s\n", w, "model", "kind", "now", "fan-out", "last time",
            "rows", "recommend", "why");
    for (size_t i = 0; i < dag->count; i++) {
        const struct pw_model *m = &dag->models[i];
        char why[160], secs[32] = "-", rows[32] = "-";
        const char *rec = recommend(m, why, sizeof why);
        if (m->measured) {
            snprintf(secs, sizeof secs, "%.3f s", m->last_seconds);
            if (m->last_rows >= 0) snprintf(rows, sizeof rows, "%" PRId64, m->last_rows);
        }
        fprintf(out, "%-*s  %-5s  %-5s  %7d  %10s  %10s  %-9s  %s%s\n", w, m->name, kind_name(m->kind),
                mat_name(m->materialized), m->fanout, secs, rows, rec, why,
                strcmp(rec, mat_name(m->materialized)) == 0 ? "" : " [change]");
    }
}

/* The sample rows of a failed check as an aligned table, indented. */
static void print_sample(const struct pw_db_text *t, FILE *out)
{
    size_t width[64] = {0}, cols = t->cols < 64 ? t->cols : 64;
    for (size_t c = 0; c < cols; c++) {
        width[c] = strlen(t->names[c]);
        for (size_t r = 0; r < t->rows; r++) {
            const char *v = pw_db_text_at(t, r, c);
            size_t n = strlen(v ? v : "NULL");
            if (n > width[c]) width[c] = n;
        }
        if (width[c] > 60) width[c] = 60;
    }
    for (size_t r = 0; r <= t->rows; r++) {
        fputs("    ", out);
        for (size_t c = 0; c < cols; c++) {
            const char *v = r == 0 ? t->names[c] : pw_db_text_at(t, r - 1, c);
            if (!v) v = "NULL";
            fprintf(out, "%s%-*.*s", c ? "  " : "", c + 1 < cols ? (int)width[c] : 0, (int)width[c], v);
        }
        fputc('\n', out);
    }
}

void pw_dag_print_failures(const struct pw_dag_summary *sum, FILE *out)
{
    for (size_t i = 0; i < sum->count; i++) {
        const struct pw_model_result *r = &sum->results[i];
        if (r->status == PW_MODEL_FAILED) {
            fprintf(out, "planwise: %s '%s' failed: %s\n", r->kind == PW_MODEL_CHECK ? "check" : "model", r->name,
                    r->error ? r->error : "unknown error");
        } else if (r->status == PW_MODEL_SKIPPED) {
            fprintf(out, "planwise: %s '%s' skipped: %s\n", r->kind == PW_MODEL_CHECK ? "check" : "model", r->name,
                    r->error ? r->error : "");
        } else if (r->status == PW_MODEL_CHECK_FAILED) {
            fprintf(out, "planwise: data-quality check '%s' failed: %" PRId64 " violating row%s", r->name, r->rows,
                    r->rows == 1 ? "" : "s");
            if (r->sample.rows > 0)
                fprintf(out, "; %s %zu (SELECT * FROM %s):\n", (int64_t)r->sample.rows < r->rows ? "first" : "all",
                        r->sample.rows, r->name);
            else
                fputc('\n', out);
            if (r->sample.rows > 0) print_sample(&r->sample, out);
        }
    }
}

void pw_dag_print_summary(const struct pw_dag_summary *sum, FILE *out, bool per_model, bool with_time)
{
    int marts = 0, checks = 0;
    for (size_t i = 0; i < sum->count; i++) {
        const struct pw_model_result *r = &sum->results[i];
        r->kind == PW_MODEL_CHECK ? checks++ : marts++;
        if (!per_model) continue;
        static const char *const label[] = {"-", "ok", "FAILED", "ERROR", "skipped"};
        char rows[48] = "";
        if (r->rows >= 0)
            snprintf(rows, sizeof rows, "%" PRId64 " %s", r->rows,
                     r->kind == PW_MODEL_CHECK ? (r->rows == 1 ? "violating row" : "violating rows")
                                               : (r->rows == 1 ? "row" : "rows"));
        fprintf(out, "  %-7s  level %d  %-5s  %-5s  %-40s  %-22s", label[r->status], r->level, kind_name(r->kind),
                mat_name(r->materialized), r->name, rows);
        if (with_time && r->status != PW_MODEL_SKIPPED) fprintf(out, "  %.3f s", r->seconds);
        fputc('\n', out);
    }
    /* Only what ran: `planwise run` builds marts (and checks with --check),
     * `planwise check` runs checks only. */
    fprintf(out, "%s: ", marts ? "models" : "checks");
    if (marts && sum->marts_ok == marts) fprintf(out, "%d mart%s built", marts, marts == 1 ? "" : "s");
    else if (marts) fprintf(out, "%d of %d marts built", sum->marts_ok, marts);
    if (checks) fprintf(out, "%s%d of %d check%s passed", marts ? ", " : "", sum->checks_passed, checks, checks == 1 ? "" : "s");
    if (sum->skipped) fprintf(out, ", %d skipped", sum->skipped);
    if (with_time)
        fprintf(out, " in %.2f s (%d level%s, %d connection%s)", sum->seconds, sum->levels, sum->levels == 1 ? "" : "s",
                sum->threads, sum->threads == 1 ? "" : "s");
    fputc('\n', out);
}
