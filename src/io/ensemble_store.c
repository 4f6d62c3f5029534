/* ensemble_store.c: writes an ensemble's results. Everything goes in one
 * transaction after all seeds have finished, so an interrupted or failed
 * ensemble leaves the database as it was, and a rerun of an ensemble id
 * replaces its rows while other ensembles in the file stay. The per-seed
 * metrics (designs x seeds x years x a few hundred values) and the bands go in
 * through DuckDB appenders on the transaction's connection; doubles keep every
 * bit. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/db_internal.h"
#include "io/ensemble_store.h"
#include "sim/ensemble.h"

struct sqlbuf {
    char *s;
    size_t len, cap;
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
        size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
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
    /* The per-seed paired differences against the first design, derived on read.
     * designs is "name[=file],name[=file],...": names hold neither ',' nor '='. */
    "CREATE OR REPLACE VIEW fct_ensemble_design_diff_seeds AS SELECT d.ensemble_id, d.design,"
    " b.design AS base_design, d.seed, d.simulation_year, d.metric, d.dimension, d.value - b.value AS difference"
    " FROM fct_ensemble_metrics d JOIN ensemble_metadata md ON md.ensemble_id = d.ensemble_id"
    " JOIN fct_ensemble_metrics b ON b.ensemble_id = d.ensemble_id AND b.seed = d.seed"
    " AND b.simulation_year = d.simulation_year AND b.metric = d.metric AND b.dimension = d.dimension"
    " AND b.design = split_part(split_part(md.designs, ',', 1), '=', 1) WHERE d.design <> b.design;";

/* An appender on the transaction's connection; appends record failure in bad. */
struct app {
    duckdb_appender a;
    const char *table;
    bool bad;
};

static int app_open(struct app *ap, struct pw_db *db, const char *table, struct pw_err *err)
{
    memset(ap, 0, sizeof *ap);
    ap->table = table;
    if (duckdb_appender_create(db->connection, NULL, table, &ap->a) == DuckDBError) {
        int rc = pw_err_set(err, PW_EIO, "cannot append to %s: %s", table,
                            ap->a ? duckdb_appender_error(ap->a) : "no appender");
        duckdb_appender_destroy(&ap->a);
        return rc;
    }
    return 0;
}

/* Flushes and frees the appender; the error of the first failed append or of the flush. */
static int app_close(struct app *ap, int rc, struct pw_err *err)
{
    if (!ap->a) return rc;
    if (rc == 0 && (ap->bad || duckdb_appender_close(ap->a) == DuckDBError))
        rc = pw_err_set(err, PW_EIO, "cannot write %s: %s", ap->table, duckdb_appender_error(ap->a));
    duckdb_appender_destroy(&ap->a);
    return rc;
}

static void ap_text(struct app *ap, const char *s) { ap->bad |= duckdb_append_varchar(ap->a, s) == DuckDBError; }
static void ap_int(struct app *ap, int v) { ap->bad |= duckdb_append_int32(ap->a, v) == DuckDBError; }
static void ap_u64(struct app *ap, uint64_t v) { ap->bad |= duckdb_append_uint64(ap->a, v) == DuckDBError; }
static void ap_double(struct app *ap, double v) { ap->bad |= duckdb_append_double(ap->a, v) == DuckDBError; }
static void ap_end(struct app *ap) { ap->bad |= duckdb_appender_end_row(ap->a) == DuckDBError; }

static void ap_band(struct app *ap, const struct pw_band *bd)
{
    ap_int(ap, (int)bd->n);
    ap_double(ap, bd->mean);
    ap_double(ap, bd->sd);
    for (int k = 0; k < 7; k++) ap_double(ap, bd->p[k]);
}

#define VAL(r, d, s, y, m) ((r)->values[((((size_t)(d) * (size_t)(r)->seeds + (size_t)(s)) * (size_t)(r)->years + \
                                          (size_t)(y)) * (size_t)(r)->series) + (size_t)(m)])

static int write_metrics(struct pw_db *db, const struct pw_ensemble_result *r, struct pw_err *err)
{
    struct app ap;
    int rc = app_open(&ap, db, "fct_ensemble_metrics", err);
    if (rc) return rc;
    for (int d = 0; d < r->designs && !ap.bad; d++)
        for (int s = 0; s < r->seeds && !ap.bad; s++)
            for (int y = 0; y < r->years; y++)
                for (int m = 0; m < r->series; m++) {
                    ap_text(&ap, r->ensemble_id);
                    ap_text(&ap, r->design_names[d]);
                    ap_u64(&ap, r->seed_values[s]);
                    ap_int(&ap, r->first_year + y);
                    ap_text(&ap, r->metric_names[m]);
                    ap_text(&ap, r->dimensions[m]);
                    ap_double(&ap, VAL(r, d, s, y, m));
                    ap_end(&ap);
                }
    return app_close(&ap, 0, err);
}

