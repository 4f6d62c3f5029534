/* cmd_query.c: `planwise query --db FILE "SQL"`: run SQL against an output database
 * (read-only) and print an aligned table or CSV. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "io/db.h"

static const char usage[] =
    "usage: planwise query --db FILE [--csv] \"SQL\"\n"
    "\n"
    "Run a SQL query against a planwise output database (opened read-only) and print\n"
    "the result as an aligned table, or as CSV with --csv.\n"
    "\n"
    "options:\n"
    "      --db FILE   database written by 'planwise run' (default: simulation.duckdb)\n"
    "      --csv       print CSV (header row, RFC 4180 quoting)\n"
    "  -h, --help      show this help\n";

int pw_cmd_query(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_CSV };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB}, {"csv", no_argument, 0, OPT_CSV}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *db_path = "simulation.duckdb";
    int format = PW_PRINT_TABLE, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db_path = optarg; break;
        case OPT_CSV: format = PW_PRINT_CSV; break;
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("query", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("query", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return pw_cli_usage_error("query", "missing SQL query");
    if (optind + 1 < argc) return pw_cli_usage_error("query", "give the SQL as one argument (quote it)");
    struct stat st;
    struct pw_err err = {0};
    if (stat(db_path, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", db_path);
        return pw_cli_fail(&err);
    }
    struct pw_db *db;
    struct pw_db_options opt = {.read_only = true};
    int rc = pw_db_open(&db, db_path, &opt, &err);
    if (!rc) rc = pw_db_print_query(db, argv[optind], stdout, format, &err);
    pw_db_close(db);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}
