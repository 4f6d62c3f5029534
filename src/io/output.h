/* output.h: writing a run's outputs (MODEL 6) into a DuckDB file.
 *
 * A run gets a run_key and a run_metadata row ('running') when it begins. Each
 * simulated year is appended to the narrow tables of store_schema.h (on a few
 * connections in parallel when a pool and workers are given) and committed;
 * then its commit record is written. The views users query show a scenario's
 * latest complete run only, and only its committed years, so:
 *   - a run that replaces a scenario leaves the earlier run visible until it
 *     completes; the earlier run's rows are removed once it has;
 *   - rows of a failed, killed or unfinished run are never visible; they stay
 *     for --resume and are removed when the run resumes or a later run of the
 *     scenario completes;
 *   - a year whose tables did not all commit (a full disk mid-commit) has no
 *     commit record, is never visible, and is removed by --resume.
 * The wide layout (the benchmark's baseline execution mode) writes the
 * user-facing tables as base tables instead, as earlier versions did: the first
 * year replaces the scenario's rows, and every committed row is visible. */
#ifndef PW_IO_OUTPUT_H
#define PW_IO_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "io/db.h"
#include "io/store_schema.h"
#include "model/census.h"
#include "model/events.h"
#include "model/plan_money_year.h"
#include "model/plan_year.h"
#include "model/tables.h"
#include "model/workforce.h"
#include "model/year.h"

/* Everything one finished year contributes to the output tables. */
struct pw_year_output {
    const char *scenario_id;
    struct pw_year_view view;                /* the year's arrays (model/events.h) */
    const struct pw_tables *tables;          /* band labels */
    const struct pw_event_chunk *chunks;     /* events in output order */
    size_t chunk_count;
    int levels;                              /* L_max */
    double growth_rate, termination_rate, new_hire_termination_rate; /* for the needs trace */
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
    const char *models_status;               /* NULL, or "pending" when the SQL models follow the run */
};

/* What run_metadata says about a scenario's latest run (for --resume). */
struct pw_run_status {
    bool exists;                             /* the scenario has a run_metadata row */
    char status[16];                         /* running, complete, failed */
    char models_status[16];                  /* "" (none), pending, running, done, failed */
    int run_key;
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
    int resume_after_year;           /* > 0: continue the scenario's latest run after this year */
    bool row_appends;                /* one DuckDB call per value instead of whole data chunks (baseline) */
    int layout;                      /* enum pw_output_layout (io/store_schema.h) */
    const char *data_dir;            /* Parquet layout of a new database: absolute path of its files' folder */
    const struct pw_config *cfg;     /* settings the views show (event_details); tables: band labels */
    const struct pw_tables *tables;
};

/* Creates or checks the output layout, cleans up what stopped runs left behind,
 * and records the run in run_metadata ('running'), all before any row is
 * written. */
int pw_output_begin(struct pw_output **out, struct pw_db *db, const struct pw_run_metadata *m,
                    const struct pw_output_options *opt, struct pw_err *err);
/* Appends and commits one year, then writes its commit record. */
int pw_output_write_year(struct pw_output *o, const struct pw_year_output *y, struct pw_err *err);
/* Writes the rejected census rows and the final run_metadata, marks the run
 * 'complete' (from here on the scenario shows this run), removes the
 * scenario's earlier runs and frees o (also on failure, after pw_output_abort).
 * census NULL (a resumed run) keeps the rejected rows already stored. */
int pw_output_finish(struct pw_output *o, const struct pw_census *census, const struct pw_run_metadata *m,
                     struct pw_err *err);
/* Rolls back the year in progress and frees o. When this run committed a year (or
 * resumes a stopped one) it is marked 'failed' with the message of why (may be
 * NULL) and its committed years stay, for --resume; otherwise its rows and
 * run_metadata row are removed and the database is as it was before the run. */
void pw_output_abort(struct pw_output *o, const struct pw_err *why);
/* Reads the latest run_metadata row of the scenario; st->exists is false for a new database or
 * scenario. A database of another output layout is an error. */
int pw_output_run_status(struct pw_db *db, const char *scenario_id, struct pw_run_status *st, struct pw_err *err);
/* Records the state of the SQL-model step of a scenario's latest run: running,
 * done or failed. */
int pw_output_set_models_status(struct pw_db *db, const char *scenario_id, const char *status, struct pw_err *err);

#endif
