/* compare.c: scenario comparison tables and the configuration diff (see compare.h).
 * The metrics are computed in SQL from the user-facing views (fct_workforce_snapshot,
 * fct_yearly_events), not from the marts, so a comparison works on a database whose
 * models were never run, and a test can check it against independent SQL. */
#include "io/compare.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/log.h"
#include "io/db_result.h"
#include "io/yaml_config.h"
#include "model/config.h"

/* A growing SQL string; the statements here are built from a handful of quoted
 * scenario ids, so a heap buffer that doubles is plenty. */
struct sqlbuf {
    char *s;
    size_t len, cap;
    bool oom;
};

static void sb_printf(struct sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sqlbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) { b->oom = true; return; }
        if (b->s && b->len + (size_t)n < b->cap) { b->len += (size_t)n; return; }
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap <= b->len + (size_t)n) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) { b->oom = true; return; }
        b->s = p;
        b->cap = cap;
    }
}

void pw_sql_quote(char *out, size_t size, const char *s)
{
    size_t j = 0;
    if (size < 3) { if (size) out[0] = 0; return; }
    out[j++] = '\'';
    for (; *s && j + 3 < size; s++) {
        if (*s == '\'') out[j++] = '\'';
        out[j++] = *s;
    }
    out[j++] = '\'';
    out[j] = 0;
}

/* The quoted list ('a', 'b', ...) of the other scenarios. */
static void sb_others(struct sqlbuf *b, const struct pw_compare_request *req)
{
    char q[512];
    for (size_t i = 0; i < req->n_others; i++) {
        pw_sql_quote(q, sizeof q, req->others[i]);
        sb_printf(b, "%s%s", i ? ", " : "", q);
    }
}

static int run_sql(struct pw_db *db, struct sqlbuf *b, struct pw_err *err)
{
    if (b->oom) {
        free(b->s);
        return pw_err_set(err, PW_ENOMEM, "out of memory building the comparison query");
    }
    int rc = pw_db_exec(db, b->s, err);
    free(b->s);
    memset(b, 0, sizeof *b);
    return rc;
}

/* Every scenario must have a run_metadata row of status 'complete'; collects the
 * problems of all of them into one message so the user fixes them in one go. */
static int check_scenarios(struct pw_db *db, const struct pw_compare_request *req, struct pw_compare_result *res,
                           struct pw_err *err)
{
    enum pw_db_relation kind;
    int rc = pw_db_relation_kind(db, "run_metadata", &kind, err);
    if (rc) return rc;
    if (kind == PW_DB_NONE)
        return pw_err_set(err, PW_EDB, "database '%s' holds no planwise runs (no table run_metadata)", pw_db_path(db));
    char problems[1024] = "", q[512];
    size_t n = 0;
    int first = 0, last = 0;
    char census0[512] = "";
    bool census_differs = false, years_differ = false;
    for (size_t i = 0; i <= req->n_others; i++) {
        const char *s = i == 0 ? req->base : req->others[i - 1];
        struct sqlbuf b = {0};
        pw_sql_quote(q, sizeof q, s);
        sb_printf(&b,
                  "SELECT arg_max(status, started_at), arg_max(start_year, started_at), "
                  "arg_max(last_completed_year, started_at), arg_max(coalesce(census_path, ''), started_at), "
                  "arg_max(end_year, started_at) FROM run_metadata WHERE scenario_id = %s",
                  q);
        struct pw_db_text t = {0};
        rc = b.oom ? pw_err_set(err, PW_ENOMEM, "out of memory") : pw_db_query_text(db, b.s, 1, &t, err);
        free(b.s);
        if (rc) { pw_db_text_release(&t); return rc; }
        const char *status = pw_db_text_at(&t, 0, 0);
        const char *why = NULL;
        if (!status) why = "does not exist";
        else if (strcmp(status, "complete") != 0) why = strcmp(status, "failed") == 0 ? "failed" : "is incomplete";
        if (why) {
            n++;
            size_t len = strlen(problems);
            snprintf(problems + len, sizeof problems - len, "%s'%s' %s", len ? ", " : "", s, why);
        } else {
            int a = atoi(pw_db_text_at(&t, 0, 1)), z = atoi(pw_db_text_at(&t, 0, 4));
            const char *census = pw_db_text_at(&t, 0, 3);
            if (i == 0) {
                first = a, last = z;
                snprintf(census0, sizeof census0, "%s", census ? census : "");
            } else {
                if (a != first || z != last) years_differ = true;
                if (census && strcmp(census, census0) != 0) census_differs = true;
                if (a > first) first = a;
                if (z < last) last = z;
            }
        }
        pw_db_text_release(&t);
    }
    if (n) return pw_err_set(err, PW_EDB, "cannot compare: scenario %s", problems);
    if (req->first_year) {
        if (req->first_year > first) first = req->first_year;
        if (req->last_year < last) last = req->last_year;
    }
    if (first > last)
        return pw_err_set(err, PW_EDB, "cannot compare: the scenarios share no simulated year%s",
                          req->first_year ? " in the years asked for" : "");
    res->first_year = first, res->last_year = last;
    res->warning[0] = 0;
    if (years_differ || census_differs)
        snprintf(res->warning, sizeof res->warning, "the scenarios have different %s%s%s; comparing years %d-%d%s",
                 census_differs ? "census files" : "", census_differs && years_differ ? " and " : "",
                 years_differ ? "years" : "", first, last,
                 census_differs ? " on the employees present in both" : "");
    return 0;
}

