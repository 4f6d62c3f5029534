/* html_report.c: the sections of `planwise report`. Every number is computed here
 * with SQL over the output tables (the marts are used only where they hold what
 * the snapshot alone cannot, compensation growth), so a report works on any
 * database a run wrote, with or without the SQL models. Tables show full values
 * with thousands separators; charts carry data attributes for the browser test. */
#include "report/html_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic_file.h"
#include "core/textbuf.h"
#include "io/db_result.h"
#include "report/svg_chart.h"

#define MAX_ROWS 200000

struct rep {
    struct pw_db *db;
    FILE *out;
    struct pw_err *err;
    char in_list[4096];    /* ('a', 'b'): the scenarios, as a SQL list */
    char **scen;           /* scenario ids in report order; the first is the baseline */
    size_t n_scen;
    char last_year[16];    /* last simulated year over the scenarios */
    int charts;            /* running number for chart ids */
};

/* Distinct scenario x category grid of one value column of a query result. */
struct grid {
    size_t n_x, n_s;
    char **x, **s;
    double *v;             /* n_s * n_x, NaN where the query had no row */
};

static void grid_release(struct grid *g)
{
    free(g->x);
    free(g->s);
    free(g->v);
    memset(g, 0, sizeof *g);
}

static size_t find_or_add(char ***list, size_t *n, char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], key) == 0) return i;
    *list = realloc(*list, (*n + 1) * sizeof **list);
    (*list)[*n] = key;
    return (*n)++;
}

static double num(const char *s)
{
    return s ? strtod(s, NULL) : NAN;
}

/* Grid keyed by columns scol (series) and xcol (category) holding vcol. The
 * strings stay owned by t. */
static void grid_build(struct grid *g, const struct pw_db_text *t, size_t scol, size_t xcol, size_t vcol)
{
    memset(g, 0, sizeof *g);
    for (size_t r = 0; r < t->rows; r++) {
        char *s = t->cells[r * t->cols + scol], *x = t->cells[r * t->cols + xcol];
        if (!s || !x) continue;
        find_or_add(&g->s, &g->n_s, s);
        find_or_add(&g->x, &g->n_x, x);
    }
    g->v = malloc((g->n_s * g->n_x + 1) * sizeof *g->v);
    for (size_t i = 0; i < g->n_s * g->n_x; i++) g->v[i] = NAN;
    for (size_t r = 0; r < t->rows; r++) {
        char *s = t->cells[r * t->cols + scol], *x = t->cells[r * t->cols + xcol];
        if (!s || !x) continue;
        size_t si = find_or_add(&g->s, &g->n_s, s), xi = find_or_add(&g->x, &g->n_x, x);
        g->v[si * g->n_x + xi] = num(t->cells[r * t->cols + vcol]);
    }
}

static void chart_grid(struct rep *r, const struct grid *g, const char *id, const char *title, const char *xl,
                       const char *yl, enum pw_chart_kind kind, enum pw_chart_unit unit)
{
    struct pw_chart_series *ser = calloc(g->n_s + 1, sizeof *ser);
    for (size_t i = 0; i < g->n_s; i++) ser[i] = (struct pw_chart_series){g->s[i], g->v + i * g->n_x};
    struct pw_chart c = {id, title, xl, yl, kind, unit, g->n_x, (const char *const *)g->x, g->n_s, ser};
    pw_svg_chart_write(r->out, &c);
    free(ser);
}

/* Cell formats: s text, y year/plain integer, c count, m money (whole dollars),
 * p share as percent with 1 decimal, P with 2 decimals. */
static void cell(FILE *out, char f, const char *v)
{
    char buf[64];
    if (!v) {
        fputs("<td class=\"na\">-</td>", out);
        return;
    }
    double d = strtod(v, NULL);
    switch (f) {
    case 'c': fprintf(out, "<td class=\"n\">%s</td>", pw_fmt_grouped((long long)llround(d), buf, sizeof buf)); return;
    case 'm':
        pw_fmt_grouped(llabs((long long)llround(d)), buf, sizeof buf);
        fprintf(out, "<td class=\"n\">%s%s</td>", d < 0 && llround(d) != 0 ? "-" : "", buf);
        return;
    case 'p': fprintf(out, "<td class=\"n\">%.1f%%</td>", d * 100); return;
    case 'P': fprintf(out, "<td class=\"n\">%.2f%%</td>", d * 100); return;
    case 'y': fputs("<td class=\"n\">", out); pw_html_escape(out, v); fputs("</td>", out); return;
    default: fputs("<td>", out); pw_html_escape(out, v); fputs("</td>", out);
    }
}

/* Table of a query result; heads[i] names column i with its unit, fmt[i] its format. */
static void table(struct rep *r, const char *id, const struct pw_db_text *t, const char *const *heads, const char *fmt)
{
    fprintf(r->out, "<table data-table=\"%s\"><thead><tr>", id);
    for (size_t c = 0; c < t->cols; c++) {
        fputs(fmt[c] == 's' || fmt[c] == 'y' ? "<th>" : "<th class=\"n\">", r->out);
        pw_html_escape(r->out, heads[c]);
        fputs("</th>", r->out);
    }
    fputs("</tr></thead><tbody>\n", r->out);
    for (size_t row = 0; row < t->rows; row++) {
        fputs("<tr>", r->out);
        for (size_t c = 0; c < t->cols; c++) cell(r->out, fmt[c], pw_db_text_at(t, row, c));
        fputs("</tr>\n", r->out);
    }
    fputs("</tbody></table>\n", r->out);
}

