/* cmd_compliance.c: `planwise compliance --db F [--scenario S] [--year Y]`: the
 * nondiscrimination and limit tests of simulated scenarios as a pass/fail table
 * with margins and corrections. The tests are computed (io/compliance.h) and
 * written to fct_compliance_tests, fct_compliance_detail and fct_compliance_cost
 * when the database does not hold them yet (or with --rebuild), then printed from
 * fct_compliance_tests, so what the analyst reads is what a BI tool reads. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"
#include "io/compare.h"
#include "io/compliance.h"
#include "io/db.h"
#include "io/db_result.h"
#include "model/scenario_id.h"

static const char usage[] =
    "usage: planwise compliance [--db FILE] [--scenario ID] [--year Y] [--rebuild] [--notes]\n"
    "\n"
    "The nondiscrimination and limit tests of simulated scenarios, per plan year:\n"
    "HCE determination, ADP, ACP, 410(b) coverage of the deferral, match and core\n"
    "components, the 401(a)(4) general test of the core, 416 top-heavy, and the\n"
    "402(g) and 415(c) limit reports; with the modelled correction of a failed test\n"
    "(refunds, QNECs, top-heavy minimum) and its cost. The tests are computed from the\n"
    "scenario's outputs and its run's configuration (compliance.* keys) and written\n"
    "to fct_compliance_tests, fct_compliance_detail and fct_compliance_cost when the\n"
    "database does not hold them yet. Percentages are shares of pay or of employees;\n"
    "margins are in percentage points, positive when the test passes.\n"
    "\n"
    "options:\n"
    "      --db FILE      output database (default: simulation.duckdb)\n"
    "      --scenario ID  only this scenario (default: every scenario with a complete run)\n"
    "      --year Y       print only this plan year (all years are tested)\n"
    "      --rebuild      compute the tests again even when the tables hold them\n"
    "      --notes        print the note of every test (default: of failed and top-heavy ones)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit codes: 0 the tests were computed and printed (whatever their results),\n"
    "1 data or runtime error, 2 usage error.\n";

static const char table_sql[] =
    "SELECT simulation_year::VARCHAR AS year, test, coalesce(method, '') AS method, result,"
    " coalesce(printf('%%.2f%%%%', 100 * hce_pct), '') AS \"HCE\","
    " coalesce(printf('%%.2f%%%%', 100 * nhce_pct), '') AS \"NHCE\","
    " coalesce(printf('%%.1f%%%%', 100 * ratio_pct), '') AS ratio,"
    " coalesce(printf('%%.2f%%%%', 100 * limit_pct), '') AS \"limit\","
    " coalesce(printf('%%+.2f', 100 * margin_pct), '') AS margin,"
    " coalesce(format('{:,}', hce_count), '') AS \"HCEs\", coalesce(format('{:,}', nhce_count), '') AS \"NHCEs\","
    " coalesce(correction, '') AS correction,"
    " coalesce(format('{:,}', coalesce(correction_count, affected_count)), '') AS people,"
    " coalesce('$' || format('{:,.0f}', coalesce(correction_amount, affected_amount)), '') AS amount,"
    " coalesce('$' || format('{:,.0f}', correction_cost), '') AS cost,"
    " coalesce(corrected_result, '') AS after"
    " FROM fct_compliance_tests WHERE scenario_id = %s %s ORDER BY simulation_year, test_order";

/* Columns printed right-aligned (numbers). */
static const bool right[] = {false, false, false, false, true, true, true, true, true, true, true, false, true, true, true, false};

static int print_table(struct pw_db *db, const char *sql, struct pw_err *err)
{
    struct pw_db_text t;
    int rc = pw_db_query_text(db, sql, 1000000, &t, err);
    if (rc) return rc;
    size_t width[32] = {0};
    for (size_t c = 0; c < t.cols && c < 32; c++) {
        width[c] = strlen(t.names[c]);
        for (size_t r = 0; r < t.rows; r++) {
            const char *v = pw_db_text_at(&t, r, c);
            if (v && strlen(v) > width[c]) width[c] = strlen(v);
        }
    }
    for (size_t r = 0; r <= t.rows; r++) {
        for (size_t c = 0; c < t.cols && c < 32; c++) {
            const char *v = r == 0 ? t.names[c] : pw_db_text_at(&t, r - 1, c);
            if (!v) v = "";
            bool last = c + 1 == t.cols;
            if (c) fputs("  ", stdout);
            if (c < sizeof right / sizeof *right && right[c]) printf("%*s", (int)width[c], v);
            else if (last) fputs(v, stdout);
            else printf("%-*s", (int)width[c], v);
        }
        fputc('\n', stdout);
    }
    pw_db_text_release(&t);
    return 0;
}

