/* weather: cleaning and classifying race weather text (docs/pipeline.md §2).
 *
 * Pure functions, no state.  Returned strings are new allocations the
 * caller frees with free(). */
#ifndef F1_DATA_WEATHER_H
#define F1_DATA_WEATHER_H

/* The docs/pipeline.md §2 cleaning: every footnote marker ("[" + at most 12 ASCII letters,
 * digits or spaces + "]") becomes a space, every run of whitespace
 * (Unicode spaces such as U+00A0 included) becomes one space, and the
 * result is trimmed.  Returns NULL only when out of memory. */
char *weather_clean(const char *raw);

/* The docs/pipeline.md §2 category of a cleaned text: "hot", "warm", "cold", "dry", "wet",
 * "cloudy" or "unknown" (a static string; never NULL; NULL text is
 * unknown).  Words are runs of letters of the UTF-8 text: an accented or
 * other non-ASCII letter belongs to its word ("più" is one word, never
 * "pi"), while digits, punctuation, symbols (°) and every space (U+00A0
 * too) split words.  Invalid UTF-8 bytes split words. */
const char *weather_category(const char *text);

#endif
