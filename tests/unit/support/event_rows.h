/* event_rows.h: an event of the engine with every column of its fct_yearly_events
 * row filled in (pw_event_values and the event_details text), for the unit tests
 * that check event rows field by field. */
#ifndef PW_TEST_EVENT_ROWS_H
#define PW_TEST_EVENT_ROWS_H

#include "sim/sim.h"

struct test_event {
    uint32_t row;
    pw_date date;
    int type, category, level, sequence;
    double compensation, previous_compensation, deferral_rate, previous_deferral_rate, probability;
    char details[160];
};

/* Event types of the retirement plan (MODEL 4.10-4.12). */
#define TEST_PLAN_EVENT_TYPES                                                                          \
    (1u << PW_EV_ELIGIBILITY | 1u << PW_EV_ENROLLMENT | 1u << PW_EV_MATCH_RESPONSE | 1u << PW_EV_ESCALATION | \
     1u << PW_EV_ENROLLMENT_CHANGE)
#define TEST_ALL_EVENT_TYPES 0xFFFFu

/* The events of row r in the current year whose type bit is in types, in
 * sequence order, into out (room for PW_SIM_MAX_ROW_EVENTS); returns the count. */
int test_row_events(const struct pw_sim *sim, size_t r, unsigned types, struct test_event *out);

#endif
