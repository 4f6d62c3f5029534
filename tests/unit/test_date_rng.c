/* test_date_rng.c: the core calendar (MODEL 1.2-1.3), the counter-based draws
 * and employee keys against the test vectors of MODEL 3.6, and the UUID v5
 * event ids (MODEL 6.1). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/rng.h"
#include "core/uuid.h"

static pw_date ymd(int y, int m, int d) { return pw_date_from_ymd(y, m, d); }

static void test_round_trip(void **state)
{
    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(2000, 3, 1), 11017);
    assert_int_equal(ymd(1969, 12, 31), -1);
    /* Walk every day of 1900-2200 and check it against an independent y/m/d counter. */
    int y = 1900, m = 1, d = 1;
    for (pw_date t = ymd(1900, 1, 1); t <= ymd(2200, 12, 31); t++) {
        int yy, mm, dd;
        pw_date_to_ymd(t, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d) {
            print_error("day %d: got %d-%d-%d, want %d-%d-%d\n", t, yy, mm, dd, y, m, d);
            fail();
        }
        assert_int_equal(pw_date_from_ymd(yy, mm, dd), t);
        if (++d > pw_days_in_month(y, m)) {
            d = 1;
            if (++m > 12) m = 1, y++;
        }
    }
    assert_int_equal(y, 2201);
    assert_true(pw_is_leap(2000));
    assert_false(pw_is_leap(1900));
    assert_false(pw_is_leap(2100));
    assert_true(pw_is_leap(2024));
    assert_int_equal(pw_days_in_year(2024), 366);
    assert_int_equal(pw_days_in_year(2025), 365);
    assert_int_equal(pw_date_year(ymd(2024, 12, 31)), 2024);
    char buf[11];
    pw_date_format(ymd(2025, 7, 9), buf);
    assert_string_equal(buf, "2025-07-09");
}

static void test_age_birthday_tenure(void **state)
{
    (void)state;
    pw_date leap = ymd(2000, 2, 29);
    assert_int_equal(pw_age(leap, ymd(2001, 2, 28)), 0);
    assert_int_equal(pw_age(leap, ymd(2001, 3, 1)), 1);     /* gains the year on Mar 1 */
    assert_int_equal(pw_age(leap, ymd(2004, 2, 28)), 3);
    assert_int_equal(pw_age(leap, ymd(2004, 2, 29)), 4);
    assert_int_equal(pw_age(ymd(1990, 6, 15), ymd(2024, 6, 14)), 33);
    assert_int_equal(pw_age(ymd(1990, 6, 15), ymd(2024, 6, 15)), 34);
    assert_int_equal(pw_age(ymd(1990, 12, 31), ymd(2024, 12, 31)), 34);

    assert_int_equal(pw_birthday(leap, 21), ymd(2021, 3, 1));
    assert_int_equal(pw_birthday(leap, 24), ymd(2024, 2, 29));
    assert_int_equal(pw_birthday(ymd(1990, 6, 15), 21), ymd(2011, 6, 15));
    /* birthday(b, A) is the first day with age >= A, for a spread of births. */
    for (pw_date b = ymd(1995, 1, 1); b <= ymd(2004, 12, 31); b += 7) {
        pw_date d = pw_birthday(b, 21);
        assert_true(pw_age(b, d) >= 21);
        assert_true(pw_age(b, d - 1) < 21);
    }

    pw_date hire = ymd(2020, 1, 1);
    assert_int_equal(pw_tenure(hire, ymd(2019, 12, 31)), 0);
    assert_int_equal(pw_tenure(hire, ymd(2020, 12, 31)), 0);
    assert_int_equal(pw_tenure(hire, ymd(2021, 1, 1)), 1);       /* 366 days */
    assert_int_equal(pw_tenure(ymd(2021, 1, 1), ymd(2021, 12, 31)), 0);
    assert_int_equal(pw_tenure(ymd(2021, 1, 1), ymd(2022, 1, 1)), 0); /* 365 < 365.25 */
    for (int days = 0; days < 40000; days++)
        assert_int_equal(pw_tenure(hire, hire + days), (int)floor(days / 365.25));

    assert_int_equal(pw_date_shift_years(leap, -1), ymd(1999, 2, 28));
    assert_int_equal(pw_date_shift_years(leap, 4), ymd(2004, 2, 29));
    assert_int_equal(pw_date_shift_years(ymd(2025, 7, 9), -30), ymd(1995, 7, 9));
}

