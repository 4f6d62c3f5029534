/* ensemble_tasks.c: running the (design, seed) tasks of `planwise ensemble`.
 *
 * Parallelism is over seeds, not rows: each worker thread takes the next task
 * from a shared counter and runs a whole simulation with a one-thread pool. A
 * simulation's result does not depend on which worker ran it or when
 * (counter-based RNG, sim.h), and results land in a slot indexed by the task, so
 * the tables are identical for any --threads. The simulation builds no event
 * rows (sim->skip_event_rows): the metrics read the year's columns.
 *
 * While tasks run, a crash signal prints which seeds were being simulated, so a
 * rank or process that dies says what it was doing; nothing has been written
 * at that point (the database is written after every task has finished). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/ensemble_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/pool.h"
#include "sim/ensemble.h"
#include "sim/sim.h"

#define MAX_WORKERS 256

/* Task each worker thread is simulating (-1: none), for the crash message. */
static atomic_int inflight[MAX_WORKERS];
static _Thread_local int my_slot = -1;
static const struct ensemble *crash_ensemble;

void pw__ensemble_task_name(const struct ensemble *e, int task, char *out, size_t size)
{
    int d = task / e->o->seed_count, s = task % e->o->seed_count;
    snprintf(out, size, "seed %llu of design '%s'", (unsigned long long)e->o->seeds[s], e->o->design_name[d]);
}

struct task_sink {
    double *values;              /* [year][series] of this task */
    const struct pw_ens_layout *layout;
    int first_year;
};

static int task_write_year(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    (void)err;
    struct task_sink *t = p;
    pw_ensemble_year_metrics(sim, t->layout,
                             t->values + (size_t)(sim->year.year - t->first_year) * (size_t)t->layout->series);
    return 0;
}

/* Sizes the sim's row arrays once for the largest population the horizon can
 * reach (a roster growing at the target rate, plus the year's hires), so the
 * year loop does not grow and copy them year after year. Only a speed matter:
 * the steps still grow whatever turns out short. */
static int presize(struct pw_sim *sim, const struct pw_config *cfg, struct pw_err *err)
{
    double g = cfg->target_growth_rate > 0 ? cfg->target_growth_rate : 0;
    double rows = (double)sim->wf.count;
    for (int y = cfg->start_year; y <= cfg->end_year; y++) rows *= 1 + g;
    rows *= 1 + g + cfg->total_termination_rate + cfg->new_hire_termination_rate;
    size_t n = (size_t)rows + 256;
    if (pw_workforce_reserve(&sim->wf, n) || pw_workforce_reserve(&sim->spare, n) || pw_year_reserve(&sim->year, n) ||
        pw_plan_year_reserve(&sim->plan, n) || pw_plan_money_reserve(&sim->money, n))
        return pw_err_set(err, PW_ENOMEM, "out of memory for a workforce of %zu rows", n);
    return 0;
}

/* One (design, seed) simulation. The census roster is copied so the design's
 * census stays intact for its other seeds; hires intern their ids into a pool
 * of this task, so tasks never share a writable structure. */
