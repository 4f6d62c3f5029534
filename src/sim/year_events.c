/* year_events.c: the events of the year (MODEL 6.1, 4.19): for every row of P_Y, in
 * output order (employee_id), the workforce events (hire, promotion, raise,
 * termination), the plan events (eligibility, enrollment, match response,
 * escalation, opt-out) and the forfeiture of a leaver, sorted by (date, priority)
 * and numbered. Only their identity is kept; the values of each event row come
 * from the year's arrays when it is written (model/event_values.c). Runs per
 * chunk of output positions in parallel; chunks are written in order afterwards. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

static int chunk_push(struct pw_event_chunk *ch, const struct pw_event *ev)
{
    if (ch->count == ch->capacity) {
        size_t cap = ch->capacity ? ch->capacity * 2 : 1024;
        struct pw_event *p = realloc(ch->events, cap * sizeof *p);
        if (!p) return -1;
        ch->events = p;
        ch->capacity = cap;
    }
    ch->events[ch->count++] = *ev;
    return 0;
}

static int add(struct pw_event *out, int n, uint32_t row, pw_date date, int type, int category)
{
    out[n] = (struct pw_event){.row = row, .date = date, .type = (uint8_t)type, .category = (uint8_t)category};
    return n + 1;
}

static int enroll_category(int method)
{
    switch (method) {
    case PW_ENROLL_PROACTIVE: return PW_CAT_PROACTIVE_VOLUNTARY;
    case PW_ENROLL_VOLUNTARY: return PW_CAT_VOLUNTARY_ENROLLMENT;
    case PW_ENROLL_YEAR_OVER_YEAR: return PW_CAT_YEAR_OVER_YEAR_VOLUNTARY;
    case PW_ENROLL_CENSUS: return PW_CAT_CENSUS_ENROLLMENT;
    default: return PW_CAT_AUTO_ENROLLMENT;
    }
}

static void sort_row_events(struct pw_event *ev, int n)
{
    for (int i = 1; i < n; i++) {   /* insertion sort: a handful of events per row */
        struct pw_event t = ev[i];
        int j = i - 1;
        while (j >= 0 && (ev[j].date > t.date || (ev[j].date == t.date && ev[j].type > t.type))) {
            ev[j + 1] = ev[j];
            j--;
        }
        ev[j + 1] = t;
    }
}

int pw_sim_row_events(const struct pw_sim *sim, uint32_t r, struct pw_event *out)
{
    const struct pw_year *y = &sim->year;
    const struct pw_plan_year *py = &sim->plan;
    int n = 0;
    if (r >= y->n_roster) n = add(out, n, r, sim->wf.hire_date[r], PW_EV_HIRE, PW_CAT_HIRE);
    if (y->promo_date[r] != PW_NO_DATE) n = add(out, n, r, y->promo_date[r], PW_EV_PROMOTION, PW_CAT_PROMOTION);
    if (y->raise_date[r] != PW_NO_DATE) n = add(out, n, r, y->raise_date[r], PW_EV_RAISE, PW_CAT_RAISE);
    if (y->term_kind[r] != PW_TERM_NONE)
        n = add(out, n, r, y->term_date[r], PW_EV_TERMINATION,
                y->term_kind[r] == PW_TERM_EXPERIENCED ? PW_CAT_EXPERIENCED_TERMINATION : PW_CAT_NEW_HIRE_TERMINATION);
    if (py->elig_event_date[r] != PW_NO_DATE)
        n = add(out, n, r, py->elig_event_date[r], PW_EV_ELIGIBILITY, PW_CAT_ELIGIBILITY);
    if (py->enroll_date[r] != PW_NO_DATE)
        n = add(out, n, r, py->enroll_date[r], PW_EV_ENROLLMENT, enroll_category(py->enroll_method[r]));
    if (py->mr_date[r] != PW_NO_DATE) n = add(out, n, r, py->mr_date[r], PW_EV_MATCH_RESPONSE, PW_CAT_MATCH_RESPONSE);
    if (py->esc_date[r] != PW_NO_DATE) n = add(out, n, r, py->esc_date[r], PW_EV_ESCALATION, PW_CAT_DEFERRAL_ESCALATION);
    if (py->optout_date[r] != PW_NO_DATE)
        n = add(out, n, r, py->optout_date[r], PW_EV_ENROLLMENT_CHANGE, PW_CAT_ENROLLMENT_OPT_OUT);
    /* MODEL 4.17: the unvested employer money of a leaver, on the termination date. */
    if (y->term_kind[r] != PW_TERM_NONE && sim->money.forfeit_total[r] > 0)
        n = add(out, n, r, y->term_date[r], PW_EV_FORFEITURE, PW_CAT_FORFEITURE);
    sort_row_events(out, n);
    for (int i = 0; i < n; i++) out[i].sequence = (uint16_t)(i + 1);
    return n;
}

struct events_ctx {
    struct pw_sim *sim;
    int failed;
};

static void events_chunk(void *p, size_t chunk, int worker)
{
    (void)worker;
    struct events_ctx *ctx = p;
    struct pw_sim *sim = ctx->sim;
    const struct pw_year *y = &sim->year;
    struct pw_event_chunk *ch = &sim->chunks[chunk];
    ch->count = 0;
    struct pw_event evs[PW_SIM_MAX_ROW_EVENTS];
    for (size_t pos = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, y->n_pop); pos < e; pos++) {
        int n = pw_sim_row_events(sim, y->order[pos], evs);
        for (int i = 0; i < n; i++)
            if (chunk_push(ch, &evs[i]) != 0) ctx->failed = 1;
    }
}

int pw_step_events(struct pw_sim *sim, struct pw_err *err)
{
    struct pw_year *y = &sim->year;
    size_t nchunks = pw_chunk_count(y->n_pop);
    if (nchunks > sim->chunk_capacity) {
        struct pw_event_chunk *p = realloc(sim->chunks, nchunks * sizeof *p);
        if (!p) return pw_err_set(err, PW_ENOMEM, "out of memory for events");
        memset(p + sim->chunk_capacity, 0, (nchunks - sim->chunk_capacity) * sizeof *p);
        sim->chunks = p;
        sim->chunk_capacity = nchunks;
    }
    sim->chunk_count = nchunks;
    struct events_ctx ctx = {sim, 0};
    pw_pool_run(sim->pool, nchunks, events_chunk, &ctx);
    if (ctx.failed) return pw_err_set(err, PW_ENOMEM, "out of memory for events");
    sim->events_in_year = 0;
    for (size_t c = 0; c < nchunks; c++) sim->events_in_year += sim->chunks[c].count;
    return 0;
}

void pw_sim_year_view(const struct pw_sim *sim, struct pw_year_view *v)
{
    *v = (struct pw_year_view){sim->cfg, &sim->wf, &sim->year, &sim->plan, &sim->money};
}