static int print_notes(struct pw_db *db, const char *q, const char *year_filter, bool all, struct pw_err *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT simulation_year::VARCHAR, test, note FROM fct_compliance_tests WHERE scenario_id = %s %s"
             " AND note IS NOT NULL %s ORDER BY simulation_year, test_order",
             q, year_filter, all ? "" : "AND result IN ('fail', 'top_heavy')");
    struct pw_db_text t;
    int rc = pw_db_query_text(db, sql, 1000000, &t, err);
    if (rc) return rc;
    if (t.rows) printf("notes:\n");
    for (size_t r = 0; r < t.rows; r++)
        printf("  %s %s: %s\n", pw_db_text_at(&t, r, 0), pw_db_text_at(&t, r, 1), pw_db_text_at(&t, r, 2));
    pw_db_text_release(&t);
    return 0;
}

static int show_scenario(struct pw_db *db, const char *scenario, int year, bool all_notes, struct pw_err *err)
{
    char q[300], filter[64] = "", sql[4096];
    pw_sql_quote(q, sizeof q, scenario);
    if (year) snprintf(filter, sizeof filter, "AND simulation_year = %d", year);
    char count_sql[512];
    int64_t rows = 0;
    snprintf(count_sql, sizeof count_sql, "SELECT count(*) FROM fct_compliance_tests WHERE scenario_id = %s %s", q, filter);
    int rc = pw_db_query_int(db, count_sql, &rows, err);
    if (rc) return rc;
    if (rows == 0 && year) return pw_err_set(err, PW_EDB, "scenario '%s' has no simulated year %d", scenario, year);
    if (rows == 0) return pw_err_set(err, PW_EDB, "scenario '%s' has no compliance test rows", scenario);
    snprintf(sql, sizeof sql, table_sql, q, filter);
    printf("scenario '%s'\n", scenario);
    rc = print_table(db, sql, err);
    if (!rc) rc = print_notes(db, q, filter, all_notes, err);
    return rc;
}

int pw_cmd_compliance(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_SCENARIO, OPT_YEAR, OPT_REBUILD, OPT_NOTES };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB}, {"scenario", required_argument, 0, OPT_SCENARIO},
        {"year", required_argument, 0, OPT_YEAR}, {"rebuild", no_argument, 0, OPT_REBUILD},
        {"notes", no_argument, 0, OPT_NOTES}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *db_path = "simulation.duckdb", *scenario = NULL;
    int year = 0, c;
    bool rebuild = false, notes = false;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int64_t v;
        switch (c) {
        case OPT_DB: db_path = optarg; break;
        case OPT_SCENARIO:
            if (!pw_scenario_id_valid(optarg))
                return pw_cli_usage_error("compliance", "invalid --scenario '%s': use " PW_SCENARIO_ID_RULE, optarg);
            scenario = optarg;
            break;
        case OPT_YEAR:
            if (!pw_cli_parse_i64(optarg, 1900, 2200, &v))
                return pw_cli_usage_error("compliance", "invalid --year '%s' (expected a year 1900 to 2200)", optarg);
            year = (int)v;
            break;
        case OPT_REBUILD: rebuild = true; break;
        case OPT_NOTES: notes = true; break;
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("compliance", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("compliance", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("compliance", "unexpected argument '%s'", argv[optind]);

    struct pw_err err = {0};
    struct stat st;
    if (stat(db_path, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", db_path);
        return pw_cli_fail(&err);
    }
    struct pw_db *db = NULL;
    struct pw_db_options opt = {0};
    int rc = pw_db_open(&db, db_path, &opt, &err);
    char **ids = NULL;
    size_t n = 0;
    if (!rc && scenario) {
        ids = calloc(1, sizeof *ids);
        if (ids && (ids[0] = strdup(scenario))) n = 1;
        else rc = pw_err_set(&err, PW_ENOMEM, "out of memory");
    } else if (!rc) {
        rc = pw_compliance_scenarios(db, &ids, &n, &err);
        if (!rc && n == 0) rc = pw_err_set(&err, PW_EDB, "database '%s' holds no complete run", db_path);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        bool present = false;
        rc = pw_compliance_check_complete(db, ids[i], &err);
        if (!rc) rc = pw_compliance_present(db, ids[i], &present, &err);
        if (!rc && (!present || rebuild)) {
            struct pw_compliance_outcome out;
            rc = pw_compliance_build(db, ids[i], NULL, NULL, &out, &err);
            if (!rc && out.warning[0]) pw_warn("scenario '%s': %s", ids[i], out.warning);
        }
        if (!rc) {
            if (i) fputc('\n', stdout);
            rc = show_scenario(db, ids[i], year, notes, &err);
        }
    }
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
    pw_db_close(db);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}
