/* assert_money.h: a cmocka assertion for dollar amounts, shared by the engine
 * unit tests. Amounts are rounded to cents, so equal means within half a tenth
 * of a cent; the message names the expression and both values. Include after
 * <cmocka.h> and <math.h>. */
#ifndef PW_TEST_ASSERT_MONEY_H
#define PW_TEST_ASSERT_MONEY_H

#define assert_money(got, want)                                                                      \
    do {                                                                                             \
        double g_ = (got), w_ = (want);                                                              \
        if (!(fabs(g_ - w_) < 0.0005)) {                                                             \
            print_error("%s:%d: %s = %.6f, want %.6f\n", __FILE__, __LINE__, #got, g_, w_);           \
            fail();                                                                                  \
        }                                                                                            \
    } while (0)

#endif