/* The per-year metrics of one scenario-year, as (metric, value) rows. The metric list
 * and its order are the ones `planwise compare` prints. */
static const char metrics_sql[] =
    "snap AS (SELECT scenario_id, simulation_year,"
    " count(*) FILTER (WHERE employment_status = 'active')::DOUBLE AS headcount,"
    " round(sum(prorated_annual_compensation), 2) AS payroll,"
    " count(*) FILTER (WHERE current_eligibility_status = 'eligible')::DOUBLE AS eligible,"
    " count(*) FILTER (WHERE current_deferral_rate > 0)::DOUBLE AS participants,"
    " avg(current_deferral_rate) FILTER (WHERE current_deferral_rate > 0) AS avg_deferral_rate,"
    " round(sum(prorated_annual_contributions), 2) AS employee_deferrals,"
    " round(sum(employer_match_amount), 2) AS employer_match,"
    " round(sum(employer_core_amount), 2) AS employer_core,"
    " round(sum(forfeiture_amount), 2) AS forfeitures"
    " FROM fct_workforce_snapshot WHERE scenario_id IN (SELECT s FROM pw_cmp_scen)"
    " AND simulation_year BETWEEN %d AND %d GROUP BY ALL),"
    "ev AS (SELECT scenario_id, simulation_year,"
    " count(*) FILTER (WHERE event_type = 'hire')::DOUBLE AS hires,"
    " count(*) FILTER (WHERE event_type = 'termination')::DOUBLE AS terminations"
    " FROM fct_yearly_events WHERE scenario_id IN (SELECT s FROM pw_cmp_scen)"
    " AND simulation_year BETWEEN %d AND %d GROUP BY ALL),"
    "m AS (SELECT s.scenario_id, s.simulation_year, headcount, coalesce(hires, 0) AS hires,"
    " coalesce(terminations, 0) AS terminations, payroll, eligible, participants,"
    " round(participants / nullif(eligible, 0), 6) AS participation_rate,"
    " round(avg_deferral_rate, 6) AS avg_deferral_rate, employee_deferrals, employer_match, employer_core,"
    " forfeitures, round(employer_match + employer_core, 2) AS total_employer_cost,"
    " round((employer_match + employer_core) / nullif(payroll, 0), 6) AS employer_cost_pct_of_payroll"
    " FROM snap s LEFT JOIN ev e USING (scenario_id, simulation_year)),"
    /* one (metric, value) row per metric; NULLs (no participants) are kept */
    "l AS (SELECT scenario_id, simulation_year, x.metric, x.v FROM (SELECT scenario_id, simulation_year, unnest(["
    " {'metric': 'headcount', 'v': headcount::DOUBLE},"
    " {'metric': 'hires', 'v': hires::DOUBLE},"
    " {'metric': 'terminations', 'v': terminations::DOUBLE},"
    " {'metric': 'payroll', 'v': payroll::DOUBLE},"
    " {'metric': 'eligible', 'v': eligible::DOUBLE},"
    " {'metric': 'participants', 'v': participants::DOUBLE},"
    " {'metric': 'participation_rate', 'v': participation_rate::DOUBLE},"
    " {'metric': 'avg_deferral_rate', 'v': avg_deferral_rate::DOUBLE},"
    " {'metric': 'employee_deferrals', 'v': employee_deferrals::DOUBLE},"
    " {'metric': 'employer_match', 'v': employer_match::DOUBLE},"
    " {'metric': 'employer_core', 'v': employer_core::DOUBLE},"
    " {'metric': 'forfeitures', 'v': forfeitures::DOUBLE},"
    " {'metric': 'total_employer_cost', 'v': total_employer_cost::DOUBLE},"
    " {'metric': 'employer_cost_pct_of_payroll', 'v': employer_cost_pct_of_payroll::DOUBLE}]) AS x FROM m))";

