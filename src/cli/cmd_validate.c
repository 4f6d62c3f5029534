/* cmd_validate.c: `planwise validate`: everything `planwise run` would check
 * before simulating, without simulating: the environment (DuckDB, Parquet,
 * temporary folder, machine, output database), the configuration (every key,
 * not only the first bad one), the assumption tables, the census (every row
 * rule) and, once src/dag/ exists, the SQL models. One line per check: ok, FAIL
 * or warn; exit 1 when anything failed. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/scenario_id.h"
#include "dag/dag.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/strpool.h"
#include "core/sysinfo.h"
#include "core/textbuf.h"
#include "io/census_map.h"
#include "io/census_reader.h"
#include "io/db.h"
#include "io/env_check.h"
#include "io/yaml_config.h"
#include "model/census.h"
#include "sim/plan_money.h"

static const char usage[] =
    "usage: planwise validate [--config FILE] [options]\n"
    "\n"
    "Check everything a run needs, without simulating: DuckDB and its Parquet\n"
    "support, the temporary folder, cores and memory, the output database, every\n"
    "configuration key, the assumption tables and every census row. Prints one line\n"
    "per check (ok, FAIL or warn) and every problem found, not only the first.\n"
    "\n"
    "options (as for planwise run):\n"
    "  -c, --config FILE        YAML configuration (simulation_config.yaml layout)\n"
    "      --scenario-file F    partial YAML deep-merged over --config; repeatable\n"
    "      --census FILE        census CSV or Parquet (default: setup.census_parquet_path)\n"
    "      --census-map FILE    census column mapping (default: the config's census.columns)\n"
    "      --db FILE            output database (default: simulation.duckdb)\n"
    "      --years A-B          years to simulate (default 2025-2029)\n"
    "      --seed N             random seed\n"
    "      --scenario ID        scenario id\n"
    "      --threads N          worker threads\n"
    "      --tables DIR         folder of assumption CSVs replacing built-in tables\n"
    "      --on-bad-rows MODE   fail (default): invalid census rows are a problem;\n"
    "                           skip: they are a warning\n"
    "      --models DIR         also load and plan the SQL models in DIR\n"
    "      --var NAME=VALUE     value of {{ var('NAME') }} in the SQL models (repeatable)\n"
    "  -q, --quiet              print only problems, warnings and the final count\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit codes: 0 ready to run, 1 a problem was found, 2 usage error.\n";

#define ROWS_LISTED 10          /* rejected census rows shown */
#define CAPTURE_MAX 64          /* warnings kept per check */

struct options {
    const char *config, *census, *db, *tables, *scenario;
    const char *census_map;   /* --census-map FILE (io/census_map.h) */
    const char *overlays[PW_CONFIG_LAYERS_MAX - 1]; /* --scenario-file, in order */
    int overlay_count;
    const char *models_dir;          /* --models DIR */
    const char *vars[64];            /* --var NAME=VALUE */
    int var_count;
    int first_year, last_year, on_bad_rows, threads;
    bool years_set, seed_set;
    uint64_t seed;
};

enum status { OK = 0, FAIL, WARN };

struct captured {
    int kind;                   /* enum pw_log_kind */
    char text[512];
};

struct validate {
    int problems, warnings;
    bool quiet;
    struct captured lines[CAPTURE_MAX];  /* warnings logged during the current check */
    int line_count, lines_dropped;
    char last_config_problem[PW_ERR_MSG_MAX];
};

/* ---- output ----------------------------------------------------------------- */

