/* perf_report.h: a run's performance record (machine facts, run facts and the
 * monitor's stages) as plain data, built from a struct pw_perf or read back from
 * a perf JSON file (report/perf_json.h); the tables `planwise run -v` prints;
 * and the comparison with a baseline behind --baseline / --target-improvement. */
#ifndef PW_REPORT_PERF_REPORT_H
#define PW_REPORT_PERF_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/perf.h"

/* Where the run ran. */
struct pw_perf_machine {
    int cores;                      /* online CPUs */
    uint64_t memory_bytes;          /* physical memory */
    char cpu_model[128];
    char kernel[128];               /* "Linux 6.1.0 x86_64" */
    char compiler[128];             /* "gcc 12.2.0" */
    char planwise_version[32];
    char duckdb_version[32];        /* "v1.4.4" */
};

/* What the run did, end to end (census load to the closed database). */
struct pw_perf_run {
    char scenario[72];
    uint64_t seed;
    int first_year, last_year;
    int threads;
    uint64_t employees;             /* starting census roster */
    uint64_t employee_years;        /* sum of the starting headcounts of the years */
    uint64_t event_rows, snapshot_rows;
    uint64_t output_rows;           /* events + snapshot rows */
    double wall_seconds;            /* whole run */
    double cpu_seconds;             /* process CPU time of the whole run */
    uint64_t peak_rss_bytes;
};

/* One stage, summed over the run (year 0) or in one year. */
struct pw_perf_row {
    char name[PW_PERF_NAME_MAX + 1];
    int year;                       /* PW_PERF_NO_YEAR for run totals */
    uint64_t calls;
    double wall_seconds, cpu_seconds;
    uint64_t rows;
    uint64_t peak_rss_bytes;
};

struct pw_perf_report {
    struct pw_perf_machine machine;
    struct pw_perf_run run;
    struct pw_perf_row *stages;     /* run totals, in the monitor's order */
    size_t stage_count;
    struct pw_perf_row *years;      /* per-year rows, by stage then year */
    size_t year_count;
};

/* Machine facts of this process (cores, memory, /proc, uname, compiler, the
 * DuckDB library's version); planwise_version is copied in. */
void pw_perf_machine_read(struct pw_perf_machine *m, const char *planwise_version);

/* Copies machine, run and the monitor's stages into r (zeroed first).
 * Returns 0 or PW_ENOMEM. */
int pw_perf_report_build(struct pw_perf_report *r, const struct pw_perf *perf, const struct pw_perf_machine *machine,
                         const struct pw_perf_run *run);
void pw_perf_report_release(struct pw_perf_report *r);

/* rows / seconds, 0 when seconds is not positive. */
double pw_perf_rate(double rows, double seconds);

/* The summary table: stage, calls, wall s, CPU s, rows, rows/s, peak RSS, and a
 * total line for the whole run. */
/* models false leaves out the one-row-per-SQL-model stages ("model:<name>"). */
void pw_perf_report_print(const struct pw_perf_report *r, FILE *out, bool models);
/* Per-year detail: wall seconds of each stage in each year (blocks of 8 years). */
void pw_perf_report_print_years(const struct pw_perf_report *r, FILE *out);

/* One line of a baseline comparison. */
struct pw_perf_change {
    char name[PW_PERF_NAME_MAX + 1];
    bool in_old, in_new;            /* stage recorded in the baseline / in this run */
    double old_seconds, new_seconds;/* wall seconds, 0 when absent */
};

struct pw_perf_comparison {
    struct pw_perf_change *stages;  /* this run's stages in order, then the baseline's others */
    size_t count;
    double old_seconds, new_seconds;/* whole-run wall seconds */
};

/* Matches stages by name. Returns 0 or PW_ENOMEM. */
int pw_perf_compare(const struct pw_perf_report *old, const struct pw_perf_report *now, struct pw_perf_comparison *c);
void pw_perf_comparison_release(struct pw_perf_comparison *c);
/* Change of new against old in percent, (new - old) / old * 100: negative is
 * faster. NAN when old is not positive. */
double pw_perf_change_pct(double old_seconds, double new_seconds);
/* Overall improvement in percent, (old - new) / old * 100 of the whole-run wall
 * time: positive is faster. NAN when the baseline time is not positive. */
double pw_perf_improvement_pct(const struct pw_perf_comparison *c);
/* The comparison table (stage, old s, new s, change) and an overall line. */
void pw_perf_comparison_print(const struct pw_perf_comparison *c, const char *baseline_path, FILE *out);
/* True when the overall improvement is at least target_pct percent; otherwise
 * false, with the reason (improvement found, times, time needed) in why. */
bool pw_perf_target_met(const struct pw_perf_comparison *c, double target_pct, char *why, size_t size);
/* Describes what differs between the two runs' workloads (employees, years,
 * threads, machine) so the caller can warn that the figures may not be
 * comparable; false (why empty) when they match. */
bool pw_perf_workload_differs(const struct pw_perf_report *old, const struct pw_perf_report *now, char *why,
                              size_t size);

#endif
