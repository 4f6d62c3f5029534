/* output_run.c: a run's life in the output database (see output.h): its
 * run_metadata row and run_key, the clean-up of what stopped runs left, the
 * year commit (groups appended on their connections in parallel, committed,
 * then the commit record), completion, and failure. */
#include "io/output.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "core/strbuf.h"
#include "io/db_internal.h"
#include "io/db_pool.h"
#include "io/compliance.h"
#include "io/output_int.h"
#include "io/store_parquet.h"
#include "io/store_views.h"
#include "model/plan_config_lists.h"
#include "model/plan_config.h"


static int exec_sb(struct pw_db *db, const struct pw_strbuf *b, const char *what, struct pw_err *err)
{
    if (pw_sb_ok(b)) return pw_err_set(err, PW_ENOMEM, "out of memory");
    return pw__db_query(db, pw_sb_text(b), NULL, what, err);
}

static void remove_files(struct pw_output *o)
{
    for (size_t i = 0; i < o->removal_count; i++)
        pw_parquet_remove_files(o->data_dir, o->removals[i].run_key, o->removals[i].after_year);
    o->removal_count = 0;
}

static int in_transaction(struct pw_db *db, const struct pw_strbuf *b, const char *what, struct pw_err *err)
{
    int rc = pw_db_exec(db, "BEGIN TRANSACTION", err);
    if (!rc) rc = exec_sb(db, b, what, err);
    if (!rc) rc = pw__db_query(db, "COMMIT", NULL, what, err);
    if (rc) pw__db_query(db, "ROLLBACK", NULL, "rollback", NULL);
    return rc;
}

/* Statements removing run k's rows of years after `after` (-1: every row of the
 * run, its parameters and rejected rows too). Employees belong to the year they
 * joined the run: their hire year, or the run's first year (first_year). In the
 * Parquet layout the files go once the transaction has committed (remove_files):
 * a file whose commit record is gone is invisible until then. */
static void delete_run_rows(struct pw_output *o, struct pw_strbuf *b, int k, int first_year, int after)
{
    if (o->layout == PW_LAYOUT_PARQUET) {
        if (o->removal_count == o->removal_cap) {
            size_t cap = o->removal_cap ? 2 * o->removal_cap : 8;
            struct pw__removal *p = realloc(o->removals, cap * sizeof *p);
            if (!p) {
                b->failed = true;
                return;
            }
            o->removals = p;
            o->removal_cap = cap;
        }
        o->removals[o->removal_count++] = (struct pw__removal){k, after};
    }
    for (int t = 0; t < PW_T_COUNT; t++) {
        const struct pw_store_table_def *d = &pw_store_tables[t];
        /* Parquet files go after the commit; the wide layout's rows are its own tables,
         * which its first year replaces by scenario (pw.<table> are views there). */
        if (t == PW_T_RUN_METADATA || (o->layout != PW_LAYOUT_TABLES && pw_store_table_in_files(t))) continue;
        if (d->per_year) pw_sb_addf(b, "DELETE FROM %s WHERE run_key = %d AND simulation_year > %d;", d->name, k, after);
        else if (t == PW_T_DIM_EMPLOYEE)
            pw_sb_addf(b, "DELETE FROM %s WHERE run_key = %d AND coalesce(hire_year, %d) > %d;", d->name, k,
                       first_year, after);
        else if (after < 0) pw_sb_addf(b, "DELETE FROM %s WHERE run_key = %d;", d->name, k);
    }
}

/* ---- clean-up of what earlier runs left ------------------------------------- */

