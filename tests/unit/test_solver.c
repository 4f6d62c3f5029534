/* test_solver.c: the growth solver (MODEL 4.2), the largest-remainder level quotas
 * (4.3) and weighted top-q selection (3.4) of src/sim/solver.h.
 *
 * Fixed vectors come from the MODEL text; the randomised property tests compare
 * against straightforward reference implementations written from the MODEL rules
 * (sort-based largest remainder, full sort for the selection), driven by a small
 * local xorshift generator with fixed seeds so failures are reproducible. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/solver.h"

/* ---- helpers ---- */

static uint64_t rng_state;

static uint64_t next_u64(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Uniform integer in [0, n). */
static int64_t rand_below(int64_t n)
{
    return n <= 0 ? 0 : (int64_t)(next_u64() % (uint64_t)n);
}

static struct pw_needs solve(int64_t n, int64_t h_prev, double g, double t, double nh)
{
    struct pw_needs nd;
    memset(&nd, 0x5a, sizeof nd);   /* garbage: every field must be written */
    pw_needs_solve(&nd, n, h_prev, g, t, nh);
    return nd;
}

/* The MODEL 4.2 identities every solution satisfies. */
static void check_needs_identities(const struct pw_needs *nd, int64_t n, int64_t h_prev, double g)
{
    assert_int_equal(nd->starting_headcount, n);
    assert_int_equal(nd->prior_year_hires_active, h_prev);
    assert_int_equal(nd->experienced_headcount, n - h_prev);
    assert_int_equal(nd->target_ending_headcount, (int64_t)floor(fabs((double)n * (1.0 + g)) + 0.5 + 1e-9));
    assert_int_equal(nd->net_from_hires, nd->target_ending_headcount - (n - nd->expected_experienced_terminations));
    if (nd->net_from_hires > 0) {
        assert_int_equal(nd->total_hires - nd->expected_new_hire_terminations, nd->net_from_hires);
        assert_true(nd->expected_new_hire_terminations >= 0);
        assert_true(nd->expected_new_hire_terminations < nd->total_hires);
        assert_int_equal(nd->rif_terminations, 0);
    } else {
        assert_int_equal(nd->total_hires, 0);
        assert_int_equal(nd->expected_new_hire_terminations, 0);
        assert_int_equal(nd->rif_terminations, -nd->net_from_hires);
    }
    assert_int_equal(nd->total_experienced_terminations, nd->expected_experienced_terminations + nd->rif_terminations);
    assert_true(nd->total_experienced_terminations <= n);
    /* expected ending = target */
    assert_int_equal(n + nd->total_hires - nd->total_experienced_terminations - nd->expected_new_hire_terminations,
                     nd->target_ending_headcount);
    assert_int_equal(nd->nh_terms_shortfall, 0);
    assert_int_equal(nd->reconciliation_error, 0);
}

/* ---- pw_needs_solve ---- */

static void test_needs_model_vector_year1(void **state)
{
    (void)state;
    struct pw_needs nd = solve(10000, 0, 0.03, 0.12, 0.25);
    assert_int_equal(nd.starting_headcount, 10000);
    assert_int_equal(nd.experienced_headcount, 10000);
    assert_int_equal(nd.prior_year_hires_active, 0);
    assert_int_equal(nd.target_ending_headcount, 10300);
    assert_int_equal(nd.expected_experienced_terminations, 1200);
    assert_int_equal(nd.net_from_hires, 1500);
    assert_int_equal(nd.total_hires, 2000);
    assert_int_equal(nd.expected_new_hire_terminations, 500);
    assert_int_equal(nd.rif_terminations, 0);
    assert_int_equal(nd.total_experienced_terminations, 1200);
    check_needs_identities(&nd, 10000, 0, 0.03);
}

static void test_needs_model_vector_year2(void **state)
{
    (void)state;
    /* N = 10,300 = Exp 8,800 + H_prev 1,500; 8,800 x 0.12 + 1,500 x 0.25 must give 1,431 exactly. */
    struct pw_needs nd = solve(10300, 1500, 0.03, 0.12, 0.25);
    assert_int_equal(nd.experienced_headcount, 8800);
    assert_int_equal(nd.expected_experienced_terminations, 1431);
    assert_int_equal(nd.target_ending_headcount, 10609);
    assert_int_equal(nd.net_from_hires, 1740);
    assert_int_equal(nd.total_hires, 2320);
    assert_int_equal(nd.expected_new_hire_terminations, 580);
    assert_int_equal(nd.rif_terminations, 0);
    assert_int_equal(nd.total_experienced_terminations, 1431);
    check_needs_identities(&nd, 10300, 1500, 0.03);
}

static void test_needs_epsilon_rounding(void **state)
{
    (void)state;
    /* 100 x 1.005 = 100.49999999999999 in binary: rha must still give 101. */
    struct pw_needs nd = solve(100, 0, 0.005, 0.0, 0.0);
    assert_int_equal(nd.target_ending_headcount, 101);
    assert_int_equal(nd.total_hires, 1);
    /* 50 x 1.01 = 50.5 -> 51 (half away from zero) */
    nd = solve(50, 0, 0.01, 0.0, 0.0);
    assert_int_equal(nd.target_ending_headcount, 51);
    /* ceil(net / (1 - n)) when the division is exact in decimal: 300 / 0.75 = 400, not 401 */
    nd = solve(2000, 0, 0.03, 0.12, 0.25);
    assert_int_equal(nd.expected_experienced_terminations, 240);
    assert_int_equal(nd.net_from_hires, 300);
    assert_int_equal(nd.total_hires, 400);
    assert_int_equal(nd.expected_new_hire_terminations, 100);
    /* 0.07 x 100 = 7.000000000000001 and 0.29 x 100 = 28.999999999999996: floor gives 7 and 29 */
    nd = solve(100, 0, 0.0, 0.07, 0.0);
    assert_int_equal(nd.expected_experienced_terminations, 7);
    nd = solve(100, 0, 0.0, 0.29, 0.0);
    assert_int_equal(nd.expected_experienced_terminations, 29);
}

static void test_needs_rif(void **state)
{
    (void)state;
    /* N 1,000, g -0.20: target 800, exp_terms 120, survivors 880, net -80 -> RIF 80. */
    struct pw_needs nd = solve(1000, 0, -0.20, 0.12, 0.25);
    assert_int_equal(nd.target_ending_headcount, 800);
    assert_int_equal(nd.expected_experienced_terminations, 120);
    assert_int_equal(nd.net_from_hires, -80);
    assert_int_equal(nd.total_hires, 0);
    assert_int_equal(nd.expected_new_hire_terminations, 0);
    assert_int_equal(nd.rif_terminations, 80);
    assert_int_equal(nd.total_experienced_terminations, 200);
    check_needs_identities(&nd, 1000, 0, -0.20);

    /* g -0.10 with a low termination rate: target 900, exp_terms 40, survivors 960, RIF 60. */
    nd = solve(1000, 200, -0.10, 0.05, 0.0);
    assert_int_equal(nd.expected_experienced_terminations, 40);
    assert_int_equal(nd.target_ending_headcount, 900);
    assert_int_equal(nd.rif_terminations, 60);
    assert_int_equal(nd.total_experienced_terminations, 100);
    check_needs_identities(&nd, 1000, 200, -0.10);

    /* g -0.10 with the default rates still hires: target 900, survivors 880, net 20 -> 27 hires, 7 nh. */
    nd = solve(1000, 0, -0.10, 0.12, 0.25);
    assert_int_equal(nd.net_from_hires, 20);
    assert_int_equal(nd.total_hires, 27);
    assert_int_equal(nd.expected_new_hire_terminations, 7);
    assert_int_equal(nd.rif_terminations, 0);

    /* zero growth and zero terminations: net 0 is the "otherwise" branch with nothing to do */
    nd = solve(500, 0, 0.0, 0.0, 0.25);
    assert_int_equal(nd.net_from_hires, 0);
    assert_int_equal(nd.total_hires, 0);
    assert_int_equal(nd.rif_terminations, 0);
    assert_int_equal(nd.total_experienced_terminations, 0);
}

static void test_needs_zero_headcount(void **state)
{
    (void)state;
    struct pw_needs nd = solve(0, 0, 0.03, 0.12, 0.25);
    assert_int_equal(nd.target_ending_headcount, 0);
    assert_int_equal(nd.expected_experienced_terminations, 0);
    assert_int_equal(nd.net_from_hires, 0);
    assert_int_equal(nd.total_hires, 0);
    assert_int_equal(nd.expected_new_hire_terminations, 0);
    assert_int_equal(nd.rif_terminations, 0);
    assert_int_equal(nd.total_experienced_terminations, 0);
    check_needs_identities(&nd, 0, 0, 0.03);
}

static void test_needs_extremes(void **state)
{
    (void)state;
    /* g = 1 doubles; t = 1 terminates every experienced employee; n = 0.98 (allowed < 0.99) */
    struct pw_needs nd = solve(1000, 0, 1.0, 1.0, 0.98);
    assert_int_equal(nd.target_ending_headcount, 2000);
    assert_int_equal(nd.expected_experienced_terminations, 1000);
    assert_int_equal(nd.net_from_hires, 2000);
    assert_int_equal(nd.total_hires, 100000);
    assert_int_equal(nd.expected_new_hire_terminations, 98000);
    check_needs_identities(&nd, 1000, 0, 1.0);
    /* g close to -1 */
    nd = solve(1000, 0, -0.999, 0.0, 0.0);
    assert_int_equal(nd.target_ending_headcount, 1);
    assert_int_equal(nd.rif_terminations, 999);
    check_needs_identities(&nd, 1000, 0, -0.999);
}

static void test_needs_random_identities(void **state)
{
    (void)state;
    rng_state = 0x1234567887654321ULL;
    for (int it = 0; it < 20000; it++) {
        int64_t n = rand_below(200000);
        int64_t h_prev = rand_below(n + 1);
        double g = (double)(rand_below(200001) - 100000) / 100000.0 * 0.5;   /* [-0.5, 0.5] */
        double t = (double)rand_below(1001) / 1000.0;
        double nh = (double)rand_below(990) / 1000.0;
        struct pw_needs nd = solve(n, h_prev, g, t, nh);
        check_needs_identities(&nd, n, h_prev, g);
        /* exp_terms = floor(Exp t + H_prev n) within the 1e-9 guard */
        double x = (double)(n - h_prev) * t + (double)h_prev * nh;
        assert_true((double)nd.expected_experienced_terminations <= x + 1e-6);
        assert_true((double)nd.expected_experienced_terminations > x - 1.0 - 1e-6);
        /* hires = ceil(net / (1 - n)): the smallest H with H (1 - n) >= net */
        if (nd.net_from_hires > 0) {
            double need = (double)nd.net_from_hires / (1.0 - nh);
            assert_true((double)nd.total_hires >= need - 1e-6);
            assert_true((double)nd.total_hires < need + 1.0);
        }
    }
}

/* ---- quotas: reference implementations written from MODEL 4.3 ---- */

#define LV (PW_MAX_LEVELS + 1)

static void ref_quota_terminations(const int64_t *h, int levels, int64_t total, int64_t *quota)
{
    int64_t n = 0, sum = 0, rem[LV] = {0};
    for (int l = 1; l <= levels; l++) n += h[l];
    for (int l = 0; l <= levels; l++) quota[l] = 0;
    if (n == 0 || total <= 0) return;
    for (int l = 1; l <= levels; l++) {
        if (h[l] <= 0) continue;
        quota[l] = (total * h[l]) / n;
        if (quota[l] > h[l]) quota[l] = h[l];
        rem[l] = (total * h[l]) % n;
        sum += quota[l];
    }
    /* order levels with h > 0 by (f < h first, r desc, level asc); one unit each */
    int order[LV], k = 0;
    for (int l = 1; l <= levels; l++)
        if (h[l] > 0) order[k++] = l;
    for (int i = 1; i < k; i++) {
        int v = order[i], j = i - 1;
        for (; j >= 0; j--) {
            int u = order[j];
            int u_room = quota[u] < h[u], v_room = quota[v] < h[v];
            int v_first = v_room != u_room ? v_room > u_room : rem[v] != rem[u] ? rem[v] > rem[u] : v < u;
            if (!v_first) break;
            order[j + 1] = u;
        }
        order[j + 1] = v;
    }
    for (int i = 0; i < k && sum < total; i++, sum++) quota[order[i]]++;
}

static void ref_quota_hires_adaptive(const int64_t *h, int levels, int64_t total, int64_t *quota)
{
    int64_t n = 0, sum = 0, rem[LV] = {0};
    for (int l = 1; l <= levels; l++) n += h[l];
    for (int l = 0; l <= levels; l++) quota[l] = 0;
    if (n == 0 || total <= 0) return;
    for (int l = 1; l <= levels; l++) {
        if (h[l] <= 0) continue;
        quota[l] = (total * h[l]) / n;
        rem[l] = (total * h[l]) % n;
        sum += quota[l];
    }
    while (sum < total) {     /* leftover < number of levels with h > 0: one each by (rem desc, level asc) */
        int best = 0;
        for (int l = 1; l <= levels; l++)
            if (h[l] > 0 && rem[l] >= 0 && (!best || rem[l] > rem[best])) best = l;
        assert_true(best > 0);
        quota[best]++;
        rem[best] = -1;
        sum++;
    }
}

static int64_t sum_levels(const int64_t *v, int levels)
{
    int64_t s = 0;
    for (int l = 1; l <= levels; l++) s += v[l];
    return s;
}

static void assert_levels_equal(const int64_t *got, const int64_t *want, int levels)
{
    for (int l = 1; l <= levels; l++) {
        if (got[l] != want[l]) {
            print_error("level %d: got %lld, want %lld\n", l, (long long)got[l], (long long)want[l]);
            fail();
        }
    }
}

static void test_quota_model_vector(void **state)
{
    (void)state;
    const int64_t h[6] = {0, 4003, 2999, 1801, 899, 298};
    int64_t q[LV];
    pw_quota_terminations(h, 5, 1200, q);
    const int64_t want_t[6] = {0, 480, 360, 216, 108, 36};
    assert_levels_equal(q, want_t, 5);
    pw_quota_hires_adaptive(h, 5, 2000, q);
    const int64_t want_h[6] = {0, 801, 600, 360, 180, 59};
    assert_levels_equal(q, want_h, 5);
}

static void test_quota_terminations_edges(void **state)
{
    (void)state;
    int64_t q[LV];
    /* T = N: everyone leaves */
    const int64_t h1[4] = {0, 3, 1, 2};
    pw_quota_terminations(h1, 3, 6, q);
    assert_levels_equal(q, h1, 3);
    /* empty level gets nothing, even with the largest "remainder" */
    const int64_t h2[4] = {0, 5, 0, 5};
    pw_quota_terminations(h2, 3, 3, q);
    const int64_t w2[4] = {0, 2, 0, 1};   /* f = (1, -, 1), remainders equal -> level 1 first */
    assert_levels_equal(q, w2, 3);
    /* T = 0 and N = 0 */
    pw_quota_terminations(h1, 3, 0, q);
    assert_int_equal(sum_levels(q, 3), 0);
    const int64_t h0[4] = {0, 0, 0, 0};
    pw_quota_terminations(h0, 3, 0, q);
    assert_int_equal(sum_levels(q, 3), 0);
    /* single employee per level, T = 1: tie on remainders -> lowest level */
    const int64_t h3[6] = {0, 1, 1, 1, 1, 1};
    pw_quota_terminations(h3, 5, 1, q);
    const int64_t w3[6] = {0, 1, 0, 0, 0, 0};
    assert_levels_equal(q, w3, 5);
    /* larger remainder wins over a lower level */
    const int64_t h4[4] = {0, 1, 3, 6};  /* N 10, T 3: 0.3, 0.9, 1.8 -> f (0,0,1), rem (3,9,8) */
    pw_quota_terminations(h4, 3, 3, q);
    const int64_t w4[4] = {0, 0, 1, 2};
    assert_levels_equal(q, w4, 3);
}

static void test_quota_hires_adaptive_edges(void **state)
{
    (void)state;
    int64_t q[LV];
    /* N = 0: no hires whatever H says */
    const int64_t h0[4] = {0, 0, 0, 0};
    pw_quota_hires_adaptive(h0, 3, 10, q);
    assert_int_equal(sum_levels(q, 3), 0);
    /* quotas may exceed headcount for hires */
    const int64_t h1[4] = {0, 1, 0, 1};
    pw_quota_hires_adaptive(h1, 3, 7, q);
    const int64_t w1[4] = {0, 4, 0, 3};
    assert_levels_equal(q, w1, 3);
}

static void test_quota_random_vs_reference(void **state)
{
    (void)state;
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int it = 0; it < 20000; it++) {
        int levels = 1 + (int)rand_below(8);
        int64_t h[LV] = {0}, n = 0;
        int64_t scale = it % 3 == 0 ? 5 : it % 3 == 1 ? 100 : 100000;
        for (int l = 1; l <= levels; l++) {
            h[l] = rand_below(4) == 0 ? 0 : rand_below(scale);
            n += h[l];
        }
        int64_t total_t = rand_below(n + 1);
        int64_t q[LV], want[LV];
        pw_quota_terminations(h, levels, total_t, q);
        ref_quota_terminations(h, levels, total_t, want);
        assert_levels_equal(q, want, levels);
        if (n > 0) assert_int_equal(sum_levels(q, levels), total_t);
        for (int l = 1; l <= levels; l++) {
            assert_true(q[l] >= 0);
            assert_true(q[l] <= h[l]);   /* never more than the level's headcount */
        }
        int64_t total_h = rand_below(2 * n + 2);
        pw_quota_hires_adaptive(h, levels, total_h, q);
        ref_quota_hires_adaptive(h, levels, total_h, want);
        assert_levels_equal(q, want, levels);
        assert_int_equal(sum_levels(q, levels), n > 0 ? total_h : 0);
        for (int l = 1; l <= levels; l++)
            if (h[l] == 0) assert_int_equal(q[l], 0);
    }
}

