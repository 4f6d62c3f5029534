/* run_compliance.c: the compliance step of `planwise run` after the last year: the
 * nondiscrimination and limit tests of the scenario just simulated, with the run's
 * own configuration and assumption tables (io/compliance.h), and one summary line.
 * Failed tests are results, not errors; only a failure to compute them gives exit
 * code 1, and the simulation outputs stay. A run that simulated every year computed
 * the tests from its years in memory (run_simulate.c) and only writes them here. A run without the tests removes the
 * scenario's earlier ones, which belonged to the run it replaced, and leaves the
 * tables in place (empty of the scenario) for SQL that joins them. */
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/run_int.h"
#include "core/log.h"
#include "core/textbuf.h"
#include "io/compliance.h"

int pw__run_compliance(const struct run_options *o, struct run_state *s, bool compute)
{
    struct pw_err err = {0};
    struct pw_db *db;
    struct pw_db_options dbo;
    pw__run_db_options(&s->cfg, o, &dbo);
    int rc = pw_db_open(&db, o->db, &dbo, &err);
    if (rc) return pw_cli_fail(&err);
    if (!compute) {   /* the scenario was replaced: its earlier tests no longer apply; the tables stay */
        rc = pw_compliance_forget(db, s->cfg.scenario_id, &err);
        pw_db_close(db);
        return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
    }
    struct pw_compliance_outcome out;
    struct pw_perf_mark mark = pw_perf_start();
    /* Tests computed during the run are written; a resumed or branched run's are
     * computed from the stored outputs. */
    if (s->compliance) rc = pw_compliance_run_write(s->compliance, db, &out, &err);
    else rc = pw_compliance_build(db, s->cfg.scenario_id, &s->cfg, &s->tables, &out, &err);
    pw_perf_record_named(s->perf, "compliance", PW_PERF_NO_YEAR, mark, 0);
    pw_db_close(db);
    if (rc) {
        fprintf(stderr, "planwise: compliance tests: %s; the simulation results in '%s' are complete and kept\n",
                err.msg, o->db);
        return PW_EXIT_ERROR;
    }
    if (pw_log_verbosity() >= PW_NORMAL) {
        char cost[40], corrected[64] = "";
        if (out.failed > 0) snprintf(corrected, sizeof corrected, " (%zu pass after the modelled correction)", out.corrected);
        printf("compliance: %d-%d, %zu tests, %zu failed%s, top-heavy in %zu year%s, employer cost of corrections $%s "
               "('planwise compliance --db %s --scenario %s' for the table)\n",
               out.first_year, out.last_year, out.tests, out.failed, corrected, out.top_heavy_years,
               out.top_heavy_years == 1 ? "" : "s", pw_fmt_grouped((long long)(out.correction_cost + 0.5), cost, sizeof cost),
               o->db, s->cfg.scenario_id);
    }
    return PW_EXIT_OK;
}