/* Parquet files of runs run_metadata no longer lists. */
static int sweep_files(struct pw_output *o, struct pw_err *err)
{
    duckdb_result res;
    int rc = pw__db_query(o->db, "SELECT run_key FROM run_metadata", &res, "cannot read run_metadata", err);
    if (rc) return rc;
    idx_t n = duckdb_row_count(&res);
    int *keys = malloc((n + 1) * sizeof *keys);
    if (keys) {
        for (idx_t i = 0; i < n; i++) keys[i] = (int)duckdb_value_int64(&res, 0, i);
        pw_parquet_sweep(o->data_dir, keys, n);
    }
    duckdb_destroy_result(&res);
    free(keys);
    return keys ? 0 : pw_err_set(err, PW_ENOMEM, "out of memory");
}

/* A run still marked 'running' when a new run opens the database (which it
 * holds locked) was killed or crashed. Its years without a commit record are
 * removed; its committed years stay for --resume. Runs older than their
 * scenario's latest complete run are removed whole: nothing shows or resumes
 * them any more. */
static int clean_up(struct pw_output *o, struct pw_err *err)
{
    struct pw_db *db = o->db;
    duckdb_result res;
    int rc = pw__db_query(db,
                          "SELECT m.run_key, coalesce(m.start_year, 0), coalesce(m.last_completed_year, 0), "
                          "CASE WHEN m.run_key < c.latest THEN 1 ELSE 0 END FROM run_metadata m "
                          "LEFT JOIN (SELECT scenario_id, max(run_key) AS latest FROM run_metadata "
                          "WHERE status = 'complete' GROUP BY scenario_id) c USING (scenario_id) "
                          "WHERE m.status <> 'complete' OR m.run_key < c.latest ORDER BY m.run_key",
                          &res, "cannot read run_metadata", err);
    if (rc) return rc;
    struct pw_strbuf b = PW_STRBUF_INIT;
    idx_t rows = duckdb_row_count(&res);
    for (idx_t i = 0; i < rows; i++) {
        int k = (int)duckdb_value_int64(&res, 0, i), first = (int)duckdb_value_int64(&res, 1, i);
        int last = (int)duckdb_value_int64(&res, 2, i);
        bool superseded = duckdb_value_int64(&res, 3, i) != 0;
        delete_run_rows(o, &b, k, first, superseded ? -1 : last);
        if (superseded) pw_sb_addf(&b, "DELETE FROM run_metadata WHERE run_key = %d;", k);
    }
    duckdb_destroy_result(&res);
    pw_sb_add(&b, "UPDATE run_metadata SET status = 'failed', error = 'the run stopped before it finished "
                  "(the process was killed or crashed)' WHERE status = 'running';");
    rc = in_transaction(db, &b, "cannot clean up after earlier runs", err);
    pw_sb_release(&b);
    if (rc) return rc;
    remove_files(o);
    return o->layout == PW_LAYOUT_PARQUET ? sweep_files(o, err) : 0;
}

/* ---- run_metadata and run_params -------------------------------------------- */

static int uuid_from_text(const char *text, uint8_t out[16])
{
    int n = 0;
    for (const char *p = text; *p && n < 32; p++) {
        int v;
        if (*p == '-') continue;
        if (*p >= '0' && *p <= '9') v = *p - '0';
        else if (*p >= 'a' && *p <= 'f') v = *p - 'a' + 10;
        else return -1;
        if (n % 2 == 0) out[n / 2] = (uint8_t)(v << 4);
        else out[n / 2] |= (uint8_t)v;
        n++;
    }
    return n == 32 ? 0 : -1;
}

