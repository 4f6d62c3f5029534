/* census_gen.c: the synthetic census of census_gen.h.
 *
 * Each row draws from its own key (row number) so generation needs no state and
 * matches for any order or thread count. The calendar year is not part of the draws:
 * changing the start year shifts every date but keeps ages and levels (service and
 * pay move by a day's worth at most, through leap days). */
#include "model/census_gen.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"

/* Level pyramid for 5 levels; further levels continue the ratio of the top two. */
static const double pyramid_base[] = {45, 30, 15, 7, 3};
#define PYRAMID_BASE_COUNT ((int)(sizeof pyramid_base / sizeof *pyramid_base))

/* Age at the census date: 5-year bands (the last holds 60-65), uniform inside a
 * band, shaped like a typical US private-sector workforce (peak in the late 30s). */
static const double age_edge[] = {20, 25, 30, 35, 40, 45, 50, 55, 60, 66};
static const double age_weight[] = {8, 12, 14, 14, 13, 12, 11, 9, 7};
#define AGE_BANDS ((int)(sizeof age_weight / sizeof *age_weight))

/* Deferral rates people pick (fractions x 10000) and how often; 6% is the usual
 * match-maximising choice. One participant in ten picks an odd rate instead. */
static const int common_rate_e4[] = {100, 200, 300, 400, 500, 600, 700, 800, 1000, 1200, 1500, 2000};
static const double common_rate_weight[] = {3, 5, 14, 10, 14, 22, 5, 8, 10, 3, 4, 2};
#define COMMON_RATES ((int)(sizeof common_rate_e4 / sizeof *common_rate_e4))
#define ODD_RATE_SHARE 0.10

void pw_census_gen_options_init(struct pw_census_gen_options *o)
{
    o->employees = 1000;
    o->seed = 42;
    o->start_year = 2025;
    o->pre_enrolled_share = 0.65;
    o->part_time_share = 0.05;
    o->escalation_opt_out_share = 0.05;
}

static bool share_ok(double x) { return x >= 0.0 && x <= 1.0; } /* false for NaN too */

int pw_census_gen_check(const struct pw_census_gen_options *o, const struct pw_job_levels *levels,
                        struct pw_err *err)
{
    if (o->employees < 1 || o->employees > PW_CENSUS_GEN_MAX_EMPLOYEES)
        return pw_err_set(err, PW_ERANGE, "'employees' must be between 1 and %zu, got %zu",
                          PW_CENSUS_GEN_MAX_EMPLOYEES, o->employees);
    if (o->start_year < 1901 || o->start_year > 2200)
        return pw_err_set(err, PW_ERANGE, "'start_year' must be between 1901 and 2200, got %d", o->start_year);
    if (!share_ok(o->pre_enrolled_share))
        return pw_err_set(err, PW_ERANGE, "'pre_enrolled_share' must be between 0 and 1");
    if (!share_ok(o->part_time_share))
        return pw_err_set(err, PW_ERANGE, "'part_time_share' must be between 0 and 1");
    if (!share_ok(o->escalation_opt_out_share))
        return pw_err_set(err, PW_ERANGE, "'escalation_opt_out_share' must be between 0 and 1");
    if (levels->count < 1 || levels->count > PW_MAX_LEVELS)
        return pw_err_set(err, PW_ETABLE, "job levels: need 1 to %d levels, got %d", PW_MAX_LEVELS,
                          levels->count);
    for (int l = 1; l <= levels->count; l++) {
        double lo = levels->min_comp[l], hi = levels->max_comp[l];
        if (!(lo > 0.0) || !(hi >= lo + 0.01) || !isfinite(hi))
            return pw_err_set(err, PW_ETABLE,
                              "job levels: level %d needs 0 < min_compensation < max_compensation "
                              "to generate pay, got %.2f and %.2f", l, lo, hi);
    }
    return 0;
}

pw_date pw_census_gen_census_date(const struct pw_census_gen_options *o)
{
    return pw_year_end(o->start_year - 1);
}

