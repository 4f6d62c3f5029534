/* ensemble_int.h: what cmd_ensemble.c shares with its MPI layer
 * (ensemble_mpi.c, built only with `make MPI=1`): options, per-design inputs,
 * the ensemble's result slots and the one-task runner. */
#ifndef PW_CLI_ENSEMBLE_INT_H
#define PW_CLI_ENSEMBLE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strpool.h"
#include "model/census.h"
#include "model/config.h"
#include "model/tables.h"

#define MAX_DESIGNS 16
#define MAX_SEEDS 100000

struct ens_options {
    const char *config, *census, *db, *id;
    const char *design_name[MAX_DESIGNS], *design_file[MAX_DESIGNS];
    char design_buf[MAX_DESIGNS][128];
    int designs, threads, first_year, last_year;
    bool years_set;
    uint64_t *seeds;
    int seed_count;
};

/* Everything one design needs, shared read-only by the tasks of that design. */
struct design {
    struct pw_config cfg;
    struct pw_tables tables;
    struct pw_strpool strings;
    struct pw_census census;
    bool tables_ready, census_ready;
};

struct ensemble {
    const struct ens_options *o;
    struct design *designs;
    int years;
    double *values;              /* [design][seed][year][metric] */
    atomic_int next, done;       /* next task to take; tasks finished */
    atomic_bool failed;
    pthread_mutex_t lock;        /* guards the failure record */
    int fail_task;               /* lowest failing task, for a deterministic message */
    int fail_rank;               /* MPI rank that ran it (0 without MPI) */
    int ranks;                   /* MPI ranks (1 without MPI) */
    struct pw_err fail_err;
};

/* Runs task (design = task / seeds, seed = task % seeds) into its result slot. */
int pw__ensemble_run_task(struct ensemble *e, int task, struct pw_err *err);
/* Rewrites the progress line on stderr (last: clears it). */
void pw__ensemble_progress(const struct ensemble *e, double t0, bool last);

#ifdef PW_MPI
/* ensemble_mpi.c. init: MPI_Init (funneled: only the main thread calls MPI).
 * agree: every rank's status combined; true when all ranks are fine.
 * serve (rank 0, while its own worker threads run): hands task numbers from
 * e->next to ranks that ask, stores the values they return, records a
 * failure with seed and rank; returns when every rank has stopped.
 * work (ranks > 0): ask, run, return values, until told to stop. */
int pw__ens_mpi_init(int *argc, char ***argv, int *rank, int *size);
bool pw__ens_mpi_agree(int rc);
void pw__ens_mpi_serve(struct ensemble *e, double t0, bool progress);
void pw__ens_mpi_work(struct ensemble *e);
void pw__ens_mpi_finalize(void);
#endif

#endif