/* Writes (or rewrites) this run's run_metadata row, keyed by run_key. */
static int write_metadata_row(struct pw_output *o, const struct pw_run_metadata *m, const char *status,
                              struct pw_err *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DELETE FROM run_metadata WHERE run_key = %d", o->run_key);
    int rc = pw__db_query(o->db, sql, NULL, "cannot record the run", err);
    if (rc) return rc;
    struct pw_table_writer *w;
    if ((rc = pw_table_writer_new(&w, o->db, "main.run_metadata", false, err))) return rc;
    uint8_t run_id[16] = {0};
    uuid_from_text(m->run_id, run_id);
    pw_tw_str(w, PW_META_scenario_id, m->scenario_id);
    pw_tw_uuid(w, PW_META_run_id, run_id);
    pw_tw_int(w, PW_META_run_key, o->run_key);
    pw_tw_u64(w, PW_META_random_seed, m->seed);
    pw_tw_int(w, PW_META_start_year, m->start_year);
    pw_tw_int(w, PW_META_end_year, m->end_year);
    pw_tw_str(w, PW_META_config_path, m->config_path && *m->config_path ? m->config_path : NULL);
    pw_tw_str(w, PW_META_config_text, m->config_text);
    pw_tw_str(w, PW_META_config_sha1, m->config_hash[0] ? m->config_hash : NULL);
    pw_tw_str(w, PW_META_program_version, m->program_version);
    pw_tw_str(w, PW_META_duckdb_version, pw_db_library_version());
    pw_tw_str(w, PW_META_census_path, m->census_path);
    pw_tw_int(w, PW_META_census_rows_read, (int64_t)m->census_rows_read);
    pw_tw_int(w, PW_META_census_rows_rejected, (int64_t)m->census_rows_rejected);
    pw_tw_int(w, PW_META_starting_roster, (int64_t)m->roster_size);
    pw_tw_int(w, PW_META_threads, m->threads);
    pw_tw_timestamp(w, PW_META_started_at, m->started_at);
    if (m->timings_json) pw_tw_double(w, PW_META_wall_seconds, m->wall_seconds);
    else pw_tw_null(w, PW_META_wall_seconds);
    pw_tw_str(w, PW_META_stage_seconds, m->timings_json);
    pw_tw_int(w, PW_META_event_rows, (int64_t)m->event_rows);
    pw_tw_int(w, PW_META_snapshot_rows, (int64_t)m->snapshot_rows);
    pw_tw_str(w, PW_META_status, status);
    if (m->last_completed_year > 0) pw_tw_int(w, PW_META_last_completed_year, m->last_completed_year);
    else pw_tw_null(w, PW_META_last_completed_year);
    if (m->resumed_from_year > 0) pw_tw_int(w, PW_META_resumed_from_year, m->resumed_from_year);
    else pw_tw_null(w, PW_META_resumed_from_year);
    pw_tw_str(w, PW_META_from_checkpoint, m->from_checkpoint);
    pw_tw_null(w, PW_META_error);
    pw_tw_str(w, PW_META_output_format, pw_output_layout_names[o->layout]);
    pw_tw_str(w, PW_META_models_status, m->models_status);
    if ((rc = pw_tw_end_row(w, err))) {
        pw_table_writer_free(w);
        return rc;
    }
    return pw_table_writer_close(w, err);
}

static void band_list(struct pw_strbuf *b, const struct pw_bands *bands)
{
    pw_sb_add(b, "[");
    for (int v = 0; v < PW_BAND_VALUES; v++) {
        if (v) pw_sb_add(b, ", ");
        pw_sb_add_sql_literal(b, bands->label[pw_band_index(bands, v)]);
    }
    pw_sb_add(b, "]");
}

static void band_rows(struct pw_strbuf *b, int run_key, int dimension, const struct pw_bands *bands)
{
    for (int v = 0; v < PW_BAND_VALUES; v++) {
        pw_sb_addf(b, "%s(%d, %d, %d, ", v ? ", " : "", run_key, dimension, v);
        pw_sb_add_sql_literal(b, bands->label[pw_band_index(bands, v)]);
        pw_sb_add(b, ")");
    }
}

/* The run's settings that the views show (store_schema.h, pw.run_params and
 * pw.band_labels). */
