/* invariants_int.h: internals shared by the files of the engine's invariant checks
 * (sim/invariants.c: the driver and the year-level invariants 1-4;
 * sim/invariants_work.c: per-employee workforce invariants 5-12 and 20;
 * sim/invariants_plan.c: per-employee plan invariants 13-19).
 *
 * Every rule mirrors a built-in SQL audit check (models/checks/check_NN_*.sql) and
 * uses the same tolerances, so a run the audit accepts passes here too; where the
 * engine knows more than the audit (the effective configuration and tables, the
 * whole match formula), the rule is applied with that knowledge instead of being
 * skipped. A check returns 0, or the number of the first invariant it finds
 * violated with a sentence describing it in the report. Checks only read. */
#ifndef PW_SIM_INVARIANTS_INT_H
#define PW_SIM_INVARIANTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

/* The first violation found: invariant number (1-20) and what was seen. */
struct pw__inv_report {
    int invariant;
    char detail[640];
};

/* Fills rep and returns invariant (so a check can `return pw__inv_fail(...)`). */
int pw__inv_fail(struct pw__inv_report *rep, int invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fails with the sentence when cond is false. */
#define PW_INV(cond, rep, invariant, ...)                                           \
    do {                                                                            \
        if (!(cond)) return pw__inv_fail(rep, invariant, __VA_ARGS__);              \
    } while (0)

/* Text of a number for a message ("23,600.00", "0.060000", "2027-02-01"): each call
 * returns one of a few per-thread buffers, so several may appear in one message.
 * Only called on the failure path. */
const char *pw__inv_money(double x);
const char *pw__inv_rate(double x);
const char *pw__inv_date(pw_date d);

/* Cents of an amount, rounded half away from zero (pw_cents without the libm call:
 * it runs several times per row, on amounts that are already whole cents). */
static inline int64_t pw__inv_cents(double x)
{
    const double c = x * 100.0;
    return (int64_t)(c < 0 ? c - 0.5 : c + 0.5);
}

/* Per-year constants of the checks, computed once before the rows are walked. */
struct pw__inv_ctx {
    const struct pw_sim *sim;
    const struct pw_config *cfg;
    const struct pw_plan_config *p;
    const struct pw_tables *t;
    const struct pw_year *y;
    const struct pw_workforce *wf;
    const struct pw_plan_year *py;
    const struct pw_plan_money *m;
    int year;                               /* Y */
    bool first_year;                        /* Y = S */
    /* A run continued from a checkpoint (--resume, --from-checkpoint) carries the plan
     * state of its earlier employees from a run whose plan settings may differ (a
     * branch may change them): rules that judge that history against this run's
     * settings skip employees hired before legacy_before. PW_NO_DATE = none. */
    pw_date legacy_before;
    pw_date start_jan1;                     /* Jan 1 S */
    pw_date promo_day, merit_day;           /* event calendar dates of Y (4.7, 4.8) */
    bool calendar_raises;                   /* raise_timing calendar_driven */
    pw_date esc_day;                        /* Q (4.12) */
    pw_date esc_enrolled_before;            /* Jan 1 of Y - first_escalation_delay_years + 1: an escalation
                                               needs an enrollment before it (Y - year(enrolled) >= delay) */
    pw_date yoy_day;                        /* J (4.11 d) */
    pw_date ae_cutoff;                      /* AE-covered iff hire >= this; PW_NO_DATE = everyone */
    const struct pw_irs_year *irs, *irs_prev;   /* limits of Y and Y-1 */
    const struct pw_match_formula *formula; /* active match formula, or NULL */
    double formula_max_share;               /* its largest match as a share of pay (pw_match_max_share) */
    const struct pw_vesting_schedule *match_sched, *core_sched;  /* NULL = immediate */
    double core_max_rate;                   /* largest rate the core status can give (4.15) */
    double nh_lo[PW_MAX_LEVELS + 1], nh_hi[PW_MAX_LEVELS + 1];  /* new-hire salary bounds (4.5) */
    double yoy_rate[8];                     /* year-over-year rate by age group, YAML over table */
};

/* The employment interval and a few facts of row r, shared by the checks. */
struct pw__inv_row {
    size_t pos;                 /* output position */
    uint32_t r;                 /* row of P_Y */
    bool hire_row;              /* hire of Y */
    bool leaver;                /* terminated in Y */
    bool legacy;                /* plan history from a checkpoint (see legacy_before) */
    bool pre_enrolled;          /* census row enrolled at the census date (2.1a) */
    pw_date hire, a, b;         /* hire date, employment interval [a, b] in Y */
    const struct pw_event *ev;  /* the row's events in sequence order */
    int nev;
    signed char at[PW_EV_TYPE_COUNT];     /* index in ev of the (first) event of each type, -1 = none */
    unsigned char n_of[PW_EV_TYPE_COUNT]; /* events of each type */
};

/* Per-employee checks, in invariant order: 5-12, then 13-19, then 20. */
int pw__inv_row_workforce(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep);
int pw__inv_row_plan(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep);
int pw__inv_row_ages(const struct pw__inv_ctx *cx, const struct pw__inv_row *w, struct pw__inv_report *rep);

/* Largest employer match the active match rule can pay the employee (years of
 * service, age_Y, effective deferral rate d), as a share of B_cap: invariant 17's
 * m_max. See invariants_plan.c for where match modes plug in. */
double pw__inv_match_max_share(const struct pw__inv_ctx *cx, int yos, int age, double eff_rate);

#endif
