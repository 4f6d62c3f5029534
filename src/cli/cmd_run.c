/* cmd_run.c: `planwise run`: load configuration, tables and census, simulate the
 * years and stream the results into DuckDB as one atomic scenario replacement,
 * then print a per-year summary. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_perf.h"
#include "cli/run_report.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/perf.h"
#include "core/uuid.h"
#include "dag/dag.h"
#include "io/census_reader.h"
#include "io/db.h"
#include "io/checkpoint.h"
#include "io/db_pool.h"
#include "io/output.h"
#include "io/yaml_config.h"
#include "sim/plan_money.h"
#include "sim/sim.h"

static const char usage[] =
    "usage: planwise run [--config FILE] [options]\n"
    "\n"
    "Simulate the workforce year by year and write events, snapshots and the solver\n"
    "trace into a DuckDB database. Options override the YAML configuration.\n"
    "\n"
    "options:\n"
    "  -c, --config FILE        YAML configuration (simulation_config.yaml layout);\n"
    "                           without it every setting has its default\n"
    "      --census FILE        census CSV or Parquet (default: setup.census_parquet_path)\n"
    "      --db FILE            output database (default: simulation.duckdb)\n"
    "      --years A-B          simulate years A..B, or one year A (default 2025-2029)\n"
    "      --seed N             random seed (simulation.random_seed)\n"
    "      --scenario ID        scenario id; its earlier rows in --db are replaced\n"
    "      --threads N          worker threads of the simulation and of DuckDB\n"
    "                           (performance.threads; default: CPUs, at most 8)\n"
    "      --memory-limit X     DuckDB memory limit, a share of RAM (75%) or a size\n"
    "                           (4GB) (performance.memory_limit; default 75%)\n"
    "      --connections N      DuckDB connections for parallel writes and models,\n"
    "                           1 to 16 (performance.connections; default 4)\n"
    "      --resume             continue the scenario from its last checkpoint (after a\n"
    "                           crash, kill or error) with the same options; the\n"
    "                           result is identical to an uninterrupted run\n"
    "      --from-checkpoint F  start this scenario from another run's checkpoint F\n"
    "                           (its year N state) and simulate N+1 to the last year,\n"
    "                           e.g. with a new plan design; needs no census\n"
    "      --checkpoint-dir D   checkpoint folder (performance.checkpoint_directory;\n"
    "                           default <db>.checkpoints)\n"
    "      --no-checkpoints     do not write a checkpoint after each year\n"
    "      --execution MODE     optimized (default) or baseline: one thread, one\n"
    "                           connection, one DuckDB call per value, DuckDB's\n"
    "                           default settings (the reference of planwise benchmark;\n"
    "                           results are identical)\n"
    "      --tables DIR         folder of assumption CSVs replacing built-in tables\n"
    "      --on-bad-rows MODE   fail (default): stop on any invalid census row;\n"
    "                           skip: simulate the valid rows and record the rejected\n"
    "                           ones in table census_rejected_rows\n"
    PW_RUN_PERF_USAGE
    "      --models DIR         also run the SQL models in DIR (see 'planwise models')\n"
    "      --var NAME=VALUE     value of {{ var('NAME') }} in the SQL models (repeatable)\n"
    "      --no-models          do not run the SQL models (marts, data-quality checks)\n"
    "                           after the last year\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -v, --verbose            also print the DuckDB settings, each SQL model, and the\n"
    "                           stage table per model and per year (the report always\n"
    "                           ends with the stage table: calls, wall and CPU s, rows,\n"
    "                           rows/s, peak RSS)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit codes: 0 success, 1 data or runtime error (a failed data-quality check\n"
    "included; the simulation outputs are kept), 2 usage error.\n";

struct run_options {
    const char *config, *census, *db, *tables, *scenario, *memory_limit;
    int first_year, last_year, threads, on_bad_rows, connections;
    bool years_set, seed_set, baseline, resume, no_checkpoints;
    const char *from_checkpoint, *checkpoint_dir;
    uint64_t seed;
    struct pw_run_perf perf;    /* --perf-json, --baseline, --target-improvement (run_perf.h) */
    const char *models_dir;   /* --models DIR: user SQL models run after the last year */
    bool no_models;           /* --no-models */
    const char *vars[64];     /* --var NAME=VALUE for the SQL models */
    int var_count;
};

