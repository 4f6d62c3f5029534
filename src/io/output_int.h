/* output_int.h: what the files of the output writer share: the state of one run's
 * output (output_run.c: the run's lifecycle in run_metadata; output_year.c: the
 * narrow layout's year; output_wide.c: the wide layout's year). */
#ifndef PW_IO_OUTPUT_INT_H
#define PW_IO_OUTPUT_INT_H

#include "io/output.h"
#include "io/table_writer.h"

/* Table groups of a year, one connection each: the events, the snapshot, and the
 * small tables (employees, solver trace) together. */
enum { PW__G_EVENTS, PW__G_SNAPSHOT, PW__G_SMALL, PW__G_COUNT };

struct pw_output {
    struct pw_db *db;                        /* main connection: run_metadata, commit records, clean-up */
    struct pw_db *conn[PW__G_COUNT];         /* connection of each group (db when there is no pool) */
    struct pw_pool *workers;                 /* NULL: groups run one after another */
    int layout;                              /* enum pw_output_layout */
    bool row_appends;
    bool shared_connection;                  /* every group on db: one transaction per year */
    bool resume;                             /* continues a stopped run of the scenario */
    int run_key;
    int years_committed;                     /* years this run committed */
    bool wide_old_rows_pending;              /* wide layout: the first year still has to delete old rows */
    char data_dir[1024];                     /* Parquet layout: the files' folder */
    struct pw__removal { int run_key, after_year; } *removals; /* Parquet files to remove once a transaction commits */
    size_t removal_count, removal_cap;
    char scenario_id[65];
    char scenario_sql[2 * 64 + 8];           /* quoted literal of the scenario id */
    char run_id[37];
};

/* Appends one group's rows of a year on connection c (inside its transaction;
 * the Parquet layout: into the connection's staging tables, then to the year's
 * files). */
int pw__output_append_group(struct pw_output *o, int group, struct pw_db *c, const struct pw_year_output *y,
                            struct pw_err *err);
int pw__output_append_group_wide(struct pw_output *o, int group, struct pw_db *c, const struct pw_year_output *y,
                                 struct pw_err *err);

#endif