static const char metric_order[] =
    "['headcount', 'hires', 'terminations', 'payroll', 'eligible', 'participants', 'participation_rate',"
    " 'avg_deferral_rate', 'employee_deferrals', 'employer_match', 'employer_core', 'forfeitures',"
    " 'total_employer_cost', 'employer_cost_pct_of_payroll']";

int pw_compare_build(struct pw_db *db, const struct pw_compare_request *req, struct pw_compare_result *res,
                     struct pw_err *err)
{
    int rc = check_scenarios(db, req, res, err);
    if (rc) return rc;
    int a = res->first_year, z = res->last_year;
    char base[512];
    pw_sql_quote(base, sizeof base, req->base);
    struct sqlbuf b = {0};
    sb_printf(&b, "CREATE OR REPLACE TEMP TABLE pw_cmp_scen AS SELECT unnest([%s, ", base);
    sb_others(&b, req);
    sb_printf(&b, "]) AS s");
    if ((rc = run_sql(db, &b, err))) return rc;

    sb_printf(&b,
              "BEGIN TRANSACTION;"
              "CREATE TABLE IF NOT EXISTS fct_scenario_comparison (base_scenario VARCHAR, other_scenario VARCHAR,"
              " simulation_year INTEGER, metric_order INTEGER, metric VARCHAR, base_value DOUBLE,"
              " other_value DOUBLE, difference DOUBLE, pct_difference DOUBLE);"
              "CREATE TABLE IF NOT EXISTS fct_scenario_winners_losers (base_scenario VARCHAR,"
              " other_scenario VARCHAR, simulation_year INTEGER, dimension VARCHAR, band VARCHAR,"
              " band_order DOUBLE, measure VARCHAR, employees BIGINT, gaining BIGINT, losing BIGINT,"
              " unchanged BIGINT, mean_change DOUBLE, median_change DOUBLE, p10_change DOUBLE,"
              " p90_change DOUBLE, base_hires_excluded BIGINT, other_hires_excluded BIGINT);"
              /* tables written before the hire counts existed */
              "ALTER TABLE fct_scenario_winners_losers ADD COLUMN IF NOT EXISTS base_hires_excluded BIGINT;"
              "ALTER TABLE fct_scenario_winners_losers ADD COLUMN IF NOT EXISTS other_hires_excluded BIGINT;"
              "DELETE FROM fct_scenario_comparison WHERE base_scenario = %s AND other_scenario IN (",
              base);
    sb_others(&b, req);
    sb_printf(&b, "); DELETE FROM fct_scenario_winners_losers WHERE base_scenario = %s AND other_scenario IN (",
              base);
    sb_others(&b, req);
    sb_printf(&b, "); INSERT INTO fct_scenario_comparison WITH ");
    sb_printf(&b, metrics_sql, a, z, a, z);
    sb_printf(&b,
              " SELECT x.scenario_id, y.scenario_id, x.simulation_year, list_position(%s, x.metric), x.metric,"
              " x.v, y.v, round(y.v - x.v, 6),"
              " CASE WHEN x.v <> 0 THEN round((y.v - x.v) / abs(x.v) * 100, 4) END"
              " FROM l x JOIN l y ON y.simulation_year = x.simulation_year AND y.metric = x.metric"
              " WHERE x.scenario_id = %s AND y.scenario_id IN (",
              metric_order, base);
    sb_others(&b, req);
    /* Winners and losers: the same person in both scenarios in a year. An id names
     * the same person only for those hired before the scenarios diverged (before Jan 1
     * of the later first year: the census employees, and for a branch everyone hired up
     * to its checkpoint); hires of the compared years are numbered NH_<year>_<seq> by
     * every scenario, so one id can be two people, and they are left out and counted
     * (hx). Bands come from the base scenario's row, so an employee is counted in the
     * same band on both sides. */
    sb_printf(&b,
              ");"
              "INSERT INTO fct_scenario_winners_losers (base_scenario, other_scenario, simulation_year, dimension,"
              " band, band_order, measure, employees, gaining, losing, unchanged, mean_change, median_change,"
              " p10_change, p90_change, base_hires_excluded, other_hires_excluded)"
              " WITH st AS (SELECT scenario_id, arg_max(start_year, started_at) AS s FROM run_metadata"
              " WHERE scenario_id IN (SELECT s FROM pw_cmp_scen) GROUP BY ALL),"
              "cut AS (SELECT o.scenario_id AS other, make_date(greatest(x.s, o.s), 1, 1) AS d FROM st x, st o"
              " WHERE x.scenario_id = %s AND o.scenario_id <> %s),"
              "hx AS (SELECT c.other, x.simulation_year,"
              " count(*) FILTER (WHERE x.scenario_id = %s) AS base_hires,"
              " count(*) FILTER (WHERE x.scenario_id = c.other) AS other_hires"
              " FROM cut c JOIN fct_workforce_snapshot x ON (x.scenario_id = %s OR x.scenario_id = c.other)"
              " AND x.employee_hire_date >= c.d WHERE x.simulation_year BETWEEN %d AND %d GROUP BY ALL),"
              "p AS (SELECT c.other, x.simulation_year, x.age_band, x.tenure_band, x.level_id,"
              " x.current_age, x.current_tenure, x.current_compensation,"
              " CASE WHEN x.current_compensation < 50000 THEN 'low' WHEN x.current_compensation < 100000"
              " THEN 'moderate' WHEN x.current_compensation < 200000 THEN 'high' ELSE 'executive' END AS income_band,"
              " (coalesce(y.employer_match_amount, 0) + coalesce(y.employer_core_amount, 0))"
              " - (coalesce(x.employer_match_amount, 0) + coalesce(x.employer_core_amount, 0)) AS d_employer,"
              " coalesce(y.prorated_annual_contributions, 0) - coalesce(x.prorated_annual_contributions, 0)"
              " AS d_deferrals"
              " FROM fct_workforce_snapshot x JOIN cut c ON x.employee_hire_date < c.d"
              " JOIN fct_workforce_snapshot y ON y.scenario_id = c.other AND y.employee_id = x.employee_id"
              " AND y.simulation_year = x.simulation_year AND y.employee_hire_date < c.d"
              " WHERE x.scenario_id = %s AND x.simulation_year BETWEEN %d AND %d),"
              "d AS (SELECT other, simulation_year, d_employer, d_deferrals, unnest(["
              " {'dimension': 'age_band', 'band': age_band, 'ord': current_age::DOUBLE},"
              " {'dimension': 'tenure_band', 'band': tenure_band, 'ord': current_tenure::DOUBLE},"
              " {'dimension': 'income_band', 'band': income_band, 'ord': current_compensation},"
              " {'dimension': 'level', 'band': level_id::VARCHAR, 'ord': level_id::DOUBLE}]) AS g FROM p),"
              "c AS (SELECT other, simulation_year, g.dimension, g.band, g.ord, unnest(["
              " {'measure': 'employer_money', 'v': d_employer},"
              " {'measure': 'employee_deferrals', 'v': d_deferrals}]) AS m FROM d),"
              "w AS (SELECT other, simulation_year, dimension, band, min(ord) AS band_order, m.measure AS measure,"
              " count(*) AS employees,"
              " count(*) FILTER (WHERE m.v >= 0.005) AS gaining, count(*) FILTER (WHERE m.v <= -0.005) AS losing,"
              " count(*) FILTER (WHERE abs(m.v) < 0.005) AS unchanged, round(avg(m.v), 2) AS mean_change,"
              " round(median(m.v), 2) AS median_change, round(quantile_cont(m.v, 0.1), 2) AS p10_change,"
              " round(quantile_cont(m.v, 0.9), 2) AS p90_change FROM c GROUP BY ALL)"
              " SELECT %s, w.other, w.simulation_year, dimension, band, band_order, measure, employees, gaining,"
              " losing, unchanged, mean_change, median_change, p10_change, p90_change,"
              " coalesce(hx.base_hires, 0), coalesce(hx.other_hires, 0)"
              " FROM w LEFT JOIN hx USING (other, simulation_year); COMMIT",
              base, base, base, base, a, z, base, a, z, base);
    rc = run_sql(db, &b, err);
    if (rc) {
        struct pw_err ignore = {0};
        pw_db_exec(db, "ROLLBACK", &ignore);
    }
    return rc;
}