static void run_params_sql(struct pw_strbuf *b, int run_key, const struct pw_output_options *opt)
{
    pw_sb_addf(b, "DELETE FROM pw.band_labels WHERE run_key = %d; INSERT INTO pw.band_labels VALUES ", run_key);
    band_rows(b, run_key, 0, &opt->tables->age_bands);
    pw_sb_add(b, ", ");
    band_rows(b, run_key, 1, &opt->tables->tenure_bands);
    pw_sb_add(b, ";");
    const struct pw_config *c = opt->cfg;
    const struct pw_plan_config *p = &c->plan;
    const struct pw_match_formula *f = p->match_enabled ? pw_plan_active_formula(p) : NULL;
    pw_sb_addf(b, "DELETE FROM pw.run_params WHERE run_key = %d; INSERT INTO pw.run_params VALUES (%d, ", run_key,
               run_key);
    band_list(b, &opt->tables->age_bands);
    pw_sb_add(b, ", ");
    band_list(b, &opt->tables->tenure_bands);
    pw_sb_addf(b, ", '%s', '%s', %d, %d, %.17g, %.17g, %d, ",
               c->termination_selection == PW_SELECT_HAZARD_WEIGHTED ? "hazard_weighted" : "uniform",
               c->raise_timing_methodology == PW_RAISE_REALISTIC ? "realistic" : "calendar_driven", p->minimum_age,
               p->waiting_period_days, p->esc_increment, p->esc_max_rate, p->ae_opt_out_grace_days);
    pw_sb_add_sql_literal(b, f ? f->name : NULL);
    pw_sb_add(b, ", ");
    pw_sb_add_sql_literal(b, f ? pw__formula_type_names[f->type] : NULL);
    pw_sb_add(b, ", ");
    char *yaml = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&yaml, &len);
    if (mem) {
        pw_config_write_yaml(c, mem);
        fclose(mem);
    }
    if (yaml) pw_sb_add_sql_literal(b, yaml);
    else b->failed = true;
    free(yaml);
    pw_sb_add(b, ");");
}

/* The run to resume: the scenario's latest run. */
static int resume_target(struct pw_output *o, const char *scenario_id, int *first_year, struct pw_err *err)
{
    struct pw_run_status st;
    int rc = pw_output_run_status(o->db, scenario_id, &st, err);
    if (rc) return rc;
    if (!st.exists) return pw_err_set(err, PW_EDB, "scenario '%s' has no run to resume", scenario_id);
    o->run_key = st.run_key;
    *first_year = st.start_year;
    return 0;
}

/* The Parquet layout's staging tables, on every connection that writes a group
 * (all of them when the groups share one connection). */
static int stage_tables(struct pw_output *o, struct pw_db *c, struct pw_err *err)
{
    (void)o;
    int rc = 0;
    for (int t = 0; t < PW_T_COUNT && !rc; t++)
        if (pw_store_table_in_files(t)) rc = pw_parquet_stage_create(c, t, err);
    return rc;
}