static void test_quota_hires_fixed(void **state)
{
    (void)state;
    int64_t q[LV];
    /* shares .1 .2 .3 .4 0 of 7: 0.7 1.4 2.1 2.8 0 -> floors 0 1 2 2 0, leftovers to l4 (.8), l1 (.7) */
    const double s1[6] = {0, 0.1, 0.2, 0.3, 0.4, 0.0};
    pw_quota_hires_fixed(s1, 5, 7, q);
    const int64_t w1[6] = {0, 1, 1, 2, 3, 0};
    assert_levels_equal(q, w1, 5);
    /* shares are normalised: 1 2 3 4 0 is the same */
    const double s2[6] = {0, 1, 2, 3, 4, 0};
    pw_quota_hires_fixed(s2, 5, 7, q);
    assert_levels_equal(q, w1, 5);
    /* equal shares, ties by level */
    const double s3[4] = {0, 1, 1, 1};
    pw_quota_hires_fixed(s3, 3, 2, q);
    const int64_t w3[4] = {0, 1, 1, 0};
    assert_levels_equal(q, w3, 3);
    /* all to the top level, whatever the headcounts (a level with no current headcount is honoured) */
    const double s4[6] = {0, 0, 0, 0, 0, 1};
    pw_quota_hires_fixed(s4, 5, 13, q);
    const int64_t w4[6] = {0, 0, 0, 0, 0, 13};
    assert_levels_equal(q, w4, 5);
    /* the MODEL vector total with shares proportional to its headcounts gives the adaptive answer */
    const double s5[6] = {0, 4003, 2999, 1801, 899, 298};
    pw_quota_hires_fixed(s5, 5, 2000, q);
    const int64_t w5[6] = {0, 801, 600, 360, 180, 59};
    assert_levels_equal(q, w5, 5);
    /* H = 0 */
    pw_quota_hires_fixed(s1, 5, 0, q);
    assert_int_equal(sum_levels(q, 5), 0);
    /* random: sum exact, each within floor/ceil of its exact share, zero shares get nothing */
    rng_state = 42;
    for (int it = 0; it < 5000; it++) {
        int levels = 1 + (int)rand_below(8);
        double s[LV] = {0}, ssum = 0;
        for (int l = 1; l <= levels; l++) {
            s[l] = rand_below(3) == 0 ? 0.0 : (double)rand_below(1000) / 1000.0;
            ssum += s[l];
        }
        if (ssum <= 0) {
            s[1] = 1.0;
            ssum = 1.0;
        }
        int64_t total = rand_below(100000);
        pw_quota_hires_fixed(s, levels, total, q);
        assert_int_equal(sum_levels(q, levels), total);
        for (int l = 1; l <= levels; l++) {
            double exact = (double)total * s[l] / ssum;
            assert_true((double)q[l] >= floor(exact + 1e-9) - 1e-9);
            assert_true((double)q[l] <= ceil(exact - 1e-9) + 1e-9);
            if (s[l] == 0) assert_int_equal(q[l], 0);
        }
    }
}