int pw_db_print_json(struct pw_db *db, const char *sql, FILE *out, struct pw_err *err)
{
    struct sqlbuf b = {0};
    sb_printf(&b, "SELECT coalesce(to_json(list(t))::VARCHAR, '[]') FROM (%s) t", sql);
    if (b.oom) { free(b.s); return pw_err_set(err, PW_ENOMEM, "out of memory"); }
    struct pw_db_text t = {0};
    int rc = pw_db_query_text(db, b.s, 1, &t, err);
    free(b.s);
    if (!rc) fputs(pw_db_text_at(&t, 0, 0) ? pw_db_text_at(&t, 0, 0) : "[]", out);
    pw_db_text_release(&t);
    return rc;
}

/* ---- configuration diff ------------------------------------------------------- */

/* Appends INSERT rows (scenario, key, value) for every scalar of a YAML node. */
static void flatten(yaml_document_t *doc, yaml_node_t *node, const char *prefix, const char *scen, struct sqlbuf *b,
                    size_t *rows)
{
    char key[512], q1[600], q2[2100], qs[512];
    if (!node) return;
    if (node->type == YAML_SCALAR_NODE) {
        /* the name of the scenario, not a setting: the one key that always differs */
        if (strcmp(prefix, "scenario_id") == 0) return;
        char val[1024];
        size_t n = node->data.scalar.length < sizeof val - 1 ? node->data.scalar.length : sizeof val - 1;
        memcpy(val, node->data.scalar.value, n);
        val[n] = 0;
        pw_sql_quote(qs, sizeof qs, scen);
        pw_sql_quote(q1, sizeof q1, prefix);
        pw_sql_quote(q2, sizeof q2, val);
        sb_printf(b, "%s(%s, %s, %s)", *rows ? ", " : "", qs, q1, q2);
        ++*rows;
    } else if (node->type == YAML_SEQUENCE_NODE) {
        int i = 0;
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++, i++) {
            snprintf(key, sizeof key, "%s[%d]", prefix, i);
            flatten(doc, yaml_document_get_node(doc, *it), key, scen, b, rows);
        }
    } else if (node->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) continue;
            snprintf(key, sizeof key, "%s%s%.*s", prefix, *prefix ? "." : "", (int)k->data.scalar.length,
                     (const char *)k->data.scalar.value);
            flatten(doc, yaml_document_get_node(doc, p->value), key, scen, b, rows);
        }
    }
}

