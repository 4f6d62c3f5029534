/* events.c: the text names of event types and categories, as written to DuckDB. */
#include "model/events.h"

const char *const pw_event_type_names[PW_EV_TYPE_COUNT] = {
    "",           "hire",        "eligibility",       "enrollment",  "deferral_match_response",
    "deferral_escalation", "promotion", "raise", "enrollment_change", "termination", "forfeiture",
};

const char *const pw_event_category_names[PW_CAT_COUNT] = {
    "hire",        "experienced_termination", "new_hire_termination", "promotion",
    "raise",       "eligibility",             "auto_enrollment",      "proactive_voluntary",
    "voluntary_enrollment", "year_over_year_voluntary", "enrollment_opt_out", "deferral_escalation",
    "match_response", "forfeiture", "census_enrollment",
};
