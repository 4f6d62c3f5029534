/* ensemble_mpi.c: `planwise ensemble` across Open MPI ranks (built with
 * `make MPI=1` only).
 *
 * Inputs: rank 0 alone reads the configuration, overlays, assumption tables and
 * census, checks them, and broadcasts each design as a byte image
 * (ensemble_inputs.c); the other ranks need none of the files.
 *
 * Work: rank 0 owns the task counter. Its own worker threads take tasks from it
 * directly, and its main thread answers the other ranks, which ask for one task
 * at a time and return its values with the next request. A rank that finishes
 * early simply asks again, so a slow node never holds the others back. Values
 * go into the slot of their task, so the tables are identical for any number of
 * ranks and threads; only rank 0 writes the database, after every task has come
 * back. Only main threads call MPI (MPI_THREAD_FUNNELED).
 *
 * Failures: a task that fails on any rank is reported by seed, design and rank.
 * MPI calls return errors instead of aborting, so a rank that becomes
 * unreachable is named with the seed it held. When a rank dies, mpirun ends
 * the job by sending SIGTERM to the others: rank 0 then prints which seed each
 * rank was simulating before it goes (a crashing rank also names its own seed,
 * ensemble_tasks.c). The database is only written after all tasks are back, so
 * in every case nothing is written. */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/ensemble_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "sim/ensemble.h"

enum { TAG_RESULT = 1, TAG_ERROR = 2, TAG_TASK = 3 };

int pw__ens_mpi_init(int *argc, char ***argv, int *rank, int *size)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return -1;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 0;
}

bool pw__ens_mpi_agree(int rc)
{
    int bad = rc != 0, any = 1;
    if (MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS) return false;
    return any == 0;
}

void pw__ens_mpi_finalize(void) { MPI_Finalize(); }

void pw__ens_mpi_abort(void) { MPI_Abort(MPI_COMM_WORLD, 1); }

