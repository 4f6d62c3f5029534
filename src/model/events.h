/* events.h: event types, categories and the event record of fct_yearly_events
 * (MODEL 6.1). Type values are the same-day priorities used for event_sequence. */
#ifndef PW_MODEL_EVENTS_H
#define PW_MODEL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/date.h"

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

extern const char *const pw_event_type_names[PW_EV_TYPE_COUNT];   /* [0] = "" */
extern const char *const pw_event_category_names[PW_CAT_COUNT];

#define PW_EVENT_DETAILS_MAX 112

/* One row of fct_yearly_events before it is written. NAN money/rates mean NULL. */
struct pw_event {
    uint32_t row;              /* workforce row of the employee */
    pw_date date;              /* effective_date, inside the simulation year */
    uint8_t type;              /* enum pw_event_type */
    uint8_t category;          /* enum pw_event_category */
    uint8_t level;             /* level in force after the event */
    uint16_t sequence;         /* 1.. per employee-year */
    double compensation;       /* dollars or NAN */
    double previous_compensation;
    double deferral_rate;      /* fraction or NAN */
    double previous_deferral_rate;
    double probability;        /* NAN = NULL */
    uint8_t event_id[16];      /* UUID v5 (MODEL 6.1) */
    char details[PW_EVENT_DETAILS_MAX]; /* key=value;... */
};

/* Events of one chunk of output positions, in output order. */
struct pw_event_chunk {
    struct pw_event *events;
    size_t count, capacity;
};

#endif