/* ---- selection ---- */

static void test_selection_score(void **state)
{
    (void)state;
    assert_true(isinf(pw_selection_score(0.0, 1.0)) && pw_selection_score(0.0, 1.0) < 0);
    assert_true(isinf(pw_selection_score(0.5, 0.0)) && pw_selection_score(0.5, 0.0) < 0);
    assert_true(isinf(pw_selection_score(0.5, -1.0)) && pw_selection_score(0.5, -1.0) < 0);
    assert_true(isinf(pw_selection_score(0.5, NAN)) && pw_selection_score(0.5, NAN) < 0);
    assert_true(fabs(pw_selection_score(0.5, 2.0) - log(0.5) / 2.0) < 1e-15);
    assert_true(fabs(pw_selection_score(0.25, 0.5292) - log(0.25) / 0.5292) < 1e-15);
    /* u^(1/w) ordering: a higher weight brings a score closer to 0 */
    assert_true(pw_selection_score(0.3, 2.0) > pw_selection_score(0.3, 1.0));
    /* w = 1 keeps the u order */
    assert_true(pw_selection_score(0.9, 1.0) > pw_selection_score(0.1, 1.0));
    assert_true(pw_selection_score(1e-300, 1.0) < 0);
}

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct pw_scored *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

static int cmp_row(const void *pa, const void *pb)
{
    const struct pw_scored *a = pa, *b = pb;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* Checks pw_select_top(items, n, q) against a full sort. */
static void check_select(const struct pw_scored *input, size_t n, size_t q)
{
    struct pw_scored *got = malloc((n ? n : 1) * sizeof *got), *want = malloc((n ? n : 1) * sizeof *want);
    assert_non_null(got);
    assert_non_null(want);
    memcpy(got, input, n * sizeof *got);
    memcpy(want, input, n * sizeof *want);
    pw_select_top(got, n, q);
    qsort(want, n, sizeof *want, cmp_ranked);
    size_t k = q < n ? q : n;
    /* the first k as a set equal the k best */
    qsort(got, k, sizeof *got, cmp_row);
    qsort(want, k, sizeof *want, cmp_row);
    for (size_t i = 0; i < k; i++) {
        if (got[i].row != want[i].row) {
            print_error("n=%zu q=%zu: selected set differs at %zu (row %u vs %u)\n", n, q, i, got[i].row,
                        want[i].row);
            fail();
        }
    }
    /* the whole array is still a permutation of the input */
    memcpy(want, input, n * sizeof *want);
    qsort(got, n, sizeof *got, cmp_row);
    qsort(want, n, sizeof *want, cmp_row);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].row, want[i].row);
        assert_true(got[i].score == want[i].score || (isnan(got[i].score) && isnan(want[i].score)));
    }
    free(got);
    free(want);
}

