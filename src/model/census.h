/* census.h: census validation and ingest (MODEL 2.1), independent of file format.
 *
 * A reader (io/census_reader.c) hands each row over as text fields; this module
 * applies every row rule, normalises values, builds the starting roster sorted by
 * employee_id, resolves duplicate ids and collects rejected rows with reasons. */
#ifndef PW_MODEL_CENSUS_H
#define PW_MODEL_CENSUS_H

#include <stddef.h>

#include "core/err.h"
#include "model/config.h"
#include "model/tables.h"
#include "model/workforce.h"

/* Column positions in struct pw_census_fields. */
enum pw_census_col {
    PW_CC_EMPLOYEE_ID = 0,
    PW_CC_BIRTH_DATE,
    PW_CC_HIRE_DATE,
    PW_CC_GROSS_COMPENSATION,
    PW_CC_TERMINATION_DATE,
    PW_CC_ACTIVE,
    PW_CC_SSN,
    PW_CC_DEFERRAL_RATE,
    PW_CC_HOURS,
    PW_CC_AUTO_ESCALATION_OPT_OUT,
    PW_CC_ELIGIBILITY_OVERRIDE,
    PW_CC_LEVEL_ID,
    PW_CC_IS_5PCT_OWNER,   /* optional booleans for the compliance tests (docs/compliance.md) */
    PW_CC_IS_1PCT_OWNER,
    PW_CC_IS_OFFICER,
    PW_CC_COUNT
};

/* Row rules beyond MODEL 2.1's table (docs/decisions.md, "Census bounds"): an
 * employee_id has at most PW_CENSUS_ID_MAX characters (UTF-8 code points) and no
 * control characters; a compensation above PW_CENSUS_COMP_MAX a year is refused
 * as a data error, not simulated as a finite-but-absurd (or infinite) salary. */
#define PW_CENSUS_ID_MAX 64
#define PW_CENSUS_COMP_MAX 1e9

extern const char *const pw_census_column_names[PW_CC_COUNT];
extern const bool pw_census_column_required[PW_CC_COUNT];

/* One row as text; NULL = column absent or SQL NULL. Lengths in len[]. */
struct pw_census_fields {
    const char *value[PW_CC_COUNT];
    size_t len[PW_CC_COUNT];
};

struct pw_rejected_row {
    size_t row;              /* 1-based data row (line = row + 1 for CSV with a header) */
    char employee_id[64];    /* as read, truncated */
    char column[40];         /* column at fault */
    char reason[160];        /* what is wrong, lower case */
};

struct pw_census_stats {
    size_t rows_read, valid_rows, rejected_rows;
    size_t terminated_rows;          /* valid rows with a termination date: not in the roster */
    size_t duplicate_ids;            /* rows dropped as duplicates */
    size_t inactive_without_term;    /* active=false and no termination date */
    size_t deferral_percent_fixed;   /* r > 1 divided by 100 */
    size_t deferral_clamped;         /* clamped to [0, cap] */
    size_t hours_defaulted;          /* outside [0, 80] -> 40 */
    size_t deferral_fallback;        /* unreadable rates set to deferral_rates.pre_enrolled_fallback */
    size_t hired_after_census;       /* hire date after the census date, inside the first year */
    size_t pre_enrolled;             /* roster rows with a deferral rate > 0 */
    size_t override_false_rows;      /* valid rows with eligibility_override = false */
    size_t key_collisions;           /* distinct ids with the same RNG key */
    size_t level_id_ignored;         /* non-empty level_id not an integer in 1..L_max: derived from pay */
    size_t pre_enrolled_override_false; /* roster rows pre-enrolled despite eligibility_override = false */
};
/* Counting rules: rows_read = valid_rows + rejected_rows. valid_rows, the
 * normalisation counts, inactive_without_term and override_false_rows count valid
 * rows as read (before duplicates are resolved); duplicate_ids, terminated_rows,
 * pre_enrolled and key_collisions are counted after, so the roster holds
 * valid_rows - duplicate_ids - terminated_rows rows. */

struct pw_census {
    struct pw_workforce roster;      /* starting roster R_S, sorted by employee_id */
    struct pw_census_stats stats;
    struct pw_rejected_row *rejected;/* every rejected row, in file order */
    size_t rejected_count, rejected_capacity;
    /* private: staging while rows arrive */
    struct pw__census_stage *stage;
};

int pw_census_init(struct pw_census *c, struct pw_strpool *strings);
void pw_census_release(struct pw_census *c);
/* Validates one row (row = 1-based data row number) and stages it or records a rejection.
 * Returns 0, or PW_ENOMEM. Rejections are not errors here. */
int pw_census_add_row(struct pw_census *c, const struct pw_census_fields *f, size_t row,
                      const struct pw_config *cfg, const struct pw_tables *tables);
/* Sorts, resolves duplicates and fills the roster. */
int pw_census_finish(struct pw_census *c, struct pw_err *err);
/* Logs the MODEL 2.1 warnings (duplicates, normalisations, inactive rows, key
 * collisions) and the first max_listed rejected rows with their reasons. */
void pw_census_log_summary(const struct pw_census *c, size_t max_listed);

#endif