int pw__ensemble_run_task(struct ensemble *e, int task, struct pw_err *err)
{
    int d = task / e->o->seed_count, s = task % e->o->seed_count;
    struct design *de = &e->designs[d];
    struct pw_config cfg = de->cfg;
    cfg.random_seed = e->o->seeds[s];
    cfg.threads = 1;
    int rc = pw_config_finalize(&cfg, err);
    if (rc) return rc;
    if (my_slot >= 0) atomic_store(&inflight[my_slot], task);
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_census c;
    memset(&c, 0, sizeof c);
    c.stats = de->census.stats;
    const struct pw_workforce *from = &de->census.roster;
    if (pw_workforce_init(&c.roster, &strings, from->count + 64) != 0) {
        pw_strpool_release(&strings);
        return pw_err_set(err, PW_ENOMEM, "out of memory for the workforce");
    }
    /* Column by column: the census ids stay in the design's pool, read only. */
#define COPY_COLUMN(col) memcpy((void *)c.roster.col, (const void *)from->col, from->count * sizeof *from->col);
    PW_WORKFORCE_COLUMNS(COPY_COLUMN)
#undef COPY_COLUMN
    c.roster.count = from->count;
    struct pw_pool *pool = pw_pool_new(1);
    struct pw_sim sim;
    if (!pool) rc = pw_err_set(err, PW_ENOMEM, "cannot start a worker pool");
    else rc = pw_sim_init(&sim, &cfg, &de->tables, &c, pool, err);
    if (rc == 0) {
        rc = presize(&sim, &cfg, err);
        struct task_sink ts = {e->values + (size_t)task * (size_t)e->years * (size_t)e->series, &de->layout,
                               cfg.start_year};
        struct pw_sink sink = {&ts, task_write_year, NULL, NULL};
        sim.skip_event_rows = true;   /* only the year's columns are read */
        if (rc == 0) rc = pw_sim_run(&sim, &sink, err);
        pw_sim_release(&sim);
    } else if (pool) {
        pw_workforce_release(&c.roster);
    }
    pw_pool_free(pool);
    pw_strpool_release(&strings);
    if (my_slot >= 0) atomic_store(&inflight[my_slot], -1);
    return rc;
}

struct worker_arg {
    struct ensemble *e;
    int slot;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    struct ensemble *e = a->e;
    my_slot = a->slot;
    int tasks = e->o->designs * e->o->seed_count;
    for (;;) {
        if (atomic_load(&e->failed)) break;
        int t = atomic_fetch_add(&e->next, 1);
        if (t >= tasks) break;
        struct pw_err err = {0};
        if (pw__ensemble_run_task(e, t, &err) != 0) {
            pthread_mutex_lock(&e->lock);
            if (!atomic_load(&e->failed) || t < e->fail_task) {
                e->fail_task = t;
                e->fail_rank = e->rank;
                e->fail_err = err;
            }
            atomic_store(&e->failed, true);
            pthread_mutex_unlock(&e->lock);
            break;
        }
        atomic_fetch_add(&e->done, 1);
    }
    return NULL;
}

void pw__ensemble_progress(const struct ensemble *e, double t0, bool last)
{
    int tasks = e->o->designs * e->o->seed_count, done = atomic_load(&e->done);
    double el = pw_wall_seconds() - t0;
    if (last) {
        fputs("\r\033[K", stderr);
        return;
    }
    char eta[32] = "--";
    if (done > 0) snprintf(eta, sizeof eta, "%.0f s", el / done * (tasks - done));
    fprintf(stderr, "\r\033[Kensemble: %d of %d seeds done, %.0f s elapsed, ETA %s", done, tasks, el, eta);
    fflush(stderr);
}

double pw__ensemble_run_all(struct ensemble *e, int threads, void (*serve)(struct ensemble *, double, bool))
{
    int tasks = e->o->designs * e->o->seed_count;
    if (threads > MAX_WORKERS) threads = MAX_WORKERS;
    pthread_t tids[MAX_WORKERS];
    struct worker_arg args[MAX_WORKERS];
    int started = 0;
    pw_debug("rank %d: simulating on %d thread%s (%d tasks in all)", e->rank, threads, threads == 1 ? "" : "s", tasks);
    double ts = pw_wall_seconds();
    for (; started < threads; started++) {
        args[started] = (struct worker_arg){e, started};
        if (pthread_create(&tids[started], NULL, worker, &args[started]) != 0) break;
    }
    if (started == 0) { /* no thread could start: run the tasks here */
        struct worker_arg a = {e, 0};
        worker(&a);
    }
    bool progress = isatty(STDERR_FILENO) && pw_log_verbosity() == PW_NORMAL;
    if (serve) serve(e, ts, progress);
    while (progress && atomic_load(&e->done) < tasks && !atomic_load(&e->failed)) {
        pw__ensemble_progress(e, ts, false);
        struct timespec nap = {0, 200000000};
        nanosleep(&nap, NULL);
    }
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
    if (progress) pw__ensemble_progress(e, ts, true);
    return pw_wall_seconds() - ts;
}

