/* cmd_report.c: `planwise report --db FILE [--scenario S]... --out report.html`:
 * the self-contained HTML report of one or more scenarios (src/report/html_report.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "io/db.h"
#include "report/html_report.h"

static const char usage[] =
    "usage: planwise report --db FILE [--scenario ID]... --out FILE.html\n"
    "\n"
    "Write one self-contained HTML file (inline CSS and SVG charts, no scripts, no\n"
    "network) with the results of the scenarios in an output database: run facts,\n"
    "headcount and payroll, hires and terminations, headcount by level, employer cost,\n"
    "participation and deferral rates, the deferral-rate distribution, compensation\n"
    "growth, the data-quality checks and, for two or more scenarios, the comparison\n"
    "with the first one and its winners and losers. Ensemble bands and compliance\n"
    "tests are shown when their tables exist.\n"
    "\n"
    "options:\n"
    "      --db FILE       database written by 'planwise run' (default: simulation.duckdb)\n"
    "      --scenario ID   a scenario to show; repeat for several, the first is the\n"
    "                      baseline of the comparison (default: every scenario, oldest first)\n"
    "      --out FILE      the HTML file to write (required)\n"
    "  -h, --help          show this help\n";

#define MAX_SCENARIOS 32

int pw_cmd_report(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_SCENARIO, OPT_OUT };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB}, {"scenario", required_argument, 0, OPT_SCENARIO},
        {"out", required_argument, 0, OPT_OUT}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *db_path = "simulation.duckdb", *out = NULL, *scen[MAX_SCENARIOS];
    size_t n_scen = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db_path = optarg; break;
        case OPT_OUT: out = optarg; break;
        case OPT_SCENARIO:
            if (n_scen == MAX_SCENARIOS) return pw_cli_usage_error("report", "at most %d scenarios in one report", MAX_SCENARIOS);
            if (!*optarg) return pw_cli_usage_error("report", "--scenario needs a scenario id");
            scen[n_scen++] = optarg;
            break;
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("report", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
    if (!out) return pw_cli_usage_error("report", "missing --out FILE.html");
    struct stat st;
    struct pw_err err = {0};
    if (stat(db_path, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", db_path);
        return pw_cli_fail(&err);
    }
    struct pw_db *db = NULL;
    struct pw_db_options opt = {.read_only = true};
    int rc = pw_db_open(&db, db_path, &opt, &err);
    struct pw_report_options ro = {.scenarios = scen, .n_scenarios = n_scen, .db_label = db_path};
    if (!rc) rc = pw_report_write(db, out, &ro, &err);
    pw_db_close(db);
    if (rc) return pw_cli_fail(&err);
    printf("wrote report '%s'\n", out);
    return PW_EXIT_OK;
}
