/* compliance_avg.c: the ADP (401(k)(3)) and ACP (401(m)(2)) tests of a year and
 * their corrections: leveling refunds to HCEs and QNECs to NHCEs (targeted or
 * uniform). Under prior-year testing the limit comes from last year's NHCE
 * average, so a QNEC correction goes to last year's NHCEs. The alternatives not
 * chosen are costed too, so a table row shows the price of every way to pass. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "model/compliance.h"
#include "model/compliance_year_int.h"

/* Largest QNEC, as a share of pay, that counts for one NHCE: 5% (the greater of 5%
 * and twice the representative rate is never less; 1.401(k)-2(a)(6)(iv)). */
#define QNEC_CAP 0.05
/* Deemed NHCE average of the first year under prior-year testing (401(k)(3)(E)). */
#define DEEMED_FIRST_YEAR 0.03

struct spec {
    const char *name;            /* "ADP" or "ACP" */
    int id;                      /* PW_CY_ADP or PW_CY_ACP */
    const struct pw_ct_test_config *tc;
    bool applicable, exempt;
    const char *exempt_method, *design_note;
};

/* The rows of one test, packed: index in cur, ratio, HCE flag, tested dollars, pay. */
struct packed {
    size_t k;
    size_t *row;
    double *ratio, *amount, *comp;
    bool *hce;
};

static void packed_free(struct packed *pk)
{
    free(pk->row), free(pk->ratio), free(pk->amount), free(pk->comp), free(pk->hce);
}

static int packed_alloc(struct packed *pk, size_t n)
{
    size_t m = n ? n : 1;
    memset(pk, 0, sizeof *pk);
    pk->row = malloc(m * sizeof *pk->row);
    pk->ratio = malloc(m * sizeof *pk->ratio);
    pk->amount = malloc(m * sizeof *pk->amount);
    pk->comp = malloc(m * sizeof *pk->comp);
    pk->hce = malloc(m * sizeof *pk->hce);
    if (!pk->row || !pk->ratio || !pk->amount || !pk->comp || !pk->hce) {
        packed_free(pk);
        return PW_ENOMEM;
    }
    return 0;
}

/* Why row i is not in the test, or PW_CY_TESTED. */
static uint8_t status_of(const struct spec *s, const struct pw_compliance_config *cfg, const struct pw_cy_year *y,
                         size_t i)
{
    if (!s->applicable) return PW_CY_NOT_NO_MATCH;
    if (y->plan_status[i] == PW_CY_PENDING) return PW_CY_NOT_PENDING;
    if (y->plan_status[i] == PW_CY_EXCLUDED) return PW_CY_NOT_PLAN_EXCLUDED;
    if (s->id == PW_CY_ACP && !y->match_eligible[i]) return PW_CY_NOT_MATCH_ELIGIBLE;
    if (cfg->exclude_otherwise_excludable && !y->hce[i] && (y->age[i] < 21 || y->tenure[i] < 1))
        return PW_CY_NOT_OTHERWISE_EXCLUDABLE;
    return PW_CY_TESTED;
}

static double amount_of(const struct spec *s, const struct pw_cy_year *y, size_t i)
{
    return s->id == PW_CY_ADP ? y->deferrals[i] - y->catch_up[i] : y->match[i];
}

static void reasons(const struct spec *s, const struct pw_cy_year *y, struct pw_cy_test *t)
{
    size_t c[6] = {0}, m[4] = {0};
    for (size_t i = 0; i < y->n; i++) {
        uint8_t st = s->id == PW_CY_ADP ? y->adp_status[i] : y->acp_status[i];
        c[st]++;
        if (st == PW_CY_NOT_MATCH_ELIGIBLE && y->match_reason[i] < 4) m[y->match_reason[i]]++;
    }
    t->excluded_count = (int64_t)(y->n - c[PW_CY_TESTED]);
    pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "not yet eligible", c[PW_CY_NOT_PENDING]);
    pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "excluded from the plan", c[PW_CY_NOT_PLAN_EXCLUDED]);
    pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "no match: inactive on Dec 31", m[PW_CY_M_INACTIVE_EOY]);
    pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "no match: hours", m[PW_CY_M_HOURS]);
    pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "no match: service", m[PW_CY_M_TENURE]);
    pw__cy_reason(t->excluded_reasons, sizeof t->excluded_reasons, "otherwise excludable",
                  c[PW_CY_NOT_OTHERWISE_EXCLUDABLE]);
}

/* QNEC recipients: the NHCEs of cur (current-year testing) or of prev (prior-year). */
struct recipients {
    const struct pw_cy_year *y;  /* NULL: nobody can receive one */
    size_t n;                    /* rows of y */
    bool *take;                  /* n: NHCE tested in y */
    double *q_t, *q_u;           /* n: targeted and uniform QNECs */
    size_t count;                /* NHCEs tested in y */
    double avg;                  /* their average ratio (the limit basis) */
};

