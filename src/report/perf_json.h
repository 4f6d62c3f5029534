/* perf_json.h: a run's performance record as a JSON file (`planwise run
 * --perf-json FILE`) and reading one back (`--baseline FILE`).
 *
 * Layout (version 1; readers ignore keys they do not know):
 *
 *   {"format": "planwise-perf", "version": 1,
 *    "machine": {"cores", "memory_bytes", "cpu_model", "kernel", "compiler",
 *                "planwise_version", "duckdb_version"},
 *    "run": {"scenario", "seed", "first_year", "last_year", "years", "threads",
 *            "employees", "employee_years", "event_rows", "snapshot_rows",
 *            "output_rows", "wall_seconds", "cpu_seconds", "peak_rss_bytes",
 *            "employee_years_per_second", "rows_per_second"},
 *    "stages": [{"name", "calls", "wall_seconds", "cpu_seconds", "rows",
 *                "rows_per_second", "peak_rss_bytes",
 *                "years": [{"year", "calls", "wall_seconds", "cpu_seconds",
 *                           "rows", "peak_rss_bytes"}, ...]}, ...]}
 *
 * Seconds are wall or process-CPU seconds, sizes bytes, counts whole numbers. */
#ifndef PW_REPORT_PERF_JSON_H
#define PW_REPORT_PERF_JSON_H

#include <stdio.h>

#include "core/err.h"
#include "report/perf_report.h"

#define PW_PERF_JSON_FORMAT "planwise-perf"
#define PW_PERF_JSON_VERSION 1

/* Writes r as JSON to out. Returns 0 or PW_EIO. */
int pw_perf_json_print(const struct pw_perf_report *r, FILE *out);
/* Writes r to path through a temporary file in the same folder renamed into
 * place, so a reader never sees half a file. Returns 0 or PW_EIO naming path. */
int pw_perf_json_write(const char *path, const struct pw_perf_report *r, struct pw_err *err);

/* Reads a perf JSON file into r (release it with pw_perf_report_release).
 * Errors (PW_EIO) name the file and, for bad content, the line and column and
 * the field: not JSON, another format, an unsupported version, a missing field
 * or a value of the wrong type or range. */
int pw_perf_json_read(const char *path, struct pw_perf_report *r, struct pw_err *err);
/* The same from text in memory; name is used in messages. */
int pw_perf_json_parse(const char *text, size_t len, const char *name, struct pw_perf_report *r, struct pw_err *err);

#endif
