/* tables.h: the assumption tables of MODEL 2.3 (bands, levels, hazards, merit/COLA,
 * IRS limits, new-hire ages, raise timing, enrollment groups and rates, vesting).
 *
 * Built-in values come from data/defaults/ CSV files embedded in the binary; a table is
 * replaced whole by <table>.csv in an assumptions directory. Every table is
 * validated at load with errors naming the file, row and column. */
#ifndef PW_MODEL_TABLES_H
#define PW_MODEL_TABLES_H

#include <stdbool.h>

#include "core/err.h"
#include "model/config.h"

#define PW_MAX_BANDS 16
#define PW_LABEL_MAX 32
#define PW_MAX_IRS_YEARS 256
#define PW_MAX_AGE_POINTS 128
#define PW_MAX_SCHEDULES 32
#define PW_MAX_SCHEDULE_YEARS 64
#define PW_NO_MAX (-1.0)            /* open-ended band maximum */

/* Half-open bands [min, max) covering [0, inf) (age_bands, tenure_bands). */
struct pw_bands {
    int count;
    char label[PW_MAX_BANDS][PW_LABEL_MAX];
    double min[PW_MAX_BANDS];
    double max[PW_MAX_BANDS];       /* PW_NO_MAX for the last band */
};

struct pw_job_levels {
    int count;                                  /* L_max; ids are 1..count */
    char name[PW_MAX_LEVELS + 1][PW_LABEL_MAX];
    double min_comp[PW_MAX_LEVELS + 1];         /* dollars, index = level id */
    double max_comp[PW_MAX_LEVELS + 1];
};

/* termination_hazard.csv / promotion_hazard.csv; multipliers indexed by band index. */
struct pw_hazard {
    double base_rate;
    double level_factor;            /* termination: level_discount_factor; promotion: level_dampener_factor */
    double min_level_multiplier;    /* termination only: min_level_discount_multiplier */
    double age_mult[PW_MAX_BANDS];
    double tenure_mult[PW_MAX_BANDS];
};

struct pw_irs_year {
    int year;
    double deferral_limit, catch_up_total_limit, super_catch_up_total_limit;
    double compensation_limit, hce_threshold, annual_additions_limit, ss_wage_base;
    int catch_up_age, super_catch_up_min_age, super_catch_up_max_age;
    bool estimated;
};

/* Groups of one enrollment dimension (age, income, job_level, tenure). */
struct pw_groups {
    int count;
    char name[8][PW_LABEL_MAX];
    double min[8], max[8];          /* max PW_NO_MAX for the last group */
};

enum pw_group_dim { PW_DIM_AGE = 0, PW_DIM_INCOME, PW_DIM_JOB_LEVEL, PW_DIM_TENURE, PW_DIM_COUNT };

struct pw_vesting_schedule {
    char name[PW_LABEL_MAX];
    int years;                       /* last year of service listed */
    double pct[PW_MAX_SCHEDULE_YEARS]; /* vested share at 0..years */
};

/* The tables in load order (later tables are validated against earlier ones:
 * hazards against bands, merit against levels, rates against groups). */
enum pw_table_id {
    PW_TABLE_AGE_BANDS = 0,
    PW_TABLE_TENURE_BANDS,
    PW_TABLE_JOB_LEVELS,
    PW_TABLE_TERMINATION_HAZARD,
    PW_TABLE_PROMOTION_HAZARD,
    PW_TABLE_MERIT_COLA_BY_LEVEL,
    PW_TABLE_IRS_LIMITS,
    PW_TABLE_NEW_HIRE_AGE_DISTRIBUTION,
    PW_TABLE_RAISE_TIMING_DISTRIBUTION,
    PW_TABLE_ENROLLMENT_GROUPS,
    PW_TABLE_ENROLLMENT_OPT_OUT_RATES,
    PW_TABLE_ENROLLMENT_PROACTIVE_RATES,
    PW_TABLE_ENROLLMENT_VOLUNTARY_RATES,
    PW_TABLE_ENROLLMENT_VOLUNTARY_DEFERRAL_RATES,
    PW_TABLE_ENROLLMENT_YOY_RATES,
    PW_TABLE_VESTING_SCHEDULES,
    PW_TABLE_COUNT
};

/* Table names without ".csv" ("age_bands", ...), indexed by enum pw_table_id;
 * also the `assumptions.<table>` YAML keys. */
extern const char *const pw_table_names[PW_TABLE_COUNT];

struct pw_tables {
    struct pw_bands age_bands, tenure_bands;
    struct pw_job_levels levels;
    struct pw_hazard termination, promotion;
    double merit_base[PW_MAX_LEVELS + 1];   /* index = level id */
    double cola_rate[PW_MAX_LEVELS + 1];
    int irs_count;
    struct pw_irs_year irs[PW_MAX_IRS_YEARS]; /* consecutive years ascending */
    int new_hire_age_count;
    int new_hire_age[PW_MAX_AGE_POINTS];      /* ascending */
    double new_hire_age_weight[PW_MAX_AGE_POINTS]; /* normalised to sum 1 */
    double raise_month_weight[13];            /* index 1..12, sum 1 */
    /* enrollment (plan part) */
    struct pw_groups groups[PW_DIM_COUNT];
    double opt_out_rate_by_age[8], opt_out_income_mult[8];            /* by group index */
    double proactive_prob_by_age[8];
    double voluntary_base_by_age[8], voluntary_income_mult[8], voluntary_level_mult[8];
    double voluntary_deferral[8][8];                                   /* [age group][income group] */
    double yoy_base_by_age[8], yoy_income_mult[8], yoy_tenure_mult[8], yoy_deferral_by_age[8];
    int schedule_count;
    struct pw_vesting_schedule schedules[PW_MAX_SCHEDULES];
    char source[32][PW_PATH_MAX];   /* where each table came from ("built-in" or a path), for run_metadata */
};

/* Loads every table: the built-in default, replaced by <name>.csv in directory
 * (when directory is non-empty and the file exists). Validates everything. */
int pw_tables_load(struct pw_tables *t, const char *directory, struct pw_err *err);
/* Same, where files[i] (NULL or "" = none) is an explicit CSV for table i that
 * wins over the directory; files may be NULL. A named file must exist. */
int pw_tables_load_with(struct pw_tables *t, const char *directory, const char *const files[16],
                        struct pw_err *err);
/* Table id of name ("job_levels" or "job_levels.csv"), or -1. */
int pw_table_id(const char *name);

/* Band index of value (0-based), or the last band. */
int pw_band_index(const struct pw_bands *b, double value);
/* Group index in one enrollment dimension. */
int pw_group_index(const struct pw_groups *g, double value);
/* IRS limits of year y: the table row, or the nearest year (warns once per year). */
const struct pw_irs_year *pw_tables_irs(const struct pw_tables *t, int year);
/* Vesting schedule by name, or NULL. */
const struct pw_vesting_schedule *pw_tables_schedule(const struct pw_tables *t, const char *name);
/* Level from compensation (MODEL 2.1): smallest level whose max exceeds comp, else top. */
int pw_level_from_compensation(const struct pw_job_levels *levels, double comp);

#endif
