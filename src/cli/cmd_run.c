/* cmd_run.c: `planwise run`: options and configuration, the outline of a run
 * (simulate, close the database, report, SQL models, performance record) and its
 * clean-up. The simulation itself is in run_simulate.c, checkpoints in
 * run_checkpoints.c (shared declarations: run_int.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/census_map.h"
#include "io/store_parquet.h"
#include "model/scenario_id.h"
#include "cli/run_int.h"
#include "io/compliance.h"
#include "cli/run_perf.h"
#include "cli/run_report.h"
#include "core/clock.h"
#include "core/log.h"
#include "dag/dag.h"
#include "io/yaml_config.h"

static const char usage[] =
    "usage: planwise run [--config FILE] [options]\n"
    "\n"
    "Simulate the workforce year by year and write events, snapshots and the solver\n"
    "trace into a DuckDB database. Options override the YAML configuration.\n"
    "\n"
    "options:\n"
    "  -c, --config FILE        YAML configuration (simulation_config.yaml layout);\n"
    "                           without it every setting has its default\n"
    "      --scenario-file F    partial YAML deep-merged over --config (the reference's\n"
    "                           scenario files); repeatable, applied in order\n"
    "      --census FILE        census CSV or Parquet (default: setup.census_parquet_path)\n"
    "      --census-map FILE    census column mapping, 'planwise_column: client column'\n"
    "                           lines (default: the config's census.columns block)\n"
    "      --db FILE            output database (default: simulation.duckdb)\n"
    "      --years A-B          simulate years A..B, or one year A (default 2025-2029)\n"
    "      --seed N             random seed (simulation.random_seed)\n"
    "      --scenario ID        scenario id; its earlier rows in --db are replaced\n"
    "      --threads N          worker threads of the simulation and of DuckDB\n"
    "                           (performance.threads; default: CPUs, at most 8)\n"
    "      --memory-limit X     DuckDB memory limit: auto (1GB, or half the RAM if\n"
    "                           less), a share of RAM (75%) or a size (4GB)\n"
    "                           (performance.memory_limit; default auto)\n"
    "      --connections N      DuckDB connections for parallel writes and models,\n"
    "                           1 to 16 (performance.connections; default 4)\n"
    "      --resume             continue the scenario from its last checkpoint (after a\n"
    "                           crash, kill or error) with the same options; the\n"
    "                           result is identical to an uninterrupted run; a complete\n"
    "                           run whose SQL models did not finish runs them again\n"
    "      --from-checkpoint F  start this scenario from another run's checkpoint F\n"
    "                           (its year N state) and simulate N+1 to the last year,\n"
    "                           e.g. with a new plan design; needs no census\n"
    "      --checkpoint-dir D   checkpoint folder (performance.checkpoint_directory;\n"
    "                           default <db>.checkpoints)\n"
    "      --no-checkpoints     do not write a checkpoint after each year\n"
    "      --output-format F    duckdb (default): tables in the database file;\n"
    "                           parquet: one Parquet file per table and year under\n"
    "                           <db>.data/, with the same views in the database\n"
    "                           (performance.output_format; fixed per database file)\n"
    "      --execution MODE     optimized (default) or baseline: one thread, one\n"
    "                           connection, one DuckDB call per value, DuckDB's\n"
    "                           default settings (the reference of planwise benchmark;\n"
    "                           results are identical)\n"
    "      --tables DIR         folder of assumption CSVs replacing built-in tables\n"
    "      --on-bad-rows MODE   fail (default): stop on any invalid census row;\n"
    "                           skip: simulate the valid rows and record the rejected\n"
    "                           ones in table census_rejected_rows\n"
    PW_RUN_PERF_USAGE;
/* The rest of the help (ISO C promises string literals of 4,095 characters). */
static const char usage_models[] =
    "      --models DIR         also run the SQL models in DIR (see 'planwise models')\n"
    "      --var NAME=VALUE     value of {{ var('NAME') }} in the SQL models (repeatable)\n"
    "      --no-models          do not build the SQL marts (and user models) after the\n"
    "                           last year\n"
    "      --check              also run the SQL data-quality checks after the last\n"
    "                           year (the audit of 'planwise check'); the engine checks\n"
    "                           the model's invariants of every year either way\n"
    "      --no-compliance      skip the compliance tests ('planwise compliance')\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -v, --verbose            also print the DuckDB settings, each SQL model, and the\n"
    "                           stage table per model and per year (the report always\n"
    "                           ends with the stage table: calls, wall and CPU s, rows,\n"
    "                           rows/s, peak RSS)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit codes: 0 success, 1 data or runtime error (a failed data-quality check\n"
    "included; the simulation outputs are kept), 2 usage error.\n";