static void test_select_top_small(void **state)
{
    (void)state;
    struct pw_scored v[6] = {{-1.0, 0}, {-0.5, 1}, {-0.5, 2}, {-INFINITY, 3}, {-0.1, 4}, {-2.0, 5}};
    struct pw_scored w[6];
    memcpy(w, v, sizeof v);
    pw_select_top(w, 6, 3);   /* best: -0.1 (4), -0.5 (1), -0.5 (2) */
    qsort(w, 3, sizeof *w, cmp_row);
    assert_int_equal(w[0].row, 1);
    assert_int_equal(w[1].row, 2);
    assert_int_equal(w[2].row, 4);
    memcpy(w, v, sizeof v);
    pw_select_top(w, 6, 2);   /* tie at -0.5 resolved by the lower row */
    qsort(w, 2, sizeof *w, cmp_row);
    assert_int_equal(w[0].row, 1);
    assert_int_equal(w[1].row, 4);
    for (size_t q = 0; q <= 7; q++) check_select(v, 6, q);
    check_select(v, 0, 0);
    check_select(v, 1, 1);
    check_select(v, 1, 0);
}

static void test_select_top_random(void **state)
{
    (void)state;
    rng_state = 0xDEADBEEFCAFEF00DULL;
    size_t cap = 5000;
    struct pw_scored *v = malloc(cap * sizeof *v);
    uint32_t *perm = malloc(cap * sizeof *perm);
    assert_non_null(v);
    assert_non_null(perm);
    for (int it = 0; it < 3000; it++) {
        size_t n = it < 2000 ? (size_t)rand_below(60) : (size_t)rand_below((int64_t)cap);
        int mode = (int)rand_below(5);
        /* rows are a random permutation, so ties are not pre-sorted by row */
        for (size_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)rand_below((int64_t)i);
            uint32_t t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
        for (size_t i = 0; i < n; i++) {
            double s;
            switch (mode) {
            case 0: s = -(double)(next_u64() >> 11) * 0x1p-53; break;             /* distinct */
            case 1: s = -(double)rand_below(4); break;                              /* heavy ties */
            case 2: s = rand_below(3) == 0 ? -INFINITY : -(double)rand_below(10); /* -inf + ties */
                break;
            case 3: s = -INFINITY; break;                                           /* all -inf */
            default: s = -(double)rand_below(1000) / 7.0; break;
            }
            v[i].score = s;
            v[i].row = perm[i];
        }
        size_t q = n ? (size_t)rand_below((int64_t)n + 2) : 0;
        check_select(v, n, q);
    }
    free(v);
    free(perm);
}

