/* cli.h: the subcommand table and helpers shared by the cmd_<name>.c files.
 * Every command returns its exit code: 0 ok, 1 data/runtime error, 2 usage error. */
#ifndef PW_CLI_CLI_H
#define PW_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define PW_EXIT_OK 0
#define PW_EXIT_ERROR 1
#define PW_EXIT_USAGE 2

struct pw_command {
    const char *name;        /* first word(s) after `planwise` */
    const char *summary;     /* one line for `planwise --help` */
    int (*run)(int argc, char **argv);  /* argv[0] is the command name */
};

int pw_cmd_run(int argc, char **argv);
int pw_cmd_census(int argc, char **argv);
int pw_cmd_config(int argc, char **argv);
int pw_cmd_query(int argc, char **argv);
int pw_cmd_benchmark(int argc, char **argv);
int pw_cmd_validate(int argc, char **argv);
int pw_cmd_checkpoint(int argc, char **argv);
int pw_cmd_models(int argc, char **argv);
int pw_cmd_report(int argc, char **argv);
int pw_cmd_ensemble(int argc, char **argv);
int pw_cmd_compare(int argc, char **argv);
int pw_cmd_export(int argc, char **argv);
int pw_cmd_check(int argc, char **argv);
int pw_cmd_batch(int argc, char **argv);
int pw_cmd_compliance(int argc, char **argv);

/* Prints "planwise: <msg>" plus a hint to use --help and returns PW_EXIT_USAGE. */
int pw_cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the error message of err and returns the exit code for err->code. */
int pw_cli_fail(const struct pw_err *err);
/* Strict number parsing for option values; false if the text is not a whole number in range. */
bool pw_cli_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out);
bool pw_cli_parse_u64(const char *text, uint64_t hi, uint64_t *out);
/* "2025-2029" or "2025" -> first and last year. */
bool pw_cli_parse_years(const char *text, int *first, int *last);

struct pw_sim;
struct pw_year_output;
/* What the output writer gets of the year the simulation just finished (the year's
 * arrays, events, band labels, the needs trace inputs and the match rule), for
 * `planwise run` and the seeds `planwise ensemble --keep` writes. */
void pw_cli_year_output(const struct pw_sim *sim, struct pw_year_output *yo);

struct pw_census_map;
/* Loads the census column mapping from map_path, else from the census.columns block
 * of config_path (either may be NULL), and makes it the one the census reader uses. */
int pw_cli_census_map_setup(const char *map_path, const char *config_path, struct pw_census_map *m, struct pw_err *err);

#define PW_VERSION "0.1.0"

#endif
