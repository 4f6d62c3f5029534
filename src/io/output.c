/* output.c: year-by-year replacement of a scenario (see output.h). The five
 * yearly tables are cut into groups, one connection each: the events, the
 * snapshot, and the small tables together. A year's groups are appended and
 * committed in parallel when there are connections and workers for it; each
 * group's first transaction also deletes the scenario's old rows of its tables. */
#include "io/output.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/pool.h"
#include "core/uuid.h"
#include "io/db_internal.h"
#include "io/db_pool.h"
#include "io/output_schema.h"
#include "io/table_writer.h"

enum { T_EVENTS, T_SNAPSHOT, T_MATCH, T_NEEDS, T_NEEDS_LEVEL, T_COUNT };
enum { G_EVENTS, G_SNAPSHOT, G_SMALL, G_COUNT };

static const char *const table_names[T_COUNT] = {"fct_yearly_events", "fct_workforce_snapshot",
                                                 "fct_employer_match_events", "fct_workforce_needs",
                                                 "fct_workforce_needs_by_level"};
static const int table_group[T_COUNT] = {G_EVENTS, G_SNAPSHOT, G_SMALL, G_SMALL, G_SMALL};

struct pw_output {
    struct pw_db *db;                        /* main connection: DDL, run_metadata, resume cleanup */
    struct pw_db *conn[G_COUNT];             /* connection of each group (db when there is no pool) */
    struct pw_pool *workers;                 /* NULL: groups run one after another */
    bool row_appends;
    bool old_rows_pending;                   /* the first year still has to delete the old rows */
    bool shared_connection;                  /* every group on db: one transaction per year */
    bool resume;                             /* continues a stopped run of the scenario */
    int years_committed;                     /* years this run committed */
    bool partly_committed;                   /* a year's commit failed after other groups committed */
    char scenario_sql[2 * PW_SCENARIO_MAX + 8];  /* quoted literal */
    char run_id[37];
};

/* Single quotes doubled, for the scenario literal in SQL statements. */
static void sql_quote(char *out, size_t size, const char *s)
{
    size_t n = 0;
    if (size < 3) return;
    out[n++] = '\'';
    for (; *s && n + 3 < size; s++) {
        if (*s == '\'') out[n++] = '\'';
        out[n++] = *s;
    }
    out[n++] = '\'';
    out[n] = '\0';
}

static int check_schema_version(struct pw_db *db, struct pw_err *err)
{
    int64_t rows = 0, version = 0;
    int rc = pw_db_query_int(db, "SELECT count(*) FROM planwise_schema", &rows, err);
    if (rc) return rc;
    if (rows == 0) {
        char sql[96];
        snprintf(sql, sizeof sql, "INSERT INTO planwise_schema VALUES (%d)", PW_SCHEMA_VERSION);
        return pw_db_exec(db, sql, err);
    }
    if ((rc = pw_db_query_int(db, "SELECT max(version) FROM planwise_schema", &version, err))) return rc;
    if (version != PW_SCHEMA_VERSION)
        return pw_err_set(err, PW_EDB,
                          "database '%s' holds planwise output schema version %lld, this program writes version %d; "
                          "write to a new --db file",
                          pw_db_path(db), (long long)version, PW_SCHEMA_VERSION);
    return 0;
}

static int write_metadata_row(struct pw_db *db, const struct pw_run_metadata *m, const char *status, struct pw_err *err);

/* Resume: rows of years after the checkpoint were committed by the stopped run
 * after its last checkpoint; the resumed run writes them again. */
static int drop_years_after(struct pw_output *o, int year, struct pw_err *err)
{
    char sql[512];
    int rc = pw_db_exec(o->db, "BEGIN TRANSACTION", err);
    for (int t = 0; t < T_COUNT && !rc; t++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE scenario_id = %s AND simulation_year > %d", table_names[t],
                 o->scenario_sql, year);
        rc = pw__db_query(o->db, sql, NULL, "cannot remove the rows after the checkpoint", err);
    }
    if (!rc) return pw__db_query(o->db, "COMMIT", NULL, "cannot remove the rows after the checkpoint", err);
    pw__db_query(o->db, "ROLLBACK", NULL, "rollback", NULL);
    return rc;
}

