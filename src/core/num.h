/* num: the one rule for a number that enters the program as text (API and
 * store documents, CSV tables, inputs, model files).
 *
 * A number is plain decimal text and nothing else: an optional sign,
 * digits with at most one '.', an optional exponent ("12", "-0", "0.5",
 * "1e-05").  Not numbers: "", spaces, hex ("0x10"), "nan", "inf",
 * "infinity" (strtod takes all of these), and anything that overflows to
 * infinity ("1e999").  A value must also lie in the caller's [lo, hi]:
 * every boundary states the range a field can have, so an absurd value is
 * refused where it enters, with the field and the value named, instead of
 * corrupting what is computed from it.  An integer is an optional sign and
 * decimal digits only.  "-0" is zero.
 *
 * Nothing here allocates or keeps state. */
#ifndef F1_CORE_NUM_H
#define F1_CORE_NUM_H

#include "core/err.h"

/* Reads text as a finite number in [lo, hi] into *out.  Returns 0, or -1
 * (ERR_DATA) with a message quoting the text and saying what was expected
 * (the caller prefixes the field); *out is then untouched. */
int num_parse_finite(const char *text, double lo, double hi, double *out, err *e);

/* Reads text as a whole number in [lo, hi] (decimal digits, optional
 * sign) into *out.  Returns 0, or -1 (ERR_DATA) as num_parse_finite. */
int num_parse_int(const char *text, long lo, long hi, long *out, err *e);

/* The checks of num_parse_finite for a value that is already a double
 * (a JSON number: cJSON turns "1e999" into infinity): 0 when v is finite
 * and in [lo, hi], else -1 (ERR_DATA) naming it. */
int num_check_finite(double v, double lo, double hi, err *e);

#endif
