/* ensemble_mpi.c: `planwise ensemble` across Open MPI ranks (built with
 * `make MPI=1` only). Rank 0 owns the task counter: its own worker threads take
 * tasks from it directly, and its main thread answers the other ranks, which
 * ask for one task at a time and return its metric values with the next
 * request. A rank that finishes early therefore simply asks again, so a slow
 * node never holds the others back. Values go into the slot of their task, so
 * the tables are identical for any number of ranks and threads; only rank 0
 * writes the database, after every task has come back. Only main threads call
 * MPI (MPI_THREAD_FUNNELED). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/ensemble_int.h"
#include "core/clock.h"
#include "sim/ensemble.h"

enum { TAG_RESULT = 1, TAG_ERROR = 2, TAG_TASK = 3 };

int pw__ens_mpi_init(int *argc, char ***argv, int *rank, int *size)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return -1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 0;
}

bool pw__ens_mpi_agree(int rc)
{
    int bad = rc != 0, any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any == 0;
}

void pw__ens_mpi_finalize(void) { MPI_Finalize(); }

/* Message from a rank: [task or -1, status 0/1, values of the task...]. */
void pw__ens_mpi_serve(struct ensemble *e, double t0, bool progress)
{
    int tasks = e->o->designs * e->o->seed_count;
    size_t per = (size_t)e->years * PW_EM_COUNT;
    double *buf = malloc((per + 2) * sizeof *buf);
    if (!buf) MPI_Abort(MPI_COMM_WORLD, 1);
    int active = e->ranks - 1;
    double last_shown = 0;
    while (active > 0) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            if (progress && pw_wall_seconds() - last_shown > 0.2) {
                pw__ensemble_progress(e, t0, false);
                last_shown = pw_wall_seconds();
            }
            struct timespec nap = {0, 1000000};
            nanosleep(&nap, NULL);
            continue;
        }
        MPI_Recv(buf, (int)(per + 2), MPI_DOUBLE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        int task = (int)buf[0];
        if (task >= 0 && buf[1] == 0) {
            memcpy(e->values + (size_t)task * per, buf + 2, per * sizeof *buf);
            atomic_fetch_add(&e->done, 1);
        } else if (task >= 0) {
            struct pw_err err = {0};
            err.code = PW_EINTERNAL;
            MPI_Recv(err.msg, (int)sizeof err.msg, MPI_CHAR, st.MPI_SOURCE, TAG_ERROR, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            err.msg[sizeof err.msg - 1] = '\0';
            pthread_mutex_lock(&e->lock);
            if (!atomic_load(&e->failed) || task < e->fail_task) {
                e->fail_task = task;
                e->fail_rank = st.MPI_SOURCE;
                e->fail_err = err;
            }
            atomic_store(&e->failed, true);
            pthread_mutex_unlock(&e->lock);
        }
        int next = -1;
        if (!atomic_load(&e->failed)) {
            next = atomic_fetch_add(&e->next, 1);
            if (next >= tasks) next = -1;
        }
        MPI_Send(&next, 1, MPI_INT, st.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD);
        if (next < 0) active--;
    }
    free(buf);
}

void pw__ens_mpi_work(struct ensemble *e)
{
    size_t per = (size_t)e->years * PW_EM_COUNT;
    double *buf = calloc(per + 2, sizeof *buf);
    if (!buf) MPI_Abort(MPI_COMM_WORLD, 1);
    buf[0] = -1;
    for (;;) {
        MPI_Send(buf, (int)(per + 2), MPI_DOUBLE, 0, TAG_RESULT, MPI_COMM_WORLD);
        int task;
        MPI_Recv(&task, 1, MPI_INT, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (task < 0) break;
        struct pw_err err = {0};
        int rc = pw__ensemble_run_task(e, task, &err);
        buf[0] = task;
        buf[1] = rc != 0;
        memcpy(buf + 2, e->values + (size_t)task * per, per * sizeof *buf);
        if (rc) {
            MPI_Send(buf, (int)(per + 2), MPI_DOUBLE, 0, TAG_RESULT, MPI_COMM_WORLD);
            MPI_Send(err.msg, (int)sizeof err.msg, MPI_CHAR, 0, TAG_ERROR, MPI_COMM_WORLD);
            MPI_Recv(&task, 1, MPI_INT, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            break;
        }
    }
    free(buf);
}