/* Broadcasts len bytes in pieces that fit MPI's int counts. */
static int bcast_bytes(char *p, size_t len)
{
    const size_t piece = (size_t)1 << 30;
    for (size_t at = 0; at < len; at += piece) {
        size_t n = len - at < piece ? len - at : piece;
        if (MPI_Bcast(p + at, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS) return -1;
    }
    return 0;
}

int pw__ens_mpi_share_inputs(struct ensemble *e, int load_rc, struct pw_err *err)
{
    int status = load_rc != 0;
    if (MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        return pw_err_set(err, PW_EIO, "rank %d: cannot receive the inputs from rank 0", e->rank);
    if (status) return e->rank == 0 ? load_rc : PW_EIO;   /* rank 0 reports why */
    int rc = 0;
    for (int d = 0; d < e->o->designs; d++) {
        char *buf = NULL;
        uint64_t len = 0;
        int bad = 0;
        if (e->rank == 0) {
            size_t n = 0;
            bad = pw__ens_pack_design(&e->designs[d], &buf, &n) != 0;
            len = bad ? 0 : n;
        }
        if (MPI_Bcast(&len, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD) != MPI_SUCCESS) {
            free(buf);
            return pw_err_set(err, PW_EIO, "rank %d: cannot exchange the inputs", e->rank);
        }
        if (len == 0) bad = 1;   /* rank 0 ran out of memory packing: everyone stops */
        if (!bad && e->rank > 0 && !(buf = malloc((size_t)len))) bad = 1;
        /* Every rank takes part in every broadcast, or none can go on. */
        if (!pw__ens_mpi_agree(bad)) {
            free(buf);
            return pw_err_set(err, PW_ENOMEM, "rank %d: out of memory for the inputs of design '%s'", e->rank,
                              e->o->design_name[d]);
        }
        if (bcast_bytes(buf, (size_t)len) != 0) rc = pw_err_set(err, PW_EIO, "rank %d: cannot receive the inputs", e->rank);
        if (rc == 0 && e->rank > 0 && (rc = pw__ens_unpack_design(&e->designs[d], buf, (size_t)len, err)) == 0)
            pw_debug("rank %d: design '%s' received from rank 0 (%llu bytes, %zu employees)", e->rank,
                     e->o->design_name[d], (unsigned long long)len, e->designs[d].census.roster.count);
        free(buf);
        /* All ranks stop at the same design, so no broadcast is left waiting. */
        if (!pw__ens_mpi_agree(rc)) {
            if (rc == 0)
                rc = pw_err_set(err, PW_EIO, "rank %d: another rank could not take the inputs from rank 0 (see its "
                                "message)", e->rank);
            break;
        }
    }
    return rc;
}

/* ---- rank 0: handing out tasks ---- */

static const struct ensemble *term_ensemble;
static volatile int *assigned;          /* task each rank > 0 is simulating, -1: none */

/* mpirun ends the job with SIGTERM when a rank dies (or the job is cancelled). */
static void on_term(int sig)
{
    (void)sig;
    const struct ensemble *e = term_ensemble;
    char b[4096];
    size_t n = 0;
    pw__ensemble_put_text("planwise: the ensemble was stopped by mpirun (a rank died or the job was cancelled; "
                          "mpirun names the rank) while ", b, &n, sizeof b);
    int listed = 0, own[64];
    for (int r = 1; e && r < e->ranks; r++) {
        if (assigned[r] < 0) continue;
        pw__ensemble_put_text(listed++ ? ", rank " : "rank ", b, &n, sizeof b);
        pw__ensemble_put_u64((unsigned long long)r, b, &n, sizeof b);
        pw__ensemble_put_text(" was simulating ", b, &n, sizeof b);
        pw__ensemble_put_task(e, assigned[r], b, &n, sizeof b);
    }
    int k = e ? pw__ensemble_inflight(own, 64) : 0;
    for (int i = 0; i < k; i++) {
        pw__ensemble_put_text(listed++ ? ", rank 0 " : "rank 0 was simulating ", b, &n, sizeof b);
        pw__ensemble_put_task(e, own[i], b, &n, sizeof b);
    }
    if (!listed) pw__ensemble_put_text("no seed was in progress", b, &n, sizeof b);
    pw__ensemble_put_text("; nothing was written\n", b, &n, sizeof b);
    ssize_t ignored = write(STDERR_FILENO, b, n);
    (void)ignored;
    _exit(1);
}

static void record_failure(struct ensemble *e, int task, int rank, const struct pw_err *err)
{
    pthread_mutex_lock(&e->lock);
    if (!atomic_load(&e->failed) || task < e->fail_task) {
        e->fail_task = task;
        e->fail_rank = rank;
        e->fail_err = *err;
    }
    atomic_store(&e->failed, true);
    pthread_mutex_unlock(&e->lock);
}

/* MPI itself failed talking to rank r: name the rank and the seed it held. */
static void lost_rank(struct ensemble *e, int r, int mpi_rc)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(mpi_rc, text, &len);
    struct pw_err err = {0};
    pw_err_set(&err, PW_EIO, "lost contact with rank %d (%s)", r, text);
    int task = assigned[r];
    record_failure(e, task >= 0 ? task : 0, r, &err);
    e->mpi_lost = true;
}

/* Message from a rank: [task or -1, status 0/1, values of the task...]. */
void pw__ens_mpi_serve(struct ensemble *e, double t0, bool progress)
{
    int tasks = e->o->designs * e->o->seed_count;
    size_t per = (size_t)e->years * (size_t)e->series;
    double *buf = malloc((per + 2) * sizeof *buf);
    assigned = calloc((size_t)e->ranks, sizeof *assigned);
    if (!buf || !assigned) MPI_Abort(MPI_COMM_WORLD, 1);
    for (int r = 0; r < e->ranks; r++) assigned[r] = -1;
    term_ensemble = e;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    pw_debug("rank 0: handing out %d tasks to %d other rank%s", tasks, e->ranks - 1, e->ranks == 2 ? "" : "s");
    int active = e->ranks - 1;
    double last_shown = 0;
    while (active > 0 && !e->mpi_lost) {
        int flag = 0;
        MPI_Status st;
        int mrc = MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
        if (mrc != MPI_SUCCESS) {
            lost_rank(e, 1, mrc);
            break;
        }
        if (!flag) {
            if (progress && pw_wall_seconds() - last_shown > 0.2) {
                pw__ensemble_progress(e, t0, false);
                last_shown = pw_wall_seconds();
            }
            struct timespec nap = {0, 1000000};
            nanosleep(&nap, NULL);
            continue;
        }
        int from = st.MPI_SOURCE;
        if ((mrc = MPI_Recv(buf, (int)(per + 2), MPI_DOUBLE, from, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE))) {
            lost_rank(e, from, mrc);
            break;
        }
        int task = (int)buf[0];
        assigned[from] = -1;
        if (task >= 0 && buf[1] == 0) {
            memcpy(e->values + (size_t)task * per, buf + 2, per * sizeof *buf);
            atomic_fetch_add(&e->done, 1);
        } else if (task >= 0) {
            struct pw_err err = {0};
            err.code = PW_EINTERNAL;
            if ((mrc = MPI_Recv(err.msg, (int)sizeof err.msg, MPI_CHAR, from, TAG_ERROR, MPI_COMM_WORLD,
                                MPI_STATUS_IGNORE))) {
                lost_rank(e, from, mrc);
                break;
            }
            err.msg[sizeof err.msg - 1] = '\0';
            record_failure(e, task, from, &err);
        }
        int next = -1;
        if (!atomic_load(&e->failed)) {
            next = atomic_fetch_add(&e->next, 1);
            if (next >= tasks) next = -1;
        }
        assigned[from] = next;
        if ((mrc = MPI_Send(&next, 1, MPI_INT, from, TAG_TASK, MPI_COMM_WORLD))) {
            lost_rank(e, from, mrc);
            break;
        }
        if (next < 0) active--;
    }
    /* From here on a SIGTERM is no longer about seeds in progress. */
    signal(SIGTERM, SIG_DFL);
    term_ensemble = NULL;
    free((void *)assigned);
    assigned = NULL;
    free(buf);
}

void pw__ens_mpi_work(struct ensemble *e)
{
    size_t per = (size_t)e->years * (size_t)e->series;
    double *buf = calloc(per + 2, sizeof *buf);
    if (!buf) MPI_Abort(MPI_COMM_WORLD, 1);
    pw__ensemble_set_slot(0);
    buf[0] = -1;
    for (bool first = true;; first = false) {
        if (MPI_Send(buf, (int)(per + 2), MPI_DOUBLE, 0, TAG_RESULT, MPI_COMM_WORLD) != MPI_SUCCESS) break;
        int task;
        if (MPI_Recv(&task, 1, MPI_INT, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS) break;
        if (task < 0) break;
        if (first) pw_debug("rank %d: simulating, one task at a time", e->rank);
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
