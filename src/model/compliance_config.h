/* compliance_config.h: the `compliance.*` settings, a member of struct pw_config
 * (cfg->compliance). They are rows of the one key table (config_keys.c) like every
 * other key; the tests that read them are described in docs/compliance.md. None of
 * them changes the simulation, so the configuration hash that checkpoints are
 * matched by leaves them out (config_hash.c). */
#ifndef PW_MODEL_COMPLIANCE_CONFIG_H
#define PW_MODEL_COMPLIANCE_CONFIG_H

#include <stdbool.h>

/* Which NHCE average the ADP/ACP limit is built on. */
enum pw_ct_method { PW_CT_CURRENT_YEAR = 0, PW_CT_PRIOR_YEAR = 1 };
/* The correction modelled when an ADP or ACP test fails. */
enum pw_ct_correction { PW_CORRECT_REFUND = 0, PW_CORRECT_QNEC = 1, PW_CORRECT_NONE = 2 };
/* How QNECs are spread over the NHCEs. */
enum pw_qnec_method { PW_QNEC_TARGETED = 0, PW_QNEC_UNIFORM = 1 };
/* Whether the top-heavy minimum contribution is modelled (and costed). */
enum pw_th_correction { PW_TH_MINIMUM = 0, PW_TH_NONE = 1 };

/* Settings of one of the two average-percentage tests (ADP, ACP). */
struct pw_ct_test_config {
    int testing_method;          /* enum pw_ct_method */
    double first_year_nhce;      /* prior-year testing, first year: NHCE average as a fraction
                                    in [0, 1]; NAN = the 3% deemed rate */
    int correction;              /* enum pw_ct_correction */
};

struct pw_compliance_config {
    bool enabled;                /* planwise run computes the tests after the last year */
    struct pw_ct_test_config adp, acp;
    int qnec_method;             /* enum pw_qnec_method */
    bool exclude_otherwise_excludable; /* ADP/ACP: leave out NHCEs under 21 or under 1 year of
                                    service (IRC 401(k)(3)(F), 401(m)(5)(C)) */
    bool top_paid_group;         /* 414(q)(3) election: pay-based HCEs must be in the top 20% */
    bool exclude_statutory;      /* 410(b): leave out employees under 21, under 1 year of service,
                                    and leavers with 500 hours or fewer who do not benefit */
    double officer_pay_threshold;/* 416(i)(1)(A)(i) dollars; NAN = built-in value of the year */
    double one_pct_owner_pay;    /* 416(i)(1)(A)(iii) dollars, > 0 (150,000, not indexed) */
    int top_heavy_correction;    /* enum pw_th_correction */
    bool carry_forward;          /* corrections change the balances later years' top-heavy
                                    determinations read (never the simulated tables) */
};

#endif
