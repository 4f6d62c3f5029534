/* carried.h: everything a simulation carries from year Y to year Y+1 besides the
 * workforce columns, so that a run can stop after any year and continue later
 * (io/checkpoint.h writes it, sim/sim_state.c captures and restores it).
 *
 * The complete carried state after the close of year Y is:
 *
 *   1. the workforce R_{Y+1} (struct pw_workforce, rows [0, count) sorted by
 *      employee_id): every column of PW_WORKFORCE_COLUMNS (model/workforce.h),
 *      i.e. identity (employee_id, id_len, key, ssn, is_census), birth and hire
 *      dates, level and salary at Dec 31 of Y, hours, plan exclusion, census
 *      flags, deferral rate in force, prior prorated pay (HCE look-back), and the
 *      retirement-plan state of MODEL 5 (eligibility, enrollment, opt-out,
 *      window-plan events not yet emitted, escalations, match and core balances);
 *   2. the interned strings those columns point to (ids, SSNs), which live in
 *      the caller's struct pw_strpool;
 *   3. the scalars below.
 *
 * Everything else in struct pw_sim is either derived again from the
 * configuration and the tables at start-up (merit, COLA and new-hire base pay by
 * level, family seeds, level count) or rebuilt from scratch at the start of every
 * year (struct pw_year, the plan decisions and money of the year, events,
 * selection scratch). Stage timings are measurements, not state. */
#ifndef PW_MODEL_CARRIED_H
#define PW_MODEL_CARRIED_H

#include <stdint.h>

struct pw_carried {
    int32_t year;                    /* Y, the last closed year (1900..2200); the workforce is R_{Y+1} */
    int64_t prior_year_hires_active; /* H_prev of Y+1 (MODEL 4.2): hires of Y still active on Dec 31, >= 0 */
    double hire_excluded_share;      /* x of MODEL 4.5 in [0, 1]: derived from the census stats at start-up,
                                        so a resumed run needs no census */
    uint64_t census_roster_size;     /* |R_S| = actives(S-1), for reports */
    uint64_t total_events;           /* events written in years S..Y (reports) */
    uint64_t total_snapshot_rows;    /* snapshot rows written in years S..Y (reports) */
};

#endif
