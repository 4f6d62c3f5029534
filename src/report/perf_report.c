/* perf_report.c: building, printing and comparing performance records. */
#include "report/perf_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/sysinfo.h"
#include "core/textbuf.h"
#include "io/db.h"

void pw_perf_machine_read(struct pw_perf_machine *m, const char *planwise_version)
{
    memset(m, 0, sizeof *m);
    struct pw_sysinfo si;
    pw_sysinfo_read(&si);
    m->cores = si.cores;
    m->memory_bytes = si.memory_bytes;
    snprintf(m->cpu_model, sizeof m->cpu_model, "%s", si.cpu_model);
    snprintf(m->kernel, sizeof m->kernel, "%s", si.kernel);
    snprintf(m->compiler, sizeof m->compiler, "%s", si.compiler);
    snprintf(m->planwise_version, sizeof m->planwise_version, "%s", planwise_version ? planwise_version : "");
    snprintf(m->duckdb_version, sizeof m->duckdb_version, "%s", pw_db_library_version());
}

static void row_from(struct pw_perf_row *row, const struct pw_perf_stat *st)
{
    memset(row, 0, sizeof *row);
    snprintf(row->name, sizeof row->name, "%s", st->name);
    row->year = st->year;
    row->calls = st->calls;
    row->wall_seconds = st->wall_seconds;
    row->cpu_seconds = st->cpu_seconds;
    row->rows = st->rows;
    row->peak_rss_bytes = st->peak_rss_bytes;
}

int pw_perf_report_build(struct pw_perf_report *r, const struct pw_perf *perf, const struct pw_perf_machine *machine,
                         const struct pw_perf_run *run)
{
    memset(r, 0, sizeof *r);
    if (machine) r->machine = *machine;
    if (run) r->run = *run;
    int n = pw_perf_stage_count(perf);
    int first = pw_perf_first_year(perf), last = pw_perf_last_year(perf);
    size_t years = last >= first ? (size_t)(last - first + 1) : 0;
    if (n == 0) return 0;
    r->stages = calloc((size_t)n, sizeof *r->stages);
    r->years = calloc((size_t)n * (years + 1), sizeof *r->years);
    if (!r->stages || !r->years) {
        pw_perf_report_release(r);
        return PW_ENOMEM;
    }
    struct pw_perf_stat st;
    for (int s = 0; s < n; s++) {
        if (!pw_perf_total(perf, s, &st)) continue;
        row_from(&r->stages[r->stage_count++], &st);
        for (int y = first; y <= last; y++)
            if (pw_perf_year(perf, s, y, &st)) row_from(&r->years[r->year_count++], &st);
    }
    return 0;
}

void pw_perf_report_release(struct pw_perf_report *r)
{
    free(r->stages);
    free(r->years);
    r->stages = r->years = NULL;
    r->stage_count = r->year_count = 0;
}

double pw_perf_rate(double rows, double seconds) { return seconds > 0 ? rows / seconds : 0; }

static const char *mib(uint64_t bytes, char *buf, size_t size)
{
    char n[40];
    snprintf(buf, size, "%s MiB", pw_fmt_grouped((long long)((bytes + (1u << 19)) >> 20), n, sizeof n));
    return buf;
}

static void print_row(FILE *out, const char *name, const char *calls, double wall, double cpu, uint64_t rows,
                      uint64_t rss)
{
    char r[40], rate[40], m[48];
    fprintf(out, "%-24s %6s %9.3f %9.3f %13s %12s %10s\n", name, calls, wall, cpu,
            pw_fmt_grouped((long long)rows, r, sizeof r),
            rows ? pw_fmt_grouped(llround(pw_perf_rate((double)rows, wall)), rate, sizeof rate) : "-",
            mib(rss, m, sizeof m));
}

