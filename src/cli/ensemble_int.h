/* ensemble_int.h: what the files of `planwise ensemble` share: options, the
 * inputs of each design, the ensemble's result slots, and the steps kept in
 * their own files (cmd_ensemble.c: options and outline; ensemble_inputs.c:
 * loading the designs and packing them for other MPI ranks; ensemble_tasks.c:
 * one (design, seed) simulation, worker threads, progress, crash messages;
 * ensemble_keep.c: --keep scenarios; ensemble_mpi.c: Open MPI, built with
 * `make MPI=1` only). */
#ifndef PW_CLI_ENSEMBLE_INT_H
#define PW_CLI_ENSEMBLE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strpool.h"
#include "model/census.h"
#include "model/config.h"
#include "model/tables.h"
#include "sim/ensemble.h"

#define MAX_DESIGNS 16
#define MAX_SEEDS 100000
#define MAX_KEEP 16

struct ens_options {
    const char *config, *census, *db, *id;
    const char *design_name[MAX_DESIGNS], *design_file[MAX_DESIGNS];
    char design_buf[MAX_DESIGNS][128];
    int designs, threads, first_year, last_year;
    bool years_set;
    uint64_t *seeds;
    int seed_count;
    uint64_t keep[MAX_KEEP];     /* --keep SEED: written as full scenarios */
    int keep_count;
};

/* Everything one design needs, shared read-only by the tasks of that design. */
struct design {
    struct pw_config cfg;
    struct pw_tables tables;
    struct pw_ens_layout layout;     /* values of one year (the same for every design) */
    struct pw_strpool strings;
    struct pw_census census;         /* on ranks > 0: roster and stats only (received from rank 0) */
    char *config_text;               /* rank 0: YAML of the base and the overlay, as `planwise run` stores it */
    bool tables_ready, census_ready;
};

struct ensemble {
    const struct ens_options *o;
    struct design *designs;
    int years;
    int series;                  /* values per (task, year): layout.series */
    double *values;              /* [design][seed][year][series] */
    atomic_int next, done;       /* next task to take; tasks finished */
    atomic_bool failed;
    pthread_mutex_t lock;        /* guards the failure record */
    int fail_task;               /* lowest failing task, for a deterministic message */
    int fail_rank;               /* MPI rank that ran it (0 without MPI) */
    int rank, ranks;             /* this process's MPI rank and the rank count (0 and 1 without MPI) */
    bool mpi_lost;               /* MPI itself failed (a rank unreachable): end with MPI_Abort, not MPI_Finalize */
    struct pw_err fail_err;
};

/* ensemble_inputs.c */
/* The base configuration (defaults, --config, then --census/--years); *text is
 * the --config file's text (NULL without --config). */
int pw__ens_build_base(const struct ens_options *o, struct pw_config *cfg, char **text, struct pw_err *err);
/* The base plus the design's overlay, its assumption tables, layout and census. */
int pw__ens_load_design(struct design *de, const struct pw_config *base, const char *base_text,
                        const struct ens_options *o, const char *file, struct pw_err *err);
void pw__ens_release_design(struct design *de);
/* A design's inputs as bytes (configuration, tables, layout, census statistics,
 * roster with its ids), for ranks that do not read the files; *out is malloc'd.
 * Unpacking builds the design on a rank of the same build (same struct layout). */
int pw__ens_pack_design(const struct design *de, char **out, size_t *len);
int pw__ens_unpack_design(struct design *de, const char *buf, size_t len, struct pw_err *err);

/* ensemble_tasks.c */
/* Runs task (design = task / seeds, seed = task % seeds) into its result slot. */
int pw__ensemble_run_task(struct ensemble *e, int task, struct pw_err *err);
/* Runs every task not taken yet on threads workers of this process; serve
 * (MPI rank 0, or NULL) runs on the calling thread meanwhile. Returns the
 * simulation's wall seconds. */
double pw__ensemble_run_all(struct ensemble *e, int threads, void (*serve)(struct ensemble *, double, bool));
/* Rewrites the progress line on stderr (last: clears it). */
void pw__ensemble_progress(const struct ensemble *e, double t0, bool last);
/* While tasks run: a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) in a task
 * prints which seed of which design on which rank was being simulated, and that
 * nothing was written, before the process dies as it would have. */
void pw__ensemble_crash_messages(const struct ensemble *e, bool on);
/* "seed 7 of design 'ae6'" for task t. */
void pw__ensemble_task_name(const struct ensemble *e, int task, char *out, size_t size);
/* The calling thread runs tasks as worker slot (for the crash message; ranks > 0
 * run theirs on the main thread). */
void pw__ensemble_set_slot(int slot);
/* Tasks in flight in this process, at most max of them (async-signal-safe). */
int pw__ensemble_inflight(int *out, int max);
/* Appends "seed 7 of design 'ae6'" to b[*n..size) (async-signal-safe). */
void pw__ensemble_put_task(const struct ensemble *e, int task, char *b, size_t *n, size_t size);
void pw__ensemble_put_text(const char *t, char *b, size_t *n, size_t size);
void pw__ensemble_put_u64(unsigned long long v, char *b, size_t *n, size_t size);

/* ensemble_keep.c: --keep. Simulates each kept seed of every design again with
 * events and writes it into db through the output writer of `planwise run`, as
 * scenario <ensemble>_<design>_seed<S>; its metrics must equal the ensemble's
 * values of that seed (checked). */
struct pw_db;
int pw__ensemble_keep(struct ensemble *e, struct pw_db *db, int threads, struct pw_err *err);
/* The scenario id of a kept seed; false when it is not a valid scenario id. */
bool pw__ensemble_keep_id(const char *ensemble_id, const char *design, uint64_t seed, char *out, size_t size);

#ifdef PW_MPI
/* ensemble_mpi.c. init: MPI_Init (funneled: only the main thread calls MPI).
 * agree: every rank's status combined; true when all ranks are fine.
 * share_inputs: rank 0 sends every design (pw__ens_pack_design) to the other
 * ranks, which build theirs from it; returns rank 0's load status on every rank.
 * serve (rank 0, while its own worker threads run): hands task numbers from
 * e->next to ranks that ask, stores the values they return, records a
 * failure with seed and rank; returns when every rank has stopped.
 * work (ranks > 0): ask, run, return values, until told to stop. */
int pw__ens_mpi_init(int *argc, char ***argv, int *rank, int *size);
bool pw__ens_mpi_agree(int rc);
int pw__ens_mpi_share_inputs(struct ensemble *e, int load_rc, struct pw_err *err);
void pw__ens_mpi_serve(struct ensemble *e, double t0, bool progress);
void pw__ens_mpi_work(struct ensemble *e);
void pw__ens_mpi_finalize(void);
/* Ends every rank at once (after rank 0 has printed why). */
void pw__ens_mpi_abort(void);
#endif

#endif
