/* solver.c: growth solver, largest-remainder quotas and top-q selection. */
#include "sim/solver.h"

#include <math.h>

#include "core/err.h"
#include "core/num.h"

void pw_needs_solve(struct pw_needs *nd, int64_t n, int64_t h_prev, double g, double t, double nh)
{
    nd->starting_headcount = n;
    nd->prior_year_hires_active = h_prev;
    nd->experienced_headcount = n - h_prev;
    nd->target_ending_headcount = (int64_t)pw_rha((double)n * (1.0 + g));
    nd->expected_experienced_terminations =
        (int64_t)pw_floor_eps((double)nd->experienced_headcount * t + (double)h_prev * nh);
    int64_t survivors = n - nd->expected_experienced_terminations;
    nd->net_from_hires = nd->target_ending_headcount - survivors;
    if (nd->net_from_hires > 0) {
        nd->total_hires = (int64_t)pw_ceil_eps((double)nd->net_from_hires / (1.0 - nh));
        nd->expected_new_hire_terminations = nd->total_hires - nd->net_from_hires;
        nd->rif_terminations = 0;
    } else {
        nd->total_hires = 0;
        nd->expected_new_hire_terminations = 0;
        nd->rif_terminations = -nd->net_from_hires;
    }
    nd->total_experienced_terminations = nd->expected_experienced_terminations + nd->rif_terminations;
    nd->nh_terms_shortfall = 0;
    nd->ending_headcount_actual = 0;
    nd->reconciliation_error = 0;
}

/* Hands out `left` units, one per level, in the order given by better(). */
static void distribute_leftover(int levels, int64_t left, int64_t *quota, int (*better)(const void *, int, int),
                                const void *ctx, const unsigned char *allowed)
{
    unsigned char taken[PW_MAX_LEVELS + 1] = {0};
    while (left > 0) {
        int best = 0;
        for (int l = 1; l <= levels; l++) {
            if (taken[l] || (allowed && !allowed[l])) continue;
            if (!best || better(ctx, l, best)) best = l;
        }
        if (!best) break;   /* cannot happen when the totals are consistent */
        taken[best] = 1;
        quota[best]++;
        left--;
    }
}

struct term_ctx {
    const int64_t *h, *quota, *rem;
};

static int term_better(const void *p, int a, int b)
{
    const struct term_ctx *c = p;
    int a_room = c->quota[a] < c->h[a], b_room = c->quota[b] < c->h[b];
    if (a_room != b_room) return a_room > b_room;
    if (c->rem[a] != c->rem[b]) return c->rem[a] > c->rem[b];
    return a < b;
}

void pw_quota_terminations(const int64_t *h, int levels, int64_t total, int64_t *quota)
{
    int64_t n = 0, sum = 0, rem[PW_MAX_LEVELS + 1] = {0};
    unsigned char allowed[PW_MAX_LEVELS + 1] = {0};
    for (int l = 1; l <= levels; l++) n += h[l];
    for (int l = 0; l <= levels; l++) quota[l] = 0;
    if (n == 0 || total <= 0) return;
    PW_ASSERT(total <= n);
    for (int l = 1; l <= levels; l++) {
        if (h[l] <= 0) continue;
        /* 128-bit-safe: T*h fits in int64 for any realistic workforce (< 3e9 rows). */
        quota[l] = (total * h[l]) / n;
        if (quota[l] > h[l]) quota[l] = h[l];
        rem[l] = (total * h[l]) % n;
        allowed[l] = 1;
        sum += quota[l];
    }
    struct term_ctx ctx = {h, quota, rem};
    distribute_leftover(levels, total - sum, quota, term_better, &ctx, allowed);
}

struct rem_ctx {
    const double *rem;
};

static int rem_better(const void *p, int a, int b)
{
    const struct rem_ctx *c = p;
    if (c->rem[a] != c->rem[b]) return c->rem[a] > c->rem[b];
    return a < b;
}

void pw_quota_hires_adaptive(const int64_t *h, int levels, int64_t total, int64_t *quota)
{
    int64_t n = 0, sum = 0;
    double rem[PW_MAX_LEVELS + 1] = {0};
    unsigned char allowed[PW_MAX_LEVELS + 1] = {0};
    for (int l = 1; l <= levels; l++) n += h[l];
    for (int l = 0; l <= levels; l++) quota[l] = 0;
    if (n == 0 || total <= 0) return;
    for (int l = 1; l <= levels; l++) {
        if (h[l] <= 0) continue;
        quota[l] = (total * h[l]) / n;
        rem[l] = (double)((total * h[l]) % n);
        allowed[l] = 1;
        sum += quota[l];
    }
    struct rem_ctx ctx = {rem};
    distribute_leftover(levels, total - sum, quota, rem_better, &ctx, allowed);
}

void pw_quota_hires_fixed(const double *share, int levels, int64_t total, int64_t *quota)
{
    double sum_share = 0, rem[PW_MAX_LEVELS + 1] = {0};
    int64_t sum = 0;
    for (int l = 1; l <= levels; l++) sum_share += share[l] > 0 ? share[l] : 0;
    for (int l = 0; l <= levels; l++) quota[l] = 0;
    if (total <= 0 || sum_share <= 0) return;
    for (int l = 1; l <= levels; l++) {
        double q = (double)total * (share[l] > 0 ? share[l] : 0) / sum_share;
        quota[l] = (int64_t)pw_floor_eps(q);
        rem[l] = q - (double)quota[l];
        if (rem[l] < 0) rem[l] = 0;
        sum += quota[l];
    }
    struct rem_ctx ctx = {rem};
    distribute_leftover(levels, total - sum, quota, rem_better, &ctx, NULL);
}

double pw_selection_score(double u, double w)
{
    if (u <= 0.0 || !(w > 0.0)) return -INFINITY;
    return log(u) / w;
}

/* a ranks before b: larger score first, then smaller row. */
static inline int ranks_before(const struct pw_scored *a, const struct pw_scored *b)
{
    if (a->score != b->score) return a->score > b->score;
    return a->row < b->row;
}

static inline void swap(struct pw_scored *a, struct pw_scored *b)
{
    struct pw_scored t = *a;
    *a = *b;
    *b = t;
}

void pw_select_top(struct pw_scored *items, size_t n, size_t q)
{
    if (q == 0 || q >= n) return;
    /* Quickselect on the strict total order: after it, positions [0, q) hold the
     * q best in some order. Median-of-three pivots keep it linear in practice. */
    size_t lo = 0, hi = n - 1, k = q - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ranks_before(&items[mid], &items[lo])) swap(&items[mid], &items[lo]);
        if (ranks_before(&items[hi], &items[lo])) swap(&items[hi], &items[lo]);
        if (ranks_before(&items[hi], &items[mid])) swap(&items[hi], &items[mid]);
        struct pw_scored pivot = items[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (ranks_before(&items[i], &pivot)) i++;
            while (ranks_before(&pivot, &items[j])) j--;
            if (i <= j) {
                swap(&items[i], &items[j]);
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break;
    }
}