static int recipients_alloc(struct recipients *rc, const struct spec *s, const struct pw_cy_year *y, double avg,
                            size_t count)
{
    memset(rc, 0, sizeof *rc);
    if (!y) return 0;
    size_t m = y->n ? y->n : 1;
    rc->take = malloc(m * sizeof *rc->take);
    rc->q_t = malloc(m * sizeof *rc->q_t);
    rc->q_u = malloc(m * sizeof *rc->q_u);
    if (!rc->take || !rc->q_t || !rc->q_u) {
        free(rc->take), free(rc->q_t), free(rc->q_u);
        return PW_ENOMEM;
    }
    rc->y = y, rc->n = y->n, rc->count = count, rc->avg = avg;
    for (size_t j = 0; j < y->n; j++)
        rc->take[j] = !y->hce[j] && (s->id == PW_CY_ADP ? y->adp_status[j] : y->acp_status[j]) == PW_CY_TESTED;
    return 0;
}

static void recipients_free(struct recipients *rc) { free(rc->take), free(rc->q_t), free(rc->q_u); }

/* The NHCE average of the recipients with the QNECs q added to their ratios. */
static double average_with(const struct spec *s, const struct recipients *rc, const double *q)
{
    double sum = 0;
    for (size_t j = 0; j < rc->n; j++) {
        if (!rc->take[j]) continue;
        double r = s->id == PW_CY_ADP ? rc->y->adp_ratio[j] : rc->y->acp_ratio[j];
        sum += r + (rc->y->test_comp[j] > 0 ? q[j] / rc->y->test_comp[j] : 0);
    }
    return rc->count ? sum / (double)rc->count : 0;
}

/* The nearest hundredth of a percentage point at or above / below x. */
static double ceil_pct(double x) { return ceil(x * 1e4 - 1e-6) / 1e4; }
static double floor_pct(double x) { return floor(x * 1e4 + 1e-6) / 1e4; }

/* Costs every correction, applies the configured one, re-tests. Group averages are
 * compared rounded to hundredths of a percentage point, so the refunds bring the
 * HCE average to the highest such value within the limit, and the QNECs bring the
 * NHCE average to the lowest such value that passes. */
