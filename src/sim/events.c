/* events.c: builds the fct_yearly_events rows of the year from the per-row state,
 * in output order (employee_id), each employee's events sorted by (date, priority)
 * and numbered, with deterministic UUID v5 ids (MODEL 6.1, 4.19). Runs per chunk of
 * output positions in parallel; chunks are written in order afterwards. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/textbuf.h"
#include "core/uuid.h"
#include "sim/sim.h"

#define MAX_EVENTS_PER_ROW 16

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

static void event_init(struct pw_event *ev, uint32_t row, pw_date date, int type, int category, int level)
{
    ev->row = row;
    ev->date = date;
    ev->type = (uint8_t)type;
    ev->category = (uint8_t)category;
    ev->level = (uint8_t)level;
    ev->sequence = 0;
    ev->compensation = ev->previous_compensation = NAN;
    ev->deferral_rate = ev->previous_deferral_rate = NAN;
    ev->probability = NAN;
    ev->details[0] = '\0';
}

/* Whole hours print as integers, others with two decimals. */
static void d_hours(struct pw_textbuf *d, double hours)
{
    if (hours == floor(hours)) pw_tb_int(d, (long long)hours);
    else pw_tb_fixed(d, hours, 2);
}


/* Level in force on date d (the promotion date switches it). */
static int level_on(const struct pw_year *y, size_t r, pw_date d)
{
    return y->promo_date[r] != PW_NO_DATE && d >= y->promo_date[r] ? y->end_level[r] : y->start_level[r];
}

/* Collects the workforce events of one row (unsorted). */
static int row_events(const struct pw_sim *sim, uint32_t r, struct pw_event *out)
{
    const struct pw_year *y = &sim->year;
    const struct pw_workforce *wf = &sim->wf;
    const struct pw_config *c = sim->cfg;
    int n = 0;
    if (r >= y->n_roster) {
        struct pw_event *ev = &out[n++];
        event_init(ev, r, wf->hire_date[r], PW_EV_HIRE, PW_CAT_HIRE, y->start_level[r]);
        ev->compensation = y->start_salary[r];
        ev->probability = 1.0;
        struct pw_textbuf d = {ev->details, 0, sizeof ev->details};
        pw_tb_str(&d, "level="), pw_tb_int(&d, y->start_level[r]);
        pw_tb_str(&d, ";hours_per_week="), d_hours(&d, wf->hours_per_week[r]);
        pw_tb_str(&d, ";age_at_hire="), pw_tb_int(&d, pw_age(wf->birth_date[r], wf->hire_date[r]));
    }
    if (y->promo_date[r] != PW_NO_DATE) {
        struct pw_event *ev = &out[n++];
        event_init(ev, r, y->promo_date[r], PW_EV_PROMOTION, PW_CAT_PROMOTION, y->end_level[r]);
        ev->compensation = y->promo_new[r];
        ev->previous_compensation = y->promo_prev[r];
        ev->probability = y->promo_prob[r];
        struct pw_textbuf d = {ev->details, 0, sizeof ev->details};
        pw_tb_str(&d, "from_level="), pw_tb_int(&d, y->start_level[r]);
        pw_tb_str(&d, ";to_level="), pw_tb_int(&d, y->end_level[r]);
        pw_tb_str(&d, ";raise_pct="), pw_tb_fixed(&d, y->promo_pct[r], 6);
    }
    if (y->raise_date[r] != PW_NO_DATE) {
        struct pw_event *ev = &out[n++];
        event_init(ev, r, y->raise_date[r], PW_EV_RAISE, PW_CAT_RAISE, level_on(y, r, y->raise_date[r]));
        ev->compensation = y->raise_new[r];
        ev->previous_compensation = y->raise_prev[r];
        ev->probability = 1.0;
        struct pw_textbuf d = {ev->details, 0, sizeof ev->details};
        pw_tb_str(&d, "merit_rate="), pw_tb_fixed(&d, y->merit_rate[r], 6);
        pw_tb_str(&d, ";cola_rate="), pw_tb_fixed(&d, y->cola_rate[r], 6);
        pw_tb_str(&d, c->raise_timing_methodology == PW_RAISE_REALISTIC ? ";timing=realistic" : ";timing=calendar_driven");
    }
    if (y->term_kind[r] != PW_TERM_NONE) {
        bool experienced = y->term_kind[r] == PW_TERM_EXPERIENCED;
        struct pw_event *ev = &out[n++];
        event_init(ev, r, y->term_date[r], PW_EV_TERMINATION,
                   experienced ? PW_CAT_EXPERIENCED_TERMINATION : PW_CAT_NEW_HIRE_TERMINATION,
                   level_on(y, r, y->term_date[r]));
        ev->compensation = ev->previous_compensation = y->current_comp[r];
        ev->probability = y->term_weight[r];
        struct pw_textbuf d = {ev->details, 0, sizeof ev->details};
        pw_tb_str(&d, experienced ? "reason=experienced_termination" : "reason=new_hire_termination");
        pw_tb_str(&d, experienced && c->termination_selection == PW_SELECT_HAZARD_WEIGHTED ? ";selection=hazard_weighted"
                                                                                       : ";selection=uniform");
    }
    return n;
}

/* Forfeiture of the unvested employer balances of a leaver (MODEL 4.17). */
static int forfeiture_event(const struct pw_sim *sim, uint32_t r, struct pw_event *ev)
{
    const struct pw_plan_money *m = &sim->money;
    const struct pw_year *y = &sim->year;
    if (y->term_kind[r] == PW_TERM_NONE || !(m->forfeit_total[r] > 0)) return 0;
    event_init(ev, r, y->term_date[r], PW_EV_FORFEITURE, PW_CAT_FORFEITURE, level_on(y, r, y->term_date[r]));
    ev->compensation = m->forfeit_total[r];
    ev->probability = 1.0;
    struct pw_textbuf d = {ev->details, 0, sizeof ev->details};
    pw_tb_str(&d, "match="), pw_tb_fixed(&d, m->forfeit_match[r], 2);
    pw_tb_str(&d, ";core="), pw_tb_fixed(&d, m->forfeit_core[r], 2);
    pw_tb_str(&d, ";vested_pct_match="), pw_tb_fixed(&d, m->match_vested_pct[r], 6);
    pw_tb_str(&d, ";vested_pct_core="), pw_tb_fixed(&d, m->core_vested_pct[r], 6);
    return 1;
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
    struct pw_event evs[MAX_EVENTS_PER_ROW];
    char name[512];
    for (size_t pos = pw_chunk_begin(chunk), e = pw_chunk_end(chunk, y->n_pop); pos < e; pos++) {
        uint32_t r = y->order[pos];
        int n = row_events(sim, r, evs);
        n += pw_plan_year_row_events(&sim->plan, y, sim->cfg, r, evs + n);
        n += forfeiture_event(sim, r, evs + n);
        sort_row_events(evs, n);
        for (int i = 0; i < n; i++) {
            evs[i].sequence = (uint16_t)(i + 1);
            int len = snprintf(name, sizeof name, "%s|%s|%d|%s|%d", sim->cfg->scenario_id, sim->wf.employee_id[r],
                               y->year, pw_event_type_names[evs[i].type], i + 1);
            pw_uuid5(pw_event_namespace, name, (size_t)len < sizeof name ? (size_t)len : sizeof name - 1,
                     evs[i].event_id);
            if (chunk_push(ch, &evs[i]) != 0) ctx->failed = 1;
        }
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
