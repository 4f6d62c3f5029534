/* cmd_export.c: `planwise export --db F [--scenario S] --format xlsx|parquet|csv --out PATH`:
 * hand a scenario's results to people who do not use SQL (an Excel workbook of the
 * summaries) or to other tools (every table as Parquet or CSV files). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "io/db.h"
#include "io/export.h"
#include "report/export_xlsx.h"

static const char usage[] =
    "usage: planwise export [--db FILE] [--scenario ID] --format xlsx|parquet|csv --out PATH\n"
    "\n"
    "Export one scenario of an output database.\n"
    "  xlsx     a workbook at PATH: workforce by year, employer cost, participation,\n"
    "           comparison (when 'planwise compare' has run), compliance (when present)\n"
    "           and the snapshot of the last year; currency and percent formats, frozen\n"
    "           headers. A sheet beyond Excel's 1,048,576 rows is an error.\n"
    "  parquet  every table of the scenario (event log included) as PATH/<table>.parquet\n"
    "  csv      the same as PATH/<table>.csv with a header row\n"
    "\n"
    "The output appears whole or not at all: a workbook or folder already at PATH is\n"
    "replaced only once the new one is complete. A folder is replaced only when it\n"
    "is an earlier export (its .planwise-export mark and .parquet/.csv files).\n"
    "\n"
    "options:\n"
    "      --db FILE       output database (default: simulation.duckdb)\n"
    "      --scenario ID   scenario to export (default: the latest complete run)\n"
    "      --format F      xlsx, parquet or csv\n"
    "      --out PATH      workbook file (xlsx) or folder (parquet, csv)\n"
    "  -h, --help          show this help\n";

int pw_cmd_export(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_SCEN, OPT_FORMAT, OPT_OUT };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB}, {"scenario", required_argument, 0, OPT_SCEN},
        {"format", required_argument, 0, OPT_FORMAT}, {"out", required_argument, 0, OPT_OUT},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *db_path = "simulation.duckdb", *scenario = NULL, *format = NULL, *out = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db_path = optarg; break;
        case OPT_SCEN: scenario = optarg; break;
        case OPT_FORMAT: format = optarg; break;
        case OPT_OUT: out = optarg; break;
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("export", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("export", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    if (!format) return pw_cli_usage_error("export", "missing --format xlsx|parquet|csv");
    if (strcmp(format, "xlsx") && strcmp(format, "parquet") && strcmp(format, "csv"))
        return pw_cli_usage_error("export", "--format must be xlsx, parquet or csv, got '%s'", format);
    if (!out) return pw_cli_usage_error("export", "missing --out PATH");
    struct stat st;
    struct pw_err err = {0};
    if (stat(db_path, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", db_path);
        return pw_cli_fail(&err);
    }
    struct pw_db *db = NULL;
    struct pw_db_options opt = {.read_only = true};
    char scen[512];
    size_t n = 0;
    int rc = pw_db_open(&db, db_path, &opt, &err);
    if (!rc) rc = pw_export_pick_scenario(db, scenario, scen, sizeof scen, &err);
    if (!rc) {
        if (strcmp(format, "xlsx") == 0) rc = pw_export_xlsx(db, scen, out, &n, &err);
        else rc = pw_export_copy(db, scen, out, format, &n, &err);
    }
    pw_db_close(db);
    if (rc) return pw_cli_fail(&err);
    printf("exported scenario '%s' to '%s': %zu %s\n", scen, out, n,
           strcmp(format, "xlsx") == 0 ? (n == 1 ? "sheet" : "sheets") : (n == 1 ? "file" : "files"));
    return PW_EXIT_OK;
}