/* ---- crash messages (async-signal-safe: write(2) of text built by hand) ---- */

void pw__ensemble_set_slot(int slot) { my_slot = slot; }

void pw__ensemble_put_text(const char *t, char *b, size_t *n, size_t size)
{
    while (*t && *n + 1 < size) b[(*n)++] = *t++;
}

void pw__ensemble_put_u64(unsigned long long v, char *b, size_t *n, size_t size)
{
    char d[24];
    int k = 0;
    do d[k++] = (char)('0' + v % 10); while ((v /= 10) && k < 24);
    while (k > 0 && *n + 1 < size) b[(*n)++] = d[--k];
}

void pw__ensemble_put_task(const struct ensemble *e, int task, char *b, size_t *n, size_t size)
{
    int d = task / e->o->seed_count, s = task % e->o->seed_count;
    pw__ensemble_put_text("seed ", b, n, size);
    pw__ensemble_put_u64(e->o->seeds[s], b, n, size);
    pw__ensemble_put_text(" of design '", b, n, size);
    pw__ensemble_put_text(e->o->design_name[d], b, n, size);
    pw__ensemble_put_text("'", b, n, size);
}

int pw__ensemble_inflight(int *out, int max)
{
    int n = 0;
    for (int w = 0; w < MAX_WORKERS && n < max; w++) {
        int t = atomic_load(&inflight[w]);
        if (t >= 0) out[n++] = t;
    }
    return n;
}

static const char *signal_text(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (invalid memory access)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic error)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGABRT: return "SIGABRT (aborted)";
    default: return "a fatal signal";
    }
}

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static void on_crash(int sig)
{
    const struct ensemble *e = crash_ensemble;
    if (e) {
        char b[2048];
        size_t n = 0;
        pw__ensemble_put_text("planwise: ", b, &n, sizeof b);
        if (e->ranks > 1) {
            pw__ensemble_put_text("rank ", b, &n, sizeof b);
            pw__ensemble_put_u64((unsigned long long)e->rank, b, &n, sizeof b);
            pw__ensemble_put_text(" ", b, &n, sizeof b);
        }
        pw__ensemble_put_text("died of ", b, &n, sizeof b);
        pw__ensemble_put_text(signal_text(sig), b, &n, sizeof b);
        /* The faulting task first: a fault is delivered to the thread that caused it. */
        int mine = my_slot >= 0 ? atomic_load(&inflight[my_slot]) : -1, listed = 0;
        if (mine >= 0) {
            pw__ensemble_put_text(" while simulating ", b, &n, sizeof b);
            pw__ensemble_put_task(e, mine, b, &n, sizeof b);
            listed++;
        }
        for (int w = 0; w < MAX_WORKERS; w++) {
            int t = atomic_load(&inflight[w]);
            if (t < 0 || w == my_slot) continue;
            pw__ensemble_put_text(listed++ ? ", and " : " while simulating ", b, &n, sizeof b);
            pw__ensemble_put_task(e, t, b, &n, sizeof b);
        }
        pw__ensemble_put_text("; the ensemble stops and nothing was written\n", b, &n, sizeof b);
        ssize_t ignored = write(STDERR_FILENO, b, n);
        (void)ignored;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void pw__ensemble_crash_messages(const struct ensemble *e, bool on)
{
    for (int w = 0; w < MAX_WORKERS; w++) atomic_store(&inflight[w], -1);
    crash_ensemble = on ? e : NULL;
    for (size_t i = 0; i < sizeof crash_signals / sizeof *crash_signals; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on ? on_crash : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(crash_signals[i], &sa, NULL);
    }
}
