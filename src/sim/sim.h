/* sim.h: the multi-year engine. A struct pw_sim owns the workforce, the per-year
 * state and the worker pool; pw_sim_run() drives the year pipeline of MODEL 4 and
 * hands each finished year to a sink (the DuckDB writer in practice), so the sim
 * layer never depends on io/. */
#ifndef PW_SIM_SIM_H
#define PW_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/perf.h"
#include "core/pool.h"
#include "core/strpool.h"
#include "model/carried.h"
#include "model/census.h"
#include "model/config.h"
#include "model/events.h"
#include "model/plan_year.h"
#include "model/plan_money_year.h"
#include "model/tables.h"
#include "model/workforce.h"
#include "sim/solver.h"
#include "model/year.h"

struct pw_sim;

/* Receives each finished year; returning non-zero stops the run.
 * write_year sees year Y before its close (struct pw_year, plan, money and
 * events of Y); after_year (optional, NULL = none) sees the sim after the close
 * of Y, when sim->wf is R_{Y+1} and pw_sim_carried() describes what a checkpoint
 * must hold. read_year (optional) sees Y like write_year, after it, and is not
 * timed by the engine (its caller records its own stage, e.g. `planwise run`'s
 * compliance tests). */
struct pw_sink {
    void *ctx;
    int (*write_year)(void *ctx, const struct pw_sim *sim, struct pw_err *err);
    int (*after_year)(void *ctx, const struct pw_sim *sim, struct pw_err *err);
    int (*read_year)(void *ctx, const struct pw_sim *sim, struct pw_err *err);
};

/* Stages of the year loop that the engine records in sim->perf (core/perf.h),
 * under the names of pw_stage_names, once per year each. */
enum pw_stage {
    PW_STAGE_START_YEAR = 0,
    PW_STAGE_TERMINATIONS,
    PW_STAGE_HIRES,
    PW_STAGE_NH_TERMINATIONS,
    PW_STAGE_COMPENSATION,
    PW_STAGE_PLAN_ELIGIBILITY,
    PW_STAGE_PLAN_ENROLLMENT,
    PW_STAGE_PLAN_DEFERRAL,
    PW_STAGE_PLAN_MONEY,
    PW_STAGE_EVENTS,
    PW_STAGE_INVARIANTS,
    PW_STAGE_WRITE,
    PW_STAGE_YEAR_CLOSE,
    PW_STAGE_COUNT
};
extern const char *const pw_stage_names[PW_STAGE_COUNT];

/* What the invariant checks of year Y keep for those of Y+1 (sim/invariants.c). */
struct pw_invariant_memory {
    int year;                        /* Y; 0 = nothing kept (before the first checked year) */
    int64_t actives;                 /* actives(Y): employees active on Dec 31 of Y */
    int64_t hires_active;            /* hires of Y active on Dec 31 (H_prev of Y+1) */
    int64_t actives_by_level[PW_MAX_LEVELS + 1];   /* actives(Y) by level at Dec 31 */
};

struct pw__inv_chunk;                /* per-chunk results of the checks (sim/invariants.c) */

struct pw_sim {
    const struct pw_config *cfg;
    /* The match rule in force (pw_plan_active_formula), found once by name for the
     * run rather than for every row; NULL without a match. */
    const struct pw_match_formula *match_formula;
    const struct pw_tables *tables;
    struct pw_pool *pool;

    struct pw_strpool *strings;      /* ids of census rows and hires */
    struct pw_workforce wf;          /* P_Y during a year; R_{Y+1} after year close */
    struct pw_workforce spare;       /* double buffer for year close */
    struct pw_year year;
    struct pw_plan_year plan;        /* plan decisions of the current year (MODEL 4.10-4.12) */
    struct pw_plan_money money;      /* money results of the year (4.13-4.18), rows as year */

    /* constants derived once */
    int levels;                      /* L_max */
    double merit_rate[PW_MAX_LEVELS + 1];   /* m_l (4.8) */
    double cola[PW_MAX_LEVELS + 1];         /* c_l */
    double nh_base[PW_MAX_LEVELS + 1];      /* base_l (4.5) */
    double hire_excluded_share;             /* x of 4.5 */
    uint64_t seed_t, seed_h, seed_p, seed;  /* family seeds */

    size_t census_roster_size;       /* actives(S-1) */
    int64_t prior_year_hires_active; /* H_prev for the next year */
    int first_year;                  /* first year pw_sim_run simulates; 0 = cfg->start_year (resume: Y+1) */
    /* Set before pw_sim_run when no sink reads events (planwise ensemble): the
     * event rows (UUIDs, details text) of pw_step_events are not built, so
     * chunk_count and events_in_year stay 0. Every other column is unchanged. */
    bool skip_event_rows;

    /* scratch and per-year outputs */
    struct pw_scored *scored;        /* selection scratch, one per row */
    struct pw_event_chunk *chunks;   /* events of the current year by output chunk */
    size_t chunk_count, chunk_capacity;
    size_t events_in_year;
    struct pw__inv_chunk *inv_chunks;    /* invariant check results by output chunk */
    size_t inv_chunk_capacity;
    struct pw_invariant_memory inv_memory;

    struct pw_perf *perf;            /* performance monitor, or NULL: set before pw_sim_run */
    /* called as each stage of a year starts (progress display), or NULL */
    void (*on_stage)(void *ctx, const struct pw_sim *sim, int stage);
    void *on_stage_ctx;
    int perf_stage[PW_STAGE_COUNT];  /* stage ids in perf, registered by pw_sim_run */
    size_t total_events, total_snapshot_rows;
};