static void check(struct validate *v, enum status st, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void check(struct validate *v, enum status st, const char *name, const char *fmt, ...)
{
    static const char *const word[] = {"ok", "FAIL", "warn"};
    if (st == FAIL) v->problems++;
    if (st == WARN) v->warnings++;
    if (v->quiet && st == OK) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("%-4s  %s: %s\n", word[st], name, msg);
}

/* An indented line under the check before it. */
static void detail(const struct validate *v, bool shown, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void detail(const struct validate *v, bool shown, const char *fmt, ...)
{
    if (v->quiet && !shown) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("        ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

/* Warnings and notes logged by the loaders are kept and printed after the
 * check's own line, as warn lines and notes. */
static void capture(void *ctx, int kind, const char *line)
{
    struct validate *v = ctx;
    if (v->line_count == CAPTURE_MAX) {
        v->lines_dropped++;
        return;
    }
    struct captured *c = &v->lines[v->line_count++];
    c->kind = kind;
    snprintf(c->text, sizeof c->text, "%s", line);
}

static void flush_captured(struct validate *v, const char *name)
{
    for (int i = 0; i < v->line_count; i++) {
        const struct captured *c = &v->lines[i];
        if (c->kind == PW_LOG_WARNING) check(v, WARN, name, "%s", c->text);
        else detail(v, false, "%s", c->text);
    }
    if (v->lines_dropped) check(v, WARN, name, "%d more warnings not shown", v->lines_dropped);
    v->line_count = v->lines_dropped = 0;
}

static void on_config_problem(void *ctx, const struct pw_err *problem)
{
    struct validate *v = ctx;
    check(v, FAIL, "config", "%s", problem->msg);
    snprintf(v->last_config_problem, sizeof v->last_config_problem, "%s", problem->msg);
}

/* ---- options ---------------------------------------------------------------- */

static int parse_options(int argc, char **argv, struct options *o, bool *quiet)
{
    enum { OPT_CENSUS = 256, OPT_DB, OPT_YEARS, OPT_SEED, OPT_SCENARIO, OPT_THREADS, OPT_TABLES, OPT_BAD_ROWS,
           OPT_MODELS, OPT_VAR, OPT_CENSUS_MAP, OPT_SCENARIO_FILE };
    static const struct option longopts[] = {
        {"census-map", required_argument, 0, OPT_CENSUS_MAP},
        {"scenario-file", required_argument, 0, OPT_SCENARIO_FILE},
        {"config", required_argument, 0, 'c'},   {"census", required_argument, 0, OPT_CENSUS},
        {"db", required_argument, 0, OPT_DB},     {"years", required_argument, 0, OPT_YEARS},
        {"seed", required_argument, 0, OPT_SEED}, {"threads", required_argument, 0, OPT_THREADS},
        {"scenario", required_argument, 0, OPT_SCENARIO}, {"tables", required_argument, 0, OPT_TABLES},
        {"on-bad-rows", required_argument, 0, OPT_BAD_ROWS}, {"quiet", no_argument, 0, 'q'},
        {"models", required_argument, 0, OPT_MODELS}, {"var", required_argument, 0, OPT_VAR},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->db = "simulation.duckdb";
    o->on_bad_rows = -1;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":c:qh", longopts, NULL)) != -1) {
        int64_t v;
        switch (c) {
        case 'c': o->config = optarg; break;
        case OPT_CENSUS: o->census = optarg; break;
        case OPT_CENSUS_MAP: o->census_map = optarg; break;
        case OPT_SCENARIO_FILE:
            if (o->overlay_count == (int)(sizeof o->overlays / sizeof *o->overlays))
                return pw_cli_usage_error("validate", "too many --scenario-file options (at most %d)",
                                          PW_CONFIG_LAYERS_MAX - 1);
            o->overlays[o->overlay_count++] = optarg;
            break;
        case OPT_MODELS: o->models_dir = optarg; break;
        case OPT_VAR:
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return pw_cli_usage_error("validate", "invalid --var '%s' (expected NAME=VALUE)", optarg);
            if (o->var_count == (int)(sizeof o->vars / sizeof *o->vars))
                return pw_cli_usage_error("validate", "too many --var options (at most 64)");
            o->vars[o->var_count++] = optarg;
            break;
        case OPT_DB: o->db = optarg; break;
        case OPT_YEARS:
            if (!pw_cli_parse_years(optarg, &o->first_year, &o->last_year))
                return pw_cli_usage_error("validate", "invalid --years '%s' (expected e.g. 2025-2029)", optarg);
            o->years_set = true;
            break;
        case OPT_SEED:
            if (!pw_cli_parse_u64(optarg, 0x7FFFFFFFFFFFFFFFULL, &o->seed))
                return pw_cli_usage_error("validate", "invalid --seed '%s' (expected 0 to 2^63-1)", optarg);
            o->seed_set = true;
            break;
        case OPT_THREADS:
            if (!pw_cli_parse_i64(optarg, 1, 256, &v))
                return pw_cli_usage_error("validate", "invalid --threads '%s' (expected 1 to 256)", optarg);
            o->threads = (int)v;
            break;
        case OPT_SCENARIO:
            if (!pw_scenario_id_valid(optarg))
                return pw_cli_usage_error("validate", "invalid --scenario '%s': use " PW_SCENARIO_ID_RULE, optarg);
            o->scenario = optarg;
            break;
        case OPT_TABLES: o->tables = optarg; break;
        case OPT_BAD_ROWS:
            if (strcmp(optarg, "fail") == 0) o->on_bad_rows = PW_BAD_ROWS_FAIL;
            else if (strcmp(optarg, "skip") == 0) o->on_bad_rows = PW_BAD_ROWS_SKIP;
            else return pw_cli_usage_error("validate", "invalid --on-bad-rows '%s' (expected fail or skip)", optarg);
            break;
        case 'q': *quiet = true; break;
        case 'h': fputs(usage, stdout); return -1;
        case ':': return pw_cli_usage_error("validate", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("validate", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("validate", "unexpected argument '%s'", argv[optind]);
    if (o->overlay_count && !o->config)
        return pw_cli_usage_error("validate", "--scenario-file needs --config (the base configuration)");
    return 0;
}

/* The command-line overrides, as planwise run applies them. */
static int apply_overrides(const struct options *o, struct pw_config *cfg, struct pw_err *err)
{
    if (o->census) snprintf(cfg->census_path, sizeof cfg->census_path, "%s", o->census);
    if (o->tables) snprintf(cfg->assumptions_directory, sizeof cfg->assumptions_directory, "%s", o->tables);
    if (o->scenario) snprintf(cfg->scenario_id, sizeof cfg->scenario_id, "%s", o->scenario);
    if (o->years_set) {
        cfg->start_year = o->first_year;
        cfg->end_year = o->last_year;
    }
    if (o->seed_set) cfg->random_seed = o->seed;
    if (o->on_bad_rows >= 0) cfg->on_bad_rows = o->on_bad_rows;
    cfg->threads = o->threads > 0 ? o->threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
    return pw_config_finalize(cfg, err);
}

static const char *gib(uint64_t bytes, char *buf, size_t size)
{
    snprintf(buf, size, "%.1f GiB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

/* ---- environment ------------------------------------------------------------ */

static void check_environment(struct validate *v, char *tmpdir, size_t tmpdir_size)
{
    struct pw_err err = {0};
    struct pw_db *db = NULL;
    if (pw_db_open(&db, NULL, NULL, &err) != 0) {
        check(v, FAIL, "duckdb", "library %s does not open a database: %s", pw_db_library_version(), err.msg);
    } else {
        int64_t x = 0;
        if (pw_db_query_int(db, "SELECT 6 * 7", &x, &err) != 0 || x != 42)
            check(v, FAIL, "duckdb", "library %s does not answer queries: %s", pw_db_library_version(), err.msg);
        else check(v, OK, "duckdb", "library %s loads and answers queries", pw_db_library_version());
    }

    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    snprintf(tmpdir, tmpdir_size, "%s/planwise-validate-XXXXXX", base);
    if (!mkdtemp(tmpdir)) {
        pw_env_check_writable_dir(base, &err);
        check(v, FAIL, "temp", "%s", err.msg[0] ? err.msg : "cannot create a temporary folder");
        tmpdir[0] = '\0';
    } else {
        check(v, OK, "temp", "'%s' takes new files", base);
    }

    if (db) {
        if (pw_env_check_parquet(db, tmpdir[0] ? tmpdir : NULL, &err) != 0) check(v, FAIL, "parquet", "%s", err.msg);
        else if (tmpdir[0]) check(v, OK, "parquet", "built in; a Parquet file was written and read back");
        else check(v, WARN, "parquet", "built in, but not tried (no temporary folder)");
        pw_db_close(db);
    } else {
        check(v, FAIL, "parquet", "not checked: DuckDB does not open");
    }

    struct pw_sysinfo si;
    pw_sysinfo_read(&si);
    char a[32], b[32];
    if (si.available_bytes)
        check(v, OK, "machine", "%d core%s, %s of memory (%s available)%s%s", si.cores, si.cores == 1 ? "" : "s",
              gib(si.memory_bytes, a, sizeof a), gib(si.available_bytes, b, sizeof b), si.cpu_model[0] ? ", " : "",
              si.cpu_model);
    else
        check(v, OK, "machine", "%d core%s, %s of memory%s%s", si.cores, si.cores == 1 ? "" : "s",
              gib(si.memory_bytes, a, sizeof a), si.cpu_model[0] ? ", " : "", si.cpu_model);
}

static void check_database(struct validate *v, const char *path, const char *scenario)
{
    struct pw_err err = {0};
    struct pw_env_database info;
    if (pw_env_check_database(path, scenario, &info, &err) != 0) {
        check(v, FAIL, "database", "%s", err.msg);
    } else if (info.memory) {
        check(v, WARN, "database", "in memory: the results are not kept");
    } else if (!info.exists) {
        check(v, OK, "database", "'%s' will be created in folder '%s'", path, info.folder);
    } else if (info.schema_version == 0) {
        check(v, OK, "database", "'%s' opens for writing (no planwise tables yet)", path);
    } else {
        check(v, OK, "database", "'%s' opens for writing (planwise layout %lld, %lld scenario%s)", path,
              (long long)info.schema_version, (long long)info.scenarios, info.scenarios == 1 ? "" : "s");
        if (info.scenario_exists)
            detail(v, false, "scenario '%s' is in it: a run replaces its results once it completes", scenario);
    }
}

/* ---- configuration, tables, census ------------------------------------------ */

/* Loads the configuration as run does, reporting every problem. Afterwards cfg
 * holds what the later checks use: the configuration as far as it is valid, or
 * the defaults with the command-line overrides when it cannot be finalized. */
static void check_config(struct validate *v, const struct options *o, struct pw_config *cfg)
{
    struct pw_err err = {0};
    int before = v->problems;
    pw_log_set_hook(capture, v);
    if (o->config) {
        const char *paths[PW_CONFIG_LAYERS_MAX] = {o->config};
        for (int i = 0; i < o->overlay_count; i++) paths[i + 1] = o->overlays[i];
        pw_config_load_layers_each(cfg, paths, o->overlay_count + 1, on_config_problem, v, &err);
    }
    else pw_config_init_defaults(cfg);
    pw_log_set_hook(NULL, NULL);
    if (apply_overrides(o, cfg, &err) != 0) {
        /* The loader may have reported this cross-key error already (with the
         * file and line in front); otherwise it comes from a command-line value. */
        size_t n = strlen(err.msg), m = strlen(v->last_config_problem);
        if (m < n || strcmp(v->last_config_problem + (m - n), err.msg) != 0) check(v, FAIL, "config", "%s", err.msg);
        /* Fall back to the defaults with the paths (which are what the later
         * checks read) and the bad-rows mode. */
        char census[PW_PATH_MAX], tables[PW_PATH_MAX];
        snprintf(census, sizeof census, "%s", o->census ? o->census : cfg->census_path);
        snprintf(tables, sizeof tables, "%s", o->tables ? o->tables : cfg->assumptions_directory);
        int bad_rows = o->on_bad_rows >= 0 ? o->on_bad_rows : cfg->on_bad_rows;
        pw_config_init_defaults(cfg);
        snprintf(cfg->census_path, sizeof cfg->census_path, "%s", census);
        snprintf(cfg->assumptions_directory, sizeof cfg->assumptions_directory, "%s", tables);
        cfg->on_bad_rows = bad_rows;
        if (pw_config_finalize(cfg, &err) != 0) {
            pw_config_init_defaults(cfg);
            pw_config_finalize(cfg, &err);
        }
        detail(v, true, "the checks below use the default settings, with the paths given");
    } else if (v->problems == before) {
        if (o->config) check(v, OK, "config", "'%s': every key valid and in range", o->config);
        else check(v, OK, "config", "no --config: every setting at its default");
    }
    flush_captured(v, "config");
    if (v->problems == before)
        detail(v, false, "scenario '%s', years %d-%d, seed %llu", cfg->scenario_id, cfg->start_year, cfg->end_year,
               (unsigned long long)cfg->random_seed);
}

/* Returns true when the configured tables loaded; otherwise t holds the
 * built-in tables (for the census check). */
static bool check_tables(struct validate *v, const struct pw_config *cfg, struct pw_tables *t)
{
    struct pw_err err = {0};
    const char *files[PW_ASSUMPTION_TABLES];
    for (int i = 0; i < PW_ASSUMPTION_TABLES; i++) files[i] = cfg->assumption_files[i][0] ? cfg->assumption_files[i] : NULL;
    pw_log_set_hook(capture, v);
    int rc = pw_tables_load_with(t, cfg->assumptions_directory, files, &err);
    if (!rc) rc = pw_plan_money_check(&cfg->plan, t, &err);
    pw_log_set_hook(NULL, NULL);
    if (rc) {
        check(v, FAIL, "tables", "%s", err.msg);
        flush_captured(v, "tables");
        pw_log_set_hook(capture, v);
        if (pw_tables_load(t, "", &err) != 0) memset(t, 0, sizeof *t);
        pw_log_set_hook(NULL, NULL);
        v->line_count = v->lines_dropped = 0;
        return false;
    }
    int replaced = 0;
    for (int i = 0; i < PW_TABLE_COUNT; i++) replaced += strcmp(t->source[i], "built-in") != 0;
    if (replaced == 0) check(v, OK, "tables", "%d assumption tables valid (all built-in)", PW_TABLE_COUNT);
    else check(v, OK, "tables", "%d assumption tables valid (%d replaced by files)", PW_TABLE_COUNT, replaced);
    for (int i = 0; i < PW_TABLE_COUNT; i++)
        if (strcmp(t->source[i], "built-in") != 0) detail(v, false, "%s: '%s'", pw_table_names[i], t->source[i]);
    flush_captured(v, "tables");
    return true;
}

static void list_rejected(const struct validate *v, const struct pw_census *c)
{
    size_t shown = c->rejected_count < ROWS_LISTED ? c->rejected_count : ROWS_LISTED;
    for (size_t i = 0; i < shown; i++) {
        const struct pw_rejected_row *r = &c->rejected[i];
        detail(v, true, "row %zu (employee_id '%s'), column '%s': %s", r->row, r->employee_id, r->column, r->reason);
    }
    if (c->rejected_count > shown) detail(v, true, "... and %zu more", c->rejected_count - shown);
}

/* Returns the starting roster size (0 when the census failed). */
static size_t check_census(struct validate *v, const struct pw_config *cfg, const struct pw_tables *t, bool tables_ok)
{
    struct pw_err err = {0};
    struct pw_strpool strings;
    struct pw_census census;
    pw_strpool_init(&strings);
    if (pw_census_init(&census, &strings) != 0) {
        check(v, FAIL, "census", "out of memory");
        pw_strpool_release(&strings);
        return 0;
    }
    const char *path = cfg->census_path;
    char n1[32], n2[32], n3[32];
    double t0 = pw_wall_seconds();
    pw_log_set_hook(capture, v);
    int rc = pw_census_read(path, &census, cfg, t, &err);
    /* The summary's own lines about rejected rows would repeat the list below. */
    struct pw_census quiet = census;
    quiet.stats.rejected_rows = 0;
    quiet.rejected_count = 0;
    if (!rc) pw_census_log_summary(&quiet, 0);
    pw_log_set_hook(NULL, NULL);
    double seconds = pw_wall_seconds() - t0;
    size_t roster = 0;
    const struct pw_census_stats *s = &census.stats;
    if (rc) {
        check(v, FAIL, "census", "%s", err.msg);
        list_rejected(v, &census);
    } else if (census.rejected_count > 0) {
        bool skip = cfg->on_bad_rows == PW_BAD_ROWS_SKIP;
        check(v, skip ? WARN : FAIL, "census", "'%s': %s of %s rows invalid%s", path,
              pw_fmt_grouped((long long)census.rejected_count, n1, sizeof n1),
              pw_fmt_grouped((long long)s->rows_read, n2, sizeof n2),
              skip ? " (--on-bad-rows skip: the valid rows would be simulated)"
                   : " (a run stops; --on-bad-rows skip would simulate the valid rows)");
        list_rejected(v, &census);
        roster = census.roster.count;
    } else {
        roster = census.roster.count;
        check(v, OK, "census", "'%s': %s rows, all valid; %s in the starting roster (read in %.2f s)", path,
              pw_fmt_grouped((long long)s->rows_read, n1, sizeof n1), pw_fmt_grouped((long long)roster, n3, sizeof n3),
              seconds);
    }
    if (!tables_ok) detail(v, true, "checked against the built-in tables, as the configured ones did not load");
    flush_captured(v, "census");
    pw_census_release(&census);
    pw_strpool_release(&strings);
    return roster;
}

/* Rough need from the README's measurements (about 60 MB plus 4.8 KB per
 * employee: 342 MB for 60,040 employees, 4.8 GB for a million). */
static void check_memory(struct validate *v, size_t employees)
{
    if (employees == 0) return;
    struct pw_sysinfo si;
    pw_sysinfo_read(&si);
    uint64_t need = (60ULL << 20) + (uint64_t)employees * 4800u;
    uint64_t have = si.available_bytes ? si.available_bytes : si.memory_bytes;
    char a[32], b[32], n[32];
    if (have && need > have)
        check(v, WARN, "memory", "a run of %s employees needs about %s; only %s is available",
              pw_fmt_grouped((long long)employees, n, sizeof n), gib(need, a, sizeof a), gib(have, b, sizeof b));
    else
        check(v, OK, "memory", "a run of %s employees needs about %s; %s available",
              pw_fmt_grouped((long long)employees, n, sizeof n), gib(need, a, sizeof a), gib(have, b, sizeof b));
}

/* The SQL models a run would execute after its last year: the built-in ones and
 * --models DIR, with --var values; every load or plan problem (unknown ref or var,
 * cycle, duplicate name, bad header) with its file and line. */
static void check_sql_models(struct validate *v, const struct options *o)
{
    struct pw_err err = {0};
    struct pw_dag *dag = pw_dag_new();
    if (!dag) {
        check(v, FAIL, "models", "out of memory");
        return;
    }
    int rc = pw_dag_add_builtin(dag, &err);
    if (!rc && o->models_dir) rc = pw_dag_add_dir(dag, o->models_dir, &err);
    for (int i = 0; i < o->var_count && !rc; i++) rc = pw_dag_set_var_arg(dag, o->vars[i], &err);
    if (rc) {
        check(v, FAIL, "models", "%s", err.msg);
        pw_dag_free(dag);
        return;
    }
    size_t problems = pw_dag_plan(dag);
    for (size_t i = 0; i < problems; i++) {
        const struct pw_dag_problem *p = pw_dag_problem_at(dag, i);
        check(v, FAIL, "models", "'%s' line %d: %s", p->file, p->line, p->message);
    }
    if (!problems)
        check(v, OK, "models", "%zu SQL models (built-in%s%s) plan in %d level%s", pw_dag_model_count(dag),
              o->models_dir ? " and " : "", o->models_dir ? o->models_dir : "", pw_dag_level_count(dag),
              pw_dag_level_count(dag) == 1 ? "" : "s");
    pw_dag_free(dag);
}

int pw_cmd_validate(int argc, char **argv)
{
    struct options o;
    static struct validate v;          /* holds the captured lines: keep it off the stack */
    memset(&v, 0, sizeof v);
    int rc = parse_options(argc, argv, &o, &v.quiet);
    if (rc) return rc < 0 ? PW_EXIT_OK : rc;
    static struct pw_config cfg;
    static struct pw_tables tables;
    double t0 = pw_wall_seconds();

    char tmpdir[PW_PATH_MAX];
    check_environment(&v, tmpdir, sizeof tmpdir);
    check_config(&v, &o, &cfg);
    check_database(&v, o.db, cfg.scenario_id);
    bool tables_ok = check_tables(&v, &cfg, &tables);
    static struct pw_census_map census_map;
    struct pw_err map_err = {0};
    size_t employees = 0;
    if (pw_cli_census_map_setup(o.census_map, o.config, &census_map, &map_err)) check(&v, FAIL, "census", "%s", map_err.msg);
    else employees = check_census(&v, &cfg, &tables, tables_ok);
    check_memory(&v, employees);
    check_sql_models(&v, &o);
    if (tmpdir[0]) rmdir(tmpdir);

    /* -q leaves the time out, so the output of a given setup never changes. */
    char took[48] = "";
    if (!v.quiet) snprintf(took, sizeof took, " (checked in %.2f s)", pw_wall_seconds() - t0);
    printf("%s%d problem%s, %d warning%s: %s%s\n", v.quiet ? "" : "\n", v.problems, v.problems == 1 ? "" : "s",
           v.warnings, v.warnings == 1 ? "" : "s", v.problems ? "planwise run would stop" : "ready to run", took);
    return v.problems ? PW_EXIT_ERROR : PW_EXIT_OK;
}
