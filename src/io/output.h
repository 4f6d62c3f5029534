/* output.h: the output tables of MODEL 6 in a DuckDB file, written as one atomic
 * replacement of a scenario: begin() opens a transaction and deletes the scenario's
 * old rows, write_year() streams each year's rows through appenders, commit() makes
 * it all visible at once; abort() (or a crash) leaves the database as it was. */
#ifndef PW_IO_OUTPUT_H
#define PW_IO_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "io/db.h"
#include "model/census.h"
#include "model/events.h"
#include "model/plan_money_year.h"
#include "model/plan_year.h"
#include "model/tables.h"
#include "model/workforce.h"
#include "model/year.h"

#define PW_SCHEMA_VERSION 2

/* Everything one finished year contributes to the output tables. */
struct pw_year_output {
    const char *scenario_id;
    const struct pw_year *year;
    const struct pw_workforce *wf;           /* rows of P_Y */
    const struct pw_tables *tables;          /* band labels */
    const struct pw_event_chunk *chunks;     /* events in output order */
    size_t chunk_count;
    int levels;                              /* L_max */
    double growth_rate, termination_rate, new_hire_termination_rate; /* for the needs trace */
    const struct pw_plan_year *plan;         /* plan decisions of the year */
    const struct pw_plan_money *money;       /* contributions, employer money, vesting */
    const struct pw_match_formula *formula;  /* active match formula, or NULL */
};

struct pw_run_metadata {
    char run_id[37];
    const char *scenario_id;
    uint64_t seed;
    int start_year, end_year;
    const char *program_version;
    const char *config_path;                 /* "" when defaults only */
    const char *config_text;                 /* YAML as read, or NULL */
    char config_hash[41];                    /* SHA-1 hex of config_text ("" if none) */
    const char *census_path;
    size_t census_rows_read, census_rows_rejected, roster_size;
    int threads;
    double started_at;                       /* Unix time, seconds */
    double wall_seconds;
    const char *timings_json;                /* {"stage": seconds, ...} */
    size_t event_rows, snapshot_rows;
};

struct pw_output;

int pw_output_begin(struct pw_output **out, struct pw_db *db, const char *scenario_id, struct pw_err *err);
int pw_output_write_year(struct pw_output *o, const struct pw_year_output *y, struct pw_err *err);
int pw_output_write_rejected(struct pw_output *o, const char *scenario_id, const struct pw_census *census,
                             struct pw_err *err);
int pw_output_write_metadata(struct pw_output *o, const struct pw_run_metadata *m, struct pw_err *err);
int pw_output_commit(struct pw_output *o, struct pw_err *err);
/* Rolls back everything since begin() and frees o. */
void pw_output_abort(struct pw_output *o);

#endif
