/* output.h: the output tables of MODEL 6 in a DuckDB file. A run replaces its
 * scenario year by year: every simulated year is committed on its own, so a run
 * that stops (crash, kill, full disk) keeps its finished years and can resume from
 * its last checkpoint. The first committed year deletes the scenario's old rows;
 * run_metadata says whether the scenario is 'running', 'complete' or 'failed' and
 * which year was committed last. Tables are split over a few connections that
 * append in parallel when a connection pool and worker threads are given. */
#ifndef PW_IO_OUTPUT_H
#define PW_IO_OUTPUT_H

#include <stdbool.h>
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

#define PW_SCHEMA_VERSION 4

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
    int last_completed_year;                 /* 0 = none yet */
    int resumed_from_year;                   /* checkpoint year a resumed or branched run started after, 0 = fresh */
    const char *from_checkpoint;             /* that checkpoint's path, or NULL */
};

/* What run_metadata says about a scenario (for --resume). */
struct pw_run_status {
    bool exists;                             /* the scenario has a run_metadata row */
    char status[16];                         /* running, complete, failed */
    int last_completed_year;                 /* 0 = no year committed */
    int64_t census_rows_read, census_rows_rejected, starting_roster;
    int start_year;                          /* first year of its rows */
    int resumed_from_year;                   /* 0 = started from the census */
    char from_checkpoint[PW_PATH_MAX];       /* "" = none */
};

struct pw_output;
struct pw_db_pool;
struct pw_pool;

struct pw_output_options {
    struct pw_db_pool *connections;  /* one connection per table group; NULL: all on the main connection */
    struct pw_pool *workers;         /* threads appending the groups in parallel; NULL: one after another */
    int resume_after_year;           /* > 0: keep the scenario's rows up to this year, delete later ones */
    bool row_appends;                /* one DuckDB call per value instead of whole data chunks (baseline) */
};

/* Creates the tables if needed, checks the schema version and records the run in
 * run_metadata with status 'running' (m->scenario_id, run_id, seed, years, config,
 * census facts are used; timings come at finish). */
int pw_output_begin(struct pw_output **out, struct pw_db *db, const struct pw_run_metadata *m,
                    const struct pw_output_options *opt, struct pw_err *err);
/* Appends and commits one year. */
int pw_output_write_year(struct pw_output *o, const struct pw_year_output *y, struct pw_err *err);
/* Writes the rejected census rows and the final run_metadata, marks the scenario
 * 'complete' and frees o (also on failure, after pw_output_abort). census NULL (a
 * resumed run) keeps the rejected rows already stored. */
int pw_output_finish(struct pw_output *o, const struct pw_census *census, const struct pw_run_metadata *m,
                     struct pw_err *err);
/* Rolls back the year in progress and frees o. When this run committed a year (or
 * resumes a stopped one) it is marked 'failed' with the message of why (may be
 * NULL) and its committed years stay, for --resume; otherwise its run_metadata row
 * is removed and the database is as it was before the run. */
void pw_output_abort(struct pw_output *o, const struct pw_err *why);
/* Reads the latest run_metadata row of the scenario; st->exists is false for a new database or
 * scenario. A database of another output layout is an error. */
int pw_output_run_status(struct pw_db *db, const char *scenario_id, struct pw_run_status *st, struct pw_err *err);

#endif
