/* check: the unit-test harness.  Each test program includes this once,
 * calls CHECK*() in its test functions and returns check_done() from main,
 * which prints "RESULT passed=N failed=M" for tests/run.sh to add up. */
#ifndef F1_TESTS_CHECK_H
#define F1_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK_AT(cond, file, line, ...)                    \
    do {                                                   \
        if (cond) {                                        \
            check_passed++;                                \
        } else {                                           \
            check_failed++;                                \
            printf("not ok %s:%d: ", file, line);          \
            printf(__VA_ARGS__);                           \
            printf("\n");                                  \
        }                                                  \
    } while (0)

#define CHECK(cond) CHECK_AT((cond), __FILE__, __LINE__, "%s", #cond)
#define CHECK_MSG(cond, ...) CHECK_AT((cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(a, b)                                                              \
    do {                                                                             \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);              \
        CHECK_AT(check_a_ == check_b_, __FILE__, __LINE__, "%s == %s: %lld != %lld", \
                 #a, #b, check_a_, check_b_);                                        \
    } while (0)
#define CHECK_STR(a, b)                                                                  \
    do {                                                                                 \
        const char *check_a_ = (a), *check_b_ = (b);                                     \
        CHECK_AT(check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0, __FILE__,      \
                 __LINE__, "%s == %s: '%s' != '%s'", #a, #b, check_a_ ? check_a_ : "(null)", \
                 check_b_ ? check_b_ : "(null)");                                        \
    } while (0)
#define CHECK_NEAR(a, b, eps)                                                              \
    do {                                                                                   \
        double check_a_ = (a), check_b_ = (b);                                             \
        CHECK_AT(fabs(check_a_ - check_b_) <= (eps), __FILE__, __LINE__, "%s ~ %s: %.10g != %.10g", \
                 #a, #b, check_a_, check_b_);                                              \
    } while (0)

static inline int check_done(void)
{
    printf("RESULT passed=%d failed=%d\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
