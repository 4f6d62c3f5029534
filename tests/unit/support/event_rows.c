/* event_rows.c: event rows for the unit tests (see event_rows.h). */
#include "event_rows.h"

int test_row_events(const struct pw_sim *sim, size_t r, unsigned types, struct test_event *out)
{
    struct pw_event ev[PW_SIM_MAX_ROW_EVENTS];
    struct pw_year_view view;
    pw_sim_year_view(sim, &view);
    int n = pw_sim_row_events(sim, (uint32_t)r, ev), k = 0;
    for (int i = 0; i < n; i++) {
        if (!(types & 1u << ev[i].type)) continue;
        struct pw_event_values v;
        pw_event_values(&view, &ev[i], &v);
        struct test_event *t = &out[k++];
        *t = (struct test_event){.row = ev[i].row, .date = ev[i].date, .type = ev[i].type, .category = ev[i].category,
                                 .level = v.level, .sequence = ev[i].sequence, .compensation = v.compensation,
                                 .previous_compensation = v.previous_compensation, .deferral_rate = v.deferral_rate,
                                 .previous_deferral_rate = v.previous_deferral_rate, .probability = v.probability};
        pw_event_details_format(&view, &ev[i], &v, t->details, sizeof t->details);
    }
    return k;
}