static double pyramid_weight(int level)
{
    if (level <= PYRAMID_BASE_COUNT) return pyramid_base[level - 1];
    double ratio = pyramid_base[PYRAMID_BASE_COUNT - 1] / pyramid_base[PYRAMID_BASE_COUNT - 2];
    return pyramid_base[PYRAMID_BASE_COUNT - 1] * pow(ratio, level - PYRAMID_BASE_COUNT);
}

double pw_census_gen_level_share(int level_count, int level)
{
    if (level < 1 || level > level_count) return 0.0;
    double total = 0.0;
    for (int l = 1; l <= level_count; l++) total += pyramid_weight(l);
    return pyramid_weight(level) / total;
}

static int draw_level(int level_count, double u)
{
    double total = 0.0;
    for (int l = 1; l <= level_count; l++) total += pyramid_weight(l);
    double target = u * total, cum = 0.0;
    for (int l = 1; l < level_count; l++) {
        cum += pyramid_weight(l);
        if (target < cum) return l;
    }
    return level_count;
}

/* CDF of the continuous age density at x (20 <= x <= 66). */
static double age_cdf(double x)
{
    double total = 0.0, cum = 0.0;
    for (int b = 0; b < AGE_BANDS; b++) total += age_weight[b];
    for (int b = 0; b < AGE_BANDS; b++) {
        if (x >= age_edge[b + 1]) {
            cum += age_weight[b];
            continue;
        }
        if (x > age_edge[b]) cum += age_weight[b] * (x - age_edge[b]) / (age_edge[b + 1] - age_edge[b]);
        break;
    }
    return cum / total;
}

static double age_quantile(double p)
{
    double total = 0.0, cum = 0.0;
    for (int b = 0; b < AGE_BANDS; b++) total += age_weight[b];
    double target = p * total;
    for (int b = 0; b < AGE_BANDS; b++) {
        if (target < cum + age_weight[b] || b == AGE_BANDS - 1) {
            double f = (target - cum) / age_weight[b];
            return age_edge[b] + f * (age_edge[b + 1] - age_edge[b]);
        }
        cum += age_weight[b];
    }
    return age_edge[AGE_BANDS];
}

/* Senior levels are older: the age density is cut below 20 + 3 years per level
 * above the first (at most 45) rather than shifted, so the shape stays plausible. */
static int draw_age(int level, double u)
{
    int min_age = 20 + 3 * (level - 1);
    if (min_age > 45) min_age = 45;
    double lo = age_cdf(min_age);
    int age = (int)floor(age_quantile(lo + u * (1.0 - lo)));
    if (age < min_age) age = min_age;
    if (age > 65) age = 65;
    return age;
}

static int draw_deferral_e4(double u_rate, double u_odd)
{
    if (u_odd < ODD_RATE_SHARE) return 100 + (int)floor(u_rate * 1401.0); /* 1.00% .. 15.00% */
    double total = 0.0;
    for (int i = 0; i < COMMON_RATES; i++) total += common_rate_weight[i];
    double target = u_rate * total, cum = 0.0;
    for (int i = 0; i < COMMON_RATES - 1; i++) {
        cum += common_rate_weight[i];
        if (target < cum) return common_rate_e4[i];
    }
    return common_rate_e4[COMMON_RATES - 1];
}

/* Writes v as exactly `digits` decimal digits (zero padded) and returns the end. */
static char *put_digits(char *p, uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--, v /= 10) p[i] = (char)('0' + v % 10);
    return p + digits;
}

static int id_digits(size_t employees)
{
    int digits = 1;
    for (size_t n = employees; n >= 10; n /= 10) digits++;
    return digits < 6 ? 6 : digits;
}

