/* ensemble_store.c: writes an ensemble's results. Everything goes in one
 * transaction after all seeds have finished, so an interrupted or failed
 * ensemble leaves the database as it was, and a rerun of an ensemble id
 * replaces its rows while other ensembles in the file stay. The tables are
 * small (metrics x years x seeds x designs), so batched INSERT statements are
 * fast enough and keep doubles exact via %.17g. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ensemble_store.h"
#include "sim/ensemble.h"

struct sqlbuf {
    char *s;
    size_t len, cap;
    int rows;
    bool oom;
};

static void sb_add(struct sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sqlbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) { b->oom = true; return; }
        if (b->s && b->len + (size_t)n < b->cap) { b->len += (size_t)n; return; }
        size_t cap = (b->cap ? b->cap * 2 : 65536) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) { b->oom = true; return; }
        b->s = p;
        b->cap = cap;
    }
}

/* SQL string literal of text (single quotes doubled). */
static void sb_quote(struct sqlbuf *b, const char *text)
{
    sb_add(b, "'");
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\'') sb_add(b, "''");
        else sb_add(b, "%c", *p);
    }
    sb_add(b, "'");
}

/* Sends the buffered INSERT when it is large (or at the end). */
static int sb_flush(struct sqlbuf *b, struct pw_db *db, bool force, struct pw_err *err)
{
    if (b->oom) return pw_err_set(err, PW_ENOMEM, "out of memory building the ensemble tables");
    if (b->rows == 0 || (!force && b->rows < 2000)) return 0;
    int rc = pw_db_exec(db, b->s, err);
    b->len = 0;
    b->rows = 0;
    if (b->s) b->s[0] = '\0';
    return rc;
}

static void sb_row_start(struct sqlbuf *b, const char *table)
{
    if (b->rows++ == 0) sb_add(b, "INSERT INTO %s VALUES ", table);
    else sb_add(b, ",");
}

static const char ddl[] =
    "CREATE TABLE IF NOT EXISTS fct_ensemble_metrics (ensemble_id VARCHAR, design VARCHAR, seed UBIGINT,"
    " simulation_year INTEGER, metric VARCHAR, dimension VARCHAR, value DOUBLE);"
    "CREATE TABLE IF NOT EXISTS fct_ensemble_bands (ensemble_id VARCHAR, design VARCHAR, simulation_year INTEGER,"
    " metric VARCHAR, dimension VARCHAR, n INTEGER, mean DOUBLE, sd DOUBLE, p05 DOUBLE, p10 DOUBLE, p25 DOUBLE,"
    " p50 DOUBLE, p75 DOUBLE, p90 DOUBLE, p95 DOUBLE);"
    "CREATE TABLE IF NOT EXISTS fct_ensemble_design_diff (ensemble_id VARCHAR, design VARCHAR, base_design VARCHAR,"
    " simulation_year INTEGER, metric VARCHAR, dimension VARCHAR, n INTEGER, mean DOUBLE, sd DOUBLE, p05 DOUBLE,"
    " p10 DOUBLE, p25 DOUBLE, p50 DOUBLE, p75 DOUBLE, p90 DOUBLE, p95 DOUBLE, unpaired_sd DOUBLE,"
    " unpaired_p05 DOUBLE, unpaired_p95 DOUBLE);"
    "CREATE TABLE IF NOT EXISTS ensemble_metadata (ensemble_id VARCHAR, program_version VARCHAR,"
    " config_text VARCHAR, config_hash VARCHAR, census_path VARCHAR, seeds VARCHAR, seed_count INTEGER,"
    " designs VARCHAR, first_year INTEGER, last_year INTEGER, threads INTEGER, simulate_seconds DOUBLE,"
    " wall_seconds DOUBLE, created_at TIMESTAMP);"
    /* The per-seed paired differences against the first design, derived on read. */
    "CREATE OR REPLACE VIEW fct_ensemble_design_diff_seeds AS SELECT d.ensemble_id, d.design,"
    " b.design AS base_design, d.seed, d.simulation_year, d.metric, d.dimension, d.value - b.value AS difference"
    " FROM fct_ensemble_metrics d JOIN ensemble_metadata md ON md.ensemble_id = d.ensemble_id"
    " JOIN fct_ensemble_metrics b ON b.ensemble_id = d.ensemble_id AND b.seed = d.seed"
    " AND b.simulation_year = d.simulation_year AND b.metric = d.metric AND b.dimension = d.dimension"
    " AND b.design = split_part(md.designs, ',', 1) WHERE d.design <> b.design;";

static void band_values(struct sqlbuf *b, const struct pw_band *bd)
{
    sb_add(b, ",%zu,%.17g,%.17g", bd->n, bd->mean, bd->sd);
    for (int k = 0; k < 7; k++) sb_add(b, ",%.17g", bd->p[k]);
}

#define VAL(r, d, s, y, m) ((r)->values[((((size_t)(d) * (size_t)(r)->seeds + (size_t)(s)) * (size_t)(r)->years + \
                                          (size_t)(y)) * (size_t)(r)->metrics) + (size_t)(m)])