int pw_output_begin(struct pw_output **out, struct pw_db *db, const struct pw_run_metadata *m,
                    const struct pw_output_options *opt, struct pw_err *err)
{
    *out = NULL;
    struct pw_output *o = calloc(1, sizeof *o);
    if (!o) return pw_err_set(err, PW_ENOMEM, "out of memory");
    o->db = db;
    o->row_appends = opt && opt->row_appends;
    o->workers = opt ? opt->workers : NULL;
    /* One connection per group, or all on the main connection one after another. */
    o->shared_connection = !(opt && opt->connections && pw_db_pool_size(opt->connections) >= G_COUNT);
    for (int g = 0; g < G_COUNT; g++) o->conn[g] = o->shared_connection ? db : pw_db_pool_at(opt->connections, g);
    if (o->shared_connection) o->workers = NULL;
    sql_quote(o->scenario_sql, sizeof o->scenario_sql, m->scenario_id);
    memcpy(o->run_id, m->run_id, sizeof o->run_id);
    int resume_year = opt ? opt->resume_after_year : 0;
    o->resume = resume_year > 0;
    o->old_rows_pending = !o->resume;
    /* The (empty) tables are created and committed first: DuckDB commits rows
     * appended to a table created in the same transaction much more slowly, and
     * empty tables change nothing a reader can see. */
    int rc = 0;
    for (int i = 0; pw_output_ddl[i]; i++)
        if ((rc = pw__db_query(db, pw_output_ddl[i], NULL, "cannot create the output tables", err))) goto fail;
    if ((rc = check_schema_version(db, err))) goto fail;
    if (o->resume && (rc = drop_years_after(o, resume_year, err))) goto fail;
    /* A new run adds its row next to the earlier run's, which goes with the earlier
     * rows when the first year commits; a resumed run takes over the stopped run's row. */
    if ((rc = pw_db_exec(db, "BEGIN TRANSACTION", err))) goto fail;
    if (o->resume) {
        char sql[256];
        snprintf(sql, sizeof sql, "DELETE FROM run_metadata WHERE scenario_id = %s", o->scenario_sql);
        rc = pw__db_query(db, sql, NULL, "cannot record the run", err);
    }
    if (!rc) rc = write_metadata_row(db, m, "running", err);
    if (!rc) rc = pw__db_query(db, "COMMIT", NULL, "cannot record the run", err);
    if (rc) {
        pw__db_query(db, "ROLLBACK", NULL, "rollback", NULL);
        goto fail;
    }
    *out = o;
    return 0;
fail:
    free(o);
    return rc;
}

static int write_events(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_year *yr = y->year;
    const struct pw_workforce *wf = y->wf;
    const struct pw_tables *t = y->tables;
    size_t sid_len = strlen(y->scenario_id);
    for (size_t c = 0; c < y->chunk_count; c++) {
        const struct pw_event_chunk *ch = &y->chunks[c];
        for (size_t i = 0; i < ch->count; i++) {
            const struct pw_event *ev = &ch->events[i];
            uint32_t r = ev->row;
            pw_tw_varchar(w, 0, y->scenario_id, sid_len);
            pw_tw_uuid(w, 1, ev->event_id);
            pw_tw_varchar(w, 2, wf->employee_id[r], wf->id_len[r]);
            pw_tw_enum(w, 3, ev->type - 1u);
            pw_tw_enum(w, 4, ev->category);
            pw_tw_int(w, 5, yr->year);
            pw_tw_date(w, 6, ev->date);
            pw_tw_int(w, 7, ev->sequence);
            pw_tw_double(w, 8, ev->compensation);
            pw_tw_double(w, 9, ev->previous_compensation);
            pw_tw_double(w, 10, ev->deferral_rate);
            pw_tw_double(w, 11, ev->previous_deferral_rate);
            pw_tw_int(w, 12, ev->level);
            pw_tw_int(w, 13, yr->age[r]);
            pw_tw_int(w, 14, yr->reported_tenure[r]);
            pw_tw_str(w, 15, t->age_bands.label[yr->age_band[r]]);
            pw_tw_str(w, 16, t->tenure_bands.label[yr->reported_tenure_band[r]]);
            pw_tw_double(w, 17, ev->probability);
            pw_tw_str(w, 18, ev->details);
            int rc = pw_tw_end_row(w, err);
            if (rc) return rc;
        }
    }
    return 0;
}