/* Splits a stored config_text at PW_CONFIG_OVERLAY_MARK into the base text and the
 * scenario files' texts (cut in place), with their names. Returns the count. */
static int split_layers(char *text, const char *base_name, const char **texts, size_t *lens, const char **names)
{
    int n = 0;
    char *part = text;
    const char *name = base_name;
    for (;;) {
        char *mark = n + 1 < PW_CONFIG_LAYERS_MAX ? strstr(part, PW_CONFIG_OVERLAY_MARK) : NULL;
        char *path = mark ? mark + strlen(PW_CONFIG_OVERLAY_MARK) : NULL;
        char *eol = path ? strchr(path, '\n') : NULL;
        if (mark && !eol) mark = NULL;
        if (mark) *mark = '\0';
        texts[n] = part, lens[n] = strlen(part), names[n] = name;
        n++;
        if (!mark) return n;
        *eol = '\0';
        name = path;
        part = eol + 1;
    }
}

/* The configuration of a scenario's latest run as `planwise config show` prints it:
 * its stored YAML (base file and scenario files) loaded over the defaults, plus what
 * command-line options may have changed and run_metadata records (seed, years,
 * census). Settings that never change results (performance.*, threads) are left at
 * their defaults. *yaml is malloc'd. */
static int effective_yaml(struct pw_db *db, const char *scen, char **yaml, size_t *len, struct pw_err *err)
{
    char q[512];
    pw_sql_quote(q, sizeof q, scen);
    struct sqlbuf b = {0};
    sb_printf(&b,
              "SELECT arg_max(coalesce(config_text, ''), started_at), arg_max(coalesce(config_path, ''), started_at),"
              " arg_max(random_seed, started_at), arg_max(start_year, started_at), arg_max(end_year, started_at),"
              " arg_max(coalesce(census_path, ''), started_at), arg_max(coalesce(resumed_from_year, 0), started_at)"
              " FROM run_metadata WHERE scenario_id = %s",
              q);
    if (b.oom) { free(b.s); return pw_err_set(err, PW_ENOMEM, "out of memory"); }
    struct pw_db_text t = {0};
    int rc = pw_db_query_text(db, b.s, 1, &t, err);
    free(b.s);
    struct pw_config *cfg = malloc(sizeof *cfg);
    char *text = rc ? NULL : strdup(pw_db_text_at(&t, 0, 0) ? pw_db_text_at(&t, 0, 0) : "");
    if (!rc && (!cfg || !text)) rc = pw_err_set(err, PW_ENOMEM, "out of memory");
    if (!rc) {
        const char *texts[PW_CONFIG_LAYERS_MAX], *names[PW_CONFIG_LAYERS_MAX];
        size_t lens[PW_CONFIG_LAYERS_MAX];
        const char *path = pw_db_text_at(&t, 0, 1);
        int n = split_layers(text, path && *path ? path : "<config>", texts, lens, names);
        /* The run already showed its warnings; comparing repeats none of them. */
        int verbosity = pw_log_verbosity();
        pw_log_set_verbosity(PW_QUIET);
        struct pw_err why = {0};
        rc = pw_config_load_texts(cfg, texts, lens, names, n, &why);
        pw_log_set_verbosity(verbosity);
        if (rc)
            rc = pw_err_set(err, rc, "scenario '%s': its configuration in run_metadata no longer loads: %s", scen,
                            why.msg);
    }
    if (!rc) {
        const char *seed = pw_db_text_at(&t, 0, 2), *first = pw_db_text_at(&t, 0, 3), *last = pw_db_text_at(&t, 0, 4);
        const char *census = pw_db_text_at(&t, 0, 5);
        int resumed = atoi(pw_db_text_at(&t, 0, 6) ? pw_db_text_at(&t, 0, 6) : "0");
        if (seed) cfg->random_seed = strtoull(seed, NULL, 10);
        /* A branch's first year is the one after its checkpoint, not its configured start. */
        if (first && !(resumed > 0 && atoi(first) == resumed + 1)) cfg->start_year = atoi(first);
        if (last) cfg->end_year = atoi(last);
        if (census && *census) snprintf(cfg->census_path, sizeof cfg->census_path, "%s", census);
        struct pw_config defaults;
        pw_config_init_defaults(&defaults);
        cfg->perf = defaults.perf;
        cfg->threads = 1;
        struct pw_err why = {0};
        if ((rc = pw_config_finalize(cfg, &why)))
            rc = pw_err_set(err, rc, "scenario '%s': its configuration in run_metadata no longer loads: %s", scen,
                            why.msg);
    }
    if (!rc) {
        FILE *f = open_memstream(yaml, len);
        rc = f ? pw_config_write_yaml(cfg, f) : PW_ENOMEM;
        if (f && fclose(f) != 0 && !rc) rc = PW_ENOMEM;
        if (rc) {
            free(f ? *yaml : NULL);
            *yaml = NULL;
            pw_err_set(err, PW_ENOMEM, "out of memory writing the configuration of '%s'", scen);
        }
    }
    free(text);
    free(cfg);
    pw_db_text_release(&t);
    return rc;
}