static int write_all(struct pw_db *db, const struct pw_ensemble_result *r, struct sqlbuf *b, struct pw_err *err)
{
    int rc;
    /* metrics */
    for (int d = 0; d < r->designs; d++)
        for (int s = 0; s < r->seeds; s++)
            for (int y = 0; y < r->years; y++)
                for (int m = 0; m < r->metrics; m++) {
                    sb_row_start(b, "fct_ensemble_metrics");
                    sb_add(b, "(");
                    sb_quote(b, r->ensemble_id);
                    sb_add(b, ",");
                    sb_quote(b, r->design_names[d]);
                    sb_add(b, ",%llu,%d,'%s','all',%.17g)", (unsigned long long)r->seed_values[s], r->first_year + y,
                           r->metric_names[m], VAL(r, d, s, y, m));
                    if ((rc = sb_flush(b, db, false, err))) return rc;
                }
    if ((rc = sb_flush(b, db, true, err))) return rc;
    double *x = malloc((size_t)(r->seeds > 0 ? r->seeds : 1) * sizeof *x);
    if (!x) return pw_err_set(err, PW_ENOMEM, "out of memory for the ensemble bands");
    /* bands, then paired differences against design 0 */
    for (int d = 0; d < r->designs && rc == 0; d++)
        for (int y = 0; y < r->years && rc == 0; y++)
            for (int m = 0; m < r->metrics && rc == 0; m++) {
                struct pw_band bd, base, diff;
                for (int s = 0; s < r->seeds; s++) x[s] = VAL(r, d, s, y, m);
                pw_band_compute(x, (size_t)r->seeds, &bd);
                sb_row_start(b, "fct_ensemble_bands");
                sb_add(b, "(");
                sb_quote(b, r->ensemble_id);
                sb_add(b, ",");
                sb_quote(b, r->design_names[d]);
                sb_add(b, ",%d,'%s','all'", r->first_year + y, r->metric_names[m]);
                band_values(b, &bd);
                sb_add(b, ")");
                if ((rc = sb_flush(b, db, false, err))) break;
                if (d == 0) continue;
                for (int s = 0; s < r->seeds; s++) x[s] = VAL(r, 0, s, y, m);
                pw_band_compute(x, (size_t)r->seeds, &base);
                for (int s = 0; s < r->seeds; s++) x[s] = VAL(r, d, s, y, m) - VAL(r, 0, s, y, m);
                pw_band_compute(x, (size_t)r->seeds, &diff);
                /* The unpaired comparison treats the designs as independent samples:
                 * sd of a difference of independent means, and the difference of the
                 * two bands' outer percentiles. */
                double usd = sqrt(bd.sd * bd.sd + base.sd * base.sd);
                char row[256];
                snprintf(row, sizeof row, ",%.17g,%.17g,%.17g)", usd, bd.p[0] - base.p[6], bd.p[6] - base.p[0]);
                struct sqlbuf *t = b + 1;
                sb_row_start(t, "fct_ensemble_design_diff");
                sb_add(t, "(");
                sb_quote(t, r->ensemble_id);
                sb_add(t, ",");
                sb_quote(t, r->design_names[d]);
                sb_add(t, ",");
                sb_quote(t, r->design_names[0]);
                sb_add(t, ",%d,'%s','all'", r->first_year + y, r->metric_names[m]);
                band_values(t, &diff);
                sb_add(t, "%s", row);
                if ((rc = sb_flush(t, db, false, err))) break;
            }
    free(x);
    if (rc == 0) rc = sb_flush(b, db, true, err);
    if (rc == 0) rc = sb_flush(b + 1, db, true, err);
    if (rc) return rc;
    /* metadata */
    struct sqlbuf *t = b + 1;
    t->len = 0;
    sb_add(t, "INSERT INTO ensemble_metadata VALUES (");
    sb_quote(t, r->ensemble_id);
    sb_add(t, ",");
    sb_quote(t, r->program_version);
    sb_add(t, ",");
    if (r->config_text) sb_quote(t, r->config_text);
    else sb_add(t, "NULL");
    sb_add(t, ",");
    sb_quote(t, r->config_hash);
    sb_add(t, ",");
    sb_quote(t, r->census_path);
    sb_add(t, ",'");
    for (int s = 0; s < r->seeds; s++) sb_add(t, "%s%llu", s ? "," : "", (unsigned long long)r->seed_values[s]);
    sb_add(t, "',%d,", r->seeds);
    struct sqlbuf names = {0};
    for (int d = 0; d < r->designs; d++)
        sb_add(&names, "%s%s%s%s", d ? "," : "", r->design_names[d], r->design_files[d][0] ? "=" : "",
               r->design_files[d]);
    sb_quote(t, names.s ? names.s : "");
    free(names.s);
    sb_add(t, ",%d,%d,%d,%.6f,%.6f,now()::TIMESTAMP)", r->first_year, r->first_year + r->years - 1, r->threads,
           r->simulate_seconds, r->wall_seconds);
    if (t->oom) return pw_err_set(err, PW_ENOMEM, "out of memory building the ensemble tables");
    return pw_db_exec(db, t->s, err);
}

int pw_ensemble_store_write(struct pw_db *db, const struct pw_ensemble_result *r, struct pw_err *err)
{
    int rc = pw_db_exec(db, ddl, err);
    if (rc) return rc;
    if ((rc = pw_db_exec(db, "BEGIN TRANSACTION", err))) return rc;
    struct sqlbuf b[2] = {{0}, {0}};
    struct sqlbuf del = {0};
    static const char *const tables[] = {"fct_ensemble_metrics", "fct_ensemble_bands", "fct_ensemble_design_diff",
                                         "ensemble_metadata"};
    for (int i = 0; i < 4; i++) {
        sb_add(&del, "DELETE FROM %s WHERE ensemble_id = ", tables[i]);
        sb_quote(&del, r->ensemble_id);
        sb_add(&del, ";");
    }
    rc = del.oom ? pw_err_set(err, PW_ENOMEM, "out of memory") : pw_db_exec(db, del.s, err);
    free(del.s);
    if (rc == 0) rc = write_all(db, r, b, err);
    free(b[0].s);
    free(b[1].s);
    if (rc == 0) rc = pw_db_exec(db, "COMMIT", err);
    if (rc) {
        struct pw_err ignored = {0};
        pw_db_exec(db, "ROLLBACK", &ignored);
    }
    return rc;
}