static int parse_options(int argc, char **argv, struct run_options *o)
{
    enum { OPT_CENSUS = 256, OPT_DB, OPT_YEARS, OPT_SEED, OPT_SCENARIO, OPT_THREADS, OPT_TABLES, OPT_BAD_ROWS,
           OPT_MEMORY, OPT_CONNECTIONS, OPT_EXECUTION, OPT_RESUME, OPT_FROM_CHECKPOINT, OPT_CHECKPOINT_DIR,
           OPT_NO_CHECKPOINTS };
    enum { OPT_MODELS = 512, OPT_NO_MODELS, OPT_VAR };
    static const struct option longopts[] = {
        {"config", required_argument, 0, 'c'},     {"census", required_argument, 0, OPT_CENSUS},
        {"db", required_argument, 0, OPT_DB},       {"years", required_argument, 0, OPT_YEARS},
        {"seed", required_argument, 0, OPT_SEED},   {"scenario", required_argument, 0, OPT_SCENARIO},
        {"threads", required_argument, 0, OPT_THREADS}, {"tables", required_argument, 0, OPT_TABLES},
        {"on-bad-rows", required_argument, 0, OPT_BAD_ROWS}, {"quiet", no_argument, 0, 'q'},
        {"memory-limit", required_argument, 0, OPT_MEMORY}, {"connections", required_argument, 0, OPT_CONNECTIONS},
        {"execution", required_argument, 0, OPT_EXECUTION}, {"resume", no_argument, 0, OPT_RESUME},
        {"from-checkpoint", required_argument, 0, OPT_FROM_CHECKPOINT},
        {"checkpoint-dir", required_argument, 0, OPT_CHECKPOINT_DIR},
        {"no-checkpoints", no_argument, 0, OPT_NO_CHECKPOINTS},
        {"verbose", no_argument, 0, 'v'},           {"help", no_argument, 0, 'h'},
        PW_RUN_PERF_LONGOPTS,
        {"models", required_argument, 0, OPT_MODELS}, {"no-models", no_argument, 0, OPT_NO_MODELS},
        {"var", required_argument, 0, OPT_VAR},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->db = "simulation.duckdb";
    o->on_bad_rows = -1;
    opterr = 0;
    optind = 1;
    int c, rc;
    while ((c = getopt_long(argc, argv, ":c:qvh", longopts, NULL)) != -1) {
        int64_t v;
        switch (c) {
        case 'c': o->config = optarg; break;
        case OPT_CENSUS: o->census = optarg; break;
        case OPT_DB: o->db = optarg; break;
        case OPT_YEARS:
            if (!pw_cli_parse_years(optarg, &o->first_year, &o->last_year))
                return pw_cli_usage_error("run", "invalid --years '%s' (expected e.g. 2025-2029)", optarg);
            o->years_set = true;
            break;
        case OPT_SEED:
            if (!pw_cli_parse_u64(optarg, 0x7FFFFFFFFFFFFFFFULL, &o->seed))
                return pw_cli_usage_error("run", "invalid --seed '%s' (expected 0 to 2^63-1)", optarg);
            o->seed_set = true;
            break;
        case OPT_SCENARIO:
            if (!*optarg || strlen(optarg) > PW_SCENARIO_MAX)
                return pw_cli_usage_error("run", "invalid --scenario '%s' (1 to %d characters)", optarg, PW_SCENARIO_MAX);
            o->scenario = optarg;
            break;
        case OPT_THREADS:
            if (!pw_cli_parse_i64(optarg, 1, 256, &v))
                return pw_cli_usage_error("run", "invalid --threads '%s' (expected 1 to 256)", optarg);
            o->threads = (int)v;
            break;
        case OPT_TABLES: o->tables = optarg; break;
        case OPT_MEMORY: {
            uint64_t bytes;
            if (pw_config_memory_bytes(optarg, (uint64_t)1 << 40, &bytes))
                return pw_cli_usage_error("run", "invalid --memory-limit '%s' (expected a share of RAM from 10%% to "
                                          "95%%, e.g. 75%%, or a size of at least 64MB, e.g. 4GB)", optarg);
            o->memory_limit = optarg;
            break;
        }
        case OPT_RESUME: o->resume = true; break;
        case OPT_FROM_CHECKPOINT: o->from_checkpoint = optarg; break;
        case OPT_CHECKPOINT_DIR: o->checkpoint_dir = optarg; break;
        case OPT_NO_CHECKPOINTS: o->no_checkpoints = true; break;
        case OPT_EXECUTION:
            if (strcmp(optarg, "baseline") == 0) o->baseline = true;
            else if (strcmp(optarg, "optimized") == 0) o->baseline = false;
            else return pw_cli_usage_error("run", "invalid --execution '%s' (expected optimized or baseline)", optarg);
            break;
        case OPT_CONNECTIONS:
            if (!pw_cli_parse_i64(optarg, 1, 16, &v))
                return pw_cli_usage_error("run", "invalid --connections '%s' (expected 1 to 16)", optarg);
            o->connections = (int)v;
            break;
        case OPT_BAD_ROWS:
            if (strcmp(optarg, "fail") == 0) o->on_bad_rows = PW_BAD_ROWS_FAIL;
            else if (strcmp(optarg, "skip") == 0) o->on_bad_rows = PW_BAD_ROWS_SKIP;
            else return pw_cli_usage_error("run", "invalid --on-bad-rows '%s' (expected fail or skip)", optarg);
            break;
        case PW_RUN_OPT_PERF_JSON:
        case PW_RUN_OPT_BASELINE:
        case PW_RUN_OPT_TARGET:
            if ((rc = pw_run_perf_option(&o->perf, c, optarg))) return rc;
            break;
        case OPT_MODELS: o->models_dir = optarg; break;
        case OPT_NO_MODELS: o->no_models = true; break;
        case OPT_VAR:
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return pw_cli_usage_error("run", "invalid --var '%s' (expected NAME=VALUE)", optarg);
            if (o->var_count == (int)(sizeof o->vars / sizeof *o->vars))
                return pw_cli_usage_error("run", "too many --var options (at most 64)");
            o->vars[o->var_count++] = optarg;
            break;
        case 'q': pw_log_set_verbosity(PW_QUIET); break;
        case 'v': pw_log_set_verbosity(PW_VERBOSE); break;
        case 'h': fputs(usage, stdout); return -1;
        case ':': return pw_cli_usage_error("run", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("run", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
    if (o->resume && o->from_checkpoint)
        return pw_cli_usage_error("run", "--resume and --from-checkpoint exclude each other");
    if ((o->resume || o->from_checkpoint) && o->baseline)
        return pw_cli_usage_error("run", "--execution baseline runs a whole scenario; it cannot resume or branch");
    return pw_run_perf_check_options(&o->perf);
}

/* Defaults, then the YAML file, then the command-line overrides. */
static int build_config(const struct run_options *o, struct pw_config *cfg, char **config_text, struct pw_err *err)
{
    *config_text = NULL;
    pw_config_init_defaults(cfg);
    int rc;
    if (o->config) {
        size_t len;
        if ((rc = pw_config_read_text(o->config, config_text, &len, err))) return rc;
        if ((rc = pw_config_load_file(cfg, o->config, err))) return rc;
    }
    if (o->census) snprintf(cfg->census_path, sizeof cfg->census_path, "%s", o->census);
    if (o->tables) snprintf(cfg->assumptions_directory, sizeof cfg->assumptions_directory, "%s", o->tables);
    if (o->scenario) snprintf(cfg->scenario_id, sizeof cfg->scenario_id, "%s", o->scenario);
    if (o->seed_set) cfg->random_seed = o->seed;
    if (o->years_set) {
        cfg->start_year = o->first_year;
        cfg->end_year = o->last_year;
    }
    if (o->on_bad_rows >= 0) cfg->on_bad_rows = o->on_bad_rows;
    if (o->threads > 0) cfg->perf.threads = o->threads;
    if (o->no_checkpoints) cfg->perf.checkpoints = false;
    if (o->checkpoint_dir)
        snprintf(cfg->perf.checkpoint_directory, sizeof cfg->perf.checkpoint_directory, "%s", o->checkpoint_dir);
    if (o->memory_limit) snprintf(cfg->perf.memory_limit, sizeof cfg->perf.memory_limit, "%s", o->memory_limit);
    if (o->connections > 0) cfg->perf.connections = o->connections;
    cfg->threads = cfg->perf.threads > 0 ? cfg->perf.threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
    if (o->baseline) {
        cfg->threads = 1;
        cfg->perf.connections = 1;
    }
    return pw_config_finalize(cfg, err);
}

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

struct run_state {
    struct pw_config cfg;
    struct pw_tables tables;
    struct pw_strpool strings;
    struct pw_census census;
    struct pw_pool *pool;
    struct pw_db *db;
    struct pw_db_pool *connections;
    struct pw_output *out;
    struct pw_sim sim;
    struct pw_run_report report;
    char *config_text;
    bool db_created, census_ready, sim_ready;
    int years_committed;
    struct pw_run_metadata meta;
    /* checkpoints: where they go, which run they belong to, the writer; and for
     * --resume / --from-checkpoint the state read back and the earlier run */
    char checkpoint_dir[PW_PATH_MAX + 16];
    struct pw_checkpoint_id checkpoint_id;
    struct pw_checkpoint_writer *checkpoint_writer;
    char resume_path[PW_PATH_MAX + 128];
    struct pw_workforce resume_wf;
    bool resume_wf_ready;
    struct pw_carried carried;
    struct pw_run_status previous;
    bool resuming;              /* --resume: continues the scenario's stopped run */
    struct pw_perf *perf;       /* performance monitor of this run */
};

struct sink_ctx {
    struct run_state *state;
    struct pw_output *out;
    const struct pw_config *cfg;
    const struct pw_tables *tables;
    struct pw_run_report *report;
    bool progress;               /* stderr is a terminal and not -q */
    const char *stage;           /* stage in progress */
};

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
    struct pw_year_output yo = {
        .scenario_id = ctx->cfg->scenario_id,
        .year = &sim->year,
        .wf = &sim->wf,
        .tables = ctx->tables,
        .chunks = sim->chunks,
        .chunk_count = sim->chunk_count,
        .levels = sim->levels,
        .growth_rate = ctx->cfg->target_growth_rate,
        .termination_rate = ctx->cfg->total_termination_rate,
        .new_hire_termination_rate = ctx->cfg->new_hire_termination_rate,
        .plan = &sim->plan,
        .money = &sim->money,
        .formula = ctx->cfg->plan.match_enabled ? pw_plan_active_formula(&ctx->cfg->plan) : NULL,
    };
    int rc = pw_output_write_year(ctx->out, &yo, err);
    if (rc) return rc;
    struct run_state *st = ctx->state;
    /* The first committed year replaced the scenario's earlier rows: the earlier
     * run's checkpoints no longer describe them (also with --no-checkpoints). */
    if (st->years_committed++ == 0 && !st->resuming) {
        struct stat dir;
        if (stat(st->checkpoint_dir, &dir) == 0 && (rc = pw_checkpoint_clear(st->checkpoint_dir, st->cfg.scenario_id, err)))
            return rc;
    }
    if (!rc) pw_debug("year %d: %zu snapshot rows, %zu events written", sim->year.year, sim->year.n_pop, sim->events_in_year);
    return rc;
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


static void cleanup(struct run_state *s, const struct pw_err *failure, const char *db_path)
{
    bool failed = failure != NULL;
    if (s->out) pw_output_abort(s->out, failure);
    pw_db_pool_free(s->connections);
    pw_db_close(s->db);
    if (failed && s->db_created && s->years_committed == 0) {
        /* The file did not exist before this run: leave nothing behind (the
         * folders only when empty, i.e. made by this run). */
        char p[PW_PATH_MAX + 160];
        snprintf(p, sizeof p, "%s.wal", db_path);
        remove(db_path);
        remove(p);
        snprintf(p, sizeof p, "%s.tmp", db_path);
        rmdir(p);
        if (s->checkpoint_dir[0]) {
            snprintf(p, sizeof p, "%s/%s", s->checkpoint_dir, s->cfg.scenario_id);
            rmdir(p);
            rmdir(s->checkpoint_dir);
        }
    }
    pw_checkpoint_writer_free(s->checkpoint_writer);
    if (s->resume_wf_ready) pw_workforce_release(&s->resume_wf);
    if (s->sim_ready) pw_sim_release(&s->sim);
    if (s->census_ready) pw_census_release(&s->census);
    pw_strpool_release(&s->strings);
    pw_pool_free(s->pool);
    pw_run_report_release(&s->report);
    free(s->config_text);
    pw_perf_free(s->perf);
}

/* The DuckDB settings of this run (performance.*), for the simulation and its models. */
static void db_options(const struct pw_config *cfg, const struct run_options *o, struct pw_db_options *dbo)
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

/* --resume / --from-checkpoint: the checkpoint to start from, read and verified
 * (a resumed run must match it exactly; a branch may change the configuration). */
static int load_checkpoint(struct run_state *s, const struct run_options *o, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    int rc, year = 0;
    if (o->resume) {
        rc = pw_checkpoint_find_last(s->checkpoint_dir, cfg->scenario_id, cfg->end_year, s->resume_path,
                                     sizeof s->resume_path, &year, err);
        if (rc < 0) return rc;
        if (rc == 0)
            return pw_err_set(err, PW_ECHECKPOINT,
                              "no checkpoint of scenario '%s' in '%s': nothing to resume (run without --resume)",
                              cfg->scenario_id, s->checkpoint_dir);
    } else {
        snprintf(s->resume_path, sizeof s->resume_path, "%s", o->from_checkpoint);
    }
    if (o->from_checkpoint) {
        /* A branch is a new scenario: writing it over the checkpoint's own scenario
         * would replace the history it starts from. */
        struct pw_checkpoint_reader *r;
        if ((rc = pw_checkpoint_open(&r, s->resume_path, err))) return rc;
        bool same = strcmp(pw_checkpoint_header(r)->scenario_id, cfg->scenario_id) == 0;
        pw_checkpoint_close(r);
        if (same)
            return pw_err_set(err, PW_EUSAGE,
                              "checkpoint '%s' belongs to scenario '%s': give the branch another --scenario",
                              s->resume_path, cfg->scenario_id);
    }
    struct pw_perf_mark mark = pw_perf_start();
    rc = pw_checkpoint_read(s->resume_path, o->resume ? &s->checkpoint_id : NULL, &s->strings, &s->resume_wf,
                            &s->carried, err);
    if (rc) return rc;
    s->resume_wf_ready = true;
    pw_perf_record_named(s->perf, "checkpoint_load", PW_PERF_NO_YEAR, mark, s->resume_wf.count);
    if (s->carried.year < cfg->start_year || s->carried.year > cfg->end_year)
        return pw_err_set(err, PW_ECHECKPOINT, "checkpoint '%s' is of year %d, outside the run's years %d-%d",
                          s->resume_path, s->carried.year, cfg->start_year, cfg->end_year);
    pw_info("%s from checkpoint '%s' (year %d): simulating %d-%d", o->resume ? "resuming" : "branching",
            s->resume_path, s->carried.year, s->carried.year + 1, cfg->end_year);
    return 0;
}

/* A resumed run continues what the database holds: that scenario's run must be
 * unfinished and have committed at least the checkpoint's year. */
static int check_resumable(struct run_state *s, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    int rc = pw_output_run_status(s->db, cfg->scenario_id, &s->previous, err);
    if (rc) return rc;
    if (!s->previous.exists)
        return pw_err_set(err, PW_ECHECKPOINT, "database '%s' holds no run of scenario '%s' to resume", pw_db_path(s->db),
                          cfg->scenario_id);
    if (strcmp(s->previous.status, "complete") == 0)
        return pw_err_set(err, PW_ECHECKPOINT,
                          "scenario '%s' in '%s' is complete: nothing to resume (run without --resume to replace it)",
                          cfg->scenario_id, pw_db_path(s->db));
    if (s->previous.last_completed_year < s->carried.year)
        return pw_err_set(err, PW_ECHECKPOINT,
                          "database '%s' holds scenario '%s' up to year %d but its last checkpoint is of year %d; "
                          "run without --resume",
                          pw_db_path(s->db), cfg->scenario_id, s->previous.last_completed_year, s->carried.year);
    return 0;
}

/* Sink callback after each year's close: the carried state as a checkpoint. */
static int write_checkpoint(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    struct sink_ctx *ctx = p;
    struct run_state *s = ctx->state;
    struct pw_carried c;
    pw_sim_carried(sim, &c);
    char path[PW_PATH_MAX + 128];
    int rc = pw_checkpoint_path(path, sizeof path, s->checkpoint_dir, s->cfg.scenario_id, c.year, err);
    if (rc) return rc;
    struct pw_perf_mark mark = pw_perf_start();
    struct pw_checkpoint_stats stats;
    if ((rc = pw_checkpoint_write(s->checkpoint_writer, path, &s->checkpoint_id, &sim->wf, &c, &stats, err))) return rc;
    pw_perf_record_named(s->perf, "checkpoint", c.year, mark, sim->wf.count);
    pw_debug("checkpoint '%s': %zu rows, %.1f MB raw, %.1f MB stored (%.2fx), %.3f s", path, sim->wf.count,
             (double)stats.raw_bytes / 1e6, (double)stats.file_bytes / 1e6,
             stats.file_bytes ? (double)stats.raw_bytes / (double)stats.file_bytes : 0.0, stats.seconds);
    return 0;
}

static int start_checkpoints(struct run_state *s, const struct run_options *o, struct pw_err *err)
{
    int rc = pw_checkpoint_prepare_dir(s->checkpoint_dir, s->cfg.scenario_id, err);
    if (rc) return rc;
    struct pw_checkpoint_options co;
    pw_checkpoint_options_init(&co);
    co.transforms = !o->baseline;
    return pw_checkpoint_writer_new(&s->checkpoint_writer, &co, err);
}

static int open_database(struct run_state *s, const struct run_options *o, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    struct stat st;
    s->db_created = stat(o->db, &st) != 0;
    struct pw_db_options dbo;
    db_options(cfg, o, &dbo);
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

static int simulate(struct run_state *s, const struct run_options *o, double t_start, struct pw_err *err)
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
    rc = from_checkpoint ? load_checkpoint(s, o, err) : load_census(s, err);
    if (rc) return rc;

    if ((rc = open_database(s, o, err))) return rc;
    if (o->resume && (rc = check_resumable(s, err))) return rc;

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
    };
    new_run_id(m->run_id);
    config_hash(s->config_text, m->config_hash);
    if (o->resume && s->previous.resumed_from_year > 0 && s->previous.start_year > s->previous.resumed_from_year) {
        /* Resuming a branch: it stays a branch of the checkpoint it started from. */
        m->start_year = s->previous.start_year;
        m->resumed_from_year = s->previous.resumed_from_year;
        m->from_checkpoint = s->previous.from_checkpoint;
    }
    bool checkpoints = cfg->perf.checkpoints;
    if (checkpoints && (rc = start_checkpoints(s, o, err))) return rc;
    s->resuming = o->resume;
    struct pw_output_options oo = {.connections = s->connections, .workers = s->pool, .row_appends = o->baseline,
                                   .resume_after_year = o->resume ? s->carried.year : 0};
    if ((rc = pw_output_begin(&s->out, s->db, m, &oo, err))) return rc;

    pw_run_report_init(&s->report, cfg, s->sim.census_roster_size);
    s->report.rejected_rows = m->census_rows_rejected;
    struct sink_ctx ctx = {s, s->out, cfg, &s->tables, &s->report,
                           isatty(STDERR_FILENO) && pw_log_verbosity() == PW_NORMAL, ""};
    struct pw_sink sink = {&ctx, write_year, checkpoints ? write_checkpoint : NULL};
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

/* The run's facts for the performance record. */
static void perf_run_facts(const struct run_state *s, double wall_seconds, double cpu_seconds, struct pw_perf_run *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->scenario, sizeof r->scenario, "%s", s->cfg.scenario_id);
    r->seed = s->cfg.random_seed;
    r->first_year = s->cfg.start_year;
    r->last_year = s->cfg.end_year;
    r->threads = s->cfg.threads;
    r->employees = s->sim.census_roster_size;
    for (int i = 0; i < s->report.year_count; i++) r->employee_years += (uint64_t)s->report.years[i].start;
    r->event_rows = s->sim.total_events;
    r->snapshot_rows = s->sim.total_snapshot_rows;
    r->output_rows = r->event_rows + r->snapshot_rows;
    r->wall_seconds = wall_seconds;
    r->cpu_seconds = cpu_seconds;
    r->peak_rss_bytes = pw_peak_rss_bytes();
}

/* ---- SQL models after the last year (src/dag) ---------------------------------
 * The marts and data-quality checks run on the committed database, reopened so that
 * the simulation's own timings stay those of the simulation. A failed model or check
 * is reported and gives exit code 1; the simulation outputs are complete and stay. */
static int run_models(const struct run_options *o, struct run_state *s)
{
    /* More models at once than worker threads only adds memory: on 2 cores, 4
     * connections took 4.3 s and 1.3 GB where 2 took 3.8 s and 0.9 GB (models
     * run -q on the 60,040 x 5 database, two runs each). Baseline: one at a time. */
    int threads = s->cfg.perf.connections < s->cfg.threads ? s->cfg.perf.connections : s->cfg.threads;
    if (o->baseline) threads = 1;
    struct pw_err err = {0};
    struct pw_db *db;
    struct pw_db_options dbo;
    db_options(&s->cfg, o, &dbo);
    int rc = pw_db_open(&db, o->db, &dbo, &err);
    if (rc) return pw_cli_fail(&err);
    struct pw_dag_options opt = {
        .threads = threads, .models_dir = o->models_dir, .vars = o->vars, .var_count = o->var_count, .diag = stderr};
    struct pw_dag_summary sum;
    struct pw_perf_mark mark = pw_perf_start();
    rc = pw_dag_run(db, &opt, &sum, &err);
    pw_perf_record_named(s->perf, "models", PW_PERF_NO_YEAR, mark, sum.count);
    for (size_t i = 0; i < sum.count; i++) {
        /* Models of one level run in parallel: only their wall times are their own. */
        char name[PW_MODEL_NAME_MAX + 8];
        snprintf(name, sizeof name, "model:%s", sum.results[i].name);
        int id = pw_perf_stage(s->perf, name);
        if (id >= 0)
            pw_perf_add(s->perf, id, PW_PERF_NO_YEAR, sum.results[i].seconds, 0.0,
                        sum.results[i].rows > 0 ? (uint64_t)sum.results[i].rows : 0, pw_peak_rss_bytes());
    }
    bool verbose = pw_log_verbosity() >= PW_VERBOSE;
    if (sum.count > 0 && pw_log_verbosity() >= PW_NORMAL) pw_dag_print_summary(&sum, stdout, verbose, verbose);
    pw_dag_summary_release(&sum);
    pw_db_close(db);
    if (rc == PW_EMODEL) {
        fprintf(stderr, "planwise: %s; the simulation results in '%s' are complete and kept\n", err.msg, o->db);
        return PW_EXIT_ERROR;
    }
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}
/* ---- end of the SQL-model step ---- */

int pw_cmd_run(int argc, char **argv)
{
    double t_start = pw_wall_seconds(), cpu_start = pw_cpu_seconds();
    struct run_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc < 0 ? PW_EXIT_OK : rc;
    static struct run_state s;   /* large (tables, config): keep it off the stack */
    memset(&s, 0, sizeof s);
    struct pw_err err = {0};
    if ((rc = build_config(&o, &s.cfg, &s.config_text, &err))) {
        cleanup(&s, &err, o.db);
        return pw_cli_fail(&err);
    }
    s.perf = pw_perf_new(s.cfg.start_year, s.cfg.end_year);
    if (!s.perf) pw_err_set(&err, PW_ENOMEM, "out of memory for the performance monitor");
    if (!s.perf || pw_run_perf_prepare(&o.perf, &err) != 0) {
        cleanup(&s, &err, o.db);
        pw_run_perf_release(&o.perf);
        return pw_cli_fail(&err);
    }
    rc = simulate(&s, &o, t_start, &err);
    if (rc) {
        cleanup(&s, &err, o.db);
        pw_run_perf_release(&o.perf);
        return pw_cli_fail(&err);
    }
    /* Closing the database checkpoints it; that belongs to the measured run. */
    struct pw_perf_mark close_mark = pw_perf_start();
    pw_db_pool_free(s.connections);
    s.connections = NULL;
    pw_db_close(s.db);
    s.db = NULL;
    pw_perf_record_named(s.perf, "close", PW_PERF_NO_YEAR, close_mark, 0);
    s.report.total_seconds = pw_wall_seconds() - t_start;
    struct pw_perf_run facts;
    perf_run_facts(&s, s.report.total_seconds, pw_cpu_seconds() - cpu_start, &facts);
    if (pw_log_verbosity() >= PW_NORMAL) pw_run_report_print(&s.report, &s.sim, o.db, stdout);
    int exit_code = o.no_models ? PW_EXIT_OK : run_models(&o, &s);
    facts.wall_seconds = pw_wall_seconds() - t_start;
    facts.cpu_seconds = pw_cpu_seconds() - cpu_start;
    facts.peak_rss_bytes = pw_peak_rss_bytes();
    int code = pw_run_perf_finish(&o.perf, s.perf, &facts, PW_VERSION);
    pw_run_perf_release(&o.perf);
    cleanup(&s, NULL, o.db);
    return exit_code ? exit_code : code;
}
