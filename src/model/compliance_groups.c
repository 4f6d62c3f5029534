/* compliance_groups.c: coverage ratio, rate groups, top-paid group and key
 * employees (compliance_groups.h). No I/O. */
#include "model/compliance_groups.h"

#include <math.h>
#include <stdlib.h>

#define EPS 1e-12

static double share(size_t part, size_t whole) { return whole ? (double)part / (double)whole : NAN; }

/* Ratio percentage of NHCE and HCE shares benefiting, with the degenerate cases of
 * 1.410(b)-2: no HCE or no NHCE counted passes; no HCE benefiting passes. */
static void ratio_of(size_t hce_ben, size_t hce_total, size_t nhce_ben, size_t nhce_total, double *ratio, bool *pass)
{
    if (hce_total == 0 || nhce_total == 0) {
        *ratio = NAN;
        *pass = true;
    } else if (hce_ben == 0) {
        *ratio = INFINITY;
        *pass = true;
    } else {
        *ratio = share(nhce_ben, nhce_total) / share(hce_ben, hce_total);
        *pass = *ratio >= PW_COVERAGE_RATIO - EPS;
    }
}

void pw_cov_ratio_test(const bool *hce, const bool *benefit, const bool *counted, size_t n, struct pw_cov_result *out)
{
    size_t ht = 0, nt = 0, hb = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        if (!counted[i]) continue;
        if (hce[i]) ht++, hb += benefit[i];
        else nt++, nb += benefit[i];
    }
    out->hce_total = ht, out->nhce_total = nt, out->hce_benefiting = hb, out->nhce_benefiting = nb;
    out->hce_pct = share(hb, ht);
    out->nhce_pct = share(nb, nt);
    ratio_of(hb, ht, nb, nt, &out->ratio, &out->pass);
}

double pw_a4_rate(double amount, double comp)
{
    if (!(comp > 0)) return 0;
    return round(amount / comp * 1e4) / 1e4;
}

/* A counted employee's rate, for the descending order of the rate groups. */
struct by_rate {
    double rate;
    bool hce;
};
static int cmp_rate_desc(const void *a, const void *b)
{
    const struct by_rate *x = a, *y = b;
    return (x->rate < y->rate) - (x->rate > y->rate);
}

size_t pw_a4_rate_groups(const double *rate, const bool *hce, const bool *counted, size_t n,
                         struct pw_rate_group *groups, double *group_ratio)
{
    size_t ht = 0, nt = 0, m = 0;
    struct by_rate *o = malloc((n ? n : 1) * sizeof *o);
    if (!o) abort();
    for (size_t i = 0; i < n; i++) {
        if (!counted[i]) continue;
        o[m++] = (struct by_rate){rate[i], hce[i]};
        if (hce[i]) ht++;
        else nt++;
    }
    qsort(o, m, sizeof *o, cmp_rate_desc);
    /* Walking down the rates, each HCE rate closes a group of everyone at or above it. */
    size_t g = 0, hin = 0, nin = 0;
    for (size_t j = 0; j < m;) {
        size_t e = j;
        bool has_hce = false;
        for (; e < m && o[e].rate == o[j].rate; e++) {
            has_hce |= o[e].hce;
            if (o[e].hce) hin++;
            else nin++;
        }
        if (has_hce) {
            struct pw_rate_group *gr = &groups[g++];
            *gr = (struct pw_rate_group){.rate = o[j].rate, .hce_in = hin, .nhce_in = nin};
            ratio_of(hin, ht, nin, nt, &gr->ratio, &gr->pass);
        }
        j = e;
    }
    free(o);
    if (group_ratio)
        for (size_t i = 0; i < n; i++) {
            group_ratio[i] = NAN;
            if (!counted[i] || !hce[i]) continue;
            /* groups are in descending rate order: binary search for this rate */
            size_t lo = 0, hi = g;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (groups[mid].rate > rate[i]) lo = mid + 1;
                else hi = mid;
            }
            if (lo < g && groups[lo].rate == rate[i]) group_ratio[i] = groups[lo].ratio;
        }
    return g;
}

/* A row with its pay, for orders by pay (highest first, ties in row order). */
struct by_pay {
    double comp;
    size_t row;
};
static int cmp_pay_desc(const void *a, const void *b)
{
    const struct by_pay *x = a, *y = b;
    if (x->comp != y->comp) return x->comp > y->comp ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

size_t pw_top_paid_group(const double *comp, const bool *counted, size_t n, bool *member)
{
    size_t counted_n = 0;
    for (size_t i = 0; i < n; i++) counted_n += counted[i], member[i] = false;
    size_t size = (size_t)floor(0.2 * (double)counted_n + 0.5);
    if (size > n) size = n;
    struct by_pay *o = malloc((n ? n : 1) * sizeof *o);
    if (!o) abort();
    for (size_t i = 0; i < n; i++) o[i] = (struct by_pay){isnan(comp[i]) ? -INFINITY : comp[i], i};
    qsort(o, n, sizeof *o, cmp_pay_desc);
    for (size_t j = 0; j < size; j++) member[o[j].row] = true;
    free(o);
    return size;
}

void pw_key_employees(const double *comp, const bool *officer, const bool *owner5, const bool *owner1,
                      const bool *counted, size_t n, double officer_pay, double owner1_pay, uint8_t *basis)
{
    size_t counted_n = 0, officers = 0;
    for (size_t i = 0; i < n; i++) {
        counted_n += counted[i];
        officers += officer[i];
        basis[i] = (uint8_t)((owner5[i] ? PW_KEY_OWNER5 : 0u) | (owner1[i] && comp[i] > owner1_pay ? PW_KEY_OWNER1 : 0u));
    }
    size_t cap = (counted_n + 9) / 10;   /* 10%, a fraction rounded up */
    if (cap < 3) cap = 3;
    if (cap > 50) cap = 50;
    struct by_pay *o = malloc((officers ? officers : 1) * sizeof *o);
    if (!o) abort();
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (officer[i]) o[k++] = (struct by_pay){comp[i], i};
    qsort(o, k, sizeof *o, cmp_pay_desc);
    for (size_t j = 0; j < k && j < cap; j++)
        if (o[j].comp > officer_pay) basis[o[j].row] |= PW_KEY_OFFICER;
    free(o);
}

double pw_key_officer_pay(int year, bool *estimated)
{
    /* IRC 416(i)(1)(A)(i) as indexed by the IRS (Notice 2025-67 for 2026). */
    static const double by_year[] = {180000, 185000, 185000, 200000, 215000, 220000, 230000, 235000};
    const int first = 2019, last = first + (int)(sizeof by_year / sizeof *by_year) - 1;
    if (estimated) *estimated = year > last;
    if (year < first) return by_year[0];
    if (year > last) return by_year[last - first] + 5000.0 * (year - last);
    return by_year[year - first];
}
