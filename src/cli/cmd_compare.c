/* cmd_compare.c: `planwise compare --db F BASE OTHER...`: per-year metrics of each
 * scenario against a base, the configuration keys that differ, and with --by the
 * winners and losers by band. The numbers are written to fct_scenario_comparison and
 * fct_scenario_winners_losers first and printed from there, so what the analyst
 * reads is what a BI tool reads. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"
#include "io/compare.h"
#include "io/db.h"

static const char usage[] =
    "usage: planwise compare [--db FILE] [--years A-B] [--by DIMENSION] [--csv|--json] BASE OTHER [OTHER...]\n"
    "\n"
    "Compare scenarios of one output database with the scenario BASE: per year the\n"
    "headcount, hires, terminations, payroll, eligible, participants, participation\n"
    "rate, average deferral rate, employee deferrals, match, core, forfeitures, total\n"
    "employer cost (match + core) and its share of payroll, each as base value, other\n"
    "value, difference and percent difference; then the configuration keys whose\n"
    "effective values differ (each run's stored YAML loaded over the defaults, with the\n"
    "seed, years and census it ran with). Results are also written to the tables\n"
    "fct_scenario_comparison and fct_scenario_winners_losers.\n"
    "\n"
    "options:\n"
    "      --db FILE        output database (default: simulation.duckdb)\n"
    "      --years A-B      compare only these years (default: every year all scenarios share)\n"
    "      --by DIMENSION   print winners and losers instead: per employee in both scenarios,\n"
    "                       the change in employer money (match + core) and own deferrals by\n"
    "                       age_band, tenure_band, income_band or level; employees are paired\n"
    "                       by employee_id if hired before the scenarios' first year (hires of\n"
    "                       the compared years share generated ids, so they are counted apart)\n"
    "      --csv            print CSV (no configuration diff)\n"
    "      --json           print JSON\n"
    "  -h, --help           show this help\n";

static const char *const dimensions[] = {"age_band", "tenure_band", "income_band", "level"};

/* The rows to print; other NULL = every other scenario of this request (CSV output). */
static void years_sql(char *out, size_t size, const char *base, const char *other, int a, int z, const char *by,
                      int with_hires)
{
    char qb[512], qo[600], qd[64];
    pw_sql_quote(qb, sizeof qb, base);
    if (other) {
        char q[512];
        pw_sql_quote(q, sizeof q, other);
        snprintf(qo, sizeof qo, "= %s", q);
    } else {
        snprintf(qo, sizeof qo, "IN (SELECT s FROM pw_cmp_scen)");
    }
    if (by) {
        pw_sql_quote(qd, sizeof qd, by);
        snprintf(out, size,
                 "SELECT other_scenario AS scenario, simulation_year AS year, band AS %s, measure, employees,"
                 " gaining, losing, unchanged, mean_change, median_change, p10_change, p90_change%s"
                 " FROM fct_scenario_winners_losers WHERE base_scenario = %s AND other_scenario %s"
                 " AND dimension = %s AND simulation_year BETWEEN %d AND %d"
                 " ORDER BY other_scenario, simulation_year, measure DESC, band_order",
                 by, with_hires ? ", base_hires_excluded, other_hires_excluded" : "", qb, qo, qd, a, z);
    } else {
        snprintf(out, size,
                 "SELECT other_scenario AS scenario, simulation_year AS year, metric, round(base_value, 6) AS base,"
                 " round(other_value, 6) AS other, round(difference, 6) AS difference,"
                 " round(pct_difference, 2) AS pct_difference"
                 " FROM fct_scenario_comparison WHERE base_scenario = %s AND other_scenario %s"
                 " AND simulation_year BETWEEN %d AND %d ORDER BY other_scenario, simulation_year, metric_order",
                 qb, qo, a, z);
    }
}

/* Per year, how many employees were paired and how many hires of each scenario were
 * left out of the pairing (the rows of any one dimension and measure add up to the
 * pairs). */
static int print_pairing(struct pw_db *db, const char *base, const char *other, int a, int z, struct pw_err *err)
{
    char qb[512], qo[512], sql[2048];
    pw_sql_quote(qb, sizeof qb, base);
    pw_sql_quote(qo, sizeof qo, other);
    snprintf(sql, sizeof sql,
             "SELECT simulation_year AS year, sum(employees) AS paired, any_value(base_hires_excluded) AS base_hires,"
             " any_value(other_hires_excluded) AS other_hires FROM fct_scenario_winners_losers"
             " WHERE base_scenario = %s AND other_scenario = %s AND dimension = 'level'"
             " AND measure = 'employer_money' AND simulation_year BETWEEN %d AND %d GROUP BY 1 ORDER BY 1",
             qb, qo, a, z);
    printf("\nemployees paired by employee_id (hired before the scenarios' first year) and hires left out\n"
           "(both scenarios number their hires NH_<year>_<seq>, so one id can be two people):\n");
    return pw_db_print_query(db, sql, stdout, PW_PRINT_TABLE, err);
}