static int correct(const struct spec *s, const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_year *prev,
                   const struct packed *pk, const struct pw_ct_result *r, bool prior_year, struct pw_cy_test *t)
{
    const struct pw_compliance_config *cfg = p->cfg;
    double *refund = malloc((pk->k ? pk->k : 1) * sizeof *refund);
    if (!refund) return PW_ENOMEM;
    double level;
    t->alt_refund_amount =
        pw_ct_leveling_refunds_at(pk->amount, pk->comp, pk->hce, pk->k, floor_pct(r->limit), refund, &level);

    struct recipients rc;
    bool can_qnec = !prior_year || prev;
    size_t count = r->nhce_count;
    double unrounded = s->id == PW_CY_ADP ? cur->adp_nhce_avg : cur->acp_nhce_avg;
    if (prior_year) {
        count = !prev ? 0 : s->id == PW_CY_ADP ? prev->adp_nhce_n : prev->acp_nhce_n;
        unrounded = !prev ? 0 : s->id == PW_CY_ADP ? prev->adp_nhce_avg : prev->acp_nhce_avg;
    }
    int err = recipients_alloc(&rc, s, prior_year ? prev : cur, unrounded, count);
    if (err) {
        free(refund);
        return err;
    }
    /* What the NHCE ratios must add up to more; the dollars are rounded up to the cent,
     * so the QNECs reach it (the re-test below checks). */
    double needed = (ceil_pct(pw_ct_needed_nhce_avg(r->hce_avg)) - unrounded) * (double)rc.count;
    double tot_t = NAN, tot_u = NAN;
    bool targeted_ok = false;
    if (can_qnec && rc.count > 0) {
        targeted_ok = pw_ct_targeted_qnec(rc.y->test_comp, rc.take, rc.n, needed, QNEC_CAP, rc.q_t, &tot_t);
        if (!targeted_ok) tot_t = NAN;
        t->alt_qnec_uniform_rate = pw_ct_uniform_qnec(rc.y->test_comp, rc.take, rc.n, needed, rc.q_u, &tot_u);
    }
    t->alt_qnec_targeted_cost = tot_t;
    t->alt_qnec_uniform_cost = tot_u;

    int kind = s->tc->correction;
    if (kind == PW_CORRECT_QNEC && !(can_qnec && rc.count > 0)) {
        pw__cy_note(t->note, sizeof t->note, "no QNEC modelled: %s", can_qnec ? "no NHCE to receive one"
                                                                              : "no prior-year NHCEs (first year)");
        kind = PW_CORRECT_NONE;
    }
    if (kind == PW_CORRECT_REFUND) {
        snprintf(t->correction, sizeof t->correction, "refund");
        pw__cy_note(t->note, sizeof t->note,
                    "refunds: HCE ratios above %.6f%% leveled to it (step 1), that total taken from the highest "
                    "dollar amounts first (step 2)", 100 * level);
        t->correction_amount = t->alt_refund_amount;
        t->correction_cost = 0;
        t->correction_count = 0;
        double *ratio2 = malloc((pk->k ? pk->k : 1) * sizeof *ratio2);
        if (!ratio2) err = PW_ENOMEM;
        for (size_t k = 0; !err && k < pk->k; k++) {
            double *out = s->id == PW_CY_ADP ? cur->adp_refund : cur->acp_refund;
            out[pk->row[k]] = refund[k];
            t->correction_count += refund[k] > 0;
            /* Re-test on the step-1 ratios: the rule treats the plan as corrected once
             * the excess found by lowering the highest ratios is returned. */
            ratio2[k] = pk->hce[k] && pk->ratio[k] > level ? level : pk->ratio[k];
        }
        if (!err) {
            struct pw_ct_result r2;
            pw_ct_test(ratio2, pk->hce, pk->k, prior_year ? r->nhce_avg : -1, &r2);
            snprintf(t->corrected_result, sizeof t->corrected_result, "%s", r2.pass ? "pass" : "fail");
            t->corrected_margin_pct = r2.margin;
        }
        free(ratio2);
    } else if (kind == PW_CORRECT_QNEC) {
        bool targeted = cfg->qnec_method == PW_QNEC_TARGETED && targeted_ok;
        if (cfg->qnec_method == PW_QNEC_TARGETED && !targeted_ok)
            pw__cy_note(t->note, sizeof t->note, "targeted QNECs of at most %.0f%% of pay cannot reach the limit: uniform QNEC",
                        100 * QNEC_CAP);
        const double *q = targeted ? rc.q_t : rc.q_u;
        snprintf(t->correction, sizeof t->correction, "%s", targeted ? "qnec_targeted" : "qnec_uniform");
        t->correction_amount = t->correction_cost = targeted ? tot_t : tot_u;
        t->correction_count = 0;
        double *dest = s->id == PW_CY_ADP ? (prior_year ? prev->adp_qnec : cur->adp_qnec)
                                          : (prior_year ? prev->acp_qnec : cur->acp_qnec);
        for (size_t j = 0; j < rc.n; j++) {
            dest[j] += q[j];
            t->correction_count += q[j] > 0;
        }
        if (prior_year && cfg->carry_forward)   /* paid this year: in this year's balances */
            for (size_t i = 0; i < cur->n; i++)
                if (cur->prev_row[i] >= 0) cur->cum_adjust[i] += q[cur->prev_row[i]];
        double new_avg = average_with(s, &rc, q);
        /* Re-test: the NHCE ratios (or last year's average) with the QNECs in them. */
        double *ratio2 = malloc((pk->k ? pk->k : 1) * sizeof *ratio2);
        if (!ratio2) err = PW_ENOMEM;
        for (size_t k = 0; !err && k < pk->k; k++)
            ratio2[k] = pk->ratio[k] + (!prior_year && !pk->hce[k] && pk->comp[k] > 0 ? q[pk->row[k]] / pk->comp[k] : 0);
        if (!err) {
            struct pw_ct_result r2;
            pw_ct_test(ratio2, pk->hce, pk->k, prior_year ? new_avg : -1, &r2);
            snprintf(t->corrected_result, sizeof t->corrected_result, "%s", r2.pass ? "pass" : "fail");
            t->corrected_margin_pct = r2.margin;
            if (!prior_year) {   /* this year's NHCE average, as next year's prior-year basis */
                if (s->id == PW_CY_ADP) cur->adp_nhce_avg = new_avg;
                else cur->acp_nhce_avg = new_avg;
            }
        }
        free(ratio2);
    } else {
        snprintf(t->correction, sizeof t->correction, "none");
    }
    recipients_free(&rc);
    free(refund);
    return err;
}

