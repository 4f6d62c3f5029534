/* run_int.h: what the files of `planwise run` share: its options, the state of
 * one run, the sink context the engine calls back with, and the steps kept in
 * their own files (cmd_run.c: options and the run's outline; run_simulate.c:
 * inputs, database, the year loop; run_checkpoints.c: checkpoints, resume and
 * branching). */
#ifndef PW_CLI_RUN_INT_H
#define PW_CLI_RUN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/run_perf.h"
#include "cli/run_report.h"
#include "core/perf.h"
#include "core/pool.h"
#include "io/checkpoint.h"
#include "io/compliance.h"
#include "io/db.h"
#include "io/db_pool.h"
#include "io/output.h"
#include "io/yaml_config.h"
#include "model/census.h"
#include "model/config.h"
#include "model/tables.h"
#include "sim/sim.h"

struct run_options {
    const char *config, *census, *db, *tables, *scenario, *memory_limit;
    const char *census_map;   /* --census-map FILE: census column mapping (io/census_map.h) */
    const char *overlays[PW_CONFIG_LAYERS_MAX - 1]; /* --scenario-file, in order */
    int overlay_count;
    int first_year, last_year, threads, on_bad_rows, connections;
    bool years_set, seed_set, baseline, resume, no_checkpoints;
    const char *from_checkpoint, *checkpoint_dir;
    uint64_t seed;
    struct pw_run_perf perf;    /* --perf-json, --baseline, --target-improvement (run_perf.h) */
    const char *models_dir;   /* --models DIR: user SQL models run after the last year */
    bool no_models;           /* --no-models */
    bool check;               /* --check: the SQL data-quality checks too */
    int output_format;        /* --output-format: 0 duckdb, 1 parquet */
    bool output_format_set;
    bool no_compliance;       /* --no-compliance */
    const char *vars[64];     /* --var NAME=VALUE for the SQL models */
    int var_count;
};

struct run_state {
    struct pw_config cfg;
    struct pw_tables tables;
    struct pw_strpool strings;
    struct pw_census census;
    struct pw_pool *pool;
    struct pw_db *db;
    struct pw_db_pool *connections;
    struct pw_output *out;
    struct pw_sim sim;
    struct pw_run_report report;
    char *config_text;
    bool db_created, census_ready, sim_ready;
    int years_committed;
    struct pw_run_metadata meta;
    /* checkpoints: where they go, which run they belong to, the writer; and for
     * --resume / --from-checkpoint the state read back and the earlier run */
    char checkpoint_dir[PW_PATH_MAX + 16];
    char data_dir[PW_PATH_MAX + 16];       /* Parquet layout: <db>.data, absolute */
    struct pw_checkpoint_id checkpoint_id;
    struct pw_checkpoint_writer *checkpoint_writer;
    char resume_path[PW_PATH_MAX + 128];
    struct pw_workforce resume_wf;
    bool resume_wf_ready;
    struct pw_carried carried;
    struct pw_run_status previous;
    bool resuming;              /* --resume: continues the scenario's stopped run */
    struct pw_perf *perf;       /* performance monitor of this run */
    /* the compliance tests computed year by year from the engine's arrays; NULL when
     * the run does not compute them, or does not simulate every year of the scenario
     * (--resume, --from-checkpoint: the tests are read back from the outputs) */
    struct pw_compliance_run *compliance;
};

struct sink_ctx {
    struct run_state *state;
    struct pw_output *out;
    const struct pw_config *cfg;
    const struct pw_tables *tables;
    struct pw_run_report *report;
    bool progress;               /* stderr is a terminal and not -q */
    const char *stage;           /* stage in progress */
};

/* run_simulate.c: inputs (census or checkpoint), database, the years, run_metadata. */
int pw__run_simulate(struct run_state *s, const struct run_options *o, double t_start, struct pw_err *err);
/* The DuckDB settings of a run (performance.*), for the simulation and its models. */
void pw__run_db_options(const struct pw_config *cfg, const struct run_options *o, struct pw_db_options *dbo);

/* run_compliance.c: the compliance tests after the last year (io/compliance.h), or
 * with compute false the removal of the scenario's earlier tests; returns the exit
 * code (0, or 1 when they could not be computed). */
int pw__run_compliance(const struct run_options *o, struct run_state *s, bool compute);

/* run_checkpoints.c */
/* --resume / --from-checkpoint: finds, reads and verifies the checkpoint into s. */
int pw__run_load_checkpoint(struct run_state *s, const struct run_options *o, struct pw_err *err);
/* --resume: the database must hold an unfinished run of the scenario up to the checkpoint. */
int pw__run_check_resumable(struct run_state *s, struct pw_err *err);
/* Prepares the checkpoint folder and the writer. */
int pw__run_start_checkpoints(struct run_state *s, const struct run_options *o, struct pw_err *err);
/* Sink callback after each year's close (ctx is a struct sink_ctx). */
int pw__run_write_checkpoint(void *ctx, const struct pw_sim *sim, struct pw_err *err);

#endif
