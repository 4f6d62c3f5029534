/* invariants.c: the engine's invariant checks (MODEL 7), a step of the year loop
 * between the events and the write: every invariant that can be judged from the
 * finished year (its arrays, its events and the state carried into it) is checked
 * on every run, so a year that breaks one is never handed to the writer.
 *
 * The rows are walked in output order over the fixed chunks of the events step, in
 * parallel; each chunk keeps its first violation and its counts, and the chunks are
 * combined in chunk order, so the violation reported (that of the lowest output
 * position) and everything else is the same for any number of threads. The
 * year-level invariants (1-4: headcounts, the solver, the level quotas) are judged
 * afterwards from the combined counts. A few numbers of each year are kept for the
 * next one (actives, by level, and the year's hires still active).
 *
 * The per-employee rules live in invariants_work.c and invariants_plan.c; the SQL
 * checks of models/checks stay the independent audit of the stored rows. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "sim/invariants_int.h"
#include "sim/plan_money.h"

static const char *const inv_names[21] = {
    "",
    "headcount continuity",
    "growth exactness",
    "solver",
    "quotas",
    "uniqueness",
    "nothing after termination",
    "event dates",
    "events unique and ordered",
    "promotions and raises",
    "new hires",
    "snapshot",
    "proration",
    "eligibility",
    "enrollment",
    "deferral rates",
    "contributions",
    "match",
    "core and 415(c)",
    "vesting",
    "ages, hours and HCE",
};

/* Results of one chunk of output positions. */
struct pw__inv_chunk {
    size_t bad_pos;                          /* first violating position, SIZE_MAX = none */
    uint32_t bad_row;                        /* the employee's row */
    struct pw__inv_report rep;               /* its report */
    int64_t hire_events, exp_term_events, nh_term_events;
    int64_t actives, hires_active;           /* rows active on Dec 31; of them, hires of Y */
    int64_t hires_by_level[PW_MAX_LEVELS + 1];   /* hire events by hire level */
    int64_t exp_by_level[PW_MAX_LEVELS + 1];     /* experienced terminations by start level */
    int64_t nh_by_level[PW_MAX_LEVELS + 1];      /* new-hire terminations by start level */
    int64_t actives_by_level[PW_MAX_LEVELS + 1]; /* actives by level at Dec 31 */
};

/* ---- reports ---- */

int pw__inv_fail(struct pw__inv_report *rep, int invariant, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->detail, sizeof rep->detail, fmt, ap);
    va_end(ap);
    rep->invariant = invariant;
    return invariant;
}

static char *ring_slot(void)
{
    static _Thread_local char ring[8][48];
    static _Thread_local unsigned next;
    return ring[next++ % 8];
}

