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
#include "cli/run_report.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "dag/dag.h"
#include "io/census_reader.h"
#include "io/db.h"
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
    "      --threads N          worker threads (default: number of CPUs, at most 8)\n"
    "      --tables DIR         folder of assumption CSVs replacing built-in tables\n"
    "      --on-bad-rows MODE   fail (default): stop on any invalid census row;\n"
    "                           skip: simulate the valid rows and record the rejected\n"
    "                           ones in table census_rejected_rows\n"
    "      --models DIR         also run the SQL models in DIR (see 'planwise models')\n"
    "      --var NAME=VALUE     value of {{ var('NAME') }} in the SQL models (repeatable)\n"
    "      --no-models          do not run the SQL models (marts, data-quality checks)\n"
    "                           after the last year\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -v, --verbose            also print stage timings\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit codes: 0 success, 1 data or runtime error (a failed data-quality check\n"
    "included; the simulation outputs are kept), 2 usage error.\n";

struct run_options {
    const char *config, *census, *db, *tables, *scenario;
    int first_year, last_year, threads, on_bad_rows;
    bool years_set, seed_set;
    uint64_t seed;
    const char *models_dir;   /* --models DIR: user SQL models run after the last year */
    bool no_models;           /* --no-models */
    const char *vars[64];     /* --var NAME=VALUE for the SQL models */
    int var_count;
};

