/* census_gen.h: a synthetic census generator (`planwise census generate`).
 *
 * Every row is a pure function of (seed, row index) built from the counter-based
 * draws of core/rng.h on streams >= 100, so rows can be produced in any order or in
 * parallel, and the first n rows of a larger census equal a census of n rows (only
 * the id width grows past 999,999 rows). The shape is meant to look like a real
 * mid-size employer: a level pyramid, ages 20-65 with senior levels older, tenure
 * consistent with age, pay inside each level's band, 60-70% deferring. */
#ifndef PW_MODEL_CENSUS_GEN_H
#define PW_MODEL_CENSUS_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "model/tables.h"

#define PW_CENSUS_GEN_MAX_EMPLOYEES ((size_t)1000000000) /* ids stay within 9 digits */

/* Streams of the generator; far from the simulation's 1-20 (MODEL 3.3). */
enum pw_census_gen_stream {
    PW_GEN_STREAM_LEVEL = 101,      /* k0: level */
    PW_GEN_STREAM_AGE = 102,        /* k0: age; k1: birth day within the year */
    PW_GEN_STREAM_TENURE = 103,     /* k0: service in days */
    PW_GEN_STREAM_PAY = 104,        /* k0: position inside the level band */
    PW_GEN_STREAM_DEFERRAL = 105,   /* k0: participates; k1: rate choice; k2: odd rate */
    PW_GEN_STREAM_HOURS = 106,      /* k0: part-time; k1: hours */
    PW_GEN_STREAM_OPT_OUT = 107,    /* k0: auto-escalation opt-out */
    PW_GEN_STREAM_SSN = 108,        /* k0: the nine digits */
};

struct pw_census_gen_options {
    size_t employees;                /* rows to generate, 1 .. PW_CENSUS_GEN_MAX_EMPLOYEES */
    uint64_t seed;                   /* same seed -> identical rows */
    int start_year;                  /* S, 1901..2200; census date C = Dec 31 of S-1 */
    double pre_enrolled_share;       /* [0, 1] share of rows with a deferral rate > 0 (0.65) */
    double part_time_share;          /* [0, 1] share with 20-30 hours a week, levels 1-2 only (0.05) */
    double escalation_opt_out_share; /* [0, 1] share with auto_escalation_opt_out (0.05) */
};

/* One generated employee; active, never terminated, no eligibility override. */
struct pw_census_gen_row {
    char employee_id[16];            /* "EMP_000001": 6 digits, more when employees > 999,999 */
    char ssn[12];                    /* "9dd-dd-dddd": area 900-999 is never issued, so clearly fake */
    pw_date birth_date;              /* age at C in [20, 65] */
    pw_date hire_date;               /* on or after the 18th birthday, on or before C */
    int level_id;                    /* 1 .. levels->count */
    double compensation;             /* annual dollars, whole cents, in [min_comp, max_comp) of the level */
    double deferral_rate;            /* fraction with at most 4 decimals; 0 = not deferring */
    double hours_per_week;           /* 40, or a whole number in [20, 30] for part-timers */
    bool auto_escalation_opt_out;
};

/* Defaults: 1000 employees, seed 42, start year 2025, shares 0.65 / 0.05 / 0.05. */
void pw_census_gen_options_init(struct pw_census_gen_options *o);

/* Checks the options and that every level has a usable band (0 < min < max).
 * Returns 0 or PW_ERANGE / PW_ETABLE with a message naming the option or level. */
int pw_census_gen_check(const struct pw_census_gen_options *o, const struct pw_job_levels *levels,
                        struct pw_err *err);

/* Census date C of the options: Dec 31 of start_year - 1. */
pw_date pw_census_gen_census_date(const struct pw_census_gen_options *o);

/* Fills row number index (0-based; the id is index + 1). Options must have passed
 * pw_census_gen_check. Thread-safe and allocation-free. */
void pw_census_gen_row(const struct pw_census_gen_options *o, const struct pw_job_levels *levels,
                       size_t index, struct pw_census_gen_row *row);

/* Share of level l (1-based) in the pyramid used for levels->count levels. */
double pw_census_gen_level_share(int level_count, int level);

#endif
