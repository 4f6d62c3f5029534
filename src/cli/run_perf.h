/* run_perf.h: the performance options of `planwise run` (--perf-json,
 * --baseline, --target-improvement) and what the run does with its monitor at
 * the end: the -v tables, the JSON file, the baseline comparison and the
 * target check. Kept apart from cmd_run.c, which only calls these hooks. */
#ifndef PW_CLI_RUN_PERF_H
#define PW_CLI_RUN_PERF_H

#include <stdbool.h>

#include "core/err.h"
#include "core/perf.h"
#include "report/perf_report.h"

enum {
    PW_RUN_OPT_PERF_JSON = 0x1000,   /* getopt codes of the options below */
    PW_RUN_OPT_BASELINE,
    PW_RUN_OPT_TARGET,
};

/* The getopt_long entries, spliced into the run command's table. */
#define PW_RUN_PERF_LONGOPTS                                                     \
    {"perf-json", required_argument, 0, PW_RUN_OPT_PERF_JSON},                   \
    {"baseline", required_argument, 0, PW_RUN_OPT_BASELINE},                     \
    {"target-improvement", required_argument, 0, PW_RUN_OPT_TARGET}

/* Usage lines for the run command's help. */
#define PW_RUN_PERF_USAGE                                                                      \
    "      --perf-json FILE     write the performance record (stages, machine, run) as JSON\n" \
    "      --baseline FILE      compare this run's stage times with an earlier --perf-json\n"  \
    "      --target-improvement PCT\n"                                                         \
    "                           with --baseline: exit 1 unless the run is at least PCT\n"      \
    "                           percent faster than the baseline (negative: a tolerated\n"     \
    "                           slowdown)\n"

struct pw_run_perf {
    const char *json_path;           /* --perf-json, or NULL */
    const char *baseline_path;       /* --baseline, or NULL */
    double target_pct;               /* --target-improvement, percent */
    bool target_set;
    struct pw_perf_report baseline;  /* read by pw_run_perf_prepare */
    bool baseline_loaded;
};

/* Handles one of the options above (c is its getopt code); returns 0, or the
 * usage-error exit code after printing the message. */
int pw_run_perf_option(struct pw_run_perf *p, int c, const char *value);
/* Cross-option checks after parsing; 0 or the usage-error exit code. */
int pw_run_perf_check_options(const struct pw_run_perf *p);
/* Before the run: reads the baseline and checks the JSON output's folder, so a
 * bad file fails before minutes of simulation. Returns 0 or a PW_E* code. */
int pw_run_perf_prepare(struct pw_run_perf *p, struct pw_err *err);
/* After the run: prints the stage summary and per-year detail (-v), writes the
 * JSON, prints the comparison with the baseline (unless -q) and checks the target.
 * Returns the exit code: 0, or 1 when writing fails or the target is missed
 * (with the reason printed on stderr). */
int pw_run_perf_finish(struct pw_run_perf *p, const struct pw_perf *perf, const struct pw_perf_run *run,
                       const char *planwise_version);
void pw_run_perf_release(struct pw_run_perf *p);

#endif