/* The plan columns of MODEL 6.2, starting at column col. */
static void write_snapshot_plan(struct pw_table_writer *w, int col, const struct pw_year_output *y, uint32_t r)
{
    const struct pw_plan_money *m = y->money;
    struct pw_plan_snapshot ps;
    pw_plan_year_snapshot(y->plan, r, y->wf, r, &ps);
    pw_tw_date(w, col++, ps.eligibility_date);
    pw_tw_enum(w, col++, (unsigned)y->plan->elig_status[r]);       /* ENUM order = enum pw_plan_status */
    pw_tw_bool(w, col++, ps.is_enrolled);
    pw_tw_date(w, col++, ps.enrollment_date);
    static const char *const methods[] = {"census", "auto", "proactive", "voluntary", "year_over_year"};
    int method = -1;
    for (int i = 0; ps.enrollment_method && i < 5; i++)
        if (strcmp(ps.enrollment_method, methods[i]) == 0) method = i;
    if (method >= 0) pw_tw_enum(w, col++, (unsigned)method);      /* ENUM order = methods[] */
    else pw_tw_null(w, col++);
    pw_tw_bool(w, col++, ps.ever_opted_out);
    pw_tw_double(w, col++, ps.current_deferral_rate);
    pw_tw_double(w, col++, ps.original_deferral_rate);
    pw_tw_enum(w, col++, ps.current_deferral_rate > 0 ? 0 : 1);
    pw_tw_int(w, col++, ps.total_deferral_escalations);
    pw_tw_date(w, col++, ps.last_escalation_date);
    pw_tw_bool(w, col++, ps.auto_escalation_opt_out);
    pw_tw_double(w, col++, m->b_cap[r]);
    pw_tw_double(w, col++, m->deferrals[r]);
    pw_tw_double(w, col++, m->pre_tax[r]);
    pw_tw_double(w, col++, m->roth[r]);
    pw_tw_double(w, col++, m->eff_rate[r]);
    pw_tw_double(w, col++, m->applicable_limit[r]);
    pw_tw_enum(w, col++, m->limit_type[r]);                         /* ENUM order = enum pw_limit_type */
    pw_tw_bool(w, col++, m->irs_402g[r]);
    pw_tw_bool(w, col++, m->irs_401a17[r]);
    pw_tw_bool(w, col++, m->irs_415c[r]);
    pw_tw_bool(w, col++, m->match_eligible[r]);
    pw_tw_enum(w, col++, m->match_reason[r]);                       /* ENUM order = enum pw_elig_reason */
    pw_tw_double(w, col++, m->match[r]);
    pw_tw_bool(w, col++, m->core_eligible[r]);
    pw_tw_double(w, col++, m->core[r]);
    pw_tw_double(w, col++, pw_round2(m->match[r] + m->core[r]));
    pw_tw_double(w, col++, m->match_balance[r]);
    pw_tw_double(w, col++, m->core_balance[r]);
    pw_tw_int(w, col++, m->vesting_years[r]);
    pw_tw_double(w, col++, m->match_vested_pct[r]);
    pw_tw_double(w, col++, m->core_vested_pct[r]);
    pw_tw_double(w, col++, m->vested_balance[r]);
    pw_tw_double(w, col++, m->forfeit_total[r]);
    pw_tw_bool(w, col++, m->is_hce[r]);
    pw_tw_bool(w, col++, y->wf->is_5pct_owner[r]);
    pw_tw_bool(w, col++, y->wf->is_1pct_owner[r]);
    pw_tw_bool(w, col++, y->wf->is_officer[r]);
}