static int query(struct rep *r, struct pw_db_text *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int query(struct rep *r, struct pw_db_text *t, const char *fmt, ...)
{
    char sql[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return pw_db_query_text(r->db, sql, MAX_ROWS, t, r->err);
}

static int exists(struct rep *r, const char *name)
{
    enum pw_db_relation k = PW_DB_NONE;
    if (pw_db_relation_kind(r->db, name, &k, r->err)) return 0;
    return k != PW_DB_NONE;
}

static void note(struct rep *r, const char *text)
{
    fputs("<p class=\"note\">", r->out);
    pw_html_escape(r->out, text);
    fputs("</p>\n", r->out);
}

static int section_facts(struct rep *r)
{
    struct pw_db_text t;
    int rc = query(r, &t,
                   "SELECT scenario_id, status, config_sha1, random_seed, start_year || '-' || end_year, census_rows_read,"
                   " starting_roster, snapshot_rows, event_rows, threads, round(wall_seconds, 2), started_at::VARCHAR, program_version"
                   " FROM run_metadata WHERE scenario_id IN %s ORDER BY list_position([%.*s], scenario_id)",
                   r->in_list, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    static const char *const h[] = {"scenario", "status", "config SHA-1", "seed", "years", "census rows", "starting roster",
                                    "snapshot rows", "event rows", "threads", "wall time (s)", "started (UTC)", "planwise"};
    fputs("<section id=\"facts\"><h2>Run facts</h2>\n", r->out);
    table(r, "facts", &t, h, "ssssyccccyyss");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

static int section_headcount(struct rep *r)
{
    struct pw_db_text t;
    int rc = query(r, &t,
                   "SELECT scenario_id, simulation_year, count(*) FILTER (WHERE employment_status = 'active') AS active,"
                   " round(sum(prorated_annual_compensation)) AS payroll,"
                   " count(*) FILTER (WHERE event_hire) AS hires, count(*) FILTER (WHERE employment_status <> 'active') AS terminations"
                   " FROM (SELECT *, detailed_status_code::VARCHAR LIKE 'new_hire%%' AS event_hire FROM fct_workforce_snapshot)"
                   " WHERE scenario_id IN %s GROUP BY 1, 2 ORDER BY list_position([%.*s], scenario_id), simulation_year",
                   r->in_list, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    struct grid g;
    fputs("<section id=\"headcount\"><h2>Headcount and payroll by year</h2>\n<div class=\"charts\">", r->out);
    grid_build(&g, &t, 0, 1, 2);
    chart_grid(r, &g, "headcount", "Active headcount on Dec 31", "year", "employees", PW_CHART_LINE, PW_UNIT_COUNT);
    grid_release(&g);
    grid_build(&g, &t, 0, 1, 3);
    chart_grid(r, &g, "payroll", "Payroll (prorated pay of everyone employed)", "year", "payroll ($)", PW_CHART_LINE, PW_UNIT_MONEY);
    grid_release(&g);
    fputs("</div>\n", r->out);
    static const char *const h[] = {"scenario", "year", "active headcount", "payroll ($)", "new hires in snapshot", "terminated in year"};
    table(r, "headcount", &t, h, "syccmc");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);

    rc = query(r, &t,
               "SELECT scenario_id, simulation_year, count(*) FILTER (WHERE event_type = 'hire') AS hires,"
               " count(*) FILTER (WHERE event_category = 'experienced_termination') AS exp_terms,"
               " count(*) FILTER (WHERE event_category = 'new_hire_termination') AS nh_terms"
               " FROM fct_yearly_events WHERE scenario_id IN %s AND event_type IN ('hire', 'termination')"
               " GROUP BY 1, 2 ORDER BY list_position([%.*s], scenario_id), simulation_year",
               r->in_list, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    fputs("<section id=\"flows\"><h2>Hires and terminations by year</h2>\n<div class=\"charts\">", r->out);
    for (size_t s = 0; s < r->n_scen; s++) {
        /* One chart per scenario: hires beside both kinds of termination. */
        struct pw_db_text sub = t;
        size_t n = 0;
        char **cells = malloc((t.rows * 3 + 1) * sizeof *cells), *lbl[3] = {"hires", "experienced terminations", "new-hire terminations"};
        char **rows = malloc((t.rows * 3 * 3 + 1) * sizeof *rows);
        for (size_t i = 0; i < t.rows; i++) {
            if (strcmp(pw_db_text_at(&t, i, 0), r->scen[s]) != 0) continue;
            for (int k = 0; k < 3; k++) {
                rows[n * 3] = lbl[k];
                rows[n * 3 + 1] = (char *)pw_db_text_at(&t, i, 1);
                rows[n * 3 + 2] = (char *)pw_db_text_at(&t, i, 2 + (size_t)k);
                n++;
            }
        }
        sub.cols = 3;
        sub.rows = n;
        sub.cells = rows;
        grid_build(&g, &sub, 0, 1, 2);
        char id[64], title[256];
        snprintf(id, sizeof id, "flows-%zu", s);
        snprintf(title, sizeof title, "Hires and terminations: %s", r->scen[s]);
        chart_grid(r, &g, id, title, "year", "employees", PW_CHART_BARS, PW_UNIT_COUNT);
        grid_release(&g);
        free(rows);
        free(cells);
    }
    fputs("</div>\n", r->out);
    static const char *const h2[] = {"scenario", "year", "hires", "experienced terminations", "new-hire terminations"};
    table(r, "flows", &t, h2, "syccc");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

/* Runs sql (which must select scenario_id first) once per scenario: a chart of
 * series scol over category xcol for value vcol. */
static int per_scenario_chart(struct rep *r, const struct pw_db_text *t, const char *idp, const char *titlep,
                              const char *xl, const char *yl, enum pw_chart_kind kind, enum pw_chart_unit unit,
                              size_t scol, size_t xcol, size_t vcol)
{
    for (size_t s = 0; s < r->n_scen; s++) {
        struct pw_db_text sub = *t;
        char **rows = malloc((t->rows * t->cols + 1) * sizeof *rows);
        size_t n = 0;
        for (size_t i = 0; i < t->rows; i++) {
            const char *sc = pw_db_text_at(t, i, 0);
            if (!sc || strcmp(sc, r->scen[s]) != 0) continue;
            memcpy(rows + n * t->cols, t->cells + i * t->cols, t->cols * sizeof *rows);
            n++;
        }
        sub.rows = n;
        sub.cells = rows;
        struct grid g;
        grid_build(&g, &sub, scol, xcol, vcol);
        char id[64], title[256];
        snprintf(id, sizeof id, "%s-%zu", idp, s);
        snprintf(title, sizeof title, "%s: %s", titlep, r->scen[s]);
        chart_grid(r, &g, id, title, xl, yl, kind, unit);
        grid_release(&g);
        free(rows);
    }
    return 0;
}

/* Long form (scenario, series name, category, value) of several value columns. */
static int section_levels_cost(struct rep *r)
{
    struct pw_db_text t;
    int rc = query(r, &t,
                   "SELECT scenario_id, 'level ' || level_id, simulation_year, count(*) FROM fct_workforce_snapshot"
                   " WHERE scenario_id IN %s AND employment_status = 'active' GROUP BY scenario_id, level_id, simulation_year ORDER BY 1, level_id, 3",
                   r->in_list);
    if (rc) return rc;
    fputs("<section id=\"levels\"><h2>Headcount by level</h2>\n<div class=\"charts\">", r->out);
    per_scenario_chart(r, &t, "levels", "Active headcount by level", "year", "employees", PW_CHART_STACKED, PW_UNIT_COUNT, 1, 2, 3);
    fputs("</div></section>\n", r->out);
    pw_db_text_release(&t);

    rc = query(r, &t,
               "WITH c AS (SELECT scenario_id, simulation_year, sum(pw_c(employer_match_amount)) / 100.0 AS m,"
               " sum(pw_c(employer_core_amount)) / 100.0 AS k, sum(pw_c(forfeiture_amount)) / 100.0 AS f,"
               " sum(pw_c(prorated_annual_compensation)) / 100.0 AS p FROM fct_workforce_snapshot GROUP BY ALL)"
               " SELECT scenario_id, simulation_year, m, k, f, m + k - f, CASE WHEN p > 0 THEN (m + k - f) / p END FROM c"
               " WHERE scenario_id IN %s ORDER BY list_position([%.*s], scenario_id), simulation_year",
               r->in_list, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    fputs("<section id=\"cost\"><h2>Employer cost by year</h2>\n<div class=\"charts\">", r->out);
    for (size_t s = 0; s < r->n_scen; s++) {
        char **rows = malloc((t.rows * 3 * 3 + 1) * sizeof *rows), *lbl[3] = {"match", "core", "minus forfeitures"};
        char (*neg)[40] = malloc((t.rows + 1) * sizeof *neg);
        size_t n = 0;
        for (size_t i = 0; i < t.rows; i++) {
            if (strcmp(pw_db_text_at(&t, i, 0), r->scen[s]) != 0) continue;
            snprintf(neg[i], sizeof neg[i], "%.2f", -num(pw_db_text_at(&t, i, 4)));
            for (int k = 0; k < 3; k++) {
                rows[n * 3] = lbl[k];
                rows[n * 3 + 1] = (char *)pw_db_text_at(&t, i, 1);
                rows[n * 3 + 2] = k == 2 ? neg[i] : (char *)pw_db_text_at(&t, i, 2 + (size_t)k);
                n++;
            }
        }
        struct pw_db_text sub = {.cols = 3, .rows = n, .cells = rows};
        struct grid g;
        grid_build(&g, &sub, 0, 1, 2);
        char id[64], title[256];
        snprintf(id, sizeof id, "cost-%zu", s);
        snprintf(title, sizeof title, "Employer cost: %s", r->scen[s]);
        chart_grid(r, &g, id, title, "year", "dollars", PW_CHART_STACKED, PW_UNIT_MONEY);
        grid_release(&g);
        free(rows);
        free(neg);
    }
    fputs("</div>\n", r->out);
    static const char *const h[] = {"scenario", "year", "match ($)", "core ($)", "forfeitures ($)", "net employer cost ($)", "net cost (% of payroll)"};
    table(r, "cost", &t, h, "symmmmP");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

static int section_participation(struct rep *r)
{
    struct pw_db_text t;
    int rc = query(r, &t,
                   "SELECT scenario_id, simulation_year, count(*) FILTER (WHERE current_eligibility_status = 'eligible'),"
                   " count(*) FILTER (WHERE current_deferral_rate > 0),"
                   " count(*) FILTER (WHERE current_deferral_rate > 0) / nullif(count(*) FILTER (WHERE current_eligibility_status = 'eligible'), 0),"
                   " avg(current_deferral_rate) FILTER (WHERE current_deferral_rate > 0)"
                   " FROM fct_workforce_snapshot WHERE scenario_id IN %s GROUP BY 1, 2"
                   " ORDER BY list_position([%.*s], scenario_id), simulation_year",
                   r->in_list, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    struct grid g;
    fputs("<section id=\"participation\"><h2>Participation and average deferral</h2>\n<div class=\"charts\">", r->out);
    grid_build(&g, &t, 0, 1, 4);
    chart_grid(r, &g, "participation", "Participation rate (participating / eligible)", "year", "participation (%)", PW_CHART_LINE, PW_UNIT_RATE);
    grid_release(&g);
    grid_build(&g, &t, 0, 1, 5);
    chart_grid(r, &g, "deferral", "Average deferral rate of participants", "year", "deferral rate (%)", PW_CHART_LINE, PW_UNIT_RATE);
    grid_release(&g);
    fputs("</div>\n", r->out);
    static const char *const h[] = {"scenario", "year", "eligible", "participating", "participation rate", "average deferral rate"};
    table(r, "participation", &t, h, "syccpP");
    pw_db_text_release(&t);

    static const char *const dims[2][3] = {{"age_band", "age band", "age"},
                                           {"pw_income_group(current_compensation)", "income band", "income"}};
    for (int d = 0; d < 2; d++) {
        rc = query(r, &t,
                   "SELECT scenario_id, %s::VARCHAR AS band, count(*) FILTER (WHERE current_eligibility_status = 'eligible'),"
                   " count(*) FILTER (WHERE current_deferral_rate > 0),"
                   " count(*) FILTER (WHERE current_deferral_rate > 0) / nullif(count(*) FILTER (WHERE current_eligibility_status = 'eligible'), 0),"
                   " avg(current_deferral_rate) FILTER (WHERE current_deferral_rate > 0)"
                   " FROM fct_workforce_snapshot WHERE scenario_id IN %s AND simulation_year = %s GROUP BY 1, 2"
                   " ORDER BY list_position([%.*s], scenario_id), min(current_age), min(current_compensation)",
                   dims[d][0], r->in_list, r->last_year, (int)strlen(r->in_list) - 2, r->in_list + 1);
        if (rc) return rc;
        fprintf(r->out, "<h3>By %s, %s</h3>\n<div class=\"charts\">", dims[d][1], r->last_year);
        char id[64], title[128];
        snprintf(id, sizeof id, "participation-%s", dims[d][2]);
        snprintf(title, sizeof title, "Participation rate by %s, %s", dims[d][1], r->last_year);
        grid_build(&g, &t, 0, 1, 4);
        chart_grid(r, &g, id, title, dims[d][1], "participation (%)", PW_CHART_BARS, PW_UNIT_RATE);
        grid_release(&g);
        snprintf(id, sizeof id, "deferral-%s", dims[d][2]);
        snprintf(title, sizeof title, "Average deferral rate by %s, %s", dims[d][1], r->last_year);
        grid_build(&g, &t, 0, 1, 5);
        chart_grid(r, &g, id, title, dims[d][1], "deferral rate (%)", PW_CHART_BARS, PW_UNIT_RATE);
        grid_release(&g);
        fputs("</div>\n", r->out);
        const char *h2[] = {"scenario", dims[d][1], "eligible", "participating", "participation rate", "average deferral rate"};
        table(r, id, &t, h2, "ssccpP");
        pw_db_text_release(&t);
    }
    fputs("</section>\n", r->out);

    /* Deferral-rate distribution: whole-percent buckets, 10% and above in one. */
    rc = query(r, &t,
               "SELECT scenario_id, CASE WHEN b >= 10 THEN '10%%+' ELSE b || '-' || (b + 1) || '%%' END AS bucket, count(*)"
               " FROM (SELECT scenario_id, least(floor(current_deferral_rate * 100 + 1e-9), 10)::INTEGER AS b"
               " FROM fct_workforce_snapshot WHERE scenario_id IN %s AND simulation_year = %s AND current_deferral_rate > 0)"
               " GROUP BY 1, 2 ORDER BY list_position([%.*s], scenario_id), min(b)",
               r->in_list, r->last_year, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    fprintf(r->out, "<section id=\"distribution\"><h2>Deferral-rate distribution, %s</h2>\n<div class=\"charts\">", r->last_year);
    grid_build(&g, &t, 0, 1, 2);
    chart_grid(r, &g, "distribution", "Participants by deferral rate", "deferral rate", "participants", PW_CHART_BARS, PW_UNIT_COUNT);
    grid_release(&g);
    fputs("</div>\n", r->out);
    static const char *const h3[] = {"scenario", "deferral rate", "participants"};
    table(r, "distribution", &t, h3, "ssc");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

static int section_growth(struct rep *r)
{
    fputs("<section id=\"growth\"><h2>Compensation growth A/B/C</h2>\n", r->out);
    if (!exists(r, "fct_compensation_growth")) {
        note(r, "The mart fct_compensation_growth is not in this database (run 'planwise models run').");
        fputs("</section>\n", r->out);
        return 0;
    }
    struct pw_db_text t;
    int rc = query(r, &t,
                   "SELECT scenario_id, calculation_method::VARCHAR, simulation_year, employee_count, avg_compensation, growth_rate"
                   " FROM fct_compensation_growth WHERE scenario_id IN %s"
                   " ORDER BY list_position([%.*s], scenario_id), simulation_year, calculation_method",
                   r->in_list, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    fputs("<div class=\"charts\">", r->out);
    per_scenario_chart(r, &t, "growth", "Compensation growth", "year", "growth (%)", PW_CHART_BARS, PW_UNIT_RATE, 1, 2, 5);
    fputs("</div>\n", r->out);
    static const char *const h[] = {"scenario", "method", "year", "employees", "average pay ($)", "growth"};
    table(r, "growth", &t, h, "ssycmP");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

static int section_checks(struct rep *r)
{
    fputs("<section id=\"checks\"><h2>Data-quality checks</h2>\n", r->out);
    if (!exists(r, "planwise_model_runs")) {
        note(r, "No models run is recorded in this database: the SQL data-quality checks have not been run "
                "('planwise check', or 'planwise run --check').");
        fputs("</section>\n", r->out);
        return 0;
    }
    struct pw_db_text t;
    int rc = query(r, &t,
                   "SELECT model_name, CASE WHEN status = 'ok' THEN 'pass' WHEN status = 'check_failed' THEN 'FAIL' ELSE status END,"
                   " row_count, scenario_id, started_at::VARCHAR FROM planwise_model_runs WHERE kind = 'check'"
                   " QUALIFY row_number() OVER (PARTITION BY model_name ORDER BY run_number DESC) = 1 ORDER BY model_name");
    if (rc) return rc;
    if (t.rows == 0) {
        note(r, "The SQL data-quality checks have not been run on this database ('planwise check', or 'planwise run "
                "--check'). Every run checks the model's invariants as it builds each year.");
        fputs("</section>\n", r->out);
        pw_db_text_release(&t);
        return 0;
    }
    size_t pass = 0;
    for (size_t i = 0; i < t.rows; i++) pass += strcmp(pw_db_text_at(&t, i, 1), "pass") == 0;
    fprintf(r->out, "<p class=\"summary\">%zu of %zu checks passed (the latest models run; checks cover every scenario in the file).</p>\n", pass, t.rows);
    static const char *const h[] = {"check", "result", "violating rows", "run for scenario", "run at (UTC)"};
    table(r, "checks", &t, h, "sscss");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

/* Comparison of every scenario with the first: per-year differences, and winners
 * and losers among the employees active in both in the last year (employer money). */
static int section_compare(struct rep *r)
{
    if (r->n_scen < 2) return 0;
    const char *base = r->scen[0];
    char bq[512];
    snprintf(bq, sizeof bq, "'%s'", base);
    struct pw_db_text t;
    int rc = query(r, &t,
                   "WITH y AS (SELECT scenario_id, simulation_year, count(*) FILTER (WHERE employment_status = 'active') AS hc,"
                   " sum(prorated_annual_compensation) AS pay, sum(employer_match_amount + employer_core_amount - forfeiture_amount) AS cost,"
                   " count(*) FILTER (WHERE current_deferral_rate > 0) / nullif(count(*) FILTER (WHERE current_eligibility_status = 'eligible'), 0) AS part"
                   " FROM fct_workforce_snapshot WHERE scenario_id IN %s GROUP BY ALL)"
                   " SELECT y.scenario_id, y.simulation_year, y.hc - b.hc, round(y.pay - b.pay), round(y.cost - b.cost), y.part - b.part"
                   " FROM y JOIN y b ON b.scenario_id = %s AND b.simulation_year = y.simulation_year"
                   " WHERE y.scenario_id <> %s ORDER BY list_position([%.*s], y.scenario_id), y.simulation_year",
                   r->in_list, bq, bq, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    fputs("<section id=\"compare\"><h2>Scenario comparison</h2>\n", r->out);
    fputs("<p>Differences from the baseline scenario '", r->out);
    pw_html_escape(r->out, base);
    fputs("' (scenario minus baseline).</p>\n<div class=\"charts\">", r->out);
    struct grid g;
    grid_build(&g, &t, 0, 1, 4);
    chart_grid(r, &g, "compare-cost", "Net employer cost, difference from the baseline", "year", "dollars", PW_CHART_BARS, PW_UNIT_MONEY);
    grid_release(&g);
    grid_build(&g, &t, 0, 1, 5);
    chart_grid(r, &g, "compare-participation", "Participation rate, difference from the baseline", "year", "percentage points", PW_CHART_BARS, PW_UNIT_RATE);
    grid_release(&g);
    fputs("</div>\n", r->out);
    static const char *const h[] = {"scenario", "year", "headcount difference", "payroll difference ($)", "net employer cost difference ($)", "participation difference"};
    table(r, "compare", &t, h, "syccmP");
    pw_db_text_release(&t);

    rc = query(r, &t,
               "WITH s AS (SELECT scenario_id, employee_id, pw_income_group(current_compensation)::VARCHAR AS band, current_compensation,"
               " employer_match_amount + employer_core_amount AS money, employee_hire_date FROM fct_workforce_snapshot"
               " WHERE scenario_id IN %s AND simulation_year = %s AND employment_status = 'active'),"
               /* an id is one person only if hired before both scenarios' first year (as in planwise compare) */
               " st AS (SELECT scenario_id, arg_max(start_year, started_at) AS y FROM run_metadata GROUP BY 1),"
               " d AS (SELECT s.scenario_id, b.band, b.current_compensation AS pay, s.money - b.money AS diff FROM s"
               " JOIN s b ON b.scenario_id = %s AND b.employee_id = s.employee_id"
               " JOIN st x ON x.scenario_id = s.scenario_id JOIN st z ON z.scenario_id = b.scenario_id"
               " WHERE s.scenario_id <> %s AND greatest(s.employee_hire_date, b.employee_hire_date)"
               " < make_date(greatest(x.y, z.y), 1, 1))"
               " SELECT scenario_id, band, count(*) FILTER (WHERE diff >= 1) AS winners, count(*) FILTER (WHERE diff <= -1) AS losers,"
               " count(*) FILTER (WHERE abs(diff) < 1) AS unchanged, round(avg(diff), 2) AS avg_diff"
               " FROM d GROUP BY 1, 2 ORDER BY list_position([%.*s], scenario_id), min(pay)",
               r->in_list, r->last_year, bq, bq, (int)strlen(r->in_list) - 2, r->in_list + 1);
    if (rc) return rc;
    fprintf(r->out, "<h3>Winners and losers, %s</h3>\n<p>Employees active on Dec 31 in both scenarios and hired before their first simulated year (hires of the simulated years share generated ids across scenarios, so they are left out); a winner gets at least $1 more employer match and core than under the baseline, a loser at least $1 less.</p>\n<div class=\"charts\">", r->last_year);
    for (size_t s = 1; s < r->n_scen; s++) {
        char **rows = malloc((t.rows * 9 + 1) * sizeof *rows), *lbl[3] = {"winners", "losers", "unchanged"};
        size_t n = 0;
        for (size_t i = 0; i < t.rows; i++) {
            if (strcmp(pw_db_text_at(&t, i, 0), r->scen[s]) != 0) continue;
            for (int k = 0; k < 3; k++) {
                rows[n * 3] = lbl[k];
                rows[n * 3 + 1] = (char *)pw_db_text_at(&t, i, 1);
                rows[n * 3 + 2] = (char *)pw_db_text_at(&t, i, 2 + (size_t)k);
                n++;
            }
        }
        struct pw_db_text sub = {.cols = 3, .rows = n, .cells = rows};
        grid_build(&g, &sub, 0, 1, 2);
        char id[64], title[256];
        snprintf(id, sizeof id, "winners-%zu", s);
        snprintf(title, sizeof title, "Winners and losers by income band: %s", r->scen[s]);
        chart_grid(r, &g, id, title, "income band", "employees", PW_CHART_BARS, PW_UNIT_COUNT);
        grid_release(&g);
        free(rows);
    }
    fputs("</div>\n", r->out);
    static const char *const h2[] = {"scenario", "income band", "winners", "losers", "unchanged", "average difference ($)"};
    table(r, "winners", &t, h2, "sscccm");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

/* Columns of a table present in the database, as a comma-separated lowercase list. */
static int has_column(struct rep *r, const char *table_name, const char *col)
{
    int64_t n = 0;
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM duckdb_columns() WHERE table_name = '%s' AND column_name = '%s'", table_name, col);
    if (pw_db_query_int(r->db, sql, &n, r->err)) return 0;
    return n > 0;
}

static int section_ensemble(struct rep *r)
{
    if (!exists(r, "fct_ensemble_bands")) return 0;
    fputs("<section id=\"ensemble\"><h2>Ensemble bands</h2>\n", r->out);
    static const char *const need[] = {"ensemble_id", "design", "simulation_year", "metric", "dimension", "p05", "p25", "p50", "p75", "p95"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        if (!has_column(r, "fct_ensemble_bands", need[i])) {
            char msg[256];
            snprintf(msg, sizeof msg, "fct_ensemble_bands has no column '%s'; fan charts skipped.", need[i]);
            note(r, msg);
            fputs("</section>\n", r->out);
            return 0;
        }
    struct pw_db_text keys;
    /* One fan per ensemble, design and metric: the total ('all') when there is one, else its first dimension. */
    int rc = query(r, &keys,
                   "SELECT ensemble_id::VARCHAR, design::VARCHAR, metric::VARCHAR, coalesce(min(dimension::VARCHAR) FILTER"
                   " (WHERE dimension::VARCHAR = 'all'), min(coalesce(dimension::VARCHAR, ''))) FROM fct_ensemble_bands"
                   " GROUP BY ALL ORDER BY ALL LIMIT 24");
    if (rc) return rc;
    fputs("<div class=\"charts\">", r->out);
    for (size_t k = 0; k < keys.rows; k++) {
        struct pw_db_text t;
        char sql[2048];
        const char *e = pw_db_text_at(&keys, k, 0), *d = pw_db_text_at(&keys, k, 1), *m = pw_db_text_at(&keys, k, 2), *dim = pw_db_text_at(&keys, k, 3);
        if (!e || !d || !m || strchr(e, '\'') || strchr(d, '\'') || strchr(m, '\'') || (dim && strchr(dim, '\''))) continue;
        snprintf(sql, sizeof sql,
                 "SELECT simulation_year::VARCHAR, p05, p25, p50, p75, p95 FROM fct_ensemble_bands WHERE ensemble_id::VARCHAR = '%s'"
                 " AND design::VARCHAR = '%s' AND metric::VARCHAR = '%s' AND coalesce(dimension::VARCHAR, '') = '%s' ORDER BY simulation_year",
                 e, d, m, dim ? dim : "");
        if ((rc = pw_db_query_text(r->db, sql, MAX_ROWS, &t, r->err))) return rc;
        double *v = malloc((t.rows * 5 + 1) * sizeof *v);
        const char **xl = malloc((t.rows + 1) * sizeof *xl);
        for (size_t i = 0; i < t.rows; i++) {
            xl[i] = pw_db_text_at(&t, i, 0);
            for (size_t p = 0; p < 5; p++) v[p * t.rows + i] = num(pw_db_text_at(&t, i, 1 + p));
        }
        static const char *const pn[5] = {"p05", "p25", "p50", "p75", "p95"};
        struct pw_chart_series ser[5];
        for (size_t p = 0; p < 5; p++) ser[p] = (struct pw_chart_series){pn[p], v + p * t.rows};
        char id[64], title[512];
        snprintf(id, sizeof id, "fan-%zu", k);
        snprintf(title, sizeof title, "%s: %s, design %s%s%s", e, m, d, dim && *dim ? ", " : "", dim ? dim : "");
        int rate = strstr(m, "rate") != NULL, money = strstr(m, "cost") || strstr(m, "payroll") || strstr(m, "match") || strstr(m, "contrib");
        struct pw_chart c = {id, title, "year", m, PW_CHART_FAN, rate ? PW_UNIT_RATE : money ? PW_UNIT_MONEY : PW_UNIT_COUNT,
                             t.rows, xl, 5, ser};
        pw_svg_chart_write(r->out, &c);
        free(v);
        free(xl);
        pw_db_text_release(&t);
    }
    fputs("</div></section>\n", r->out);
    pw_db_text_release(&keys);
    return 0;
}

static int section_compliance(struct rep *r)
{
    if (!exists(r, "fct_compliance_tests")) return 0;
    fputs("<section id=\"compliance\"><h2>Compliance tests</h2>\n", r->out);
    static const char *const names[] = {"test", "test_name", "test_id"};
    static const char *const results[] = {"passed", "pass", "result", "status", "outcome"};
    const char *tn = NULL, *rn = NULL;
    for (size_t i = 0; i < 3 && !tn; i++)
        if (has_column(r, "fct_compliance_tests", names[i])) tn = names[i];
    for (size_t i = 0; i < 5 && !rn; i++)
        if (has_column(r, "fct_compliance_tests", results[i])) rn = results[i];
    int sc = has_column(r, "fct_compliance_tests", "scenario_id"), yr = has_column(r, "fct_compliance_tests", "simulation_year");
    if (!tn || !rn || !yr) {
        note(r, "fct_compliance_tests lacks a test name (test), a result (passed, result or status) or simulation_year column; table skipped.");
        fputs("</section>\n", r->out);
        return 0;
    }
    struct pw_db_text t;
    char where[4200] = "";
    if (sc) snprintf(where, sizeof where, "WHERE scenario_id IN %s", r->in_list);
    int rc = query(r, &t,
                   "SELECT %s, simulation_year, %s::VARCHAR, CASE WHEN lower(%s::VARCHAR) IN ('true', 'pass', 'passed', 'ok') THEN 'pass'"
                   " WHEN lower(%s::VARCHAR) IN ('false', 'fail', 'failed') THEN 'FAIL' ELSE %s::VARCHAR END"
                   " FROM fct_compliance_tests %s ORDER BY ALL",
                   sc ? "scenario_id" : "''", tn, rn, rn, rn, where);
    if (rc) return rc;
    static const char *const h[] = {"scenario", "year", "test", "result"};
    table(r, "compliance", &t, h, "syss");
    fputs("</section>\n", r->out);
    pw_db_text_release(&t);
    return 0;
}

static const char css[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #1f77b4;padding-bottom:3px;margin-top:28px}"
    "h3{font-size:15px}.meta{color:#555}.note{color:#8a4b00}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px}"
    "figure.chart{margin:0;border:1px solid #ddd;border-radius:4px;background:#fff}"
    "figure.chart svg{width:100%;height:auto;display:block;font-size:12px;font-family:inherit}"
    ".chart-title{font-size:14px;font-weight:600}.axis-title{fill:#444}.grid{stroke:#e6e6e6}.axisline{stroke:#333}"
    "table{border-collapse:collapse;margin:10px 0;font-variant-numeric:tabular-nums}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f3f6fa}td.n,th.n{text-align:right}"
    "tbody tr:nth-child(even){background:#fafafa}"
    "@media print{body{margin:0;max-width:none;font-size:11px}.charts{display:block}"
    "figure.chart{break-inside:avoid;page-break-inside:avoid;width:80%;margin:6px auto}section{break-before:auto}"
    "h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}";

static int scenarios(struct rep *r, const struct pw_report_options *opt)
{
    struct pw_db_text t;
    int rc = pw_db_query_text(r->db, "SELECT scenario_id FROM run_metadata ORDER BY started_at, scenario_id", MAX_ROWS, &t, r->err);
    if (rc) return rc;
    size_t n = opt->n_scenarios ? opt->n_scenarios : t.rows;
    r->scen = calloc(n + 1, sizeof *r->scen);
    for (size_t i = 0; i < n; i++) {
        const char *s = opt->n_scenarios ? opt->scenarios[i] : pw_db_text_at(&t, i, 0);
        int found = 0;
        for (size_t j = 0; j < t.rows; j++) found |= strcmp(pw_db_text_at(&t, j, 0), s) == 0;
        if (!found) {
            rc = pw_err_set(r->err, PW_EDB, "scenario '%s' is not in database '%s' (table run_metadata)", s, opt->db_label);
            break;
        }
        r->scen[r->n_scen++] = strdup(s);
    }
    pw_db_text_release(&t);
    if (rc) return rc;
    if (r->n_scen == 0) return pw_err_set(r->err, PW_EDB, "database '%s' holds no scenario (table run_metadata is empty)", opt->db_label);
    size_t len = 0;
    r->in_list[len++] = '(';
    for (size_t i = 0; i < r->n_scen; i++) {
        for (const char *p = r->scen[i]; *p; p++)
            if (*p == '\'' || *p == '\\') return pw_err_set(r->err, PW_EUSAGE, "scenario id '%s' has a quote character", r->scen[i]);
        int w = snprintf(r->in_list + len, sizeof r->in_list - len, "%s'%s'", i ? ", " : "", r->scen[i]);
        if (w < 0 || (size_t)w >= sizeof r->in_list - len - 2) return pw_err_set(r->err, PW_EUSAGE, "too many scenarios for one report");
        len += (size_t)w;
    }
    r->in_list[len++] = ')';
    r->in_list[len] = 0;
    char sql[4300];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(simulation_year), 0)::VARCHAR FROM fct_workforce_snapshot WHERE scenario_id IN %s", r->in_list);
    return pw_db_query_string(r->db, sql, r->last_year, sizeof r->last_year, r->err);
}

int pw_report_write(struct pw_db *db, const char *out_path, const struct pw_report_options *opt, struct pw_err *err)
{
    struct rep r = {.db = db, .err = err};
    /* pw_c: cents of a money value, so sums add up as the run summary does. */
    int rc = pw_db_exec(db, "CREATE OR REPLACE TEMP MACRO pw_c(x) AS CAST(round(coalesce(x, 0) * 100) AS BIGINT)", err);
    if (!rc && !exists(&r, "fct_workforce_snapshot"))
        rc = pw_err_set(err, PW_EDB, "database '%s' has no table 'fct_workforce_snapshot': not a planwise output database", opt->db_label);
    if (!rc) rc = scenarios(&r, opt);
    if (!rc && !exists(&r, "pw_income_group"))
        rc = pw_db_exec(db,
                        "CREATE OR REPLACE TEMP MACRO pw_income_group(c) AS CASE WHEN c < 50000 THEN 'low' WHEN c < 100000 THEN 'moderate'"
                        " WHEN c < 200000 THEN 'high' ELSE 'executive' END",
                        err);
    /* Written under a temporary name, synced and renamed over out_path once whole. */
    struct pw_atomic_file af;
    if (!rc && (rc = pw_atomic_file_open(&af, out_path, err)) == 0) {
        r.out = af.fp;
        fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>planwise report</title>\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>", r.out);
        fputs(css, r.out);
        fputs("</style></head><body>\n<h1>planwise report</h1>\n<p class=\"meta\">Database <code>", r.out);
        pw_html_escape(r.out, opt->db_label);
        fputs("</code>; scenarios: ", r.out);
        for (size_t i = 0; i < r.n_scen; i++) {
            fputs(i ? ", <b>" : "<b>", r.out);
            pw_html_escape(r.out, r.scen[i]);
            fputs("</b>", r.out);
        }
        fputs(". Money in US dollars; rates as percent.</p>\n", r.out);
        if (!rc) rc = section_facts(&r);
        if (!rc) rc = section_headcount(&r);
        if (!rc) rc = section_levels_cost(&r);
        if (!rc) rc = section_participation(&r);
        if (!rc) rc = section_growth(&r);
        if (!rc) rc = section_checks(&r);
        if (!rc) rc = section_compare(&r);
        if (!rc) rc = section_ensemble(&r);
        if (!rc) rc = section_compliance(&r);
        fputs("</body></html>\n", r.out);
        if (rc) pw_atomic_file_abort(&af);
        else rc = pw_atomic_file_commit(&af, err);
    }
    for (size_t i = 0; i < r.n_scen; i++) free(r.scen[i]);
    free(r.scen);
    return rc;
}
