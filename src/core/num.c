#include "core/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest text quoted in an error: a hostile value can be megabytes. */
#define NUM_QUOTE 40

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 1 when s is [+-]digits[.digits][(e|E)[+-]digits] with a digit before or
 * after the '.', else 0. */
static int plain_syntax(const char *s, int integer)
{
    size_t i = (s[0] == '-' || s[0] == '+');
    size_t digits = 0;
    while (is_digit(s[i]))
        i++, digits++;
    if (integer)
        return digits > 0 && s[i] == '\0';
    if (s[i] == '.')
        for (i++; is_digit(s[i]); i++)
            digits++;
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        i += (s[i] == '-' || s[i] == '+');
        if (!is_digit(s[i]))
            return 0;
        while (is_digit(s[i]))
            i++;
    }
    return s[i] == '\0';
}

int num_check_finite(double v, double lo, double hi, err *e)
{
    if (!isfinite(v))
        return err_setk(e, ERR_DATA, "'%g' is not a finite number", v);
    if (v < lo || v > hi)
        return err_setk(e, ERR_DATA, "%.17g is out of range (expected %g to %g)", v, lo, hi);
    return 0;
}

int num_parse_finite(const char *text, double lo, double hi, double *out, err *e)
{
    if (!plain_syntax(text, 0))
        return err_setk(e, ERR_DATA, "'%.*s' is not a number (expected plain decimal text from %g to %g)",
                        NUM_QUOTE, text, lo, hi);
    errno = 0;
    double v = strtod(text, NULL);
    /* ERANGE with a finite result is an underflow to (nearly) zero: a
     * value, only a tiny one. */
    if (!isfinite(v))
        return err_setk(e, ERR_DATA, "'%.*s' is not a finite number (expected %g to %g)", NUM_QUOTE,
                        text, lo, hi);
    if (v < lo || v > hi)
        return err_setk(e, ERR_DATA, "'%.*s' is out of range (expected %g to %g)", NUM_QUOTE, text, lo,
                        hi);
    *out = v == 0 ? 0.0 : v; /* "-0" is zero */
    return 0;
}

int num_parse_int(const char *text, long lo, long hi, long *out, err *e)
{
    if (!plain_syntax(text, 1))
        return err_setk(e, ERR_DATA, "'%.*s' is not a whole number (expected %ld to %ld)", NUM_QUOTE,
                        text, lo, hi);
    errno = 0;
    long v = strtol(text, NULL, 10);
    if (errno == ERANGE || v < lo || v > hi)
        return err_setk(e, ERR_DATA, "'%.*s' is out of range (expected %ld to %ld)", NUM_QUOTE, text, lo,
                        hi);
    *out = v;
    return 0;
}
