/* run_simulate.c: the body of `planwise run`: load the inputs (a census, or a
 * checkpoint to resume or branch from), open the database with the run's
 * settings, simulate the years while the sink streams each one into DuckDB (with
 * a progress line on a terminal), and record the run in run_metadata. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "io/census_reader.h"
#include "sim/plan_money.h"

static void print_rejected(const struct pw_census *c, const char *path)
{
    size_t shown = c->rejected_count < 10 ? c->rejected_count : 10;
    pw_error("'%s': %zu invalid row%s; nothing was simulated or written (use --on-bad-rows skip to simulate the "
             "valid rows)",
             path, c->rejected_count, c->rejected_count == 1 ? "" : "s");
    for (size_t i = 0; i < shown; i++) {
        const struct pw_rejected_row *r = &c->rejected[i];
        fprintf(stderr, "  row %zu (employee_id '%s'), column '%s': %s\n", r->row, r->employee_id, r->column,
                r->reason);
    }
    if (c->rejected_count > shown) fprintf(stderr, "  ... and %zu more\n", c->rejected_count - shown);
}

/* One progress line on stderr, rewritten as each stage starts, only when stderr is
 * a terminal and not -q: year, stage, rows so far. */
static void show_progress(const struct sink_ctx *ctx, const struct pw_sim *sim, bool done)
{
    if (!ctx->progress) return;
    if (done) {
        fputs("\r\033[K", stderr);
        return;
    }
    const struct pw_config *c = ctx->cfg;
    fprintf(stderr, "\r\033[Kyear %d (%d of %d) %-22s %zu employees; %zu events and %zu snapshot rows written",
            sim->year.year, sim->year.year - c->start_year + 1, c->end_year - c->start_year + 1, ctx->stage,
            sim->year.n_pop, sim->total_events, sim->total_snapshot_rows);
    fflush(stderr);
}

static void on_stage(void *p, const struct pw_sim *sim, int stage)
{
    struct sink_ctx *ctx = p;
    if (stage == PW_STAGE_START_YEAR) return;   /* the new year's number is set by this stage */
    ctx->stage = pw_stage_names[stage];
    show_progress(ctx, sim, false);
}

static int write_year(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    struct sink_ctx *ctx = p;
    pw_run_report_add_year(ctx->report, sim);
    struct pw_year_output yo;
    pw_cli_year_output(sim, &yo);
    int rc = pw_output_write_year(ctx->out, &yo, err);
    if (rc) return rc;
    struct run_state *st = ctx->state;
    /* From its first committed year on, --resume continues this run, not the
     * scenario's earlier one (which stays shown until this run completes): the
     * earlier run's checkpoints, under the same names, must not be taken for this
     * run's (also with --no-checkpoints). */
    if (st->years_committed++ == 0 && !st->resuming) {
        struct stat dir;
        if (stat(st->checkpoint_dir, &dir) == 0 && (rc = pw_checkpoint_clear(st->checkpoint_dir, st->cfg.scenario_id, err)))
            return rc;
    }
    if (!rc) pw_debug("year %d: %zu snapshot rows, %zu events written", sim->year.year, sim->year.n_pop, sim->events_in_year);
    return rc;
}

/* The year's compliance tests from its arrays (io/compliance.h), timed as the
 * run's compliance stage. */
static int read_year(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    struct sink_ctx *ctx = p;
    struct run_state *st = ctx->state;
    struct pw_perf_mark mark = pw_perf_start();
    struct pw_year_view view;
    pw_sim_year_view(sim, &view);
    int rc = pw_compliance_run_year(st->compliance, &view, err);
    pw_perf_record_named(st->perf, "compliance", sim->year.year, mark, sim->year.n_pop);
    return rc;
}

/* <db>.data as an absolute path: the views of the Parquet layout name their
 * files by it, so they work from any working directory. */
static void data_directory(const char *db, char *out, size_t size)
{
    char dir[PW_PATH_MAX];
    const char *slash = strrchr(db, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - db) : 1, slash ? db : ".");
    if (slash == db) snprintf(dir, sizeof dir, "/");
    char abs[PATH_MAX];
    const char *base = slash ? slash + 1 : db;
    if (realpath(dir, abs) && strlen(abs) + strlen(base) + 8 < size)
        snprintf(out, size, "%.*s/%s.data", strcmp(abs, "/") == 0 ? 0 : (int)strlen(abs), abs, base);
    else snprintf(out, size, "%s.data", db);
}

static void new_run_id(char out[37])
{
    /* Identifies this execution only; never part of the simulated results. */
    char seed[128];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int n = snprintf(seed, sizeof seed, "%lld.%ld.%d", (long long)ts.tv_sec, ts.tv_nsec, (int)getpid());
    uint8_t u[16];
    pw_uuid5(pw_event_namespace, seed, (size_t)n, u);
    u[6] = (uint8_t)((u[6] & 0x0F) | 0x40);   /* present as a random (v4-style) id */
    pw_uuid_format(u, out);
}

