/* cmd_census.c: `planwise census generate` writes a synthetic census file.
 *
 * The subcommand word comes first (`census generate ...`) so further census tools
 * can join later without changing the options of this one. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "io/census_reader.h"
#include "io/census_writer.h"
#include "model/census_gen.h"
#include "model/tables.h"

int pw_cmd_census_check(int argc, char **argv); /* cmd_census_check.c */

static void census_usage(FILE *out)
{
    fputs("usage: planwise census <subcommand> [options]\n"
          "\n"
          "Census tools.\n"
          "\n"
          "subcommands:\n"
          "  generate   write a synthetic census to a CSV or Parquet file\n"
          "  check      show the column mapping of a census file and its first problems\n"
          "\n"
          "Run 'planwise census generate --help' for its options.\n",
          out);
}

static void generate_usage(FILE *out)
{
    fputs("usage: planwise census generate --employees N --out FILE.csv|FILE.parquet [options]\n"
          "\n"
          "Writes a synthetic census as of Dec 31 of the year before the start year: active\n"
          "employees aged 20-65 in a pyramid over the built-in job levels, pay inside each\n"
          "level's band, hire dates after age 18, about 65% with a deferral rate (a fraction\n"
          "such as 0.0600), about 5% part-time (20-30 hours a week). The same seed always\n"
          "gives the same file; ids are EMP_000001, EMP_000002, ...\n"
          "\n"
          "options:\n"
          "  --employees N      number of employees, 1 to 1000000000 (required)\n"
          "  --out FILE         output file, .csv or .parquet (required); replaced if it exists\n"
          "  --seed N           random seed, 0 to 9223372036854775807 (default 42)\n"
          "  --start-year Y     first simulation year, 1901 to 2200 (default 2025)\n"
          "  -q, --quiet        print nothing on success\n"
          "  -h, --help         show this help\n"
          "\n"
          "example:\n"
          "  planwise census generate --employees 60040 --seed 42 --out census.csv\n",
          out);
}

enum { OPT_EMPLOYEES = 256, OPT_OUT, OPT_SEED, OPT_START_YEAR };

static const struct option generate_options[] = {
    {"employees", required_argument, NULL, OPT_EMPLOYEES},
    {"out", required_argument, NULL, OPT_OUT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"start-year", required_argument, NULL, OPT_START_YEAR},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char *option_name(int val)
{
    for (const struct option *o = generate_options; o->name; o++)
        if (o->val == val) return o->name;
    return "?";
}

static int cmd_generate(int argc, char **argv)
{
    const char *cmd = "census generate";
    struct pw_census_gen_options o;
    pw_census_gen_options_init(&o);
    const char *out = NULL;
    bool have_employees = false, quiet = false;
    uint64_t u;
    int64_t year;

    opterr = 0;
    optind = 0; /* full reset: getopt may have run on another argv in this process */
    for (int c; (c = getopt_long(argc, argv, ":qh", generate_options, NULL)) != -1;) {
        switch (c) {
        case OPT_EMPLOYEES:
            if (!pw_cli_parse_u64(optarg, PW_CENSUS_GEN_MAX_EMPLOYEES, &u) || u < 1)
                return pw_cli_usage_error(cmd, "--employees must be a whole number from 1 to %zu, got '%s'",
                                          PW_CENSUS_GEN_MAX_EMPLOYEES, optarg);
            o.employees = (size_t)u;
            have_employees = true;
            break;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_SEED:
            if (!pw_cli_parse_u64(optarg, INT64_MAX, &u))
                return pw_cli_usage_error(cmd, "--seed must be a whole number from 0 to %lld, got '%s'",
                                          (long long)INT64_MAX, optarg);
            o.seed = u;
            break;
        case OPT_START_YEAR:
            if (!pw_cli_parse_i64(optarg, 1901, 2200, &year))
                return pw_cli_usage_error(cmd, "--start-year must be a year from 1901 to 2200, got '%s'", optarg);
            o.start_year = (int)year;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            generate_usage(stdout);
            return PW_EXIT_OK;
        case ':':
            if (optopt >= OPT_EMPLOYEES)
                return pw_cli_usage_error(cmd, "option '--%s' needs a value", option_name(optopt));
            return pw_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt && optopt < OPT_EMPLOYEES)
                return pw_cli_usage_error(cmd, "unknown option '-%c'", optopt);
            return pw_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!have_employees) return pw_cli_usage_error(cmd, "missing --employees N");
    if (!out || !*out) return pw_cli_usage_error(cmd, "missing --out FILE.csv or --out FILE.parquet");
    if (pw_census_format_of(out) == PW_CENSUS_FORMAT_UNKNOWN)
        return pw_cli_usage_error(cmd, "--out must name a .csv or .parquet file, got '%s'", out);
    if (quiet) pw_log_set_verbosity(PW_QUIET);

    struct pw_err err = {0};
    struct pw_tables *tables = calloc(1, sizeof *tables); /* tens of KiB: keep it off the stack */
    if (!tables) {
        pw_err_set(&err, PW_ENOMEM, "out of memory");
        return pw_cli_fail(&err);
    }
    int rc = pw_tables_load(tables, "", &err);
    if (rc == 0) rc = pw_census_write(out, &o, &tables->levels, &err);
    free(tables);
    if (rc) return pw_cli_fail(&err);
    if (!quiet) printf("wrote %zu employees to '%s'\n", o.employees, out);
    return PW_EXIT_OK;
}

int pw_cmd_census(int argc, char **argv)
{
    if (argc < 2) return pw_cli_usage_error("census", "missing subcommand; expected 'generate'");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        census_usage(stdout);
        return PW_EXIT_OK;
    }
    if (strcmp(sub, "generate") == 0) return cmd_generate(argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0) return pw_cmd_census_check(argc - 1, argv + 1);
    return pw_cli_usage_error("census", "unknown census subcommand '%s'", sub);
}
