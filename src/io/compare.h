/* compare.h: scenario comparison over an output database. Builds the tables
 * fct_scenario_comparison (per year and metric: base, other, difference, percent)
 * and fct_scenario_winners_losers (per employee in both scenarios, i.e. hired before
 * the scenarios diverged: distribution of the change in employer money and own
 * deferrals by band, with the hires left out counted), and the diff of the effective
 * configurations of the runs. Everything is SQL over the output views, so a
 * BI tool reading the tables sees the same numbers the CLI prints. */
#ifndef PW_IO_COMPARE_H
#define PW_IO_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "io/db.h"

struct pw_compare_request {
    const char *base;            /* base scenario id */
    const char *const *others;   /* n_others scenario ids compared with base */
    size_t n_others;             /* >= 1 */
    int first_year, last_year;   /* 0 = the years all scenarios share */
};

struct pw_compare_result {
    int first_year, last_year;   /* the years actually compared (the overlap) */
    char warning[1024];          /* "" or why the comparison covers only the overlap */
};

/* Checks that every scenario exists and completed, computes the year overlap, and
 * (re)writes the rows of these scenario pairs in both tables. Missing or incomplete
 * scenarios: PW_EDB naming all of them. db must be writable. */
int pw_compare_build(struct pw_db *db, const struct pw_compare_request *req, struct pw_compare_result *res,
                     struct pw_err *err);

/* The keys whose effective values differ between base and other: the YAML their
 * latest runs stored in run_metadata (base file and scenario files) is loaded again
 * over the defaults (io/yaml_config.h), with the seed, years and census path the run
 * recorded, written as `config show` prints it and flattened to dotted keys
 * (`employer_match.active_formula`, list items as `[i]`); an entry only one side has
 * shows `(unset)` on the other. scenario_id and performance.* are left out. Prints one
 * line per key ("  key: base -> other"), or, as_json, a JSON array of {key, base,
 * other}. A stored configuration that no longer loads is PW_ECONFIG naming the
 * scenario. */
int pw_compare_print_config_diff(struct pw_db *db, const char *base, const char *other, FILE *out, int as_json,
                                 struct pw_err *err);

/* One row per scenario for one year, base first and the others in request order:
 * headcount, participation rate, average deferral rate, employee deferrals, match,
 * core, total employer cost, its share of payroll, and that cost's difference from
 * the base in dollars and percent. Reads fct_scenario_comparison: call after
 * pw_compare_build. (The closing table of `planwise batch`.) */
int pw_compare_print_summary(struct pw_db *db, const struct pw_compare_request *req, int year, FILE *out,
                             struct pw_err *err);

/* Prints one query's rows as a JSON array of objects (DuckDB's own to_json). */
int pw_db_print_json(struct pw_db *db, const char *sql, FILE *out, struct pw_err *err);

/* Single-quoted SQL literal of s with quotes doubled, into out (truncated to size). */
void pw_sql_quote(char *out, size_t size, const char *s);

#endif