const char *pw__inv_money(double x)
{
    char *out = ring_slot();
    if (!isfinite(x)) {
        snprintf(out, 48, "%g", x);
        return out;
    }
    char digits[40];
    snprintf(digits, sizeof digits, "%.2f", fabs(x));
    /* Thousands separators in the integer part: 23600.00 -> 23,600.00. */
    size_t int_len = strcspn(digits, "."), k = 0;
    if (x < 0 && pw_cents(x) != 0) out[k++] = '-';
    for (size_t i = 0; digits[i] && k < 46; i++) {
        if (i > 0 && i < int_len && (int_len - i) % 3 == 0) out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    return out;
}

const char *pw__inv_rate(double x)
{
    char *out = ring_slot();
    snprintf(out, 48, "%.6f", x);
    return out;
}

const char *pw__inv_date(pw_date d)
{
    char *out = ring_slot();
    if (d == PW_NO_DATE) snprintf(out, 48, "(none)");
    else pw_date_format(d, out);
    return out;
}

/* ---- per-year constants ---- */

static void ctx_init(struct pw__inv_ctx *cx, const struct pw_sim *sim)
{
    const struct pw_config *c = sim->cfg;
    const struct pw_plan_config *p = &c->plan;
    const struct pw_year *y = &sim->year;
    memset(cx, 0, sizeof *cx);
    cx->sim = sim;
    cx->cfg = c;
    cx->p = p;
    cx->t = sim->tables;
    cx->y = y;
    cx->wf = &sim->wf;
    cx->py = &sim->plan;
    cx->m = &sim->money;
    cx->year = y->year;
    cx->first_year = y->year == c->start_year;
    cx->legacy_before = sim->first_year > c->start_year ? pw_year_start(sim->first_year) : PW_NO_DATE;
    cx->start_jan1 = pw_year_start(c->start_year);
    cx->promo_day = pw_mmdd_in_year(c->promotion_mmdd, y->year);
    cx->merit_day = pw_mmdd_in_year(c->merit_mmdd, y->year);
    cx->calendar_raises = c->raise_timing_methodology == PW_RAISE_CALENDAR;
    cx->esc_day = pw_mmdd_in_year(p->esc_mmdd, y->year);
    cx->esc_enrolled_before = pw_year_start(y->year - p->esc_delay_years + 1);
    cx->yoy_day = pw_date_from_ymd(y->year, p->yoy_month, p->yoy_day);
    cx->ae_cutoff = p->ae_hire_date_cutoff != PW_NO_DATE ? p->ae_hire_date_cutoff
                    : p->ae_scope == PW_AE_NEW_HIRES_ONLY ? cx->start_jan1
                                                          : PW_NO_DATE;
    cx->irs = pw_tables_irs(sim->tables, y->year);
    cx->irs_prev = pw_tables_irs(sim->tables, y->year - 1);
    cx->formula = pw_plan_active_formula(p);
    cx->formula_max_share = cx->formula ? pw_match_max_share(cx->formula) : 0.0;
    cx->match_sched = pw_match_schedule(p, cx->formula, sim->tables);
    cx->core_sched = pw_core_schedule(p, sim->tables);
    cx->core_max_rate = pw_core_max_rate(p);
    const double s = c->nh_variance_enabled ? c->nh_variance_std_dev : 0.0;
    for (int l = 1; l <= sim->levels && l <= PW_MAX_LEVELS; l++) {
        double base = y->by_level.new_hire_base_compensation[l];
        cx->nh_lo[l] = pw_round2(base * exp(-3.0 * s - s * s / 2.0)) - 0.01;
        cx->nh_hi[l] = pw_round2(base * exp(3.0 * s - s * s / 2.0)) + 0.01;
    }
    for (int i = 0; i < 8; i++)
        cx->yoy_rate[i] = i < PW_AGE_GROUPS && !isnan(p->yoy_deferral_by_age[i]) ? p->yoy_deferral_by_age[i]
                                                                                : sim->tables->yoy_deferral_by_age[i];
}

/* ---- the walk over the rows ---- */

static void count_row(struct pw__inv_chunk *out, const struct pw__inv_ctx *cx, const struct pw__inv_row *w)
{
    const struct pw_year *y = cx->y;
    const int start = y->start_level[w->r], end = y->end_level[w->r];
    const bool in_range = start <= PW_MAX_LEVELS && end <= PW_MAX_LEVELS;
    for (int i = 0; i < w->nev; i++) {
        const struct pw_event *e = &w->ev[i];
        if (e->type == PW_EV_HIRE) {
            out->hire_events++;
            if (in_range) out->hires_by_level[start]++;
        } else if (e->type == PW_EV_TERMINATION) {
            bool nh = e->category == PW_CAT_NEW_HIRE_TERMINATION;
            *(nh ? &out->nh_term_events : &out->exp_term_events) += 1;
            if (in_range) (nh ? out->nh_by_level : out->exp_by_level)[start]++;
        }
    }
    if (y->term_kind[w->r] == PW_TERM_NONE) {
        out->actives++;
        if (w->hire_row) out->hires_active++;
        if (in_range) out->actives_by_level[end]++;
    }
}

/* The checks of one row, in invariant order: 5-12, 13-19, 20. */
typedef int (*row_check_fn)(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep);
static const row_check_fn row_checks[] = {pw__inv_row_workforce, pw__inv_row_plan, pw__inv_row_ages};

/* Facts of the row at output position pos whose events are ch->events[e0, e1). */
static void row_facts(const struct pw__inv_ctx *cx, const struct pw_event_chunk *ch, size_t pos, size_t e0, size_t e1,
                      struct pw__inv_row *w)
{
    const struct pw_year *y = cx->y;
    const struct pw_workforce *wf = cx->wf;
    const uint32_t r = y->order[pos];
    memset(w, 0, sizeof *w);
    w->pos = pos;
    w->r = r;
    w->hire_row = r >= y->n_roster;
    w->leaver = y->term_kind[r] != PW_TERM_NONE;
    w->hire = wf->hire_date[r];
    w->a = pw_year_interval_start(y, w->hire);
    w->b = pw_year_interval_end(y, r);
    w->legacy = cx->legacy_before != PW_NO_DATE && w->hire < cx->legacy_before;
    w->pre_enrolled = wf->is_census[r] && wf->enrollment_method[r] == PW_ENROLL_CENSUS;
    w->ev = ch->events + e0;
    w->nev = (int)(e1 - e0);
    memset(w->at, -1, sizeof w->at);
    for (int i = 0; i < w->nev; i++) {
        const int type = w->ev[i].type;
        if (type <= 0 || type >= PW_EV_TYPE_COUNT) continue;   /* reported by invariant 8 */
        if (w->at[type] < 0) w->at[type] = (signed char)i;
        if (w->n_of[type] < UCHAR_MAX) w->n_of[type]++;
    }
}

/* One chunk of output positions: first the events of each position and the
 * counts, then each group of checks over the rows before the first violation
 * found so far. Running the groups one after another keeps each pass to a third
 * of the year's arrays, which the hardware streams far better than all of them at
 * once; the outcome is that of checking row by row in invariant order (the lowest
 * position wins, and on one row the lowest invariant). */
static void chunk_fn(void *vctx, size_t chunk, int worker)
{
    (void)worker;
    const struct pw__inv_ctx *cx = vctx;
    const struct pw_sim *sim = cx->sim;
    const struct pw_year *y = cx->y;
    struct pw__inv_chunk *out = &sim->inv_chunks[chunk];
    memset(out, 0, sizeof *out);
    out->bad_pos = SIZE_MAX;
    const struct pw_event_chunk *ch = &sim->chunks[chunk];
    const size_t begin = pw_chunk_begin(chunk), end = pw_chunk_end(chunk, y->n_pop);
    uint32_t ev_at[PW_CHUNK_ROWS + 1];   /* events of position begin + i: [ev_at[i], ev_at[i + 1]) */
    size_t ei = 0;
    struct pw__inv_row w;
    for (size_t pos = begin; pos < end; pos++) {
        const uint32_t r = y->order[pos];
        ev_at[pos - begin] = (uint32_t)ei;
        while (ei < ch->count && ch->events[ei].row == r) ei++;
        row_facts(cx, ch, pos, ev_at[pos - begin], ei, &w);
        count_row(out, cx, &w);
    }
    ev_at[end - begin] = (uint32_t)ei;
    size_t limit = end;
    for (size_t k = 0; k < sizeof row_checks / sizeof row_checks[0]; k++) {
        for (size_t pos = begin; pos < limit; pos++) {
            row_facts(cx, ch, pos, ev_at[pos - begin], ev_at[pos - begin + 1], &w);
            if (row_checks[k](cx, &w, &out->rep)) {
                out->bad_pos = limit = pos;
                out->bad_row = w.r;
                break;
            }
        }
    }
    if (out->bad_pos == SIZE_MAX && ei < ch->count) {
        /* An event whose employee is not at its place in the output order. */
        out->bad_pos = end - 1;
        out->bad_row = ch->events[ei].row < y->n_pop ? ch->events[ei].row : y->order[end - 1];
        pw__inv_fail(&out->rep, 8, "its %s event is out of the output order",
                     ch->events[ei].type < PW_EV_TYPE_COUNT ? pw_event_type_names[ch->events[ei].type] : "unknown");
    }
}

/* ---- year-level invariants 1-4 ---- */

/* Largest-remainder quotas of MODEL 4.3, written as the SQL audit states them:
 * floor shares, then one unit each for the first `left` levels in the order
 * (headcount > 0, [room below the headcount,] remainder desc, level asc). */
static void largest_remainder(const int64_t *h, int levels, int64_t n, int64_t total, bool capped, int64_t *want)
{
    int64_t rem[PW_MAX_LEVELS + 1] = {0}, left = total;
    for (int l = 1; l <= levels; l++) {
        want[l] = 0;
        if (h[l] > 0 && n > 0) {
            want[l] = total * h[l] / n;
            if (capped && want[l] > h[l]) want[l] = h[l];
        }
        rem[l] = n > 0 ? total * h[l] % n : 0;
        left -= want[l];
    }
    bool taken[PW_MAX_LEVELS + 1] = {false};
    for (; left > 0; left--) {
        int best = 0;
        for (int l = 1; l <= levels; l++) {
            if (taken[l]) continue;
            if (!best) {
                best = l;
                continue;
            }
            int64_t kb[3] = {h[best] > 0, capped ? want[best] < h[best] : 0, rem[best]};
            int64_t kl[3] = {h[l] > 0, capped ? want[l] < h[l] : 0, rem[l]};
            for (int k = 0; k < 3; k++)
                if (kl[k] != kb[k]) {
                    if (kl[k] > kb[k]) best = l;
                    break;
                }
        }
        if (!best) break;
        taken[best] = true;
        if (h[best] > 0) want[best]++;
    }
}

struct year_totals {
    int64_t hire_events, exp_term_events, nh_term_events, actives, hires_active;
    int64_t hires_by_level[PW_MAX_LEVELS + 1], exp_by_level[PW_MAX_LEVELS + 1];
    int64_t nh_by_level[PW_MAX_LEVELS + 1], actives_by_level[PW_MAX_LEVELS + 1];
};

static int check_year(const struct pw__inv_ctx *cx, const struct year_totals *t, struct pw__inv_report *rep)
{
    const struct pw_sim *sim = cx->sim;
    const struct pw_config *c = cx->cfg;
    const struct pw_year *y = cx->y;
    const struct pw_needs *n = &y->needs;
    const struct pw_level_needs *bl = &y->by_level;
    const struct pw_invariant_memory *mem = &sim->inv_memory;
    const bool have_prev = mem->year == y->year - 1;
    const int64_t N = (int64_t)y->n_roster;
    const int L = sim->levels;

    /* 1: headcount continuity */
    PW_INV(n->starting_headcount == N, rep, 1, "starting headcount %lld differs from the start-of-year roster %lld",
           (long long)n->starting_headcount, (long long)N);
    if (cx->first_year)
        PW_INV(N == (int64_t)sim->census_roster_size, rep, 1,
               "the start-of-year roster %lld differs from the census roster %lld", (long long)N,
               (long long)sim->census_roster_size);
    else if (have_prev)
        PW_INV(N == mem->actives, rep, 1, "the start-of-year roster %lld differs from the actives of %d (%lld)",
               (long long)N, y->year - 1, (long long)mem->actives);
    PW_INV(t->actives == N + t->hire_events - t->exp_term_events - t->nh_term_events, rep, 1,
           "actives %lld differ from starting %lld + hires %lld - terminations %lld", (long long)t->actives,
           (long long)N, (long long)t->hire_events, (long long)(t->exp_term_events + t->nh_term_events));

    /* 2: growth exactness */
    const int64_t target = (int64_t)floor((double)N * (1.0 + c->target_growth_rate) + 0.5 + 1e-9);
    PW_INV(n->target_ending_headcount == target, rep, 2, "target ending headcount %lld differs from rha(N (1 + g)) = %lld",
           (long long)n->target_ending_headcount, (long long)target);
    PW_INV(n->ending_headcount_actual == t->actives, rep, 2, "ending headcount %lld differs from the actives %lld",
           (long long)n->ending_headcount_actual, (long long)t->actives);
    PW_INV(n->reconciliation_error == n->ending_headcount_actual - n->target_ending_headcount, rep, 2,
           "reconciliation error %lld differs from ending - target = %lld", (long long)n->reconciliation_error,
           (long long)(n->ending_headcount_actual - n->target_ending_headcount));
    PW_INV(n->nh_terms_shortfall >= 0, rep, 2, "negative new-hire termination shortfall %lld",
           (long long)n->nh_terms_shortfall);
    if (n->nh_terms_shortfall == 0)
        PW_INV(n->ending_headcount_actual == n->target_ending_headcount && n->reconciliation_error == 0, rep, 2,
               "no shortfall, but ending headcount %lld misses the target %lld", (long long)n->ending_headcount_actual,
               (long long)n->target_ending_headcount);
    else
        PW_INV(n->reconciliation_error == n->nh_terms_shortfall, rep, 2,
               "reconciliation error %lld differs from the shortfall %lld", (long long)n->reconciliation_error,
               (long long)n->nh_terms_shortfall);

    /* 3: the solver (MODEL 4.2) */
    if (cx->first_year || have_prev) {
        int64_t want = cx->first_year ? 0 : mem->hires_active;
        PW_INV(n->prior_year_hires_active == want, rep, 3, "H_prev %lld differs from the hires of %d still active (%lld)",
               (long long)n->prior_year_hires_active, y->year - 1, (long long)want);
    }
    PW_INV(n->experienced_headcount == N - n->prior_year_hires_active, rep, 3, "Exp %lld differs from N - H_prev = %lld",
           (long long)n->experienced_headcount, (long long)(N - n->prior_year_hires_active));
    const int64_t exp_terms = (int64_t)floor((double)n->experienced_headcount * c->total_termination_rate +
                                             (double)n->prior_year_hires_active * c->new_hire_termination_rate + 1e-9);
    PW_INV(n->expected_experienced_terminations == exp_terms, rep, 3,
           "expected experienced terminations %lld differ from floor(Exp t + H_prev n) = %lld",
           (long long)n->expected_experienced_terminations, (long long)exp_terms);
    const int64_t net = n->target_ending_headcount - (N - n->expected_experienced_terminations);
    PW_INV(n->net_from_hires == net, rep, 3, "net from hires %lld differs from target - survivors = %lld",
           (long long)n->net_from_hires, (long long)net);
    if (net > 0) {
        const int64_t hires = (int64_t)ceil((double)net / (1.0 - c->new_hire_termination_rate) - 1e-9);
        PW_INV(n->total_hires - n->expected_new_hire_terminations == net, rep, 3,
               "hires %lld - new-hire terminations %lld differ from net %lld", (long long)n->total_hires,
               (long long)n->expected_new_hire_terminations, (long long)net);
        PW_INV(n->expected_new_hire_terminations >= 0 && n->expected_new_hire_terminations < n->total_hires, rep, 3,
               "new-hire terminations %lld not in [0, hires %lld)", (long long)n->expected_new_hire_terminations,
               (long long)n->total_hires);
        PW_INV(n->total_hires == hires, rep, 3, "hires %lld differ from ceil(net / (1 - n)) = %lld",
               (long long)n->total_hires, (long long)hires);
        PW_INV(n->rif_terminations == 0, rep, 3, "net > 0 but %lld reductions in force", (long long)n->rif_terminations);
    } else {
        PW_INV(n->total_hires == 0 && n->expected_new_hire_terminations == 0, rep, 3,
               "net %lld <= 0 but %lld hires and %lld new-hire terminations", (long long)net,
               (long long)n->total_hires, (long long)n->expected_new_hire_terminations);
        PW_INV(n->rif_terminations == -net, rep, 3, "reductions in force %lld differ from -net = %lld",
               (long long)n->rif_terminations, (long long)-net);
    }
    PW_INV(n->total_experienced_terminations == n->expected_experienced_terminations + n->rif_terminations, rep, 3,
           "total experienced terminations %lld differ from expected + reductions in force = %lld",
           (long long)n->total_experienced_terminations,
           (long long)(n->expected_experienced_terminations + n->rif_terminations));
    PW_INV(t->hire_events == n->total_hires, rep, 3, "hire events %lld differ from total hires %lld",
           (long long)t->hire_events, (long long)n->total_hires);
    PW_INV(t->exp_term_events == n->total_experienced_terminations, rep, 3,
           "experienced termination events %lld differ from the total %lld", (long long)t->exp_term_events,
           (long long)n->total_experienced_terminations);
    PW_INV(t->nh_term_events == n->expected_new_hire_terminations - n->nh_terms_shortfall, rep, 3,
           "new-hire termination events %lld differ from planned %lld - shortfall %lld", (long long)t->nh_term_events,
           (long long)n->expected_new_hire_terminations, (long long)n->nh_terms_shortfall);

    /* 4: level quotas (MODEL 4.3) */
    bool fixed = false;
    for (int l = 1; l <= L; l++) fixed = fixed || c->new_hire_level_distribution.set[l];
    int64_t want_q[PW_MAX_LEVELS + 1], want_h[PW_MAX_LEVELS + 1];
    largest_remainder(bl->starting_headcount, L, N, n->total_experienced_terminations, true, want_q);
    largest_remainder(bl->starting_headcount, L, N, n->total_hires, false, want_h);
    int64_t sum_q = 0, sum_h = 0, sum_start = 0, sum_end = 0;
    for (int l = 1; l <= L; l++) {
        sum_q += bl->termination_quota[l];
        sum_h += bl->hires[l];
        sum_start += bl->starting_headcount[l];
        sum_end += bl->ending_headcount[l];
        PW_INV(bl->termination_quota[l] <= bl->starting_headcount[l], rep, 4,
               "level %d: termination quota %lld exceeds its headcount %lld", l, (long long)bl->termination_quota[l],
               (long long)bl->starting_headcount[l]);
        PW_INV(bl->termination_quota[l] >= 0 && bl->hires[l] >= 0, rep, 4, "level %d: negative quota", l);
        PW_INV(bl->terminations_realized[l] == bl->termination_quota[l] && t->exp_by_level[l] == bl->termination_quota[l],
               rep, 4, "level %d: %lld experienced terminations (%lld recorded) for a quota of %lld", l,
               (long long)t->exp_by_level[l], (long long)bl->terminations_realized[l], (long long)bl->termination_quota[l]);
        PW_INV(t->hires_by_level[l] == bl->hires[l], rep, 4, "level %d: %lld hire events for %lld hires", l,
               (long long)t->hires_by_level[l], (long long)bl->hires[l]);
        PW_INV(t->nh_by_level[l] == bl->new_hire_terminations[l], rep, 4,
               "level %d: %lld new-hire termination events, %lld recorded", l, (long long)t->nh_by_level[l],
               (long long)bl->new_hire_terminations[l]);
        PW_INV(t->actives_by_level[l] == bl->ending_headcount[l], rep, 4,
               "level %d: %lld actives on Dec 31, ending headcount %lld", l, (long long)t->actives_by_level[l],
               (long long)bl->ending_headcount[l]);
        if (!cx->first_year && have_prev)
            PW_INV(bl->starting_headcount[l] == mem->actives_by_level[l], rep, 4,
                   "level %d: starting headcount %lld differs from the actives of %d (%lld)", l,
                   (long long)bl->starting_headcount[l], y->year - 1, (long long)mem->actives_by_level[l]);
        PW_INV(bl->termination_quota[l] == want_q[l], rep, 4,
               "level %d: termination quota %lld differs from the largest-remainder quota %lld", l,
               (long long)bl->termination_quota[l], (long long)want_q[l]);
        if (!fixed)
            PW_INV(bl->hires[l] == want_h[l], rep, 4, "level %d: %lld hires differ from the largest-remainder quota %lld",
                   l, (long long)bl->hires[l], (long long)want_h[l]);
    }
    PW_INV(sum_q == n->total_experienced_terminations, rep, 4,
           "termination quotas add up to %lld, not to the total %lld", (long long)sum_q,
           (long long)n->total_experienced_terminations);
    PW_INV(sum_h == n->total_hires, rep, 4, "hires by level add up to %lld, not to the total %lld", (long long)sum_h,
           (long long)n->total_hires);
    PW_INV(sum_start == N, rep, 4, "starting headcounts by level add up to %lld, not to N = %lld", (long long)sum_start,
           (long long)N);
    PW_INV(sum_end == n->ending_headcount_actual, rep, 4, "ending headcounts by level add up to %lld, not to %lld",
           (long long)sum_end, (long long)n->ending_headcount_actual);
    return 0;
}

/* ---- the step ---- */

static int violation(const struct pw_sim *sim, const struct pw__inv_report *rep, const uint32_t *row,
                     struct pw_err *err)
{
    const int inv = rep->invariant >= 1 && rep->invariant <= 20 ? rep->invariant : 0;
    const int Y = sim->year.year;
    char who[160] = "";
    if (row)
        snprintf(who, sizeof who, " for employee '%.*s'", (int)(sim->wf.id_len[*row] < 100 ? sim->wf.id_len[*row] : 100),
                 sim->wf.employee_id[*row]);
    return pw_err_set(err, PW_EINTERNAL,
                      "invariant %d (%s) violated in %d%s: %s. This is a bug in planwise, not in your inputs: please "
                      "report it, with the command, configuration and census if you can share them. Nothing of %d "
                      "was written",
                      inv, inv_names[inv], Y, who, rep->detail, Y);
}

int pw_step_invariants(struct pw_sim *sim, struct pw_err *err)
{
    const struct pw_year *y = &sim->year;
    const size_t nchunks = pw_chunk_count(y->n_pop);
    /* Without event rows (planwise ensemble) there is nothing to check them against. */
    if (sim->skip_event_rows) return 0;
    PW_ASSERT(sim->chunk_count == nchunks);
    if (nchunks > sim->inv_chunk_capacity) {
        struct pw__inv_chunk *p = realloc(sim->inv_chunks, nchunks * sizeof *p);
        if (!p) return pw_err_set(err, PW_ENOMEM, "out of memory for the invariant checks");
        sim->inv_chunks = p;
        sim->inv_chunk_capacity = nchunks;
    }
    struct pw__inv_ctx cx;
    ctx_init(&cx, sim);
    pw_pool_run(sim->pool, nchunks, chunk_fn, &cx);

    struct year_totals t;
    memset(&t, 0, sizeof t);
    for (size_t c = 0; c < nchunks; c++) {
        const struct pw__inv_chunk *ch = &sim->inv_chunks[c];
        if (ch->bad_pos != SIZE_MAX) return violation(sim, &ch->rep, &ch->bad_row, err);
        t.hire_events += ch->hire_events;
        t.exp_term_events += ch->exp_term_events;
        t.nh_term_events += ch->nh_term_events;
        t.actives += ch->actives;
        t.hires_active += ch->hires_active;
        for (int l = 0; l <= PW_MAX_LEVELS; l++) {
            t.hires_by_level[l] += ch->hires_by_level[l];
            t.exp_by_level[l] += ch->exp_by_level[l];
            t.nh_by_level[l] += ch->nh_by_level[l];
            t.actives_by_level[l] += ch->actives_by_level[l];
        }
    }
    struct pw__inv_report rep;
    if (check_year(&cx, &t, &rep)) return violation(sim, &rep, NULL, err);

    struct pw_invariant_memory *mem = &sim->inv_memory;
    mem->year = y->year;
    mem->actives = t.actives;
    mem->hires_active = t.hires_active;
    memcpy(mem->actives_by_level, t.actives_by_level, sizeof mem->actives_by_level);
    return 0;
}