void pw_census_gen_row(const struct pw_census_gen_options *o, const struct pw_job_levels *levels,
                       size_t index, struct pw_census_gen_row *row)
{
    const uint64_t seed = o->seed, key = (uint64_t)index + 1;
    const pw_date census_date = pw_census_gen_census_date(o);
    const int census_year = o->start_year - 1;

    /* Hand-formatted: snprintf was a third of the time per row. */
    char *p = row->employee_id;
    memcpy(p, "EMP_", 4);
    *put_digits(p + 4, key, id_digits(o->employees)) = '\0';

    const uint64_t h = pw_rng_hash(seed, PW_GEN_STREAM_SSN, key, 0, 0);
    p = put_digits(row->ssn, 900 + h % 100, 3);
    *p++ = '-';
    p = put_digits(p, 1 + (h / 100) % 99, 2);
    *p++ = '-';
    *put_digits(p, 1 + (h / 9900) % 9999, 4) = '\0';

    const int level = draw_level(levels->count, pw_rng_u(seed, PW_GEN_STREAM_LEVEL, key, 0, 0));
    row->level_id = level;

    /* Age at Dec 31 is exactly census_year - birth year, whatever the day. */
    const int age = draw_age(level, pw_rng_u(seed, PW_GEN_STREAM_AGE, key, 0, 0));
    const int birth_year = census_year - age;
    const int birth_day = (int)floor(pw_rng_u(seed, PW_GEN_STREAM_AGE, key, 0, 1) * pw_days_in_year(birth_year));
    row->birth_date = pw_year_start(birth_year) + birth_day;

    /* Service: exponential (most people are recent hires), longer for senior levels,
     * truncated so nobody was hired before 18. */
    const double span = (double)(census_date - pw_birthday(row->birth_date, 18));
    const double mean = (5.0 + 1.5 * (level - 1)) * 365.25;
    const double u_ten = pw_rng_u(seed, PW_GEN_STREAM_TENURE, key, 0, 0);
    double service = -mean * log(1.0 - u_ten * (1.0 - exp(-span / mean)));
    if (!(service >= 0.0)) service = 0.0;
    if (service > span) service = span;
    row->hire_date = census_date - (pw_date)floor(service);

    /* Pay position in the band: mostly random, partly seniority. Whole cents in
     * [min, max) so the band's level is unambiguous. */
    const double years = service / 365.25;
    const double pos = 0.75 * pw_rng_u(seed, PW_GEN_STREAM_PAY, key, 0, 0) + 0.25 * (years >= 20 ? 1.0 : years / 20.0);
    const int64_t min_c = (int64_t)ceil(levels->min_comp[level] * 100.0 - 1e-6);
    const int64_t max_c = (int64_t)floor(levels->max_comp[level] * 100.0 + 1e-6);
    int64_t cents = min_c + (int64_t)floor(pos * (double)(max_c - min_c));
    if (cents >= max_c) cents = max_c - 1;
    if (cents < min_c) cents = min_c;
    row->compensation = (double)cents / 100.0;

    row->deferral_rate = 0.0;
    if (pw_rng_u(seed, PW_GEN_STREAM_DEFERRAL, key, 0, 0) < o->pre_enrolled_share)
        row->deferral_rate = draw_deferral_e4(pw_rng_u(seed, PW_GEN_STREAM_DEFERRAL, key, 0, 1),
                                              pw_rng_u(seed, PW_GEN_STREAM_DEFERRAL, key, 0, 2)) / 10000.0;

    /* Part-timers only in the two lowest levels; the probability is scaled up there
     * so the overall share matches the option. */
    row->hours_per_week = 40.0;
    if (level <= 2) {
        double low = pw_census_gen_level_share(levels->count, 1) + pw_census_gen_level_share(levels->count, 2);
        if (pw_rng_u(seed, PW_GEN_STREAM_HOURS, key, 0, 0) < o->part_time_share / low)
            row->hours_per_week = 20.0 + floor(pw_rng_u(seed, PW_GEN_STREAM_HOURS, key, 0, 1) * 11.0);
    }

    row->auto_escalation_opt_out = pw_rng_u(seed, PW_GEN_STREAM_OPT_OUT, key, 0, 0) < o->escalation_opt_out_share;
}