/* Bands of every design, and the paired differences of each design against design 0. */
static int write_bands(struct pw_db *db, const struct pw_ensemble_result *r, struct pw_err *err)
{
    struct app bands, diff = {0};
    int rc = app_open(&bands, db, "fct_ensemble_bands", err);
    if (rc) return rc;
    if (r->designs > 1 && (rc = app_open(&diff, db, "fct_ensemble_design_diff", err))) return app_close(&bands, rc, err);
    double *x = malloc((size_t)(r->seeds > 0 ? r->seeds : 1) * sizeof *x);
    if (!x) rc = pw_err_set(err, PW_ENOMEM, "out of memory for the ensemble bands");
    for (int d = 0; d < r->designs && rc == 0; d++)
        for (int y = 0; y < r->years; y++)
            for (int m = 0; m < r->series; m++) {
                struct pw_band bd, base, pd;
                for (int s = 0; s < r->seeds; s++) x[s] = VAL(r, d, s, y, m);
                pw_band_compute(x, (size_t)r->seeds, &bd);
                ap_text(&bands, r->ensemble_id);
                ap_text(&bands, r->design_names[d]);
                ap_int(&bands, r->first_year + y);
                ap_text(&bands, r->metric_names[m]);
                ap_text(&bands, r->dimensions[m]);
                ap_band(&bands, &bd);
                ap_end(&bands);
                if (d == 0) continue;
                for (int s = 0; s < r->seeds; s++) x[s] = VAL(r, 0, s, y, m);
                pw_band_compute(x, (size_t)r->seeds, &base);
                for (int s = 0; s < r->seeds; s++) x[s] = VAL(r, d, s, y, m) - VAL(r, 0, s, y, m);
                pw_band_compute(x, (size_t)r->seeds, &pd);
                ap_text(&diff, r->ensemble_id);
                ap_text(&diff, r->design_names[d]);
                ap_text(&diff, r->design_names[0]);
                ap_int(&diff, r->first_year + y);
                ap_text(&diff, r->metric_names[m]);
                ap_text(&diff, r->dimensions[m]);
                ap_band(&diff, &pd);
                /* The unpaired comparison treats the designs as independent samples:
                 * sd of a difference of independent means, and the difference of the
                 * two bands' outer percentiles. */
                ap_double(&diff, sqrt(bd.sd * bd.sd + base.sd * base.sd));
                ap_double(&diff, bd.p[0] - base.p[6]);
                ap_double(&diff, bd.p[6] - base.p[0]);
                ap_end(&diff);
            }
    free(x);
    if (r->designs > 1) rc = app_close(&diff, rc, err);
    return app_close(&bands, rc, err);
}

static int write_metadata(struct pw_db *db, const struct pw_ensemble_result *r, struct pw_err *err)
{
    struct sqlbuf t = {0}, names = {0};
    sb_add(&t, "INSERT INTO ensemble_metadata VALUES (");
    sb_quote(&t, r->ensemble_id);
    sb_add(&t, ",");
    sb_quote(&t, r->program_version);
    sb_add(&t, ",");
    if (r->config_text) sb_quote(&t, r->config_text);
    else sb_add(&t, "NULL");
    sb_add(&t, ",");
    sb_quote(&t, r->config_hash);
    sb_add(&t, ",");
    sb_quote(&t, r->census_path);
    sb_add(&t, ",'");
    for (int s = 0; s < r->seeds; s++) sb_add(&t, "%s%llu", s ? "," : "", (unsigned long long)r->seed_values[s]);
    sb_add(&t, "',%d,", r->seeds);
    for (int d = 0; d < r->designs; d++)
        sb_add(&names, "%s%s%s%s", d ? "," : "", r->design_names[d], r->design_files[d][0] ? "=" : "",
               r->design_files[d]);
    sb_quote(&t, names.s ? names.s : "");
    sb_add(&t, ",%d,%d,%d,%.6f,%.6f,now()::TIMESTAMP)", r->first_year, r->first_year + r->years - 1, r->threads,
           r->simulate_seconds, r->wall_seconds);
    int rc = t.oom || names.oom ? pw_err_set(err, PW_ENOMEM, "out of memory building the ensemble tables")
                                : pw_db_exec(db, t.s, err);
    free(t.s);
    free(names.s);
    return rc;
}

int pw_ensemble_store_write(struct pw_db *db, const struct pw_ensemble_result *r, struct pw_err *err)
{
    int rc = pw_db_exec(db, ddl, err);
    if (rc) return rc;
    if ((rc = pw_db_exec(db, "BEGIN TRANSACTION", err))) return rc;
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
    if (rc == 0) rc = write_metrics(db, r, err);
    if (rc == 0) rc = write_bands(db, r, err);
    if (rc == 0) rc = write_metadata(db, r, err);
    if (rc == 0) rc = pw_db_exec(db, "COMMIT", err);
    if (rc) {
        struct pw_err ignored = {0};
        pw_db_exec(db, "ROLLBACK", &ignored);
    }
    return rc;
}