static int load_config_pairs(struct pw_db *db, const char *scen, struct pw_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = effective_yaml(db, scen, &text, &len, err);
    if (rc) return rc;
    yaml_parser_t parser;
    yaml_document_t doc;
    struct sqlbuf b = {0};
    size_t rows = 0;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_parser_delete(&parser);
        free(text);
        return pw_err_set(err, PW_ECONFIG, "scenario '%s': cannot read back its effective configuration", scen);
    }
    sb_printf(&b, "INSERT INTO pw_cmp_cfg VALUES ");
    flatten(&doc, yaml_document_get_root_node(&doc), "", scen, &b, &rows);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(text);
    if (!rows) { free(b.s); return 0; }
    return run_sql(db, &b, err);
}

int pw_compare_print_config_diff(struct pw_db *db, const char *base, const char *other, FILE *out, int as_json,
                                 struct pw_err *err)
{
    int rc = pw_db_exec(db, "CREATE OR REPLACE TEMP TABLE pw_cmp_cfg (scenario VARCHAR, key VARCHAR, value VARCHAR)",
                        err);
    if (!rc) rc = load_config_pairs(db, base, err);
    if (!rc) rc = load_config_pairs(db, other, err);
    if (rc) return rc;
    char qb[512], qo[512];
    pw_sql_quote(qb, sizeof qb, base);
    pw_sql_quote(qo, sizeof qo, other);
    struct sqlbuf b = {0};
    sb_printf(&b,
              "SELECT coalesce(x.key, y.key) AS key, x.value AS base, y.value AS other"
              " FROM (SELECT * FROM pw_cmp_cfg WHERE scenario = %s) x"
              " FULL JOIN (SELECT * FROM pw_cmp_cfg WHERE scenario = %s) y ON x.key = y.key"
              " WHERE x.value IS DISTINCT FROM y.value ORDER BY 1",
              qb, qo);
    if (b.oom) { free(b.s); return pw_err_set(err, PW_ENOMEM, "out of memory"); }
    if (as_json) {
        rc = pw_db_print_json(db, b.s, out, err);
    } else {
        struct pw_db_text t = {0};
        rc = pw_db_query_text(db, b.s, (size_t)1 << 20, &t, err);
        if (!rc && t.rows == 0) fprintf(out, "  (no differences)\n");
        for (size_t r = 0; !rc && r < t.rows; r++) {
            const char *x = pw_db_text_at(&t, r, 1), *y = pw_db_text_at(&t, r, 2);
            fprintf(out, "  %s: %s -> %s\n", pw_db_text_at(&t, r, 0), x ? x : "(unset)", y ? y : "(unset)");
        }
        pw_db_text_release(&t);
    }
    free(b.s);
    return rc;
}

