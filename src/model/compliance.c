/* compliance.c: ADP/ACP test arithmetic, leveling refunds, QNECs (uniform and
 * targeted) and the top-heavy ratio and minimum (compliance.h). No I/O: the
 * callers bring the rows. */
#include "model/compliance.h"

#include <math.h>
#include <stdlib.h>

#define PW_CT_EPS 1e-12

static double round_cents(double x) { return round(x * 100.0) / 100.0; }

double pw_ct_round_pct(double x) { return round(x * 1e4) / 1e4; }

double pw_ct_limit(double nhce_avg, enum pw_ct_limit_kind *kind)
{
    double basic = 1.25 * nhce_avg;
    double alt = fmin(2.0 * nhce_avg, nhce_avg + 0.02);
    if (kind) *kind = alt > basic ? PW_CT_ALTERNATIVE : PW_CT_BASIC;
    return fmax(basic, alt);
}

double pw_ct_needed_nhce_avg(double hce_avg)
{
    /* basic reaches h at h/1.25; the alternative needs both 2x >= h and x + 0.02 >= h. */
    double alt = fmax(hce_avg / 2.0, hce_avg - 0.02);
    double x = fmin(hce_avg / 1.25, alt);
    return x > 0 ? x : 0;
}

void pw_ct_test(const double *ratio, const bool *hce, size_t n, double prior_nhce_avg, struct pw_ct_result *out)
{
    double hs = 0, ns = 0;
    size_t hn = 0, nn = 0;
    for (size_t i = 0; i < n; i++) {
        if (hce[i]) hs += ratio[i], hn++;
        else ns += ratio[i], nn++;
    }
    out->hce_count = hn;
    out->nhce_count = nn;
    out->hce_avg = hn ? pw_ct_round_pct(hs / (double)hn) : 0.0;
    out->nhce_avg = pw_ct_round_pct(prior_nhce_avg >= 0 ? prior_nhce_avg : (nn ? ns / (double)nn : 0.0));
    out->limit_basic = 1.25 * out->nhce_avg;
    out->limit_alt = fmin(2.0 * out->nhce_avg, out->nhce_avg + 0.02);
    out->limit = pw_ct_limit(out->nhce_avg, &out->kind);
    out->margin = out->limit - out->hce_avg;
    out->pass = hn == 0 || out->margin >= -PW_CT_EPS;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Level of a "reduce the highest first" cut: the value m with
 * sum(max(0, v_i - m)) = target over the values sorted descending (k of them).
 * The target is at most the sum of the values, so m >= 0. */
static double level_for(double *v, size_t k, double target)
{
    qsort(v, k, sizeof *v, cmp_desc);
    double top = 0;
    for (size_t j = 1; j <= k; j++) {
        top += v[j - 1];
        double m = (top - target) / (double)j;
        double next = j < k ? v[j] : 0.0;
        if (m >= next - PW_CT_EPS) return m > 0 ? m : 0;
    }
    return 0;
}

double pw_ct_leveling_refunds(const double *amount, const double *comp, const bool *hce, size_t n, double limit,
                              double *refund)
{
    double level;
    return pw_ct_leveling_refunds_at(amount, comp, hce, n, limit, refund, &level);
}

double pw_ct_leveling_refunds_at(const double *amount, const double *comp, const bool *hce, size_t n, double limit,
                                 double *refund, double *level)
{
    size_t k = 0;
    double sum_ratio = 0;
    *level = INFINITY;
    for (size_t i = 0; i < n; i++) {
        refund[i] = 0;
        if (hce[i]) k++, sum_ratio += comp[i] > 0 ? amount[i] / comp[i] : 0;
    }
    if (k == 0 || sum_ratio / (double)k <= limit + PW_CT_EPS) return 0;
    double *v = malloc(k * sizeof *v);
    if (!v) abort();
    /* Step 1: ratio cap r with average(min(ratio, r)) = limit; the excess of each
     * HCE above r, in dollars, adds up to the total excess contributions. */
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (hce[i]) v[j++] = comp[i] > 0 ? amount[i] / comp[i] : 0;
    double r = level_for(v, k, sum_ratio - limit * (double)k);
    *level = r;
    double excess = 0;
    for (size_t i = 0; i < n; i++)
        if (hce[i] && comp[i] > 0 && amount[i] / comp[i] > r) excess += round_cents(amount[i] - r * comp[i]);
    /* Step 2: the total comes off the highest dollar amounts first. */
    j = 0;
    for (size_t i = 0; i < n; i++)
        if (hce[i]) v[j++] = amount[i];
    double m = level_for(v, k, excess);
    free(v);
    double total = 0;
    for (size_t i = 0; i < n; i++)
        if (hce[i] && amount[i] > m) {
            refund[i] = round_cents(amount[i] - m);
            if (refund[i] > amount[i]) refund[i] = amount[i];
            total += refund[i];
        }
    return round_cents(total);
}

double pw_ct_uniform_qnec_rate(const struct pw_ct_result *r)
{
    if (r->pass) return 0;
    double q = pw_ct_needed_nhce_avg(r->hce_avg) - r->nhce_avg;
    return q > 0 ? q : 0;
}

double pw_ct_ceil_cents(double x)
{
    /* The 1e-6 keeps a product such as 0.005 x 30,000 (150.00000000000003) at 150.00. */
    return ceil(x * 100.0 - 1e-6) / 100.0;
}

/* An NHCE with pay, for the lowest-paid-first order (ties in row order). */
struct by_pay {
    double comp;
    size_t row;
};
static int cmp_pay(const void *a, const void *b)
{
    const struct by_pay *x = a, *y = b;
    if (x->comp != y->comp) return x->comp < y->comp ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

bool pw_ct_targeted_qnec(const double *comp, const bool *take, size_t n, double needed, double cap, double *qnec,
                         double *total)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        qnec[i] = 0;
        if (take[i] && comp[i] > 0) k++;
    }
    *total = 0;
    if (needed <= 0) return true;
    if ((double)k * cap < needed - PW_CT_EPS) return false;
    struct by_pay *order = malloc((k ? k : 1) * sizeof *order);
    if (!order) abort();
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (take[i] && comp[i] > 0) order[k++] = (struct by_pay){comp[i], i};
    qsort(order, k, sizeof *order, cmp_pay);
    double left = needed;
    for (size_t j = 0; j < k && left > 0; j++) {
        size_t i = order[j].row;
        double share = left < cap ? left : cap;
        qnec[i] = pw_ct_ceil_cents(share * comp[i]);
        *total += qnec[i];
        left -= share;
    }
    free(order);
    *total = round_cents(*total);
    return true;
}

