/* run_report.c: per-year summary rows and their printing. */
#include "cli/run_report.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/num.h"
#include "core/textbuf.h"

void pw_run_report_init(struct pw_run_report *r, const struct pw_config *cfg, size_t roster_size)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    r->roster_size = roster_size;
    int n = cfg->end_year - cfg->start_year + 1;
    r->years = calloc((size_t)(n > 0 ? n : 1), sizeof *r->years);
}

void pw_run_report_release(struct pw_run_report *r)
{
    free(r->years);
    memset(r, 0, sizeof *r);
}

void pw_run_report_add_year(struct pw_run_report *r, const struct pw_sim *sim)
{
    if (!r->years) return;
    const struct pw_year *y = &sim->year;
    struct pw_year_summary *s = &r->years[r->year_count++];
    memset(s, 0, sizeof *s);
    s->year = y->year;
    s->start = (int64_t)y->n_roster;
    s->hires = (int64_t)(y->n_pop - y->n_roster);
    s->target = y->needs.target_ending_headcount;
    for (size_t row = 0; row < y->n_pop; row++) {
        if (y->term_kind[row] == PW_TERM_EXPERIENCED) s->terminations++;
        else if (y->term_kind[row] == PW_TERM_NEW_HIRE) s->nh_terminations++;
        if (y->promo_date[row] != PW_NO_DATE && row < y->n_roster) s->promotions++;
        s->payroll_cents += pw_cents(y->prorated_comp[row]);
    }
    s->end = s->start + s->hires - s->terminations - s->nh_terminations;
    for (size_t row = 0; row < y->n_pop; row++) {
        struct pw_plan_snapshot ps;
        pw_plan_year_snapshot(&sim->plan, row, &sim->wf, row, &ps);
        if (sim->plan.elig_status[row] == PW_PLAN_ELIGIBLE) s->eligible++;
        if (ps.current_deferral_rate > 0) {
            s->participating++;
            s->deferral_rate_sum += ps.current_deferral_rate;
        }
        s->deferral_cents += pw_cents(sim->money.deferrals[row]);
        s->match_cents += pw_cents(sim->money.match[row]);
        s->core_cents += pw_cents(sim->money.core[row]);
        s->forfeiture_cents += pw_cents(sim->money.forfeit_total[row]);
    }
    pw_debug("year %d: start %lld, hires %lld, terminations %lld, new-hire terminations %lld, end %lld", s->year,
             (long long)s->start, (long long)s->hires, (long long)s->terminations, (long long)s->nh_terminations,
             (long long)s->end);
}

void pw_run_report_print(const struct pw_run_report *r, const struct pw_sim *sim, const char *db_path, FILE *out)
{
    const struct pw_config *c = r->cfg;
    fprintf(out, "planwise %s: scenario '%s', seed %llu, years %d-%d, %zu employees in the census roster\n\n",
            PW_VERSION, c->scenario_id, (unsigned long long)c->random_seed, c->start_year, c->end_year,
            r->roster_size);
    fprintf(out, "%4s  %9s  %8s  %8s  %8s  %10s  %9s  %9s  %17s\n", "year", "start", "hires", "terms", "nh_terms",
            "promotions", "end", "target", "payroll");
    char b[9][40];
    for (int i = 0; i < r->year_count; i++) {
        const struct pw_year_summary *s = &r->years[i];
        fprintf(out, "%4d  %9s  %8s  %8s  %8s  %10s  %9s  %9s  %17s\n", s->year, pw_fmt_grouped(s->start, b[0], 40),
                pw_fmt_grouped(s->hires, b[1], 40), pw_fmt_grouped(s->terminations, b[2], 40), pw_fmt_grouped(s->nh_terminations, b[3], 40),
                pw_fmt_grouped(s->promotions, b[4], 40), pw_fmt_grouped(s->end, b[5], 40), pw_fmt_grouped(s->target, b[6], 40),
                pw_fmt_grouped((s->payroll_cents + 50) / 100, b[7], 40));
    }
    fprintf(out, "\n%4s  %9s  %9s  %6s  %8s  %15s  %15s  %15s  %13s\n", "year", "eligible", "particip.", "rate",
            "avg_defer", "deferrals", "match", "core", "forfeitures");
    for (int i = 0; i < r->year_count; i++) {
        const struct pw_year_summary *s = &r->years[i];
        char rate[16], defer[16];
        snprintf(rate, sizeof rate, "%.1f%%", s->eligible ? 100.0 * (double)s->participating / (double)s->eligible : 0.0);
        snprintf(defer, sizeof defer, "%.2f%%", s->participating ? 100.0 * s->deferral_rate_sum / (double)s->participating : 0.0);
        fprintf(out, "%4d  %9s  %9s  %6s  %8s  %15s  %15s  %15s  %13s\n", s->year, pw_fmt_grouped(s->eligible, b[0], 40),
                pw_fmt_grouped(s->participating, b[1], 40), rate, defer, pw_fmt_grouped((s->deferral_cents + 50) / 100, b[2], 40),
                pw_fmt_grouped((s->match_cents + 50) / 100, b[3], 40), pw_fmt_grouped((s->core_cents + 50) / 100, b[4], 40),
                pw_fmt_grouped((s->forfeiture_cents + 50) / 100, b[5], 40));
    }
    double emp_years = 0;
    for (int i = 0; i < r->year_count; i++) emp_years += (double)r->years[i].start;
    fprintf(out, "\nwrote %s events and %s snapshot rows to '%s' in %.2f s (%.0f employee-years/s)\n",
            pw_fmt_grouped((int64_t)sim->total_events, b[0], 40), pw_fmt_grouped((int64_t)sim->total_snapshot_rows, b[1], 40),
            db_path, r->total_seconds, r->total_seconds > 0 ? emp_years / r->total_seconds : 0.0);
    fprintf(out, "tables: fct_yearly_events, fct_workforce_snapshot, fct_employer_match_events, fct_workforce_needs, "
                 "fct_workforce_needs_by_level, run_metadata%s\n",
            r->rejected_rows ? ", census_rejected_rows" : "");
    fprintf(out, "try: planwise query --db %s \"SELECT simulation_year, count(*) FROM fct_workforce_snapshot "
                 "WHERE employment_status = 'active' GROUP BY ALL ORDER BY 1\"\n",
            db_path);
}

void pw_run_report_timings_json(const struct pw_perf *perf, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "{");
    struct pw_perf_stat st;
    for (int i = 0; n < size && pw_perf_total(perf, i, &st); i++)
        n += (size_t)snprintf(buf + n, size - n, "%s\"%s\": %.6f", i ? ", " : "", st.name, st.wall_seconds);
    if (n < size) snprintf(buf + n, size - n, "}");
}