int pw_compare_print_summary(struct pw_db *db, const struct pw_compare_request *req, int year, FILE *out,
                             struct pw_err *err)
{
    char base[512];
    pw_sql_quote(base, sizeof base, req->base);
    struct sqlbuf b = {0};
    sb_printf(&b,
              "WITH c AS (SELECT * FROM fct_scenario_comparison WHERE base_scenario = %s AND simulation_year = %d"
              " AND other_scenario IN (",
              base, year);
    sb_others(&b, req);
    /* the base's own values once (from any comparison row), then each other scenario */
    sb_printf(&b,
              ")), r AS (SELECT 0 AS ord, %s AS scenario, metric, base_value AS v, NULL::DOUBLE AS d,"
              " NULL::DOUBLE AS p FROM c WHERE other_scenario = (SELECT min(other_scenario) FROM c)"
              " UNION ALL SELECT list_position([",
              base);
    sb_others(&b, req);
    sb_printf(&b,
              "], other_scenario), other_scenario, metric, other_value, difference, pct_difference FROM c)"
              " SELECT scenario,"
              " max(v) FILTER (WHERE metric = 'headcount')::BIGINT AS headcount,"
              " max(v) FILTER (WHERE metric = 'participation_rate') AS participation_rate,"
              " max(v) FILTER (WHERE metric = 'avg_deferral_rate') AS avg_deferral_rate,"
              " max(v) FILTER (WHERE metric = 'employee_deferrals') AS employee_deferrals,"
              " max(v) FILTER (WHERE metric = 'employer_match') AS employer_match,"
              " max(v) FILTER (WHERE metric = 'employer_core') AS employer_core,"
              " max(v) FILTER (WHERE metric = 'total_employer_cost') AS employer_cost,"
              " max(v) FILTER (WHERE metric = 'employer_cost_pct_of_payroll') AS cost_share_of_payroll,"
              " max(d) FILTER (WHERE metric = 'total_employer_cost') AS cost_vs_base,"
              " round(max(p) FILTER (WHERE metric = 'total_employer_cost'), 2) AS cost_vs_base_pct"
              " FROM r GROUP BY ord, scenario ORDER BY ord");
    if (b.oom) { free(b.s); return pw_err_set(err, PW_ENOMEM, "out of memory building the comparison query"); }
    int rc = pw_db_print_query(db, b.s, out, PW_PRINT_TABLE, err);
    free(b.s);
    return rc;
}