static int run_one(const struct spec *s, const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_year *prev,
                   struct pw_cy_test *t)
{
    uint8_t *status = s->id == PW_CY_ADP ? cur->adp_status : cur->acp_status;
    double *ratio = s->id == PW_CY_ADP ? cur->adp_ratio : cur->acp_ratio;
    struct packed pk;
    int err = packed_alloc(&pk, cur->n);
    if (err) return err;
    size_t nhce_n = 0;
    double nhce_sum = 0;
    for (size_t i = 0; i < cur->n; i++) {
        status[i] = status_of(s, p->cfg, cur, i);
        if (status[i] != PW_CY_TESTED) continue;
        size_t k = pk.k++;
        pk.row[k] = i;
        pk.amount[k] = amount_of(s, cur, i);
        pk.comp[k] = cur->test_comp[i];
        pk.ratio[k] = pk.comp[k] > 0 ? pk.amount[k] / pk.comp[k] : 0;
        pk.hce[k] = cur->hce[i];
        ratio[i] = pk.ratio[k];
        if (!pk.hce[k]) nhce_n++, nhce_sum += pk.ratio[k];
    }
    double cy_avg = nhce_n ? nhce_sum / (double)nhce_n : 0;
    if (s->id == PW_CY_ADP) cur->adp_nhce_avg = cy_avg, cur->adp_nhce_n = nhce_n;
    else cur->acp_nhce_avg = cy_avg, cur->acp_nhce_n = nhce_n;

    bool prior_year = s->tc->testing_method == PW_CT_PRIOR_YEAR;
    if (!s->applicable) {
        pw__cy_test_init(t, "no_match", "not_applicable");
        reasons(s, cur, t);
        packed_free(&pk);
        return 0;
    }
    double prior = -1;
    pw__cy_test_init(t, s->exempt ? s->exempt_method : prior_year ? "prior_year" : "current_year", "pass");
    if (prior_year) {
        if (prev) {
            prior = s->id == PW_CY_ADP ? prev->adp_nhce_avg : prev->acp_nhce_avg;
        } else {
            prior = isnan(s->tc->first_year_nhce) ? DEEMED_FIRST_YEAR : s->tc->first_year_nhce;
            pw__cy_note(t->note, sizeof t->note, "first year: NHCE average %s %.2f%%",
                        isnan(s->tc->first_year_nhce) ? "deemed" : "configured", 100 * prior);
        }
    }
    struct pw_ct_result r;
    pw_ct_test(pk.ratio, pk.hce, pk.k, prior, &r);
    t->hce_pct = r.hce_count ? r.hce_avg : NAN;
    t->nhce_pct = r.nhce_avg;
    t->ratio_pct = r.hce_count && r.nhce_avg > 0 ? r.hce_avg / r.nhce_avg : NAN;
    t->limit_pct = r.limit;
    t->margin_pct = r.hce_count ? r.margin : NAN;
    t->hce_count = (int64_t)r.hce_count;
    t->nhce_count = (int64_t)r.nhce_count;
    reasons(s, cur, t);
    if (prior_year) pw__cy_note(t->note, sizeof t->note, "this year's NHCE average %.2f%%", 100 * cy_avg);
    if (r.hce_count)
        pw__cy_note(t->note, sizeof t->note, "limit by the %s test",
                    r.kind == PW_CT_BASIC ? "basic (1.25x)" : "alternative (2x, at most +2 points)");

    bool pass = r.pass;
    if (!prior_year && r.nhce_count == 0 && r.hce_count > 0) {
        pass = true;
        pw__cy_note(t->note, sizeof t->note, "no eligible NHCE: nothing to compare with");
    }
    if (s->exempt) {
        snprintf(t->result, sizeof t->result, "exempt");
        pw__cy_note(t->note, sizeof t->note, "safe harbor: %s", s->design_note);
    } else {
        snprintf(t->result, sizeof t->result, "%s", pass ? "pass" : "fail");
        if (!pass) err = correct(s, p, cur, prev, &pk, &r, prior_year, t);
    }
    packed_free(&pk);
    return err;
}

int pw__cy_avg_tests(const struct pw_cy_params *p, struct pw_cy_year *cur, struct pw_cy_year *prev,
                     struct pw_cy_test tests[PW_CY_TESTS])
{
    const struct pw_ct_design *d = p->design;
    static const char *const adp_methods[] = {"", "safe_harbor_match", "safe_harbor_qaca", "safe_harbor_nonelective"};
    struct spec adp = {"ADP", PW_CY_ADP, &p->cfg->adp, true, d->adp_safe_harbor != PW_DSH_NONE,
                       adp_methods[d->adp_safe_harbor], d->adp_note};
    struct spec acp = {"ACP", PW_CY_ACP, &p->cfg->acp, d->match_enabled, d->acp_safe_harbor, "safe_harbor_match",
                       d->acp_note};
    int err = run_one(&adp, p, cur, prev, &tests[PW_CY_ADP]);
    if (!err) err = run_one(&acp, p, cur, prev, &tests[PW_CY_ACP]);
    if (!err && !d->adp_safe_harbor) pw__cy_note(tests[PW_CY_ADP].note, sizeof tests[PW_CY_ADP].note, "%s", d->adp_note);
    if (!err && d->match_enabled && !d->acp_safe_harbor && d->adp_safe_harbor)
        pw__cy_note(tests[PW_CY_ACP].note, sizeof tests[PW_CY_ACP].note, "%s", d->acp_note);
    return err;
}
