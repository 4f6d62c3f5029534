/* cmd_models.c: `planwise models list|plan|run`: the built-in and user SQL models
 * over an output database: list them, show the execution plan (levels) with an
 * optional materialization recommendation, or run them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/pool.h"
#include "dag/dag.h"
#include "io/db.h"

static const char usage[] =
    "usage: planwise models list [--models DIR]\n"
    "       planwise models plan [--db FILE] [--models DIR] [--var NAME=VALUE]... [--recommend]\n"
    "       planwise models run  [--db FILE] [--models DIR] [--var NAME=VALUE]... [--threads N] [-q|-v]\n"
    "\n"
    "SQL models over a planwise output database: the built-in marts and data-quality\n"
    "checks (one per invariant of the model specification), plus your own models from\n"
    "--models DIR. 'planwise run' runs them after the last year; 'models run' runs them\n"
    "again, e.g. after adding a model. Run 'planwise models <list|plan|run> --help' for\n"
    "each subcommand. Writing models: README.md, section \"Models\".\n"
    "\n"
    "Exit codes: 0 success, 1 problems in the models, a failed model or a failed check,\n"
    "2 usage error.\n";

static const char usage_list[] =
    "usage: planwise models list [--models DIR]\n"
    "\n"
    "List the models: name, kind (mart or check), materialization (table or view),\n"
    "source (built-in or file) and description. Problems found while reading the\n"
    "files (bad header, bad template) are printed with file and line; 'models plan'\n"
    "also checks refs, vars, cycles and duplicate names.\n"
    "\n"
    "options:\n"
    "      --models DIR       folder of user models (*.sql, subfolders included)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit codes: 0 success, 1 problems in the models, 2 usage error.\n";

static const char usage_plan[] =
    "usage: planwise models plan [--db FILE] [--models DIR] [--var NAME=VALUE]... [--recommend]\n"
    "\n"
    "Check the models and print the execution plan: the topological levels (a model\n"
    "runs after every model it refs; the models of one level run in parallel). Every\n"
    "problem is reported with file and line; nothing is run and nothing is written.\n"
    "\n"
    "options:\n"
    "      --db FILE          output database (default: simulation.duckdb), read only for\n"
    "                         the built-in vars and the measured costs; may be absent\n"
    "      --models DIR       folder of user models (*.sql, subfolders included)\n"
    "      --var NAME=VALUE   value of {{ var('NAME') }} (repeatable)\n"
    "      --recommend        recommend table or view per model, from how many models\n"
    "                         read it and its measured cost in the last recorded run\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit codes: 0 success, 1 problems in the models, 2 usage error.\n";

static const char usage_run[] =
    "usage: planwise models run [--db FILE] [--models DIR] [--var NAME=VALUE]... [--threads N] [-q|-v]\n"
    "\n"
    "Build the marts and run the data-quality checks on an output database, level by\n"
    "level, the models of one level in parallel. A failed model skips the models that\n"
    "ref it; the rest go on. Each model's outcome, row count and wall time are\n"
    "recorded in table planwise_model_runs. A check that returns rows fails, and its\n"
    "first violating rows are printed.\n"
    "\n"
    "options:\n"
    "      --db FILE          output database (default: simulation.duckdb)\n"
    "      --models DIR       folder of user models (*.sql, subfolders included)\n"
    "      --var NAME=VALUE   value of {{ var('NAME') }} (repeatable); also overrides the\n"
    "                         built-in vars scenario_id, start_year, end_year\n"
    "      --threads N        models run at the same time, one connection each\n"
    "                         (default: number of CPUs, at most 8)\n"
    "  -q, --quiet            print nothing but errors\n"
    "  -v, --verbose          (default) one line per model with its time\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit codes: 0 success, 1 problems in the models, a failed model or a failed check,\n"
    "2 usage error.\n";

enum sub { SUB_LIST, SUB_PLAN, SUB_RUN };

struct models_options {
    enum sub sub;
    const char *db, *models;
    const char **vars;
    int var_count, threads;
    bool recommend, quiet;
};

static int parse(int argc, char **argv, struct models_options *o)
{
    enum { OPT_DB = 256, OPT_MODELS, OPT_VAR, OPT_THREADS, OPT_RECOMMEND };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB},           {"models", required_argument, 0, OPT_MODELS},
        {"var", required_argument, 0, OPT_VAR},         {"threads", required_argument, 0, OPT_THREADS},
        {"recommend", no_argument, 0, OPT_RECOMMEND},   {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},               {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *help = o->sub == SUB_LIST ? usage_list : o->sub == SUB_PLAN ? usage_plan : usage_run;
    const char *cmd = o->sub == SUB_LIST ? "models list" : o->sub == SUB_PLAN ? "models plan" : "models run";
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
        int64_t v;
        switch (c) {
        case OPT_DB: o->db = optarg; break;
        case OPT_MODELS: o->models = optarg; break;
        case OPT_VAR:
            if (o->sub == SUB_LIST) return pw_cli_usage_error(cmd, "'models list' takes no --var");
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return pw_cli_usage_error(cmd, "invalid --var '%s' (expected NAME=VALUE)", optarg);
            o->vars[o->var_count++] = optarg;
            break;
        case OPT_THREADS:
            if (o->sub != SUB_RUN) return pw_cli_usage_error(cmd, "--threads is an option of 'models run'");
            if (!pw_cli_parse_i64(optarg, 1, 256, &v))
                return pw_cli_usage_error(cmd, "invalid --threads '%s' (expected 1 to 256)", optarg);
            o->threads = (int)v;
            break;
        case OPT_RECOMMEND:
            if (o->sub != SUB_PLAN) return pw_cli_usage_error(cmd, "--recommend is an option of 'models plan'");
            o->recommend = true;
            break;
        case 'q': o->quiet = true; break;
        case 'v': o->quiet = false; break;
        case 'h': fputs(help, stdout); return -1;
        case ':': return pw_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (o->sub == SUB_LIST && o->db) return pw_cli_usage_error(cmd, "'models list' reads no database (no --db)");
    return 0;
}

/* Built-in and user models with the --var values. */
static int load(const struct models_options *o, struct pw_dag **out, struct pw_err *err)
{
    struct pw_dag *dag = *out = pw_dag_new();
    if (!dag) return pw_err_set(err, PW_ENOMEM, "out of memory");
    int rc = pw_dag_add_builtin(dag, err);
    if (!rc && o->models) rc = pw_dag_add_dir(dag, o->models, err);
    for (int i = 0; i < o->var_count && !rc; i++) rc = pw_dag_set_var_arg(dag, o->vars[i], err);
    return rc;
}