int pw_output_begin(struct pw_output **out, struct pw_db *db, const struct pw_run_metadata *m,
                    const struct pw_output_options *opt, struct pw_err *err)
{
    *out = NULL;
    struct pw_output *o = calloc(1, sizeof *o);
    if (!o) return pw_err_set(err, PW_ENOMEM, "out of memory");
    o->db = db;
    o->layout = opt->layout;
    o->row_appends = opt->row_appends;
    o->workers = opt->workers;
    /* One connection per group, or all on the main connection one after another. */
    o->shared_connection = !(opt->connections && pw_db_pool_size(opt->connections) >= PW__G_COUNT);
    for (int g = 0; g < PW__G_COUNT; g++) o->conn[g] = o->shared_connection ? db : pw_db_pool_at(opt->connections, g);
    if (o->shared_connection) o->workers = NULL;
    struct pw_strbuf b = PW_STRBUF_INIT;
    pw_sb_add_sql_literal(&b, m->scenario_id);
    snprintf(o->scenario_sql, sizeof o->scenario_sql, "%s", pw_sb_text(&b));
    memcpy(o->run_id, m->run_id, sizeof o->run_id);
    snprintf(o->scenario_id, sizeof o->scenario_id, "%s", m->scenario_id);
    o->resume = opt->resume_after_year > 0;
    o->wide_old_rows_pending = o->layout == PW_LAYOUT_WIDE && !o->resume;
    struct pw_store_info info;
    int rc = pw_store_open(db, o->layout, opt->data_dir, &info, err);
    snprintf(o->data_dir, sizeof o->data_dir, "%s", info.data_dir);
    if (!rc) rc = clean_up(o, err);
    for (int g = 0; g < PW__G_COUNT && !rc && o->layout == PW_LAYOUT_PARQUET; g++)
        if (g == 0 || o->conn[g] != o->conn[g - 1]) rc = stage_tables(o, o->conn[g], err);
    int first_year = m->start_year;
    if (!rc && o->resume) rc = resume_target(o, m->scenario_id, &first_year, err);
    if (!rc && !o->resume) {
        int64_t key = 0;
        rc = pw_db_query_int(db, "SELECT nextval('pw.run_keys')", &key, err);
        o->run_key = (int)key;
    }
    if (rc) goto fail;
    /* One transaction: a resumed run drops what its predecessor wrote after the
     * checkpoint and takes over its run_key; a new run adds its row next to the
     * scenario's earlier runs, which stay visible until this one completes. */
    pw_sb_reset(&b);
    if (o->resume) delete_run_rows(o, &b, o->run_key, first_year, opt->resume_after_year);
    run_params_sql(&b, o->run_key, opt);
    if ((rc = pw_db_exec(db, "BEGIN TRANSACTION", err))) goto fail;
    if (b.len) rc = exec_sb(db, &b, "cannot record the run", err);
    if (!rc) rc = write_metadata_row(o, m, "running", err);
    if (!rc) rc = pw__db_query(db, "COMMIT", NULL, "cannot record the run", err);
    if (rc) {
        pw__db_query(db, "ROLLBACK", NULL, "rollback", NULL);
        goto fail;
    }
    pw_sb_release(&b);
    remove_files(o);
    *out = o;
    return 0;
fail:
    pw_sb_release(&b);
    free(o->removals);
    free(o);
    return rc;
}

/* ---- one year ------------------------------------------------------------------ */

/* A year's groups append in parallel, and commit only when every group has
 * appended, so a failure in one leaves no group's part of the year behind. */
struct group_job {
    struct pw_output *o;
    const struct pw_year_output *y;
    int rc[PW__G_COUNT];
    struct pw_err err[PW__G_COUNT];
};

static int append_group(struct pw_output *o, int g, struct pw_db *c, const struct pw_year_output *y, struct pw_err *err)
{
    return o->layout == PW_LAYOUT_WIDE ? pw__output_append_group_wide(o, g, c, y, err)
                                       : pw__output_append_group(o, g, c, y, err);
}

/* The Parquet layout writes files, not transactions: a group's files are in
 * place when it returns, and nothing shows them before the commit record. */
static void append_task(void *ctx, size_t g, int worker)
{
    (void)worker;
    struct group_job *job = ctx;
    struct pw_db *c = job->o->conn[g];
    bool files = job->o->layout == PW_LAYOUT_PARQUET;
    int rc = files ? 0 : pw_db_exec(c, "BEGIN TRANSACTION", &job->err[g]);
    if (!rc) rc = append_group(job->o, (int)g, c, job->y, &job->err[g]);
    job->rc[g] = rc;
}

static void commit_task(void *ctx, size_t g, int worker)
{
    (void)worker;
    struct group_job *job = ctx;
    if (job->o->layout == PW_LAYOUT_PARQUET) return;
    job->rc[g] = pw__db_query(job->o->conn[g], "COMMIT", NULL, "cannot commit the year's rows", &job->err[g]);
}

static void rollback_task(void *ctx, size_t g, int worker)
{
    (void)worker;
    struct group_job *job = ctx;
    if (job->o->layout == PW_LAYOUT_PARQUET) return;
    pw__db_query(job->o->conn[g], "ROLLBACK", NULL, "rollback", NULL);
}