void pw_perf_report_print(const struct pw_perf_report *r, FILE *out, bool models)
{
    fprintf(out, "%-24s %6s %9s %9s %13s %12s %10s\n", "stage", "calls", "wall s", "CPU s", "rows", "rows/s",
            "peak RSS");
    for (size_t i = 0; i < r->stage_count; i++) {
        const struct pw_perf_row *s = &r->stages[i];
        if (!models && strncmp(s->name, "model:", 6) == 0) continue;
        char calls[24];
        snprintf(calls, sizeof calls, "%llu", (unsigned long long)s->calls);
        print_row(out, s->name, calls, s->wall_seconds, s->cpu_seconds, s->rows, s->peak_rss_bytes);
    }
    print_row(out, "run (output rows)", "", r->run.wall_seconds, r->run.cpu_seconds, r->run.output_rows,
              r->run.peak_rss_bytes);
    fprintf(out, "CPU s is process CPU time (all threads); peak RSS is the high-water mark at the end of the stage.\n");
}

void pw_perf_report_print_years(const struct pw_perf_report *r, FILE *out)
{
    int first = r->run.first_year, last = r->run.last_year;
    for (int y0 = first; y0 <= last; y0 += 8) {
        int y1 = y0 + 7 < last ? y0 + 7 : last;
        fprintf(out, "%-24s", "wall s by year");
        for (int y = y0; y <= y1; y++) fprintf(out, " %8d", y);
        fputc('\n', out);
        for (size_t i = 0; i < r->stage_count; i++) {
            const char *name = r->stages[i].name;
            bool any = false;
            for (size_t k = 0; k < r->year_count && !any; k++)
                any = r->years[k].year >= y0 && r->years[k].year <= y1 && strcmp(r->years[k].name, name) == 0;
            if (!any) continue;
            fprintf(out, "%-24s", name);
            for (int y = y0; y <= y1; y++) {
                const struct pw_perf_row *hit = NULL;
                for (size_t k = 0; k < r->year_count && !hit; k++)
                    if (r->years[k].year == y && strcmp(r->years[k].name, name) == 0) hit = &r->years[k];
                if (hit) fprintf(out, " %8.3f", hit->wall_seconds);
                else fprintf(out, " %8s", "-");
            }
            fputc('\n', out);
        }
    }
}

/* ---- comparison with a baseline ------------------------------------------- */

static const struct pw_perf_row *find_stage(const struct pw_perf_report *r, const char *name)
{
    for (size_t i = 0; i < r->stage_count; i++)
        if (strcmp(r->stages[i].name, name) == 0) return &r->stages[i];
    return NULL;
}

int pw_perf_compare(const struct pw_perf_report *old, const struct pw_perf_report *now, struct pw_perf_comparison *c)
{
    memset(c, 0, sizeof *c);
    c->old_seconds = old->run.wall_seconds;
    c->new_seconds = now->run.wall_seconds;
    size_t cap = old->stage_count + now->stage_count;
    if (cap == 0) return 0;
    c->stages = calloc(cap, sizeof *c->stages);
    if (!c->stages) return PW_ENOMEM;
    for (size_t i = 0; i < now->stage_count; i++) {
        struct pw_perf_change *ch = &c->stages[c->count++];
        const struct pw_perf_row *o = find_stage(old, now->stages[i].name);
        snprintf(ch->name, sizeof ch->name, "%s", now->stages[i].name);
        ch->in_new = true;
        ch->new_seconds = now->stages[i].wall_seconds;
        ch->in_old = o != NULL;
        ch->old_seconds = o ? o->wall_seconds : 0;
    }
    for (size_t i = 0; i < old->stage_count; i++) {
        if (find_stage(now, old->stages[i].name)) continue;
        struct pw_perf_change *ch = &c->stages[c->count++];
        snprintf(ch->name, sizeof ch->name, "%s", old->stages[i].name);
        ch->in_old = true;
        ch->old_seconds = old->stages[i].wall_seconds;
    }
    return 0;
}

void pw_perf_comparison_release(struct pw_perf_comparison *c)
{
    free(c->stages);
    memset(c, 0, sizeof *c);
}

double pw_perf_change_pct(double old_seconds, double new_seconds)
{
    return old_seconds > 0 ? (new_seconds - old_seconds) / old_seconds * 100.0 : NAN;
}

double pw_perf_improvement_pct(const struct pw_perf_comparison *c)
{
    return c->old_seconds > 0 ? (c->old_seconds - c->new_seconds) / c->old_seconds * 100.0 : NAN;
}