static void config_hash(const char *text, char out[41])
{
    out[0] = '\0';
    if (!text) return;
    uint8_t d[20];
    pw_sha1(text, strlen(text), d);
    for (int i = 0; i < 20; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* The DuckDB settings of this run (performance.*), for the simulation and its models. */
void pw__run_db_options(const struct pw_config *cfg, const struct run_options *o, struct pw_db_options *dbo)
{
    uint64_t memory = 0;
    pw_config_memory_bytes(cfg->perf.memory_limit, pw_physical_memory_bytes(), &memory);
    *dbo = (struct pw_db_options){
        .threads = cfg->threads, .memory_limit = memory, .temp_directory = cfg->perf.temp_directory,
        .duckdb_defaults = o->baseline};
}

/* Census of the run: read, rule-checked, rejected rows reported. */
static int load_census(struct run_state *s, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    int rc;
    if ((rc = pw_census_init(&s->census, &s->strings))) return pw_err_set(err, rc, "out of memory");
    s->census_ready = true;
    struct pw_perf_mark census_mark = pw_perf_start();
    if ((rc = pw_census_read(cfg->census_path, &s->census, cfg, &s->tables, err))) return rc;
    double census_seconds = pw_wall_seconds() - census_mark.wall;
    if ((rc = pw_perf_record_named(s->perf, "census_load", PW_PERF_NO_YEAR, census_mark, s->census.stats.rows_read)))
        return pw_err_set(err, rc, "out of memory for the performance monitor");
    if (s->census.rejected_count > 0 && cfg->on_bad_rows == PW_BAD_ROWS_FAIL) {
        print_rejected(&s->census, cfg->census_path);
        return pw_err_set(err, PW_ECENSUS, "census '%s' has invalid rows", cfg->census_path);
    }
    pw_census_log_summary(&s->census, 5);
    if (s->census.rejected_count > 0)
        pw_warn("'%s': %zu invalid rows skipped; they are listed in table census_rejected_rows", cfg->census_path,
                s->census.rejected_count);
    pw_debug("census '%s': %zu rows read, %zu rejected, %zu in the starting roster (%.3f s)", cfg->census_path,
             s->census.stats.rows_read, s->census.rejected_count, s->census.roster.count, census_seconds);
    return 0;
}

static int open_database(struct run_state *s, const struct run_options *o, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    struct stat st;
    s->db_created = stat(o->db, &st) != 0;
    struct pw_db_options dbo;
    pw__run_db_options(cfg, o, &dbo);
    int rc = pw_db_open(&s->db, o->db, &dbo, err);
    if (rc) {
        if (rc != PW_ELOCKED) s->db_created = s->db_created && stat(o->db, &st) == 0;
        else s->db_created = false;
        return rc;
    }
    if (pw_log_verbosity() >= PW_VERBOSE) {
        char settings[512];
        if (pw_db_describe_settings(s->db, settings, sizeof settings, err) == 0)
            pw_debug("duckdb %s: %s; %d connection%s", pw_db_library_version(), settings, cfg->perf.connections,
                     cfg->perf.connections == 1 ? "" : "s");
    }
    /* Output tables are written in three groups; more connections serve the SQL models. */
    if (cfg->perf.connections > 1 && (rc = pw_db_pool_new(&s->connections, s->db, cfg->perf.connections, err)))
        return rc;
    return 0;
}

int pw__run_simulate(struct run_state *s, const struct run_options *o, double t_start, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    bool from_checkpoint = o->resume || o->from_checkpoint;
    const char *files[PW_ASSUMPTION_TABLES];
    for (int i = 0; i < PW_ASSUMPTION_TABLES; i++) files[i] = cfg->assumption_files[i][0] ? cfg->assumption_files[i] : NULL;
    int rc = pw_tables_load_with(&s->tables, cfg->assumptions_directory, files, err);
    if (rc) return rc;
    if ((rc = pw_plan_money_check(&cfg->plan, &s->tables, err))) return rc;
    pw_strpool_init(&s->strings);
    if (cfg->perf.checkpoint_directory[0])
        snprintf(s->checkpoint_dir, sizeof s->checkpoint_dir, "%s", cfg->perf.checkpoint_directory);
    else
        snprintf(s->checkpoint_dir, sizeof s->checkpoint_dir, "%s.checkpoints", o->db);
    if (pw_checkpoint_id_from_config(cfg, &s->checkpoint_id)) return pw_err_set(err, PW_ENOMEM, "out of memory");
    rc = from_checkpoint ? pw__run_load_checkpoint(s, o, err) : load_census(s, err);
    if (rc) return rc;

    if ((rc = open_database(s, o, err))) return rc;
    if (o->resume && (rc = pw__run_check_resumable(s, err))) return rc;

    s->pool = pw_pool_new(cfg->threads);
    if (!s->pool) return pw_err_set(err, PW_ENOMEM, "cannot start worker threads");
    if (from_checkpoint)
        rc = pw_sim_init_resume(&s->sim, cfg, &s->tables, &s->resume_wf, &s->carried, s->pool, err);
    else
        rc = pw_sim_init(&s->sim, cfg, &s->tables, &s->census, s->pool, err);
    if (rc) return rc;
    s->sim_ready = true;
    s->sim.perf = s->perf;

    struct pw_run_metadata *m = &s->meta;
    *m = (struct pw_run_metadata){
        .scenario_id = cfg->scenario_id,
        .seed = cfg->random_seed,
        .start_year = o->from_checkpoint ? s->carried.year + 1 : cfg->start_year,
        .end_year = cfg->end_year,
        .program_version = PW_VERSION,
        .config_path = o->config ? o->config : "",
        .config_text = s->config_text,
        .census_path = cfg->census_path,
        .census_rows_read = s->census_ready ? s->census.stats.rows_read : (size_t)s->previous.census_rows_read,
        .census_rows_rejected = s->census_ready ? s->census.rejected_count : (size_t)s->previous.census_rows_rejected,
        .roster_size = s->sim.census_roster_size,
        .threads = cfg->threads,
        .started_at = (double)time(NULL),
        .resumed_from_year = from_checkpoint ? s->carried.year : 0,
        .from_checkpoint = from_checkpoint ? s->resume_path : NULL,
        .last_completed_year = o->resume ? s->carried.year : 0,
        .models_status = o->no_models ? NULL : "pending",
    };
    new_run_id(m->run_id);
    config_hash(s->config_text, m->config_hash);
    if (o->resume && s->previous.resumed_from_year > 0 && s->previous.start_year > s->previous.resumed_from_year) {
        /* Resuming a branch: it stays a branch of the checkpoint it started from. */
        m->start_year = s->previous.start_year;
        m->resumed_from_year = s->previous.resumed_from_year;
        m->from_checkpoint = s->previous.from_checkpoint;
    }
    data_directory(o->db, s->data_dir, sizeof s->data_dir);
    bool checkpoints = cfg->perf.checkpoints;
    if (checkpoints && (rc = pw__run_start_checkpoints(s, o, err))) return rc;
    s->resuming = o->resume;
    struct pw_output_options oo = {.connections = s->connections, .workers = s->pool, .row_appends = o->baseline,
                                   .resume_after_year = o->resume ? s->carried.year : 0,
                                   .layout = o->baseline ? PW_LAYOUT_WIDE
                                             : cfg->perf.output_format ? PW_LAYOUT_PARQUET : PW_LAYOUT_TABLES,
                                   .data_dir = s->data_dir, .cfg = cfg, .tables = &s->tables};
    if ((rc = pw_output_begin(&s->out, s->db, m, &oo, err))) return rc;

    pw_run_report_init(&s->report, cfg, s->sim.census_roster_size);
    s->report.rejected_rows = m->census_rows_rejected;
    struct sink_ctx ctx = {s, s->out, cfg, &s->tables, &s->report,
                           isatty(STDERR_FILENO) && pw_log_verbosity() == PW_NORMAL, ""};
    /* A run that simulates every year of its scenario computes the compliance tests
     * as it goes; resumed and branched runs read them back afterwards. */
    if (!o->no_compliance && cfg->compliance.enabled && !from_checkpoint &&
        (rc = pw_compliance_run_new(&s->compliance, cfg->scenario_id, cfg, &s->tables, err)))
        return rc;
    struct pw_sink sink = {&ctx, write_year, checkpoints ? pw__run_write_checkpoint : NULL,
                           s->compliance ? read_year : NULL};
    if (ctx.progress) {
        s->sim.on_stage = on_stage;
        s->sim.on_stage_ctx = &ctx;
    }
    rc = pw_sim_run(&s->sim, &sink, err);
    show_progress(&ctx, &s->sim, true);
    if (rc) return rc;

    char timings[2048];
    pw_run_report_timings_json(s->perf, timings, sizeof timings);
    m->timings_json = timings;
    m->event_rows = s->sim.total_events;
    m->snapshot_rows = s->sim.total_snapshot_rows;
    m->last_completed_year = cfg->end_year;
    m->wall_seconds = pw_wall_seconds() - t_start;
    struct pw_perf_mark mark = pw_perf_start();
    rc = pw_output_finish(s->out, s->census_ready ? &s->census : NULL, m, err);
    s->out = NULL;
    if (rc) return rc;
    pw_perf_record_named(s->perf, "finish", PW_PERF_NO_YEAR, mark, 1);
    return 0;
}