/* Takes the census roster (moved into the sim; census->roster is left empty). */
int pw_sim_init(struct pw_sim *sim, const struct pw_config *cfg, const struct pw_tables *tables,
                struct pw_census *census, struct pw_pool *pool, struct pw_err *err);
void pw_sim_release(struct pw_sim *sim);
/* Simulates first_year (start_year unless resumed)..end_year, calling the sink
 * after each year. */
int pw_sim_run(struct pw_sim *sim, const struct pw_sink *sink, struct pw_err *err);

/* Carried state (model/carried.h; sim/sim_state.c). After the close of year Y
 * (in sink->after_year), the state a later run needs is sim->wf (R_{Y+1}), the
 * strings it points to, and the scalars pw_sim_carried fills (c->year = Y).
 * pw_sim_init_resume builds a sim that continues with year Y+1 from such a
 * state instead of a census: it takes over wf (left empty; its strings pool
 * must outlive the sim) and reproduces the straight-through run exactly.
 * Returns 0, PW_ENOMEM, or PW_ECHECKPOINT when c->year is not in
 * [start_year, end_year] of cfg. */
void pw_sim_carried(const struct pw_sim *sim, struct pw_carried *c);
int pw_sim_init_resume(struct pw_sim *sim, const struct pw_config *cfg, const struct pw_tables *tables,
                       struct pw_workforce *wf, const struct pw_carried *c, struct pw_pool *pool,
                       struct pw_err *err);

/* Steps of the year pipeline (one file each). */
int pw_step_start_year(struct pw_sim *sim, int year, struct pw_err *err);
void pw_step_solve(struct pw_sim *sim);
void pw_step_experienced_terminations(struct pw_sim *sim);
int pw_step_hires(struct pw_sim *sim, struct pw_err *err);
void pw_step_new_hire_terminations(struct pw_sim *sim);
void pw_step_compensation(struct pw_sim *sim);
void pw_step_payroll(struct pw_sim *sim);
int pw_step_events(struct pw_sim *sim, struct pw_err *err);
/* Most events one row can have in a year: hire, promotion, raise, termination,
 * eligibility, enrollment, match response, escalation, opt-out, forfeiture. */
#define PW_SIM_MAX_ROW_EVENTS 10
/* The events of row r of the current year, sorted by (date, priority) and
 * numbered from 1; out has room for PW_SIM_MAX_ROW_EVENTS. Needs the money step. */
int pw_sim_row_events(const struct pw_sim *sim, uint32_t r, struct pw_event *out);
/* Checks the finished year (after pw_step_events, before anything of it is
 * written) against every invariant of MODEL 7 that one year can show: its arrays,
 * its events and the state carried into it (sim/invariants.c). Returns 0, or
 * PW_EINTERNAL with a message naming the invariant, the year, the employee and the
 * numbers involved: a violation is a bug in planwise, never bad input. The same
 * result for any number of threads (the lowest output position is reported). */
int pw_step_invariants(struct pw_sim *sim, struct pw_err *err);
/* The arrays of the current year, for pw_event_values and the writers. */
void pw_sim_year_view(const struct pw_sim *sim, struct pw_year_view *v);

/* Retirement plan (MODEL 2.1a, 4.10-4.12). pw_plan_init_census runs once on the
 * starting roster before year S. Each year, after the workforce steps (hires,
 * terminations, compensation) and pw_plan_year_reserve(&sim->plan, n_pop), run
 * eligibility -> enrollment -> deferral; they fill sim->plan (eligibility also
 * sets up the plan state of the year's hires) and leave the carried columns
 * alone until pw_plan_year_close_row at year close. */
void pw_plan_init_census(struct pw_sim *sim);
void pw_step_eligibility(struct pw_sim *sim);
void pw_step_enrollment(struct pw_sim *sim);
void pw_step_deferral(struct pw_sim *sim);
int pw_step_year_close(struct pw_sim *sim, struct pw_err *err);
/* Contributions, match, core, 415(c), vesting, HCE for every row of P_Y into
 * sim->money (reserve it for year.n_pop rows first). sim/plan_money_step.c */
void pw_step_plan_money(struct pw_sim *sim);

/* Internals shared by the files of sim/: output order and the needs trace totals. */
void pw__sim_build_order(struct pw_sim *sim);
void pw__sim_finish_trace(struct pw_sim *sim);
/* Plan internals: initial plan state of one row (census row or hire of the year),
 * and the match ceiling C of row r in the current year (4.11, 4.14). */
void pw__plan_init_row(const struct pw_config *cfg, struct pw_workforce *wf, size_t r);
double pw__plan_ceiling(const struct pw_sim *sim, size_t r);

/* Salary of row r in force on date d of the current year (after all events dated <= d). */
double pw_sim_salary_on(const struct pw_sim *sim, size_t row, pw_date d);
/* The age of year Y that drives bands, hazards, enrollment groups and core/match
 * age tiers (simulation.age_convention): exact = age reached by Dec 31 of Y;
 * reference = year of the census date - birth year + (Y - S), the reference's
 * count. Catch-up never uses it (plan_money_step.c). */
int pw_sim_age(const struct pw_sim *sim, pw_date birth);

#endif
