/* events.h: event types, categories and the events of fct_yearly_events (MODEL 6.1).
 *
 * An event is kept as its identity only (who, when, what, its number): 12 bytes.
 * Everything else a row of fct_yearly_events shows (amounts, rates, level,
 * probability, the values behind event_details) is a function of the year's
 * arrays and is computed when the row is written or checked (pw_event_values),
 * so a year of a million employees holds a few tens of MB of events, not GBs.
 * Type values are the same-day priorities used for event_sequence. */
#ifndef PW_MODEL_EVENTS_H
#define PW_MODEL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/date.h"

struct pw_config;
struct pw_workforce;
struct pw_year;
struct pw_plan_year;
struct pw_plan_money;

enum pw_event_type {
    PW_EV_HIRE = 1,
    PW_EV_ELIGIBILITY = 2,
    PW_EV_ENROLLMENT = 3,
    PW_EV_MATCH_RESPONSE = 4,
    PW_EV_ESCALATION = 5,
    PW_EV_PROMOTION = 6,
    PW_EV_RAISE = 7,
    PW_EV_ENROLLMENT_CHANGE = 8,
    PW_EV_TERMINATION = 9,
    PW_EV_FORFEITURE = 10,
    PW_EV_TYPE_COUNT = 11      /* 0 unused */
};

enum pw_event_category {
    PW_CAT_HIRE = 0,
    PW_CAT_EXPERIENCED_TERMINATION,
    PW_CAT_NEW_HIRE_TERMINATION,
    PW_CAT_PROMOTION,
    PW_CAT_RAISE,
    PW_CAT_ELIGIBILITY,
    PW_CAT_AUTO_ENROLLMENT,
    PW_CAT_PROACTIVE_VOLUNTARY,
    PW_CAT_VOLUNTARY_ENROLLMENT,
    PW_CAT_YEAR_OVER_YEAR_VOLUNTARY,
    PW_CAT_ENROLLMENT_OPT_OUT,
    PW_CAT_DEFERRAL_ESCALATION,
    PW_CAT_MATCH_RESPONSE,
    PW_CAT_FORFEITURE,
    PW_CAT_CENSUS_ENROLLMENT,   /* deferral_rates.generate_synthetic_events: a census participant's enrollment */
    PW_CAT_COUNT
};

/* Text of each type (index = enum pw_event_type; [0] = "") and category, as
 * written to DuckDB; the output schema's ENUM types are made from these arrays. */
extern const char *const pw_event_type_names[PW_EV_TYPE_COUNT];
extern const char *const pw_event_category_names[PW_CAT_COUNT];

/* One event of the year: row of P_Y, date, type, category, and its number among
 * the employee's events of the year. */
struct pw_event {
    uint32_t row;              /* workforce/year row of the employee */
    pw_date date;              /* effective_date, inside the simulation year */
    uint8_t type;              /* enum pw_event_type */
    uint8_t category;          /* enum pw_event_category */
    uint16_t sequence;         /* 1.. per employee-year, by (date, type) */
};

/* Events of one chunk of output positions, in output order. */
struct pw_event_chunk {
    struct pw_event *events;
    size_t count, capacity;
};

/* The arrays of one simulated year, before its close: what an event row or a
 * snapshot row is computed from. */
struct pw_year_view {
    const struct pw_config *cfg;
    const struct pw_workforce *wf;           /* rows of P_Y, state carried into Y */
    const struct pw_year *year;
    const struct pw_plan_year *plan;
    const struct pw_plan_money *money;
};

/* The columns of an event row besides its identity. NAN means NULL. The detail
 * fields hold the numbers event_details shows, by type:
 *   promotion    detail_code = level before; detail_rate_1 = raise_pct
 *   raise        detail_rate_1 = merit_rate, detail_rate_2 = cola_rate
 *   enrollment   detail_code = 1 when the rate snapped to the match ceiling
 *   match resp.  detail_code = PW_MR_* bits (model/plan_year.h); detail_rate_1 = ceiling
 *   escalation   detail_code = escalation number (1 = first)
 *   forfeiture   detail_amount_1/2 = match/core forfeited; detail_rate_1/2 = vested shares
 * The rest of event_details comes from the configuration (selection mode, raise
 * timing, eligibility rule, escalation increment and cap, opt-out grace period)
 * or from the employee (hours, age at hire). */
struct pw_event_values {
    int level;                 /* level in force after the event on its date */
    double compensation, previous_compensation;      /* dollars */
    double deferral_rate, previous_deferral_rate;    /* fractions */
    double probability;
    double detail_rate_1, detail_rate_2;             /* fractions */
    double detail_amount_1, detail_amount_2;         /* dollars */
    int detail_code;                                 /* 0..255 */
};

void pw_event_values(const struct pw_year_view *v, const struct pw_event *e, struct pw_event_values *out);

/* The MODEL 6.1 event_details text of an event ("key=value;..."), for the wide
 * output layout and tests; the narrow layout renders the same text in SQL.
 * Returns the length written (truncated to size - 1). */
size_t pw_event_details_format(const struct pw_year_view *v, const struct pw_event *e,
                               const struct pw_event_values *ev, char *buf, size_t size);

/* The UUID v5 event_id of MODEL 6.1: scenario|employee|year|type|sequence. A
 * match event (fct_employer_match_events) uses type "employer_match", sequence 0. */
void pw_event_uuid(const char *scenario_id, const char *employee_id, size_t id_len, int year, const char *type,
                   int sequence, uint8_t out[16]);

#endif
