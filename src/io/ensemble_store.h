/* ensemble_store.h: the tables of `planwise ensemble` (fct_ensemble_metrics,
 * fct_ensemble_bands, fct_ensemble_design_diff, ensemble_metadata), written in
 * one transaction that first removes the ensemble id's earlier rows. */
#ifndef PW_IO_ENSEMBLE_STORE_H
#define PW_IO_ENSEMBLE_STORE_H

#include <stdint.h>

#include "core/err.h"
#include "io/db.h"

struct pw_ensemble_result {
    const char *ensemble_id;
    int designs;                    /* >= 1; design 0 is the base of the design diff */
    const char *const *design_names;
    const char *const *design_files; /* overlay path per design ("" for the base) */
    int seeds;
    const uint64_t *seed_values;
    int first_year, years;
    int series;                     /* values per (design, seed, year) */
    const char *const *metric_names;/* metric of each value */
    const char *const *dimensions;  /* its dimension: "all", "level=3", "age_band=25-34", ... */
    const double *values;           /* [design][seed][year][series], row-major */
    const char *program_version;
    const char *config_text;        /* base YAML text or NULL */
    const char *config_hash;        /* sha1 hex of config_text, "" without */
    const char *census_path;
    int threads;
    double simulate_seconds, wall_seconds;
};

/* Replaces the ensemble id's rows in the four tables (creating them if needed)
 * in one transaction: on any error nothing changes. Rows go in through DuckDB
 * appenders inside that transaction. */
int pw_ensemble_store_write(struct pw_db *db, const struct pw_ensemble_result *r, struct pw_err *err);

#endif