static const char *pct_text(double pct, char *buf, size_t size)
{
    if (isnan(pct)) snprintf(buf, size, "-");
    else snprintf(buf, size, "%+.1f%%", pct);
    return buf;
}

void pw_perf_comparison_print(const struct pw_perf_comparison *c, const char *baseline_path, FILE *out)
{
    char a[32], b[32], p[32];
    fprintf(out, "%-24s %9s %9s %9s   (wall seconds; baseline '%s')\n", "stage", "old s", "new s", "change",
            baseline_path);
    for (size_t i = 0; i < c->count; i++) {
        const struct pw_perf_change *ch = &c->stages[i];
        if (ch->in_old) snprintf(a, sizeof a, "%.3f", ch->old_seconds);
        else snprintf(a, sizeof a, "-");
        if (ch->in_new) snprintf(b, sizeof b, "%.3f", ch->new_seconds);
        else snprintf(b, sizeof b, "-");
        double pct = ch->in_old && ch->in_new ? pw_perf_change_pct(ch->old_seconds, ch->new_seconds) : NAN;
        fprintf(out, "%-24s %9s %9s %9s\n", ch->name, a, b, pct_text(pct, p, sizeof p));
    }
    fprintf(out, "%-24s %9.3f %9.3f %9s\n", "run", c->old_seconds, c->new_seconds,
            pct_text(pw_perf_change_pct(c->old_seconds, c->new_seconds), p, sizeof p));
    double imp = pw_perf_improvement_pct(c);
    if (isnan(imp)) fprintf(out, "overall: no comparison (the baseline's run time is 0)\n");
    else if (imp >= 0) fprintf(out, "overall: %.1f%% faster than the baseline (%.3f s -> %.3f s)\n", imp, c->old_seconds, c->new_seconds);
    else fprintf(out, "overall: %.1f%% slower than the baseline (%.3f s -> %.3f s)\n", -imp, c->old_seconds, c->new_seconds);
}

bool pw_perf_target_met(const struct pw_perf_comparison *c, double target_pct, char *why, size_t size)
{
    double imp = pw_perf_improvement_pct(c);
    if (why && size) why[0] = '\0';
    if (isnan(imp)) {
        if (why) snprintf(why, size, "the baseline's run time is %.3f s, so no improvement can be measured",
                          c->old_seconds);
        return false;
    }
    if (imp >= target_pct) return true;
    if (why)
        snprintf(why, size,
                 "overall improvement %.1f%% is short of the target %.1f%% (%.3f s -> %.3f s; the target needs at "
                 "most %.3f s)",
                 imp, target_pct, c->old_seconds, c->new_seconds, c->old_seconds * (1.0 - target_pct / 100.0));
    return false;
}

bool pw_perf_workload_differs(const struct pw_perf_report *old, const struct pw_perf_report *now, char *why,
                              size_t size)
{
    size_t n = 0;
    why[0] = '\0';
#define DIFF(...)                                                                              \
    do {                                                                                       \
        if (n < size) {                                                                        \
            int w_ = snprintf(why + n, size - n, "%s", n ? ", " : "");                         \
            if (w_ > 0) n += (size_t)w_;                                                       \
            if (n < size && (w_ = snprintf(why + n, size - n, __VA_ARGS__)) > 0) n += (size_t)w_; \
        }                                                                                      \
    } while (0)
    const struct pw_perf_run *a = &old->run, *b = &now->run;
    if (a->employees != b->employees)
        DIFF("employees %llu vs %llu", (unsigned long long)a->employees, (unsigned long long)b->employees);
    if (a->first_year != b->first_year || a->last_year != b->last_year)
        DIFF("years %d-%d vs %d-%d", a->first_year, a->last_year, b->first_year, b->last_year);
    if (a->threads != b->threads) DIFF("threads %d vs %d", a->threads, b->threads);
    if (old->machine.cores != now->machine.cores || strcmp(old->machine.cpu_model, now->machine.cpu_model) != 0)
        DIFF("machine %d x '%s' vs %d x '%s'", old->machine.cores, old->machine.cpu_model, now->machine.cores,
             now->machine.cpu_model);
#undef DIFF
    if (n >= size && size > 0) why[size - 1] = '\0';
    return n > 0;
}
