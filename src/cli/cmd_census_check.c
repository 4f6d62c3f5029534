/* cmd_census_check.c: `planwise census check FILE [--census-map MAP] [--config F]`:
 * the column mapping a run would use for a client's census file and the first
 * rows it would reject, so a mapping can be fixed before a long run. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/strpool.h"
#include "core/textbuf.h"
#include "io/census_map.h"
#include "io/census_reader.h"
#include "io/yaml_config.h"
#include "model/census.h"
#include "model/config.h"
#include "model/tables.h"

int pw_cmd_census_check(int argc, char **argv);

static const char usage[] =
    "usage: planwise census check FILE [--census-map MAP.yaml | --config FILE.yaml] [--max-problems N]\n"
    "\n"
    "Show which column of the census FILE feeds each planwise column (found by the\n"
    "mapping, by name or by a built-in alias such as EmpID, DOB, DOH, Salary, TermDate,\n"
    "Hours, deferral_pct) and the first rows a run would reject, with row, column and\n"
    "reason. Dates MM/DD/YYYY, DD.MM.YYYY and YYYY/MM/DD, pay such as \"$52,000.00\" and\n"
    "rates such as \"6%\" are normalised as a run would. Excel files are not read: save\n"
    "them as CSV.\n"
    "\n"
    "options:\n"
    "      --census-map MAP    YAML lines 'planwise_column: client column'\n"
    "      --config FILE       take the mapping from the config's census.columns block\n"
    "      --max-problems N    rejected rows to list (default 10)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 when every row is valid, 1 when the mapping fails or rows are invalid.\n";

static const char *const how_text[] = {"-", "by name", "mapped", "alias"};

int pw_cmd_census_check(int argc, char **argv)
{
    enum { OPT_MAP = 256, OPT_CONFIG, OPT_MAX };
    static const struct option longopts[] = {
        {"census-map", required_argument, 0, OPT_MAP}, {"config", required_argument, 0, OPT_CONFIG},
        {"max-problems", required_argument, 0, OPT_MAX}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *map_path = NULL, *config_path = NULL;
    int64_t max_problems = 10;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_MAP: map_path = optarg; break;
        case OPT_CONFIG: config_path = optarg; break;
        case OPT_MAX:
            if (!pw_cli_parse_i64(optarg, 0, 1000000, &max_problems))
                return pw_cli_usage_error("census check", "--max-problems must be a whole number in [0, 1000000], got '%s'", optarg);
            break;
        case 'h': fputs(usage, stdout); return PW_EXIT_OK;
        case ':': return pw_cli_usage_error("census check", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("census check", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return pw_cli_usage_error("census check", "missing census FILE");
    if (optind + 1 < argc) return pw_cli_usage_error("census check", "unexpected argument '%s'", argv[optind + 1]);
    if (map_path && config_path) return pw_cli_usage_error("census check", "give --census-map or --config, not both");
    const char *path = argv[optind];
    struct pw_err err = {0};
    struct pw_census_map map;
    pw_census_map_init(&map);
    int rc = 0;
    if (map_path) rc = pw_census_map_load(&map, map_path, 1, &err);
    else if (config_path) rc = pw_census_map_load(&map, config_path, 0, &err);
    if (rc) return pw_cli_fail(&err);
    pw_census_map_use(&map);

    char found[PW_CC_COUNT][256];
    int how[PW_CC_COUNT];
    rc = pw_census_mapping(path, found, how, &err);
    printf("census '%s'%s%s%s\n", path, map.source[0] ? " with mapping '" : "", map.source, map.source[0] ? "'" : "");
    if (rc) {
        printf("mapping: FAIL\n  %s\n", err.msg);
        pw_census_map_use(NULL);
        pw_census_map_release(&map);
        return PW_EXIT_ERROR;
    }
    printf("%-28s %-24s %s\n", "planwise column", "file column", "found");
    for (int k = 0; k < PW_CC_COUNT; k++)
        printf("%-28s %-24s %s%s\n", pw_census_column_names[k], found[k][0] ? found[k] : "-", how_text[how[k]],
               !found[k][0] && pw_census_column_required[k] ? " (required)" : "");

    struct pw_config cfg;
    struct pw_tables tables;
    struct pw_strpool strings;
    struct pw_census census;
    /* The row rules depend on the census date (the plan year end before the start year). */
    pw_config_init_defaults(&cfg);
    int exit_code = PW_EXIT_OK;
    if (config_path ? pw_config_load_file(&cfg, config_path, &err) : pw_config_finalize(&cfg, &err)) {
        pw_census_map_use(NULL);
        pw_census_map_release(&map);
        return pw_cli_fail(&err);
    }
    memset(&tables, 0, sizeof tables);
    pw_strpool_init(&strings);
    if ((rc = pw_tables_load(&tables, "", &err)) == 0 && (rc = pw_census_init(&census, &strings)) == 0) {
        rc = pw_census_read(path, &census, &cfg, &tables, &err);
        char n1[32], n2[32];
        if (rc) {
            printf("rows: FAIL\n  %s\n", err.msg);
            exit_code = PW_EXIT_ERROR;
        }
        {
            printf("rows: %s read, %s invalid\n", pw_fmt_grouped((long long)census.stats.rows_read, n1, sizeof n1),
                   pw_fmt_grouped((long long)census.rejected_count, n2, sizeof n2));
            for (size_t i = 0; i < census.rejected_count && i < (size_t)max_problems; i++) {
                const struct pw_rejected_row *r = &census.rejected[i];
                printf("  row %zu (employee_id '%s'), column '%s': %s\n", r->row, r->employee_id, r->column, r->reason);
            }
            if (census.rejected_count > (size_t)max_problems) printf("  ...\n");
            if (census.rejected_count) exit_code = PW_EXIT_ERROR;
            (void)n1;
        }
        pw_census_release(&census);
    } else {
        exit_code = pw_cli_fail(&err);
    }
    pw_strpool_release(&strings);
    pw_census_map_use(NULL);
    pw_census_map_release(&map);
    return exit_code;
}

int pw_cli_census_map_setup(const char *map_path, const char *config_path, struct pw_census_map *m, struct pw_err *err)
{
    pw_census_map_init(m);
    int rc = 0;
    if (map_path) rc = pw_census_map_load(m, map_path, 1, err);
    else if (config_path) rc = pw_census_map_load(m, config_path, 0, err);
    pw_census_map_use(rc ? NULL : m);
    return rc;
}