static int parse_options(int argc, char **argv, struct run_options *o)
{
    enum { OPT_CENSUS = 256, OPT_DB, OPT_YEARS, OPT_SEED, OPT_SCENARIO, OPT_THREADS, OPT_TABLES, OPT_BAD_ROWS,
           OPT_MEMORY, OPT_CONNECTIONS, OPT_EXECUTION, OPT_RESUME, OPT_FROM_CHECKPOINT, OPT_CHECKPOINT_DIR,
           OPT_NO_CHECKPOINTS };
    enum { OPT_MODELS = 512, OPT_NO_MODELS, OPT_VAR, OPT_CENSUS_MAP, OPT_SCENARIO_FILE, OPT_CHECK, OPT_OUTPUT_FORMAT,
           OPT_NO_COMPLIANCE };
    static const struct option longopts[] = {
        {"scenario-file", required_argument, 0, OPT_SCENARIO_FILE},
        {"config", required_argument, 0, 'c'},     {"census", required_argument, 0, OPT_CENSUS}, {"census-map", required_argument, 0, OPT_CENSUS_MAP},
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
        {"check", no_argument, 0, OPT_CHECK},       {"output-format", required_argument, 0, OPT_OUTPUT_FORMAT},
        {"no-compliance", no_argument, 0, OPT_NO_COMPLIANCE},
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
        case OPT_CENSUS_MAP: o->census_map = optarg; break;
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
        case OPT_SCENARIO_FILE:
            if (o->overlay_count == (int)(sizeof o->overlays / sizeof *o->overlays))
                return pw_cli_usage_error("run", "too many --scenario-file options (at most %d)",
                                          PW_CONFIG_LAYERS_MAX - 1);
            o->overlays[o->overlay_count++] = optarg;
            break;
        case OPT_SCENARIO:
            if (!pw_scenario_id_valid(optarg))
                return pw_cli_usage_error("run", "invalid --scenario '%s': use " PW_SCENARIO_ID_RULE, optarg);
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
                return pw_cli_usage_error("run", "invalid --memory-limit '%s' (expected auto, a share of RAM from 10%% "
                                          "to 95%%, e.g. 75%%, or a size of at least 64MB, e.g. 4GB)", optarg);
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
        case OPT_CHECK: o->check = true; break;
        case OPT_OUTPUT_FORMAT:
            if (strcmp(optarg, "duckdb") == 0) o->output_format = 0;
            else if (strcmp(optarg, "parquet") == 0) o->output_format = 1;
            else return pw_cli_usage_error("run", "invalid --output-format '%s' (expected duckdb or parquet)", optarg);
            o->output_format_set = true;
            break;
        case OPT_NO_COMPLIANCE: o->no_compliance = true; break;
        case OPT_VAR:
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return pw_cli_usage_error("run", "invalid --var '%s' (expected NAME=VALUE)", optarg);
            if (o->var_count == (int)(sizeof o->vars / sizeof *o->vars))
                return pw_cli_usage_error("run", "too many --var options (at most 64)");
            o->vars[o->var_count++] = optarg;
            break;
        case 'q': pw_log_set_verbosity(PW_QUIET); break;
        case 'v': pw_log_set_verbosity(PW_VERBOSE); break;
        case 'h':
            fputs(usage, stdout);
            fputs(usage_models, stdout);
            return -1;
        case ':': return pw_cli_usage_error("run", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("run", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
    if (o->resume && o->from_checkpoint)
        return pw_cli_usage_error("run", "--resume and --from-checkpoint exclude each other");
    if ((o->resume || o->from_checkpoint) && o->baseline)
        return pw_cli_usage_error("run", "--execution baseline runs a whole scenario; it cannot resume or branch");
    if (o->output_format_set && o->output_format == 1 && o->baseline)
        return pw_cli_usage_error("run", "--execution baseline writes the wide table layout; it takes no --output-format");
    if (o->overlay_count && !o->config)
        return pw_cli_usage_error("run", "--scenario-file needs --config (the base configuration)");
    if (o->check && o->no_models)
        return pw_cli_usage_error("run", "--check and --no-models exclude each other (use 'planwise check' later)");
    return pw_run_perf_check_options(&o->perf);
}

/* Appends "# --scenario-file NAME" and the file's text to *text. */
static int append_overlay_text(char **text, const char *path, struct pw_err *err)
{
    char *more;
    size_t len;
    int rc = pw_config_read_text(path, &more, &len, err);
    if (rc) return rc;
    size_t have = strlen(*text), head = strlen(path) + 24;
    char *joined = realloc(*text, have + head + len + 2);
    if (!joined) {
        free(more);
        return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", path);
    }
    int n = snprintf(joined + have, head, PW_CONFIG_OVERLAY_MARK "%s\n", path);
    memcpy(joined + have + (size_t)n, more, len + 1);
    free(more);
    *text = joined;
    return 0;
}

/* Defaults, then the YAML file and its scenario overlays, then the command-line overrides. */
static int build_config(const struct run_options *o, struct pw_config *cfg, char **config_text, struct pw_err *err)
{
    *config_text = NULL;
    pw_config_init_defaults(cfg);
    int rc;
    if (o->config) {
        size_t len;
        if ((rc = pw_config_read_text(o->config, config_text, &len, err))) return rc;
        const char *paths[PW_CONFIG_LAYERS_MAX] = {o->config};
        for (int i = 0; i < o->overlay_count; i++) paths[i + 1] = o->overlays[i];
        if ((rc = pw_config_load_layers(cfg, paths, o->overlay_count + 1, err))) return rc;
        /* run_metadata keeps every file's text, so the stored text reproduces the run. */
        for (int i = 0; i < o->overlay_count && rc == 0; i++) rc = append_overlay_text(config_text, o->overlays[i], err);
        if (rc) return rc;
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
    if (o->output_format_set) cfg->perf.output_format = o->output_format;
    cfg->threads = cfg->perf.threads > 0 ? cfg->perf.threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
    if (o->baseline) {
        cfg->threads = 1;
        cfg->perf.connections = 1;
    }
    return pw_config_finalize(cfg, err);
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
        if (s->data_dir[0]) pw_parquet_remove_layout(s->data_dir);
        if (s->checkpoint_dir[0]) {
            snprintf(p, sizeof p, "%s/%s", s->checkpoint_dir, s->cfg.scenario_id);
            rmdir(p);
            rmdir(s->checkpoint_dir);
        }
    }
    pw_checkpoint_writer_free(s->checkpoint_writer);
    pw_compliance_run_free(s->compliance);
    s->compliance = NULL;
    if (s->resume_wf_ready) pw_workforce_release(&s->resume_wf);
    if (s->sim_ready) pw_sim_release(&s->sim);
    if (s->census_ready) pw_census_release(&s->census);
    pw_strpool_release(&s->strings);
    pw_pool_free(s->pool);
    pw_run_report_release(&s->report);
    free(s->config_text);
    pw_perf_free(s->perf);
}

/* A census in which every row was rejected stops the run before the usual list
 * of rejected rows (whatever --on-bad-rows says): list the first rows under the
 * error, in the layout of that list and of `planwise validate`. */
static void list_all_rejected(const struct run_state *s)
{
    const struct pw_census *c = &s->census;
    if (!s->census_ready || c->stats.valid_rows > 0 || c->rejected_count == 0) return;
    size_t shown = c->rejected_count < 10 ? c->rejected_count : 10;
    for (size_t i = 0; i < shown; i++) {
        const struct pw_rejected_row *r = &c->rejected[i];
        fprintf(stderr, "  row %zu (employee_id '%s'), column '%s': %s\n", r->row, r->employee_id, r->column,
                r->reason);
    }
    if (c->rejected_count > shown) fprintf(stderr, "  ... and %zu more\n", c->rejected_count - shown);
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
    pw__run_db_options(&s->cfg, o, &dbo);
    int rc = pw_db_open(&db, o->db, &dbo, &err);
    if (rc) return pw_cli_fail(&err);
    struct pw_dag_options opt = {.threads = threads,
                                 .builtin = o->check ? PW_DAG_MARTS | PW_DAG_CHECKS : PW_DAG_MARTS,
                                 .models_dir = o->models_dir,
                                 .vars = o->vars,
                                 .var_count = o->var_count,
                                 .diag = stderr};
    struct pw_dag_summary sum;
    struct pw_perf_mark mark = pw_perf_start();
    /* run_metadata.models_status says whether the marts are current: a run killed
     * here stays 'running', and --resume runs the models again. */
    rc = pw_output_set_models_status(db, s->cfg.scenario_id, "running", &err);
    if (!rc) {
        rc = pw_dag_run(db, &opt, &sum, &err);
        struct pw_err ignored = {0};
        pw_output_set_models_status(db, s->cfg.scenario_id, rc ? "failed" : "done", &ignored);
    } else {
        memset(&sum, 0, sizeof sum);
    }
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

/* --resume of a scenario whose simulation completed but whose SQL models were
 * interrupted or failed (run_metadata.models_status): true when that is the case,
 * and the models are to run again without simulating. */
static bool models_to_resume(const struct run_options *o, const struct pw_config *cfg, struct pw_err *err)
{
    struct stat st;
    if (!o->resume || o->no_models || stat(o->db, &st) != 0) return false;
    struct pw_db *db;
    struct pw_db_options dbo = {.read_only = true};
    if (pw_db_open(&db, o->db, &dbo, err)) return false;
    struct pw_run_status rs;
    int rc = pw_output_run_status(db, cfg->scenario_id, &rs, err);
    pw_db_close(db);
    if (rc || !rs.exists || strcmp(rs.status, "complete") != 0) return false;
    return strcmp(rs.models_status, "pending") == 0 || strcmp(rs.models_status, "running") == 0 ||
           strcmp(rs.models_status, "failed") == 0;
}

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
    static struct pw_census_map census_map;
    if (pw_cli_census_map_setup(o.census_map, o.config, &census_map, &err)) {
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
    if (models_to_resume(&o, &s.cfg, &err)) {
        pw_info("scenario '%s' in '%s' is complete but its SQL models did not finish: running them again",
                s.cfg.scenario_id, o.db);
        int code = run_models(&o, &s);
        pw_run_perf_release(&o.perf);
        cleanup(&s, NULL, o.db);
        return code;
    }
    rc = pw__run_simulate(&s, &o, t_start, &err);
    if (rc) {
        int code = pw_cli_fail(&err);
        list_all_rejected(&s);
        cleanup(&s, &err, o.db);
        pw_run_perf_release(&o.perf);
        return code;
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
    /* The compliance tables first, so user models can read them. */
    int exit_code = pw__run_compliance(&o, &s, !o.no_compliance && s.cfg.compliance.enabled);
    int models_code = o.no_models ? PW_EXIT_OK : run_models(&o, &s);
    if (!exit_code) exit_code = models_code;
    facts.wall_seconds = pw_wall_seconds() - t_start;
    facts.cpu_seconds = pw_cpu_seconds() - cpu_start;
    facts.peak_rss_bytes = pw_peak_rss_bytes();
    int code = pw_run_perf_finish(&o.perf, s.perf, &facts, PW_VERSION);
    pw_run_perf_release(&o.perf);
    cleanup(&s, NULL, o.db);
    return exit_code ? exit_code : code;
}