/* fct_employer_match_events (MODEL 6.3): one row per employee-year with a match. */
static int write_match_events(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_year *yr = y->year;
    const struct pw_workforce *wf = y->wf;
    const struct pw_plan_money *m = y->money;
    const struct pw_match_formula *f = y->formula;
    if (!f) return 0;
    char name[512];
    for (size_t p = 0; p < yr->n_pop; p++) {
        uint32_t r = yr->order[p];
        if (!(m->match[r] > 0)) continue;
        uint8_t id[16];
        int len = snprintf(name, sizeof name, "%s|%s|%d|employer_match|0", y->scenario_id, wf->employee_id[r], yr->year);
        pw_uuid5(pw_event_namespace, name, (size_t)len < sizeof name ? (size_t)len : sizeof name - 1, id);
        int col = 0;
        pw_tw_str(w, col++, y->scenario_id);
        pw_tw_uuid(w, col++, id);
        pw_tw_varchar(w, col++, wf->employee_id[r], wf->id_len[r]);
        pw_tw_int(w, col++, yr->year);
        pw_tw_date(w, col++, yr->dec31);
        pw_tw_str(w, col++, f->name);
        pw_tw_enum(w, col++, (unsigned)f->type);                    /* ENUM order = enum pw_formula_type */
        pw_tw_double(w, col++, m->b_cap[r]);
        pw_tw_double(w, col++, m->eff_rate[r]);
        pw_tw_double(w, col++, m->deferrals[r]);
        pw_tw_double(w, col++, m->match_uncapped[r]);
        pw_tw_double(w, col++, m->match[r]);
        pw_tw_bool(w, col++, m->match_cap_applied[r]);
        pw_tw_double(w, col++, m->match_415c_cut[r]);
        pw_tw_int(w, col++, m->yos[r]);
        if (f->type == PW_FORMULA_POINTS_BASED) pw_tw_int(w, col++, m->points[r]);
        else pw_tw_null(w, col++);
        pw_tw_double(w, col++, m->deferrals[r] > 0 ? pw_round6(m->match[r] / m->deferrals[r]) : NAN);
        pw_tw_double(w, col++, m->b_cap[r] > 0 ? pw_round6(m->match[r] / m->b_cap[r]) : NAN);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

static int write_snapshot(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_year *yr = y->year;
    const struct pw_workforce *wf = y->wf;
    const struct pw_tables *t = y->tables;
    size_t sid_len = strlen(y->scenario_id);
    for (size_t p = 0; p < yr->n_pop; p++) {
        uint32_t r = yr->order[p];
        bool hire = r >= yr->n_roster;
        int kind = yr->term_kind[r];
        pw_tw_varchar(w, 0, y->scenario_id, sid_len);
        pw_tw_int(w, 1, yr->year);
        pw_tw_varchar(w, 2, wf->employee_id[r], wf->id_len[r]);
        pw_tw_str(w, 3, wf->ssn[r]);
        pw_tw_date(w, 4, wf->birth_date[r]);
        pw_tw_date(w, 5, wf->hire_date[r]);
        pw_tw_enum(w, 6, kind == PW_TERM_NONE ? 0 : 1);
        pw_tw_date(w, 7, yr->term_date[r]);
        if (kind == PW_TERM_NONE) pw_tw_null(w, 8);
        else pw_tw_enum(w, 8, kind == PW_TERM_EXPERIENCED ? 0 : 1);
        unsigned status = kind == PW_TERM_NONE ? (hire ? 1 : 0) : (kind == PW_TERM_NEW_HIRE ? 2 : 3);
        pw_tw_enum(w, 9, status);
        pw_tw_int(w, 10, yr->end_level[r]);
        pw_tw_int(w, 11, yr->age[r]);
        pw_tw_int(w, 12, yr->reported_tenure[r]);
        pw_tw_str(w, 13, t->age_bands.label[yr->age_band[r]]);
        pw_tw_str(w, 14, t->tenure_bands.label[yr->reported_tenure_band[r]]);
        pw_tw_double(w, 15, yr->current_comp[r]);
        pw_tw_double(w, 16, yr->prorated_comp[r]);
        pw_tw_double(w, 17, yr->current_comp[r]);
        pw_tw_double(w, 18, wf->hours_per_week[r]);
        pw_tw_int(w, 19, yr->hours_worked[r]);
        write_snapshot_plan(w, 20, y, r);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

static int write_needs(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    const struct pw_needs *n = &y->year->needs;
    int col = 0;
    pw_tw_str(w, col++, y->scenario_id);
    pw_tw_int(w, col++, y->year->year);
    pw_tw_int(w, col++, n->starting_headcount);
    pw_tw_int(w, col++, n->experienced_headcount);
    pw_tw_int(w, col++, n->prior_year_hires_active);
    pw_tw_double(w, col++, y->growth_rate);
    pw_tw_double(w, col++, y->termination_rate);
    pw_tw_double(w, col++, y->new_hire_termination_rate);
    pw_tw_int(w, col++, n->target_ending_headcount);
    pw_tw_int(w, col++, n->expected_experienced_terminations);
    pw_tw_int(w, col++, n->rif_terminations);
    pw_tw_int(w, col++, n->total_experienced_terminations);
    pw_tw_int(w, col++, n->total_hires);
    pw_tw_int(w, col++, n->expected_new_hire_terminations);
    pw_tw_int(w, col++, n->net_from_hires);
    pw_tw_int(w, col++, n->nh_terms_shortfall);
    pw_tw_int(w, col++, n->ending_headcount_actual);
    pw_tw_int(w, col++, n->reconciliation_error);
    return pw_tw_end_row(w, err);
}

static int write_needs_by_level(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err)
{
    int rc;
    const struct pw_level_needs *b = &y->year->by_level;
    for (int l = 1; l <= y->levels; l++) {
        pw_tw_str(w, 0, y->scenario_id);
        pw_tw_int(w, 1, y->year->year);
        pw_tw_int(w, 2, l);
        pw_tw_int(w, 3, b->starting_headcount[l]);
        pw_tw_int(w, 4, b->termination_quota[l]);
        pw_tw_int(w, 5, b->terminations_realized[l]);
        pw_tw_int(w, 6, b->hires[l]);
        pw_tw_int(w, 7, b->new_hire_terminations[l]);
        pw_tw_double(w, 8, b->new_hire_base_compensation[l]);
        pw_tw_int(w, 9, b->ending_headcount[l]);
        if ((rc = pw_tw_end_row(w, err))) return rc;
    }
    return 0;
}

typedef int (*table_fill_fn)(struct pw_table_writer *w, const struct pw_year_output *y, struct pw_err *err);
static const table_fill_fn table_fill[T_COUNT] = {write_events, write_snapshot, write_match_events, write_needs,
                                                  write_needs_by_level};

/* One group's part of a year: its tables' rows (and, in the first year, the
 * deletion of the scenario's old rows) in one transaction of its connection. The
 * groups append in parallel, and commit only when every group has appended, so a
 * failure in one leaves no group's part of the year behind. */
struct group_job {
    struct pw_output *o;
    const struct pw_year_output *y;
    int rc[G_COUNT];
    struct pw_err err[G_COUNT];
};

static int append_group(struct pw_output *o, int g, const struct pw_year_output *y, struct pw_err *err)
{
    struct pw_db *c = o->conn[g];
    char sql[512];
    int rc = 0;
    if (o->old_rows_pending && g == G_SMALL) {
        /* The earlier run's metadata goes with its rows; this run's row stays. */
        snprintf(sql, sizeof sql, "DELETE FROM run_metadata WHERE scenario_id = %s AND run_id <> '%s'",
                 o->scenario_sql, o->run_id);
        rc = pw__db_query(c, sql, NULL, "cannot replace the scenario's rows", err);
    }
    for (int t = 0; t < T_COUNT && !rc; t++) {
        if (table_group[t] != g) continue;
        if (o->old_rows_pending) {
            snprintf(sql, sizeof sql, "DELETE FROM %s WHERE scenario_id = %s", table_names[t], o->scenario_sql);
            if ((rc = pw__db_query(c, sql, NULL, "cannot replace the scenario's rows", err))) break;
        }
        struct pw_table_writer *w;
        if ((rc = pw_table_writer_new(&w, c, table_names[t], o->row_appends, err))) break;
        rc = table_fill[t](w, y, err);
        if (rc) pw_table_writer_free(w);
        else rc = pw_table_writer_close(w, err);
    }
    return rc;
}

static void append_task(void *ctx, size_t g, int worker)
{
    (void)worker;
    struct group_job *job = ctx;
    struct pw_db *c = job->o->conn[g];
    int rc = pw_db_exec(c, "BEGIN TRANSACTION", &job->err[g]);
    if (!rc) rc = append_group(job->o, (int)g, job->y, &job->err[g]);
    job->rc[g] = rc;
}

static void commit_task(void *ctx, size_t g, int worker)
{
    (void)worker;
    struct group_job *job = ctx;
    job->rc[g] = pw__db_query(job->o->conn[g], "COMMIT", NULL, "cannot commit the year's rows", &job->err[g]);
}

static void rollback_task(void *ctx, size_t g, int worker)
{
    (void)worker;
    struct group_job *job = ctx;
    pw__db_query(job->o->conn[g], "ROLLBACK", NULL, "rollback", NULL);
}

static void run_groups(struct pw_output *o, pw_chunk_fn fn, struct group_job *job)
{
    if (o->workers) pw_pool_run(o->workers, G_COUNT, fn, job);
    else
        for (size_t g = 0; g < G_COUNT; g++) fn(job, g, 0);
}

/* First failing group's code and message, or 0. */
static int first_failure(const struct group_job *job, struct pw_err *err)
{
    for (int g = 0; g < G_COUNT; g++) {
        if (!job->rc[g]) continue;
        if (err) *err = job->err[g];
        return job->rc[g];
    }
    return 0;
}

static int mark_year(struct pw_db *db, const char *run_id, int year, struct pw_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE run_metadata SET last_completed_year = %d WHERE run_id = '%s'", year, run_id);
    return pw__db_query(db, sql, NULL, "cannot record the committed year", err);
}

int pw_output_write_year(struct pw_output *o, const struct pw_year_output *y, struct pw_err *err)
{
    int rc;
    static const struct group_job zero;
    struct group_job job = zero;
    job.o = o;
    job.y = y;
    if (o->shared_connection) {
        /* One connection: the whole year, run_metadata included, in one transaction. */
        if ((rc = pw_db_exec(o->db, "BEGIN TRANSACTION", err))) return rc;
        for (int g = 0; g < G_COUNT && !rc; g++) rc = append_group(o, g, y, err);
        if (!rc) rc = mark_year(o->db, o->run_id, y->year->year, err);
        if (!rc) rc = pw__db_query(o->db, "COMMIT", NULL, "cannot commit the year's rows", err);
        if (rc) pw__db_query(o->db, "ROLLBACK", NULL, "rollback", NULL);
    } else {
        run_groups(o, append_task, &job);
        if ((rc = first_failure(&job, err))) {
            run_groups(o, rollback_task, &job);
            return rc;
        }
        /* A commit can still fail on its own (a full disk): the run then stops
         * with this year incomplete in some tables, last_completed_year stays at
         * the year before, and --resume deletes the rows of later years. */
        run_groups(o, commit_task, &job);
        if ((rc = first_failure(&job, err))) {
            run_groups(o, rollback_task, &job);
            o->partly_committed = true;
            return rc;
        }
        rc = mark_year(o->db, o->run_id, y->year->year, err);
    }
    if (rc) return rc;
    o->old_rows_pending = false;
    o->years_committed++;
    return 0;
}

int pw_output_run_status(struct pw_db *db, const char *scenario_id, struct pw_run_status *st, struct pw_err *err)
{
    memset(st, 0, sizeof *st);
    int64_t n = 0;
    int rc = pw_db_query_int(db,
                             "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('planwise_schema', "
                             "'run_metadata') AND table_schema = 'main'",
                             &n, err);
    if (rc || n < 2) return rc;
    if ((rc = check_schema_version(db, err))) return rc;
    char quoted[2 * PW_SCENARIO_MAX + 8], sql[768];
    sql_quote(quoted, sizeof quoted, scenario_id);
    /* The latest run of the scenario; from_checkpoint last, as it may hold '|'. */
    snprintf(sql, sizeof sql,
             "SELECT coalesce((SELECT status || '|' || coalesce(last_completed_year, 0) || '|' || "
             "coalesce(census_rows_read, 0) || '|' || coalesce(census_rows_rejected, 0) || '|' || "
             "coalesce(starting_roster, 0) || '|' || coalesce(start_year, 0) || '|' || coalesce(resumed_from_year, 0) "
             "|| '|' || coalesce(from_checkpoint, '') FROM run_metadata WHERE scenario_id = %s "
             "ORDER BY started_at DESC LIMIT 1), '')",
             quoted);
    char text[PW_PATH_MAX + 256];
    if ((rc = pw_db_query_string(db, sql, text, sizeof text, err))) return rc;
    if (!text[0]) return 0;
    long long year = 0, read = 0, rejected = 0, roster = 0, start = 0, resumed = 0;
    char status[16] = "";
    int used = 0;
    if (sscanf(text, "%15[^|]|%lld|%lld|%lld|%lld|%lld|%lld|%n", status, &year, &read, &rejected, &roster, &start,
               &resumed, &used) != 7 || used == 0)
        return pw_err_set(err, PW_EDB, "database '%s': unreadable run_metadata row for scenario '%s'", pw_db_path(db),
                          scenario_id);
    st->exists = true;
    memcpy(st->status, status, sizeof st->status);
    st->last_completed_year = (int)year;
    st->start_year = (int)start;
    st->resumed_from_year = (int)resumed;
    snprintf(st->from_checkpoint, sizeof st->from_checkpoint, "%s", text + used);
    st->census_rows_read = read;
    st->census_rows_rejected = rejected;
    st->starting_roster = roster;
    return 0;
}

static int write_rejected(struct pw_db *db, const char *scenario_id, const struct pw_census *census,
                          struct pw_err *err)
{
    struct pw_table_writer *w;
    int rc = pw_table_writer_new(&w, db, "census_rejected_rows", false, err);
    if (rc) return rc;
    for (size_t i = 0; i < census->rejected_count && !rc; i++) {
        const struct pw_rejected_row *r = &census->rejected[i];
        pw_tw_str(w, 0, scenario_id);
        pw_tw_int(w, 1, (int64_t)r->row);
        pw_tw_str(w, 2, r->employee_id);
        pw_tw_str(w, 3, r->column);
        pw_tw_str(w, 4, r->reason);
        rc = pw_tw_end_row(w, err);
    }
    if (rc) {
        pw_table_writer_free(w);
        return rc;
    }
    return pw_table_writer_close(w, err);
}

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

/* Writes (or rewrites) this run's run_metadata row, keyed by run id. */
static int write_metadata_row(struct pw_db *db, const struct pw_run_metadata *m, const char *status, struct pw_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "DELETE FROM run_metadata WHERE run_id = '%s'", m->run_id);
    int rc = pw__db_query(db, sql, NULL, "cannot record the run", err);
    if (rc) return rc;
    struct pw_table_writer *w;
    if ((rc = pw_table_writer_new(&w, db, "run_metadata", false, err))) return rc;
    uint8_t run_id[16] = {0};
    uuid_from_text(m->run_id, run_id);
    int col = 0;
    pw_tw_str(w, col++, m->scenario_id);
    pw_tw_uuid(w, col++, run_id);
    pw_tw_u64(w, col++, m->seed);
    pw_tw_int(w, col++, m->start_year);
    pw_tw_int(w, col++, m->end_year);
    pw_tw_str(w, col++, m->config_path && *m->config_path ? m->config_path : NULL);
    pw_tw_str(w, col++, m->config_text);
    pw_tw_str(w, col++, m->config_hash[0] ? m->config_hash : NULL);
    pw_tw_str(w, col++, m->program_version);
    pw_tw_str(w, col++, pw_db_library_version());
    pw_tw_str(w, col++, m->census_path);
    pw_tw_int(w, col++, (int64_t)m->census_rows_read);
    pw_tw_int(w, col++, (int64_t)m->census_rows_rejected);
    pw_tw_int(w, col++, (int64_t)m->roster_size);
    pw_tw_int(w, col++, m->threads);
    pw_tw_timestamp(w, col++, m->started_at);
    if (m->timings_json) pw_tw_double(w, col++, m->wall_seconds);
    else pw_tw_null(w, col++);
    pw_tw_str(w, col++, m->timings_json);
    pw_tw_int(w, col++, (int64_t)m->event_rows);
    pw_tw_int(w, col++, (int64_t)m->snapshot_rows);
    pw_tw_str(w, col++, status);
    if (m->last_completed_year > 0) pw_tw_int(w, col++, m->last_completed_year);
    else pw_tw_null(w, col++);
    if (m->resumed_from_year > 0) pw_tw_int(w, col++, m->resumed_from_year);
    else pw_tw_null(w, col++);
    pw_tw_str(w, col++, m->from_checkpoint);
    pw_tw_null(w, col++);
    if ((rc = pw_tw_end_row(w, err))) {
        pw_table_writer_free(w);
        return rc;
    }
    return pw_table_writer_close(w, err);
}

int pw_output_finish(struct pw_output *o, const struct pw_census *census, const struct pw_run_metadata *m,
                     struct pw_err *err)
{
    char sql[256];
    int rc = pw_db_exec(o->db, "BEGIN TRANSACTION", err);
    if (!rc && (census || !o->resume)) {
        snprintf(sql, sizeof sql, "DELETE FROM census_rejected_rows WHERE scenario_id = %s", o->scenario_sql);
        rc = pw__db_query(o->db, sql, NULL, "cannot record the rejected census rows", err);
    }
    if (!rc && census && census->rejected_count) rc = write_rejected(o->db, m->scenario_id, census, err);
    if (!rc) rc = write_metadata_row(o->db, m, "complete", err);
    if (!rc) rc = pw__db_query(o->db, "COMMIT", NULL, "cannot commit the run's metadata", err);
    if (rc) {
        pw__db_query(o->db, "ROLLBACK", NULL, "rollback", NULL);
        pw_output_abort(o, err);
        return rc;
    }
    free(o);
    return 0;
}

void pw_output_abort(struct pw_output *o, const struct pw_err *why)
{
    if (!o) return;
    /* Each connection's failed transaction was rolled back where it failed. */
    char *sql = NULL;
    if (!o->resume && o->years_committed == 0 && !o->partly_committed) {
        /* Nothing of this run was committed: the database is as it was, but for
         * the run's own row, which goes too. */
        char del[128];
        snprintf(del, sizeof del, "DELETE FROM run_metadata WHERE run_id = '%s'", o->run_id);
        pw__db_query(o->db, del, NULL, "cannot remove the run's row", NULL);
        free(o);
        return;
    }
    const char *msg = why && why->msg[0] ? why->msg : "stopped";
    size_t len = strlen(msg) * 2 + 256;
    if ((sql = malloc(len))) {
        int n = snprintf(sql, len, "UPDATE run_metadata SET status = 'failed', error = ");
        sql_quote(sql + n, len - (size_t)n - 40, msg);
        n = (int)strlen(sql);
        snprintf(sql + n, len - (size_t)n, " WHERE run_id = '%s'", o->run_id);
        pw__db_query(o->db, sql, NULL, "cannot record the failure", NULL);
        free(sql);
    }
    free(o);
}

