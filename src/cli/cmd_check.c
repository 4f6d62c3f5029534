/* cmd_check.c: `planwise check`: the independent SQL audit of an output database.
 * Runs the built-in data-quality checks (models/checks, one per invariant of the
 * model, MODEL 7) and prints one line per check; a check that finds violating
 * rows prints the first of them and makes the exit code 1. Every `planwise run`
 * already checks the invariants in C while it builds each year; this is the
 * second opinion, from the stored rows alone. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/pool.h"
#include "dag/dag.h"
#include "model/scenario_id.h"

static const char usage[] =
    "usage: planwise check [--db FILE] [--scenario ID] [--threads N] [-q|-v]\n"
    "\n"
    "Audit an output database with the built-in SQL data-quality checks, one per\n"
    "invariant of the model (headcount continuity, growth exactness, quotas,\n"
    "uniqueness, event dates and order, raises, proration, eligibility, enrollment,\n"
    "deferral rates, contributions, match, core and 415(c), vesting, ages, HCE).\n"
    "Each check returns the rows that break its rule; none means it passed. Only\n"
    "complete scenarios that were not branched from a checkpoint are judged.\n"
    "'planwise run --check' runs the same audit after a run.\n"
    "\n"
    "options:\n"
    "      --db FILE       database written by 'planwise run' (default: simulation.duckdb)\n"
    "      --scenario ID   judge only this scenario (default: every scenario)\n"
    "      --threads N     checks run in parallel on N connections (default: CPUs, at most 8)\n"
    "  -q, --quiet         print only failures\n"
    "  -v, --verbose       also print each check's time\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit codes: 0 every check passed, 1 a check failed or could not run, 2 usage error.\n";

int pw_cmd_check(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_SCENARIO, OPT_THREADS };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB},           {"scenario", required_argument, 0, OPT_SCENARIO},
        {"threads", required_argument, 0, OPT_THREADS}, {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},               {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *db_path = "simulation.duckdb", *scenario = NULL;
    int threads = 0, c;
    int64_t v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db_path = optarg; break;
        case OPT_SCENARIO:
            if (!pw_scenario_id_valid(optarg))
                return pw_cli_usage_error("check", "invalid --scenario '%s': use " PW_SCENARIO_ID_RULE, optarg);
            scenario = optarg;
            break;
        case OPT_THREADS:
            if (!pw_cli_parse_i64(optarg, 1, 256, &v))
                return pw_cli_usage_error("check", "invalid --threads '%s' (expected 1 to 256)", optarg);
            threads = (int)v;
            break;
        case 'q': pw_log_set_verbosity(PW_QUIET); break;
        case 'v': pw_log_set_verbosity(PW_VERBOSE); break;
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("check", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("check", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("check", "unexpected argument '%s'", argv[optind]);
    struct pw_err err = {0};
    struct stat st;
    if (stat(db_path, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", db_path);
        return pw_cli_fail(&err);
    }
    if (threads == 0) threads = pw_cpu_count() < 8 ? pw_cpu_count() : 8;
    struct pw_db *db;
    struct pw_db_options dbo = {.threads = threads};
    int rc = pw_db_open(&db, db_path, &dbo, &err);
    if (rc) return pw_cli_fail(&err);
    if (scenario) {
        int64_t n = 0;
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM run_metadata WHERE scenario_id = '%s' AND status = 'complete'",
                 scenario);   /* the id rule admits no quote */
        rc = pw_db_query_int(db, sql, &n, &err);
        if (!rc && n == 0)
            rc = pw_err_set(&err, PW_EDB, "database '%s' has no complete run of scenario '%s'", db_path, scenario);
    }
    struct pw_dag_summary sum = {0};
    if (!rc) {
        struct pw_dag_options opt = {
            .threads = threads, .builtin = PW_DAG_CHECKS, .check_scenario = scenario, .diag = stderr};
        rc = pw_dag_run(db, &opt, &sum, &err);
        bool verbose = pw_log_verbosity() >= PW_VERBOSE;
        if (sum.count > 0 && pw_log_verbosity() >= PW_NORMAL) pw_dag_print_summary(&sum, stdout, true, verbose);
    }
    pw_dag_summary_release(&sum);
    pw_db_close(db);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}