static void test_parse(void **state)
{
    (void)state;
    pw_date d = 0;
    assert_true(pw_date_parse("2024-02-29", 10, &d));
    assert_int_equal(d, ymd(2024, 2, 29));
    assert_true(pw_date_parse(" 2023-02-28 ", 12, &d));
    assert_int_equal(d, ymd(2023, 2, 28));
    static const char *const bad[] = {"2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023-1-01",
                                      "23-01-01",   "abcd-ef-gh", "",           "2023-02-28x", "2023/02/28",
                                      "1900-02-29", "+023-01-01", "2023-01-0a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pw_date_parse(bad[i], strlen(bad[i]), &d)) {
            print_error("'%s' was accepted\n", bad[i]);
            fail();
        }
    /* Only len bytes are read. */
    assert_true(pw_date_parse("2023-02-28trailing", 10, &d));
    int mmdd;
    assert_true(pw_mmdd_parse("07-15", &mmdd));
    assert_int_equal(mmdd, 715);
    assert_false(pw_mmdd_parse("02-29", &mmdd));
    assert_false(pw_mmdd_parse("13-01", &mmdd));
}

static void test_rng_vectors(void **state)
{
    (void)state;
    assert_true(pw_fnv1a64("", 0) == 0xCBF29CE484222325ULL);
    uint64_t emp = pw_census_key("EMP_000001", 10);
    assert_true(emp == 0x397ECBAAB3348651ULL);
    uint64_t nh = pw_hire_key(2025, 1);
    assert_true(nh == 0x800007E900000001ULL);

    static const struct {
        uint64_t seed, stream, key, year, k, h;
        double u;
    } v[] = {
        {0, 1, 0, 0, 0, 0x0B14B720C38901F3ULL, 0.04328484105966268},
        {42, 1, 0x397ECBAAB3348651ULL, 2025, 0, 0xCA22135A093CFC46ULL, 0.7895824522795357},
        {42, 4, 0x800007E900000001ULL, 2025, 0, 0x2FE258FE30D54207ULL, 0.18704754072026208},
        {42, 10, 0x397ECBAAB3348651ULL, 2026, 0, 0xFA3E4BB6A0FAF679ULL, 0.977513057791821},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint64_t h = pw_rng_hash(v[i].seed, v[i].stream, v[i].key, v[i].year, v[i].k);
        double u = pw_rng_u(v[i].seed, v[i].stream, v[i].key, v[i].year, v[i].k);
        if (h != v[i].h || u != v[i].u) {
            print_error("vector %zu: h %016llx u %.17g\n", i, (unsigned long long)h, u);
            fail();
        }
    }
    /* Different coordinates give different draws; the same give the same. */
    assert_true(pw_rng_u(42, 1, emp, 2025, 1) != pw_rng_u(42, 1, emp, 2025, 0));
    assert_true(pw_rng_u(42, 1, emp, 2025, 0) == pw_rng_u(42, 1, emp, 2025, 0));
    /* Box-Muller with u1 = 0: sqrt(-2 ln(1 - u0)). */
    assert_true(fabs(pw_normal_from(0.5, 0) - sqrt(-2 * log(0.5))) < 1e-15);
}

static void test_uuid(void **state)
{
    (void)state;
    static const uint8_t url_ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                       0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    uint8_t ns[16], id[16];
    char text[37];
    pw_uuid5(url_ns, "planwise:event", 14, ns);
    assert_memory_equal(ns, pw_event_namespace, 16);
    pw_uuid_format(ns, text);
    assert_string_equal(text, "96ce0876-0fb7-5911-899e-f6c2b8b36d20");

    const char *name = "default|EMP_000001|2025|termination|1";
    pw_uuid5(pw_event_namespace, name, strlen(name), id);
    pw_uuid_format(id, text);
    assert_string_equal(text, "390da5e5-b2c4-5649-9f64-e5f72d8dd5f0");

    /* SHA-1 of "abc" and of a two-block message (FIPS 180 examples). */
    uint8_t dg[20];
    static const uint8_t abc[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
                                    0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
    pw_sha1("abc", 3, dg);
    assert_memory_equal(dg, abc, 20);
    static const uint8_t two[20] = {0x84, 0x98, 0x3e, 0x44, 0x1c, 0x3b, 0xd2, 0x6e, 0xba, 0xae,
                                    0x4a, 0xa1, 0xf9, 0x51, 0x29, 0xe5, 0xe5, 0x46, 0x70, 0xf1};
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    pw_sha1(msg, strlen(msg), dg);
    assert_memory_equal(dg, two, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_age_birthday_tenure),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_rng_vectors),
        cmocka_unit_test(test_uuid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