static void run_groups(struct pw_output *o, pw_chunk_fn fn, struct group_job *job)
{
    if (o->workers) pw_pool_run(o->workers, PW__G_COUNT, fn, job);
    else
        for (size_t g = 0; g < PW__G_COUNT; g++) fn(job, g, 0);
}

/* First failing group's code and message, or 0. */
static int first_failure(const struct group_job *job, struct pw_err *err)
{
    for (int g = 0; g < PW__G_COUNT; g++) {
        if (!job->rc[g]) continue;
        if (err) *err = job->err[g];
        return job->rc[g];
    }
    return 0;
}

/* The commit record of the year (and run_metadata's last_completed_year). */
static void commit_record_sql(struct pw_strbuf *b, const struct pw_output *o, int year)
{
    pw_sb_addf(b, "INSERT INTO pw.year_commits VALUES (%d, %d, current_timestamp::TIMESTAMP);", o->run_key, year);
    pw_sb_addf(b, "UPDATE run_metadata SET last_completed_year = %d WHERE run_key = %d;", year, o->run_key);
}

int pw_output_write_year(struct pw_output *o, const struct pw_year_output *y, struct pw_err *err)
{
    int rc;
    struct pw_strbuf record = PW_STRBUF_INIT;
    commit_record_sql(&record, o, y->view.year->year);
    if (o->shared_connection && o->layout != PW_LAYOUT_PARQUET) {
        /* One connection: the whole year, commit record included, in one transaction. */
        rc = pw_db_exec(o->db, "BEGIN TRANSACTION", err);
        for (int g = 0; g < PW__G_COUNT && !rc; g++) rc = append_group(o, g, o->db, y, err);
        if (!rc) rc = exec_sb(o->db, &record, "cannot commit the year's rows", err);
        if (!rc) rc = pw__db_query(o->db, "COMMIT", NULL, "cannot commit the year's rows", err);
        if (rc) pw__db_query(o->db, "ROLLBACK", NULL, "rollback", NULL);
    } else {
        static const struct group_job zero;
        struct group_job job = zero;
        job.o = o;
        job.y = y;
        run_groups(o, append_task, &job);
        if ((rc = first_failure(&job, err))) {
            run_groups(o, rollback_task, &job);
        } else {
            /* A commit can still fail on its own (a full disk): then some groups
             * hold the year and others not, but without a commit record the year
             * is never visible, and --resume or the next run removes its rows. */
            run_groups(o, commit_task, &job);
            if ((rc = first_failure(&job, err))) run_groups(o, rollback_task, &job);
            else rc = in_transaction(o->db, &record, "cannot commit the year's rows", err);
        }
    }
    pw_sb_release(&record);
    if (rc && o->layout == PW_LAYOUT_PARQUET) pw_parquet_remove_files(o->data_dir, o->run_key, y->view.year->year - 1);
    if (rc) return rc;
    o->wide_old_rows_pending = false;
    o->years_committed++;
    return 0;
}

/* ---- the end of a run ------------------------------------------------------------ */

static int write_rejected(struct pw_output *o, const struct pw_census *census, struct pw_err *err)
{
    struct pw_table_writer *w;
    bool wide = o->layout == PW_LAYOUT_WIDE;
    int rc = pw_table_writer_new(&w, o->db, wide ? "census_rejected_rows" : "pw.rejected_rows", false, err);
    if (rc) return rc;
    for (size_t i = 0; i < census->rejected_count && !rc; i++) {
        const struct pw_rejected_row *r = &census->rejected[i];
        if (wide) {
            pw_tw_str(w, PW_VREJ_scenario_id, o->scenario_id);
            pw_tw_int(w, PW_VREJ_row_number, (int64_t)r->row);
            pw_tw_str(w, PW_VREJ_employee_id, r->employee_id);
            pw_tw_str(w, PW_VREJ_column_name, r->column);
            pw_tw_str(w, PW_VREJ_reason, r->reason);
        } else {
            pw_tw_int(w, PW_REJ_run_key, o->run_key);
            pw_tw_int(w, PW_REJ_row_number, (int64_t)r->row);
            pw_tw_str(w, PW_REJ_employee_id, r->employee_id);
            pw_tw_str(w, PW_REJ_column_name, r->column);
            pw_tw_str(w, PW_REJ_reason, r->reason);
        }
        rc = pw_tw_end_row(w, err);
    }
    if (rc) {
        pw_table_writer_free(w);
        return rc;
    }
    return pw_table_writer_close(w, err);
}