static int parse_options(int argc, char **argv, struct run_options *o)
{
    enum { OPT_CENSUS = 256, OPT_DB, OPT_YEARS, OPT_SEED, OPT_SCENARIO, OPT_THREADS, OPT_TABLES, OPT_BAD_ROWS };
    enum { OPT_MODELS = 512, OPT_NO_MODELS, OPT_VAR };
    static const struct option longopts[] = {
        {"config", required_argument, 0, 'c'},     {"census", required_argument, 0, OPT_CENSUS},
        {"db", required_argument, 0, OPT_DB},       {"years", required_argument, 0, OPT_YEARS},
        {"seed", required_argument, 0, OPT_SEED},   {"scenario", required_argument, 0, OPT_SCENARIO},
        {"threads", required_argument, 0, OPT_THREADS}, {"tables", required_argument, 0, OPT_TABLES},
        {"on-bad-rows", required_argument, 0, OPT_BAD_ROWS}, {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},           {"help", no_argument, 0, 'h'},
        {"models", required_argument, 0, OPT_MODELS}, {"no-models", no_argument, 0, OPT_NO_MODELS},
        {"var", required_argument, 0, OPT_VAR},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->db = "simulation.duckdb";
    o->on_bad_rows = -1;
    opterr = 0;
    optind = 1;
    int c;
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
        case OPT_BAD_ROWS:
            if (strcmp(optarg, "fail") == 0) o->on_bad_rows = PW_BAD_ROWS_FAIL;
            else if (strcmp(optarg, "skip") == 0) o->on_bad_rows = PW_BAD_ROWS_SKIP;
            else return pw_cli_usage_error("run", "invalid --on-bad-rows '%s' (expected fail or skip)", optarg);
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
    return 0;
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
    cfg->threads = o->threads > 0 ? o->threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
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

struct sink_ctx {
    struct pw_output *out;
    const struct pw_config *cfg;
    const struct pw_tables *tables;
    struct pw_run_report *report;
    bool progress;               /* stderr is a terminal and not -q */
};

/* One progress line on stderr, rewritten per year, only when stderr is a terminal. */
static void show_progress(const struct sink_ctx *ctx, const struct pw_sim *sim, bool done)
{
    if (!ctx->progress) return;
    if (done) {
        fputs("\r\033[K", stderr);
        return;
    }
    const struct pw_config *c = ctx->cfg;
    fprintf(stderr, "\r\033[Kyear %d (%d of %d): %zu employees, %zu events written", sim->year.year,
            sim->year.year - c->start_year + 1, c->end_year - c->start_year + 1, sim->year.n_pop, sim->total_events);
    fflush(stderr);
}

static int write_year(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    struct sink_ctx *ctx = p;
    pw_run_report_add_year(ctx->report, sim);
    show_progress(ctx, sim, false);
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

struct run_state {
    struct pw_config cfg;
    struct pw_tables tables;
    struct pw_strpool strings;
    struct pw_census census;
    struct pw_pool *pool;
    struct pw_db *db;
    struct pw_output *out;
    struct pw_sim sim;
    struct pw_run_report report;
    char *config_text;
    bool db_created, census_ready, sim_ready;
};

static void cleanup(struct run_state *s, bool failed, const char *db_path)
{
    if (s->out) pw_output_abort(s->out);
    pw_db_close(s->db);
    if (failed && s->db_created) {
        /* The file did not exist before this run: leave nothing behind. */
        char wal[PW_PATH_MAX + 8];
        snprintf(wal, sizeof wal, "%s.wal", db_path);
        remove(db_path);
        remove(wal);
    }
    if (s->sim_ready) pw_sim_release(&s->sim);
    if (s->census_ready) pw_census_release(&s->census);
    pw_strpool_release(&s->strings);
    pw_pool_free(s->pool);
    pw_run_report_release(&s->report);
    free(s->config_text);
}

static int simulate(struct run_state *s, const struct run_options *o, double t_start, struct pw_err *err)
{
    const struct pw_config *cfg = &s->cfg;
    const char *files[PW_ASSUMPTION_TABLES];
    for (int i = 0; i < PW_ASSUMPTION_TABLES; i++) files[i] = cfg->assumption_files[i][0] ? cfg->assumption_files[i] : NULL;
    int rc = pw_tables_load_with(&s->tables, cfg->assumptions_directory, files, err);
    if (rc) return rc;
    if ((rc = pw_plan_money_check(&cfg->plan, &s->tables, err))) return rc;
    pw_strpool_init(&s->strings);
    if ((rc = pw_census_init(&s->census, &s->strings))) return pw_err_set(err, rc, "out of memory");
    s->census_ready = true;
    double t0 = pw_wall_seconds();
    if ((rc = pw_census_read(cfg->census_path, &s->census, cfg, &s->tables, err))) return rc;
    double census_seconds = pw_wall_seconds() - t0;
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
    size_t rows_read = s->census.stats.rows_read, rejected = s->census.rejected_count;

    struct stat st;
    s->db_created = stat(o->db, &st) != 0;
    struct pw_db_options dbo = {.threads = cfg->threads};
    if ((rc = pw_db_open(&s->db, o->db, &dbo, err))) {
        if (rc != PW_ELOCKED) s->db_created = s->db_created && stat(o->db, &st) == 0;
        else s->db_created = false;
        return rc;
    }
    if ((rc = pw_output_begin(&s->out, s->db, cfg->scenario_id, err))) return rc;
    if (rejected && (rc = pw_output_write_rejected(s->out, cfg->scenario_id, &s->census, err))) return rc;

    s->pool = pw_pool_new(cfg->threads);
    if (!s->pool) return pw_err_set(err, PW_ENOMEM, "cannot start worker threads");
    if ((rc = pw_sim_init(&s->sim, cfg, &s->tables, &s->census, s->pool, err))) return rc;
    s->sim_ready = true;
    pw_run_report_init(&s->report, cfg, s->sim.census_roster_size);
    s->report.rejected_rows = rejected;
    struct sink_ctx ctx = {s->out, cfg, &s->tables, &s->report,
                           isatty(STDERR_FILENO) && pw_log_verbosity() == PW_NORMAL};
    struct pw_sink sink = {&ctx, write_year};
    rc = pw_sim_run(&s->sim, &sink, err);
    show_progress(&ctx, &s->sim, true);
    if (rc) return rc;

    char timings[1024];
    pw_run_report_timings_json(&s->sim, census_seconds, timings, sizeof timings);
    struct pw_run_metadata m = {
        .scenario_id = cfg->scenario_id,
        .seed = cfg->random_seed,
        .start_year = cfg->start_year,
        .end_year = cfg->end_year,
        .program_version = PW_VERSION,
        .config_path = o->config ? o->config : "",
        .config_text = s->config_text,
        .census_path = cfg->census_path,
        .census_rows_read = rows_read,
        .census_rows_rejected = rejected,
        .roster_size = s->sim.census_roster_size,
        .threads = cfg->threads,
        .started_at = (double)time(NULL),
        .timings_json = timings,
        .event_rows = s->sim.total_events,
        .snapshot_rows = s->sim.total_snapshot_rows,
    };
    new_run_id(m.run_id);
    config_hash(s->config_text, m.config_hash);
    m.wall_seconds = pw_wall_seconds() - t_start;
    if ((rc = pw_output_write_metadata(s->out, &m, err))) return rc;
    double t_commit = pw_wall_seconds();
    rc = pw_output_commit(s->out, err);
    s->out = NULL;
    if (rc) return rc;
    s->report.commit_seconds = pw_wall_seconds() - t_commit;
    s->report.census_seconds = census_seconds;
    return 0;
}

/* ---- SQL models after the last year (src/dag) ---------------------------------
 * The marts and data-quality checks run on the committed database, reopened so that
 * the simulation's own timings stay those of the simulation. A failed model or check
 * is reported and gives exit code 1; the simulation outputs are complete and stay. */
static int run_models(const struct run_options *o, int threads)
{
    struct pw_err err = {0};
    struct pw_db *db;
    struct pw_db_options dbo = {.threads = threads};
    int rc = pw_db_open(&db, o->db, &dbo, &err);
    if (rc) return pw_cli_fail(&err);
    struct pw_dag_options opt = {
        .threads = threads, .models_dir = o->models_dir, .vars = o->vars, .var_count = o->var_count, .diag = stderr};
    struct pw_dag_summary sum;
    rc = pw_dag_run(db, &opt, &sum, &err);
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
    double t_start = pw_wall_seconds();
    struct run_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc < 0 ? PW_EXIT_OK : rc;
    static struct run_state s;   /* large (tables, config): keep it off the stack */
    memset(&s, 0, sizeof s);
    struct pw_err err = {0};
    if ((rc = build_config(&o, &s.cfg, &s.config_text, &err))) {
        cleanup(&s, true, o.db);
        return pw_cli_fail(&err);
    }
    rc = simulate(&s, &o, t_start, &err);
    if (rc) {
        cleanup(&s, true, o.db);
        return pw_cli_fail(&err);
    }
    /* Closing the database checkpoints it; that belongs to the measured run. */
    double t_close = pw_wall_seconds();
    pw_db_close(s.db);
    s.db = NULL;
    s.report.close_seconds = pw_wall_seconds() - t_close;
    s.report.total_seconds = pw_wall_seconds() - t_start;
    if (pw_log_verbosity() >= PW_NORMAL) pw_run_report_print(&s.report, &s.sim, o.db, stdout);
    int exit_code = o.no_models ? PW_EXIT_OK : run_models(&o, s.cfg.threads);
    cleanup(&s, false, o.db);
    return exit_code;
}