static int report_problems(const struct pw_dag *dag)
{
    size_t n = pw_dag_problem_count(dag);
    pw_dag_print_problems(dag, stderr);
    fprintf(stderr, "planwise: %zu problem%s in the SQL models; nothing was run\n", n, n == 1 ? "" : "s");
    return PW_EXIT_ERROR;
}

/* Lists what was loaded; problems found while reading the files (headers,
 * templates) are reported too. Refs, vars and cycles are 'models plan' work. */
static int cmd_list(const struct models_options *o)
{
    struct pw_dag *dag;
    struct pw_err err = {0};
    int rc = load(o, &dag, &err), exit_code = PW_EXIT_OK;
    if (rc) {
        exit_code = pw_cli_fail(&err);
    } else {
        pw_dag_print_list(dag, stdout);
        if (pw_dag_problem_count(dag)) exit_code = report_problems(dag);
    }
    pw_dag_free(dag);
    return exit_code;
}

static int cmd_plan(const struct models_options *o)
{
    struct pw_dag *dag;
    struct pw_db *db = NULL;
    struct pw_err err = {0};
    int rc = load(o, &dag, &err);
    struct stat st;
    /* The database is optional here: without it the built-in vars have no values
     * yet and nothing is measured. */
    if (!rc && stat(o->db, &st) == 0) {
        struct pw_db_options dbo = {.read_only = true};
        rc = pw_db_open(&db, o->db, &dbo, &err);
        if (!rc) rc = pw_dag_read_builtin_vars(dag, db, &err);
        if (!rc && o->recommend) rc = pw_dag_read_measurements(dag, db, &err);
    }
    int exit_code = PW_EXIT_OK;
    if (rc) exit_code = pw_cli_fail(&err);
    else if (pw_dag_plan(dag)) exit_code = report_problems(dag);
    else if (o->recommend) pw_dag_print_recommendations(dag, stdout);
    else pw_dag_print_plan(dag, stdout);
    pw_db_close(db);
    pw_dag_free(dag);
    return exit_code;
}

static int cmd_run(const struct models_options *o)
{
    struct pw_err err = {0};
    struct stat st;
    if (stat(o->db, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", o->db);
        return pw_cli_fail(&err);
    }
    int threads = o->threads > 0 ? o->threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
    struct pw_db *db;
    struct pw_db_options dbo = {.threads = threads};
    int rc = pw_db_open(&db, o->db, &dbo, &err);
    if (rc) return pw_cli_fail(&err);
    struct pw_dag_options opt = {
        .threads = threads, .models_dir = o->models, .vars = o->vars, .var_count = o->var_count, .diag = stderr};
    struct pw_dag_summary sum;
    rc = pw_dag_run(db, &opt, &sum, &err);
    if (sum.count > 0 && !o->quiet) pw_dag_print_summary(&sum, stdout, true, true);
    pw_dag_summary_release(&sum);
    pw_db_close(db);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}

int pw_cmd_models(int argc, char **argv)
{
    if (argc < 2) return pw_cli_usage_error("models", "missing subcommand (list, plan or run)");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        fputs(usage, stdout);
        return PW_EXIT_OK;
    }
    struct models_options o = {.db = NULL};
    if (strcmp(sub, "list") == 0) o.sub = SUB_LIST;
    else if (strcmp(sub, "plan") == 0) o.sub = SUB_PLAN;
    else if (strcmp(sub, "run") == 0) o.sub = SUB_RUN;
    else return pw_cli_usage_error("models", "unknown subcommand '%s' (expected 'list', 'plan' or 'run')", sub);
    o.vars = calloc((size_t)argc, sizeof *o.vars);
    if (!o.vars) {
        fputs("planwise: out of memory\n", stderr);
        return PW_EXIT_ERROR;
    }
    int rc = parse(argc - 1, argv + 1, &o);
    if (rc == 0) {
        if (!o.db) o.db = "simulation.duckdb";
        rc = o.sub == SUB_LIST ? cmd_list(&o) : o.sub == SUB_PLAN ? cmd_plan(&o) : cmd_run(&o);
    } else if (rc < 0) {
        rc = PW_EXIT_OK;
    }
    free(o.vars);
    return rc;
}