/* Every earlier run of the scenario: the completed run replaced them. */
static int remove_earlier_runs(struct pw_output *o, struct pw_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT run_key, coalesce(start_year, 0) FROM run_metadata WHERE scenario_id = %s AND run_key < %d",
             o->scenario_sql, o->run_key);
    duckdb_result res;
    int rc = pw__db_query(o->db, sql, &res, "cannot read run_metadata", err);
    if (rc) return rc;
    struct pw_strbuf b = PW_STRBUF_INIT;
    for (idx_t i = 0, n = duckdb_row_count(&res); i < n; i++) {
        int k = (int)duckdb_value_int64(&res, 0, i);
        delete_run_rows(o, &b, k, (int)duckdb_value_int64(&res, 1, i), -1);
        pw_sb_addf(&b, "DELETE FROM run_metadata WHERE run_key = %d;", k);
    }
    duckdb_destroy_result(&res);
    if (b.len) rc = in_transaction(o->db, &b, "cannot remove the scenario's earlier runs", err);
    pw_sb_release(&b);
    if (!rc) remove_files(o);
    return rc;
}

int pw_output_finish(struct pw_output *o, const struct pw_census *census, const struct pw_run_metadata *m,
                     struct pw_err *err)
{
    char sql[256];
    int rc = pw_db_exec(o->db, "BEGIN TRANSACTION", err);
    if (!rc && (census || !o->resume)) {
        if (o->layout == PW_LAYOUT_WIDE)
            snprintf(sql, sizeof sql, "DELETE FROM census_rejected_rows WHERE scenario_id = %s", o->scenario_sql);
        else
            snprintf(sql, sizeof sql, "DELETE FROM pw.rejected_rows WHERE run_key = %d", o->run_key);
        rc = pw__db_query(o->db, sql, NULL, "cannot record the rejected census rows", err);
    }
    if (!rc && census && census->rejected_count) rc = write_rejected(o, census, err);
    if (!rc) rc = write_metadata_row(o, m, "complete", err);
    /* The compliance tests of the replaced run no longer describe the scenario:
     * they go in the commit that shows the new run, so a failure or kill before
     * the new tests are written leaves none rather than stale ones. */
    if (!rc) rc = pw_compliance_forget(o->db, o->scenario_id, err);
    if (!rc) rc = pw__db_query(o->db, "COMMIT", NULL, "cannot commit the run's metadata", err);
    if (rc) {
        pw__db_query(o->db, "ROLLBACK", NULL, "rollback", NULL);
        pw_output_abort(o, err);
        return rc;
    }
    /* The run is complete and visible. Removing the replaced runs may still fail
     * (a full disk); they are invisible already, and the next run removes them. */
    struct pw_err ignored = {0};
    remove_earlier_runs(o, &ignored);
    free(o->removals);
    free(o);
    return 0;
}

