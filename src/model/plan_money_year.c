/* plan_money_year.c: allocation of the per-row arrays of struct pw_plan_money
 * (same growth rule as model/year.c, so both hold the same rows), and the names
 * of its coded columns as written to the outputs. */
#include "model/plan_money_year.h"

#include <stdlib.h>
#include <string.h>

const char *const pw_limit_type_names[PW_LIMIT_TYPE_COUNT] = {"BASE", "CATCH_UP", "SUPER_CATCH_UP"};
const char *const pw_elig_reason_names[PW_ELIG_REASON_COUNT] = {"eligible", "inactive_eoy", "insufficient_hours",
                                                                "insufficient_tenure"};

#define PW__MONEY_COLUMNS(X)                                                                  \
    X(b_cap) X(deferrals) X(pre_tax) X(roth) X(eff_rate) X(applicable_limit) X(limit_type)    \
    X(irs_402g) X(irs_401a17) X(irs_415c) X(irs_415c_reduction) X(match_415c_cut) X(match)    \
    X(match_uncapped) X(match_cap_applied) X(match_eligible) X(match_reason) X(core)          \
    X(core_eligible) X(yos) X(points) X(match_balance) X(core_balance) X(vesting_years)       \
    X(match_vested_pct) X(core_vested_pct) X(vested_balance) X(forfeit_match) X(forfeit_core) \
    X(forfeit_total) X(is_hce)

int pw_plan_money_reserve(struct pw_plan_money *m, size_t rows)
{
    if (rows <= m->capacity) return 0;
    size_t cap = rows + rows / 4 + 64;
#define PW__GROW(col)                                                  \
    {                                                                  \
        void *p = realloc(m->col, cap * sizeof *m->col);               \
        if (!p) return -1;                                             \
        m->col = p;                                                    \
    }
    PW__MONEY_COLUMNS(PW__GROW)
#undef PW__GROW
    m->capacity = cap;
    return 0;
}

void pw_plan_money_release(struct pw_plan_money *m)
{
#define PW__FREE(col) free(m->col);
    PW__MONEY_COLUMNS(PW__FREE)
#undef PW__FREE
    memset(m, 0, sizeof *m);
}
