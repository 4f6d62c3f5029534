/* run_perf.c: --perf-json, --baseline and --target-improvement of `planwise run`. */
#include "cli/run_perf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/log.h"
#include "report/perf_json.h"

int pw_run_perf_option(struct pw_run_perf *p, int c, const char *value)
{
    switch (c) {
    case PW_RUN_OPT_PERF_JSON:
        if (!*value) return pw_cli_usage_error("run", "invalid --perf-json '' (expected a file name)");
        p->json_path = value;
        return 0;
    case PW_RUN_OPT_BASELINE:
        if (!*value) return pw_cli_usage_error("run", "invalid --baseline '' (expected a perf JSON file)");
        p->baseline_path = value;
        return 0;
    case PW_RUN_OPT_TARGET: {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        if (!*value || *end || errno || !isfinite(v) || v < -100 || v >= 100)
            return pw_cli_usage_error("run",
                                      "invalid --target-improvement '%s' (expected a percentage from -100 to "
                                      "below 100, e.g. 20)",
                                      value);
        p->target_pct = v;
        p->target_set = true;
        return 0;
    }
    default: return pw_cli_usage_error("run", "unknown performance option");
    }
}

int pw_run_perf_check_options(const struct pw_run_perf *p)
{
    if (p->target_set && !p->baseline_path)
        return pw_cli_usage_error("run", "--target-improvement needs --baseline FILE to compare with");
    return 0;
}

int pw_run_perf_prepare(struct pw_run_perf *p, struct pw_err *err)
{
    if (p->baseline_path) {
        int rc = pw_perf_json_read(p->baseline_path, &p->baseline, err);
        if (rc) {
            pw_err_prefix(err, "baseline: ");
            return rc;
        }
        p->baseline_loaded = true;
    }
    if (p->json_path) {
        /* The file is written after the run; its folder must be there now. */
        char dir[4096];
        const char *slash = strrchr(p->json_path, '/');
        if (!slash) snprintf(dir, sizeof dir, ".");
        else if (slash == p->json_path) snprintf(dir, sizeof dir, "/");
        else snprintf(dir, sizeof dir, "%.*s", (int)(slash - p->json_path), p->json_path);
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            return pw_err_set(err, PW_EIO, "cannot write '%s': folder '%s' does not exist", p->json_path, dir);
        if (access(dir, W_OK | X_OK) != 0)
            return pw_err_set(err, PW_EIO, "cannot write '%s': folder '%s': %s", p->json_path, dir, strerror(errno));
    }
    return 0;
}

int pw_run_perf_finish(struct pw_run_perf *p, const struct pw_perf *perf, const struct pw_perf_run *run,
                       const char *planwise_version)
{
    bool verbose = pw_log_verbosity() >= PW_VERBOSE, quiet = pw_log_verbosity() < PW_NORMAL;
    if (quiet && !p->json_path && !p->baseline_loaded) return PW_EXIT_OK;
    struct pw_perf_machine machine;
    pw_perf_machine_read(&machine, planwise_version);
    struct pw_perf_report now;
    struct pw_err err = {0};
    if (pw_perf_report_build(&now, perf, &machine, run) != 0) {
        pw_error("out of memory for the performance report");
        return PW_EXIT_ERROR;
    }
    int code = PW_EXIT_OK;
    if (!quiet) {
        /* The stage table ends a run's report; -v adds each model and each year. */
        printf("\nperformance by stage:\n");
        pw_perf_report_print(&now, stdout, verbose);
        if (verbose) {
            printf("\n");
            pw_perf_report_print_years(&now, stdout);
        }
    }
    if (p->json_path) {
        if (pw_perf_json_write(p->json_path, &now, &err) != 0) {
            code = pw_cli_fail(&err);
        } else if (!quiet) {
            printf("%sperformance record written to '%s'\n", verbose ? "\n" : "", p->json_path);
        }
    }
    if (p->baseline_loaded) {
        struct pw_perf_comparison cmp;
        if (pw_perf_compare(&p->baseline, &now, &cmp) != 0) {
            pw_error("out of memory comparing with the baseline");
            pw_perf_report_release(&now);
            return PW_EXIT_ERROR;
        }
        char why[512];
        if (pw_perf_workload_differs(&p->baseline, &now, why, sizeof why))
            pw_warn("baseline '%s' measured another workload (%s); the comparison may mislead", p->baseline_path, why);
        if (!quiet) {
            printf("\n");
            pw_perf_comparison_print(&cmp, p->baseline_path, stdout);
        }
        if (p->target_set) {
            if (pw_perf_target_met(&cmp, p->target_pct, why, sizeof why)) {
                if (!quiet) printf("target: an improvement of at least %.1f%%: met\n", p->target_pct);
            } else {
                pw_error("performance target missed against baseline '%s': %s", p->baseline_path, why);
                code = PW_EXIT_ERROR;
            }
        }
        pw_perf_comparison_release(&cmp);
    }
    pw_perf_report_release(&now);
    return code;
}

void pw_run_perf_release(struct pw_run_perf *p)
{
    if (p->baseline_loaded) pw_perf_report_release(&p->baseline);
    p->baseline_loaded = false;
}