void pw_output_abort(struct pw_output *o, const struct pw_err *why)
{
    if (!o) return;
    struct pw_strbuf b = PW_STRBUF_INIT;
    if (!o->resume && o->years_committed == 0) {
        /* Nothing of this run is visible or resumable: remove every trace (a
         * year may have been committed by some groups and not others). */
        delete_run_rows(o, &b, o->run_key, 0, -1);
        pw_sb_addf(&b, "DELETE FROM run_metadata WHERE run_key = %d;", o->run_key);
    } else {
        pw_sb_add(&b, "UPDATE run_metadata SET status = 'failed', error = ");
        pw_sb_add_sql_literal(&b, why && why->msg[0] ? why->msg : "stopped");
        pw_sb_addf(&b, " WHERE run_key = %d;", o->run_key);
    }
    if (in_transaction(o->db, &b, "cannot record the failure", NULL) == 0) remove_files(o);
    pw_sb_release(&b);
    free(o->removals);
    free(o);
}

/* ---- status ------------------------------------------------------------------------ */

int pw_output_run_status(struct pw_db *db, const char *scenario_id, struct pw_run_status *st, struct pw_err *err)
{
    memset(st, 0, sizeof *st);
    int64_t n = 0;
    int rc = pw_db_query_int(db,
                             "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'planwise_schema' "
                             "AND schema_name = 'main' AND database_name = current_database()",
                             &n, err);
    if (rc || n == 0) return rc;
    if ((rc = pw_store_check(db, NULL, err))) return rc;
    struct pw_strbuf b = PW_STRBUF_INIT;
    pw_sb_add(&b, "SELECT status, coalesce(models_status, ''), run_key, coalesce(last_completed_year, 0), "
                  "coalesce(census_rows_read, 0), coalesce(census_rows_rejected, 0), coalesce(starting_roster, 0), "
                  "coalesce(start_year, 0), coalesce(resumed_from_year, 0), coalesce(from_checkpoint, '') "
                  "FROM run_metadata WHERE scenario_id = ");
    pw_sb_add_sql_literal(&b, scenario_id);
    pw_sb_add(&b, " ORDER BY run_key DESC LIMIT 1");
    duckdb_result res;
    rc = pw_sb_ok(&b) ? pw_err_set(err, PW_ENOMEM, "out of memory")
                      : pw__db_query(db, pw_sb_text(&b), &res, "cannot read run_metadata", err);
    pw_sb_release(&b);
    if (rc) return rc;
    if (duckdb_row_count(&res) == 1) {
        st->exists = true;
        char *s = duckdb_value_varchar(&res, 0, 0);
        snprintf(st->status, sizeof st->status, "%s", s ? s : "");
        duckdb_free(s);
        s = duckdb_value_varchar(&res, 1, 0);
        snprintf(st->models_status, sizeof st->models_status, "%s", s ? s : "");
        duckdb_free(s);
        st->run_key = (int)duckdb_value_int64(&res, 2, 0);
        st->last_completed_year = (int)duckdb_value_int64(&res, 3, 0);
        st->census_rows_read = duckdb_value_int64(&res, 4, 0);
        st->census_rows_rejected = duckdb_value_int64(&res, 5, 0);
        st->starting_roster = duckdb_value_int64(&res, 6, 0);
        st->start_year = (int)duckdb_value_int64(&res, 7, 0);
        st->resumed_from_year = (int)duckdb_value_int64(&res, 8, 0);
        s = duckdb_value_varchar(&res, 9, 0);
        snprintf(st->from_checkpoint, sizeof st->from_checkpoint, "%s", s ? s : "");
        duckdb_free(s);
    }
    duckdb_destroy_result(&res);
    return 0;
}

int pw_output_set_models_status(struct pw_db *db, const char *scenario_id, const char *status, struct pw_err *err)
{
    struct pw_strbuf b = PW_STRBUF_INIT;
    pw_sb_add(&b, "UPDATE run_metadata SET models_status = ");
    pw_sb_add_sql_literal(&b, status);
    pw_sb_add(&b, " WHERE run_key = (SELECT max(run_key) FROM run_metadata WHERE scenario_id = ");
    pw_sb_add_sql_literal(&b, scenario_id);
    pw_sb_add(&b, ")");
    int rc = exec_sb(db, &b, "cannot record the state of the SQL models", err);
    pw_sb_release(&b);
    return rc;
}