/* Sorted input (ascending or descending) is the classic quickselect worst case. */
static void test_select_top_sorted_inputs(void **state)
{
    (void)state;
    size_t n = 20000;
    struct pw_scored *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (int dir = 0; dir < 3; dir++) {
        for (size_t i = 0; i < n; i++) {
            v[i].row = (uint32_t)i;
            v[i].score = dir == 0 ? -(double)i : dir == 1 ? (double)i - (double)n : -1.0;
        }
        check_select(v, n, 1);
        check_select(v, n, n / 2);
        check_select(v, n, n - 1);
    }
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_model_vector_year1),
        cmocka_unit_test(test_needs_model_vector_year2),
        cmocka_unit_test(test_needs_epsilon_rounding),
        cmocka_unit_test(test_needs_rif),
        cmocka_unit_test(test_needs_zero_headcount),
        cmocka_unit_test(test_needs_extremes),
        cmocka_unit_test(test_needs_random_identities),
        cmocka_unit_test(test_quota_model_vector),
        cmocka_unit_test(test_quota_terminations_edges),
        cmocka_unit_test(test_quota_hires_adaptive_edges),
        cmocka_unit_test(test_quota_random_vs_reference),
        cmocka_unit_test(test_quota_hires_fixed),
        cmocka_unit_test(test_selection_score),
        cmocka_unit_test(test_select_top_small),
        cmocka_unit_test(test_select_top_random),
        cmocka_unit_test(test_select_top_sorted_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