int pw_cmd_compare(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_CSV, OPT_JSON, OPT_YEARS, OPT_BY };
    static const struct option longopts[] = {
        {"db", required_argument, 0, OPT_DB}, {"csv", no_argument, 0, OPT_CSV}, {"json", no_argument, 0, OPT_JSON},
        {"years", required_argument, 0, OPT_YEARS}, {"by", required_argument, 0, OPT_BY},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *db_path = "simulation.duckdb", *by = NULL;
    int csv = 0, json = 0, c;
    struct pw_compare_request req = {0};
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db_path = optarg; break;
        case OPT_CSV: csv = 1; break;
        case OPT_JSON: json = 1; break;
        case OPT_YEARS:
            if (!pw_cli_parse_years(optarg, &req.first_year, &req.last_year))
                return pw_cli_usage_error("compare", "--years must be YYYY or YYYY-YYYY, got '%s'", optarg);
            break;
        case OPT_BY: {
            by = NULL;
            for (size_t i = 0; i < sizeof dimensions / sizeof *dimensions; i++)
                if (strcmp(optarg, dimensions[i]) == 0) by = dimensions[i];
            if (!by)
                return pw_cli_usage_error("compare", "--by must be age_band, tenure_band, income_band or level, got '%s'",
                                          optarg);
            break;
        }
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("compare", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("compare", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (csv && json) return pw_cli_usage_error("compare", "give --csv or --json, not both");
    if (argc - optind < 2) return pw_cli_usage_error("compare", "give a base scenario and at least one other");
    req.base = argv[optind];
    req.others = (const char *const *)argv + optind + 1;
    req.n_others = (size_t)(argc - optind - 1);
    for (size_t i = 0; i < req.n_others; i++)
        if (strcmp(req.others[i], req.base) == 0)
            return pw_cli_usage_error("compare", "scenario '%s' is the base; compare it with another", req.base);

    struct stat st;
    struct pw_err err = {0};
    if (stat(db_path, &st) != 0) {
        pw_err_set(&err, PW_EIO, "cannot open database '%s': No such file or directory", db_path);
        return pw_cli_fail(&err);
    }
    struct pw_db *db = NULL;
    struct pw_db_options opt = {0};
    struct pw_compare_result res = {0};
    int rc = pw_db_open(&db, db_path, &opt, &err);
    if (!rc) rc = pw_compare_build(db, &req, &res, &err);
    if (!rc && res.warning[0]) pw_warn("%s", res.warning);
    char sql[4096];
    if (!rc && json)
        printf("{\"base\": \"%s\", \"first_year\": %d, \"last_year\": %d, \"comparisons\": [", req.base, res.first_year,
               res.last_year);
    for (size_t i = 0; !rc && i < req.n_others; i++) {
        const char *other = req.others[i];
        years_sql(sql, sizeof sql, req.base, other, res.first_year, res.last_year, by, !!json);
        if (json) {
            printf("%s{\"scenario\": \"%s\", \"%s\": ", i ? ", " : "", other, by ? "winners_losers" : "years");
            rc = pw_db_print_json(db, sql, stdout, &err);
            if (!rc && !by) {
                printf(", \"config_diff\": ");
                rc = pw_compare_print_config_diff(db, req.base, other, stdout, 1, &err);
            }
            printf("}");
        } else if (csv) {
            /* One header for all scenarios: the rows carry the scenario column. */
            if (i == 0) {
                years_sql(sql, sizeof sql, req.base, NULL, res.first_year, res.last_year, by, 1);
                rc = pw_db_print_query(db, sql, stdout, PW_PRINT_CSV, &err);
            }
        } else {
            printf("%s'%s' against base '%s', years %d-%d%s:\n", i ? "\n" : "", other, req.base, res.first_year,
                   res.last_year, by ? (strcmp(by, "level") == 0 ? ", winners and losers by level"
                                        : strcmp(by, "age_band") == 0 ? ", winners and losers by age band"
                                        : strcmp(by, "tenure_band") == 0 ? ", winners and losers by tenure band"
                                                                         : ", winners and losers by income band")
                                    : "");
            rc = pw_db_print_query(db, sql, stdout, PW_PRINT_TABLE, &err);
            if (!rc && by) rc = print_pairing(db, req.base, other, res.first_year, res.last_year, &err);
            if (!rc && !by) {
                printf("\nconfiguration differences ('%s' -> '%s'):\n", req.base, other);
                rc = pw_compare_print_config_diff(db, req.base, other, stdout, 0, &err);
            }
        }
    }
    if (!rc && json) printf("]}\n");
    pw_db_close(db);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}
