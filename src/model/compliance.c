/* compliance.c: ADP/ACP test arithmetic, leveling refunds, uniform QNEC and the
 * top-heavy ratio (compliance.h). No I/O: the callers bring the rows. */
#include "model/compliance.h"

#include <math.h>
#include <stdlib.h>

#define PW_CT_EPS 1e-12

static double round_cents(double x) { return round(x * 100.0) / 100.0; }

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
    out->hce_avg = hn ? hs / (double)hn : 0.0;
    out->nhce_avg = prior_nhce_avg >= 0 ? prior_nhce_avg : (nn ? ns / (double)nn : 0.0);
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
    size_t k = 0;
    double sum_ratio = 0;
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

void pw_th_test(const double *balance, const bool *key, const double *employer, const double *key_rate_amount,
                const double *comp, const bool *benefit, size_t n, struct pw_th_result *out)
{
    double all = 0, keyb = 0, key_rate = 0;
    for (size_t i = 0; i < n; i++) {
        all += balance[i];
        if (key[i]) {
            keyb += balance[i];
            if (comp[i] > 0 && key_rate_amount[i] / comp[i] > key_rate) key_rate = key_rate_amount[i] / comp[i];
        }
    }
    out->key_share = all > 0 ? keyb / all : 0;
    out->top_heavy = out->key_share > 0.60 + PW_CT_EPS;
    out->min_rate = out->top_heavy ? fmin(0.03, key_rate) : 0;
    out->cost = 0;
    out->topped_up = 0;
    if (!out->top_heavy) return;
    for (size_t i = 0; i < n; i++) {
        if (key[i] || !benefit[i]) continue;
        double owed = round_cents(out->min_rate * comp[i]) - employer[i];
        if (owed > 0.005) out->cost += owed, out->topped_up++;
    }
    out->cost = round_cents(out->cost);
}
