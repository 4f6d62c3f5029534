/* main.c: `planwise <command> ...` dispatch over the command table. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct pw_command commands[] = {
    {"run", "simulate the workforce year by year and write the results to DuckDB", pw_cmd_run},
    {"census", "generate a synthetic census (census generate)", pw_cmd_census},
    {"config", "show the effective configuration with defaults filled in (config show)", pw_cmd_config},
    {"query", "run a SQL query against an output database", pw_cmd_query},
    {"benchmark", "time the baseline and optimized execution of one scenario", pw_cmd_benchmark},
    {"validate", "check the environment, configuration, tables and census without simulating", pw_cmd_validate},
    {"checkpoint", "inspect and verify a year checkpoint (checkpoint inspect)", pw_cmd_checkpoint},
    {"models", "list, plan or run the SQL models: marts and data-quality checks", pw_cmd_models},
    {"check", "audit an output database with the SQL data-quality checks", pw_cmd_check},
    {"report", "write a self-contained HTML report of the scenarios in a database", pw_cmd_report},
    {"ensemble", "many seeds and plan designs in memory: metrics, uncertainty bands, design diffs", pw_cmd_ensemble},
    {"compare", "compare scenarios year by year, their configurations, winners and losers", pw_cmd_compare},
    {"export", "export a scenario as an Excel workbook, Parquet or CSV files", pw_cmd_export},
    {"batch", "run many plan designs as scenarios of one database and compare them", pw_cmd_batch},
    {"compliance", "nondiscrimination and limit tests (ADP, ACP, 410(b), 401(a)(4), top-heavy) and their fixes",
     pw_cmd_compliance},
};

static void print_help(FILE *out)
{
    fprintf(out,
            "usage: planwise <command> [options]\n"
            "\n"
            "Multi-year workforce and 401(k) plan simulation.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "options:\n"
            "  -h, --help     show this help\n"
            "  --version      show the version\n"
            "\n"
            "Run 'planwise <command> --help' for the options of a command.\n"
            "Exit codes: 0 success, 1 data or runtime error, 2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return PW_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        print_help(stdout);
        return PW_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("planwise %s\n", PW_VERSION);
        return PW_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(name, commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    if (name[0] == '-') return pw_cli_usage_error(NULL, "unknown option '%s'", name);
    return pw_cli_usage_error(NULL, "unknown command '%s'", name);
}
