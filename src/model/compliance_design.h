/* compliance_design.h: what a plan design means for the nondiscrimination tests,
 * read from the plan settings: whether it is an ADP safe harbor (a safe-harbor or
 * QACA match, or a 3% non-elective core), whether its match also meets the ACP
 * safe harbor, whether its core is a uniform allocation (401(a)(4) design safe
 * harbor) and whether it is exempt from the top-heavy rules. Every "no" carries the
 * reason, which the test tables report. See docs/compliance.md. */
#ifndef PW_MODEL_COMPLIANCE_DESIGN_H
#define PW_MODEL_COMPLIANCE_DESIGN_H

#include <stdbool.h>

#include "model/plan_config.h"

/* The basis of an ADP safe harbor. */
enum pw_adp_safe_harbor { PW_DSH_NONE = 0, PW_DSH_MATCH, PW_DSH_QACA_MATCH, PW_DSH_NONELECTIVE };

struct pw_ct_design {
    bool match_enabled;          /* a match formula pays (employer_match.enabled and a formula) */
    bool core_enabled;           /* employer_core_contribution.enabled and a status other than none,
                                    or integration */
    int adp_safe_harbor;         /* enum pw_adp_safe_harbor */
    bool acp_safe_harbor;        /* ADP safe harbor whose match (if any) also meets 401(m)(11) */
    bool core_uniform;           /* flat rate, or flat with permitted disparity within 401(l) */
    bool core_disparity;         /* core_uniform through 401(l) permitted disparity */
    bool top_heavy_exempt;       /* only safe-harbor contributions: 416(g)(4)(H) */
    char adp_note[200];          /* why the design is or is not an ADP safe harbor */
    char acp_note[200];
    char top_heavy_note[200];
};

/* The match as a share of pay at deferral rate d, for simple and tiered formulas
 * (NAN for the other types, which no safe harbor here accepts). */
double pw_ct_match_at(const struct pw_match_formula *f, double d);

void pw_ct_design_from_plan(const struct pw_plan_config *p, struct pw_ct_design *out);

#endif
