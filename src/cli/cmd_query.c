/* cmd_query.c: `planwise query --db FILE "SQL"`: run a query against an output
 * database and print an aligned table or CSV, or save it with --out as CSV or
 * Parquet. The SQL is sandboxed (io/sql_guard.c): read-only, no files, no
 * extensions, queries only; planwise writes the --out file itself (a Parquet file
 * through a separate DuckDB instance that never sees the user's SQL). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/atomic_file.h"
#include "io/db.h"

static const char usage[] =
    "usage: planwise query --db FILE [--csv] [--out FILE.csv|FILE.parquet] \"SQL\"\n"
    "\n"
    "Run a SQL query against a planwise output database (opened read-only) and print\n"
    "the result as an aligned table, or as CSV with --csv.\n"
    "Only SELECT/WITH queries (and EXPLAIN) run; ATTACH, COPY, EXPORT, INSTALL, LOAD,\n"
    "SET, PRAGMA and writes are refused, and no file outside the database can be read.\n"
    "\n"
    "options:\n"
    "      --db FILE   database written by 'planwise run' (default: simulation.duckdb)\n"
    "      --csv       print CSV (header row, RFC 4180 quoting)\n"
    "      --out FILE  write the result to FILE instead of printing: CSV for a name ending\n"
    "                  in .csv, Parquet for .parquet (the file is replaced whole or not at all)\n"
    "  -h, --help      show this help\n";

int pw_cmd_query(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_CSV, OPT_OUT };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB}, {"csv", no_argument, 0, OPT_CSV}, {"out", required_argument, 0, OPT_OUT}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *db_path = "simulation.duckdb", *out_path = NULL;
    int format = PW_PRINT_TABLE, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db_path = optarg; break;
        case OPT_CSV: format = PW_PRINT_CSV; break;
        case OPT_OUT: out_path = optarg; break;
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("query", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("query", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return pw_cli_usage_error("query", "missing SQL query");
    if (optind + 1 < argc) return pw_cli_usage_error("query", "give the SQL as one argument (quote it)");
    bool parquet = false;
    if (out_path) {
        size_t n = strlen(out_path);
        parquet = n > 8 && strcmp(out_path + n - 8, ".parquet") == 0;
        if (!parquet && (n < 5 || strcmp(out_path + n - 4, ".csv") != 0))
            return pw_cli_usage_error("query", "--out '%s': the name must end in .csv or .parquet", out_path);
    }
    struct stat st;
    struct pw_err err = {0};
    if (stat(db_path, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", db_path);
        return pw_cli_fail(&err);
    }
    struct pw_db *db;
    struct pw_db_options opt = {.read_only = true};
    int rc = pw_db_open(&db, db_path, &opt, &err);
    /* Sandbox first: preparing a statement can already touch files (EXPORT creates
     * its folder). Both layers are needed: the check gives a clear message, the
     * sandbox holds even if the check missed a statement type. */
    if (!rc) rc = pw_db_sandbox(db, &err);
    if (!rc) rc = pw_db_check_query(db, argv[optind], "query refused", &err);
    if (!rc && parquet) {
        rc = pw_db_write_query_parquet(db, argv[optind], out_path, &err);
    } else if (!rc && out_path) {
        struct pw_atomic_file af;
        rc = pw_atomic_file_open(&af, out_path, &err);
        if (!rc) {
            rc = pw_db_print_query(db, argv[optind], af.fp, PW_PRINT_CSV, &err);
            if (rc) pw_atomic_file_abort(&af);
            else rc = pw_atomic_file_commit(&af, &err);
        }
    } else if (!rc) {
        rc = pw_db_print_query(db, argv[optind], stdout, format, &err);
    }
    pw_db_close(db);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}
