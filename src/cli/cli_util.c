/* cli_util.c: option-value parsing, error printing and the year handed to the
 * output writer, shared by the commands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/output.h"
#include "sim/sim.h"

int pw_cli_usage_error(const char *command, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "planwise: %s\n", msg);
    fprintf(stderr, "Try 'planwise %s%s--help' for more information.\n", command ? command : "",
            command ? " " : "");
    return PW_EXIT_USAGE;
}

int pw_cli_fail(const struct pw_err *err)
{
    fprintf(stderr, "planwise: %s\n", err->msg[0] ? err->msg : pw_status_text(err->code));
    return err->code ? pw_status_exit_code(err->code) : PW_EXIT_ERROR;
}

bool pw_cli_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    if (!text || !*text) return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool pw_cli_parse_u64(const char *text, uint64_t hi, uint64_t *out)
{
    if (!text || !*text || *text == '-' || *text == '+') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > hi) return false;
    *out = v;
    return true;
}

bool pw_cli_parse_years(const char *text, int *first, int *last)
{
    int64_t a, b;
    const char *dash = text ? strchr(text, '-') : NULL;
    if (!dash) {
        if (!pw_cli_parse_i64(text, 1900, 2200, &a)) return false;
        *first = *last = (int)a;
        return true;
    }
    char head[32];
    size_t n = (size_t)(dash - text);
    if (n == 0 || n >= sizeof head) return false;
    memcpy(head, text, n);
    head[n] = '\0';
    if (!pw_cli_parse_i64(head, 1900, 2200, &a) || !pw_cli_parse_i64(dash + 1, 1900, 2200, &b) || b < a)
        return false;
    *first = (int)a, *last = (int)b;
    return true;
}

void pw_cli_year_output(const struct pw_sim *sim, struct pw_year_output *yo)
{
    const struct pw_config *cfg = sim->cfg;
    *yo = (struct pw_year_output){
        .scenario_id = cfg->scenario_id,
        .tables = sim->tables,
        .chunks = sim->chunks,
        .chunk_count = sim->chunk_count,
        .levels = sim->levels,
        .growth_rate = cfg->target_growth_rate,
        .termination_rate = cfg->total_termination_rate,
        .new_hire_termination_rate = cfg->new_hire_termination_rate,
        .formula = cfg->plan.match_enabled ? sim->match_formula : NULL,
    };
    pw_sim_year_view(sim, &yo->view);
}