double pw_ct_uniform_qnec(const double *comp, const bool *take, size_t n, double needed, double *qnec,
                          double *total)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        qnec[i] = 0;
        if (take[i] && comp[i] > 0) k++;
    }
    *total = 0;
    if (needed <= 0 || k == 0) return 0;
    double rate = needed / (double)k;
    for (size_t i = 0; i < n; i++)
        if (take[i] && comp[i] > 0) {
            qnec[i] = pw_ct_ceil_cents(rate * comp[i]);
            *total += qnec[i];
        }
    *total = round_cents(*total);
    return rate;
}

void pw_th_minimum(const bool *key, const double *employer, const double *key_rate_amount, const double *comp,
                   const bool *benefit, size_t n, struct pw_th_result *out, double *owed)
{
    double key_rate = 0;
    for (size_t i = 0; i < n; i++)
        if (key[i] && comp[i] > 0 && key_rate_amount[i] / comp[i] > key_rate) key_rate = key_rate_amount[i] / comp[i];
    out->min_rate = fmin(0.03, key_rate);
    out->cost = 0;
    out->topped_up = 0;
    for (size_t i = 0; i < n; i++) {
        if (owed) owed[i] = 0;
        if (key[i] || !benefit[i]) continue;
        double due = round_cents(round_cents(out->min_rate * comp[i]) - employer[i]);
        if (due > 0.005) {
            out->cost += due, out->topped_up++;
            if (owed) owed[i] = due;
        }
    }
    out->cost = round_cents(out->cost);
}

void pw_th_test(const double *balance, const bool *key, const double *employer, const double *key_rate_amount,
                const double *comp, const bool *benefit, size_t n, struct pw_th_result *out)
{
    double all = 0, keyb = 0;
    for (size_t i = 0; i < n; i++) {
        all += balance[i];
        if (key[i]) keyb += balance[i];
    }
    out->key_share = all > 0 ? keyb / all : 0;
    out->top_heavy = out->key_share > 0.60 + PW_CT_EPS;
    out->min_rate = 0;
    out->cost = 0;
    out->topped_up = 0;
    if (out->top_heavy) pw_th_minimum(key, employer, key_rate_amount, comp, benefit, n, out, NULL);
}
