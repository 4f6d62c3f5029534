/* perf.h: the performance monitor. It records, per named stage (census load,
 * each step of the year pipeline, output write and commit, each SQL model,
 * checkpoint write, ...), the number of calls, wall time, process CPU time,
 * rows processed and the peak resident memory reached by the end of the stage;
 * per simulation year and summed over the run.
 *
 * Usage, from any thread:
 *
 *     int id = pw_perf_stage(perf, "model:fct_plan_summary");  // once; allocates
 *     struct pw_perf_mark m = pw_perf_start();
 *     ... the stage ...
 *     pw_perf_record(perf, id, year_or_PW_PERF_NO_YEAR, m, rows);
 *
 * pw_perf_stage() registers a name on first use (it allocates and may fail);
 * pw_perf_record() never allocates, so it can wrap the hot simulation kernels.
 * Both take a mutex, so stages running in parallel (SQL models on a connection
 * pool) may record concurrently. Every function accepts perf == NULL and then
 * does nothing, so code can be monitored or not without branches.
 *
 * CPU time is the process's CPU time (all threads) during the stage: for stages
 * that run in parallel with each other it includes the other stages' work. */
#ifndef PW_CORE_PERF_H
#define PW_CORE_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PW_PERF_NO_YEAR 0          /* year of stages outside the year loop */
#define PW_PERF_NAME_MAX 63        /* longest stage name, bytes (longer names are cut) */

struct pw_perf;                    /* opaque */

/* Clocks at the start of a stage. */
struct pw_perf_mark {
    double wall;                   /* monotonic wall clock, seconds */
    double cpu;                    /* process CPU time, seconds */
};

/* What the monitor knows about one stage, in one year or summed over the run. */
struct pw_perf_stat {
    const char *name;              /* stage name, owned by the monitor */
    int year;                      /* simulation year, or PW_PERF_NO_YEAR for run totals */
    uint64_t calls;                /* recorded calls, >= 1 */
    double wall_seconds;           /* summed over the calls, >= 0 */
    double cpu_seconds;            /* process CPU time summed over the calls, >= 0 */
    uint64_t rows;                 /* rows processed, summed over the calls */
    uint64_t peak_rss_bytes;       /* peak resident memory so far at the end of the latest call */
};

/* A monitor for a run over first_year..last_year (per-year detail is kept for
 * those years; calls with another year count in the totals only). NULL when out
 * of memory. */
struct pw_perf *pw_perf_new(int first_year, int last_year);
void pw_perf_free(struct pw_perf *perf);

/* The id (>= 0) of the stage called name, registered on first use; stages are
 * listed in the order they were first registered. Returns PW_ENOMEM when out of
 * memory, 0 when perf is NULL. Thread-safe. */
int pw_perf_stage(struct pw_perf *perf, const char *name);

/* Reads the clocks at the start of a stage. */
struct pw_perf_mark pw_perf_start(void);

/* One call of stage id in year (or PW_PERF_NO_YEAR) that began at start and
 * processed rows rows: adds the wall and CPU time since start and the current
 * peak RSS. No allocation; thread-safe. */
void pw_perf_record(struct pw_perf *perf, int stage, int year, struct pw_perf_mark start, uint64_t rows);

/* Same with the measurements given (stages timed elsewhere, tests). */
void pw_perf_add(struct pw_perf *perf, int stage, int year, double wall_seconds, double cpu_seconds, uint64_t rows,
                 uint64_t peak_rss_bytes);

/* pw_perf_stage + pw_perf_record, for stages recorded once or rarely (census
 * load, commit, one SQL model). Returns 0 or PW_ENOMEM. */
int pw_perf_record_named(struct pw_perf *perf, const char *name, int year, struct pw_perf_mark start, uint64_t rows);

/* Reading, for reports (thread-safe, but meant for after the run). */
int pw_perf_stage_count(const struct pw_perf *perf);
int pw_perf_first_year(const struct pw_perf *perf);
int pw_perf_last_year(const struct pw_perf *perf);
/* Totals of stage id over the run (year = PW_PERF_NO_YEAR); false when id is out of range. */
bool pw_perf_total(const struct pw_perf *perf, int stage, struct pw_perf_stat *out);
/* Stage id in one year (PW_PERF_NO_YEAR: the calls recorded without a year);
 * false when that stage has no call in that year. */
bool pw_perf_year(const struct pw_perf *perf, int stage, int year, struct pw_perf_stat *out);

#endif
