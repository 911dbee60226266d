/* nationality: which race countries count as home for a driver's
 * nationality (docs/pipeline.md §3, the original pipeline's table), for `is_home`.
 *
 * Pure lookups over a constant table; nothing to free.  Nationalities are
 * compared trimmed ("Argentinian " and "Argentine" both map to Argentina);
 * countries are compared trimmed and after the aliases United States ->
 * USA, United Kingdom -> UK, Great Britain -> UK.  Comparison is exact
 * otherwise (the API's spelling).  A nationality outside the table has no
 * home country. */
#ifndef F1_DATA_NATIONALITY_H
#define F1_DATA_NATIONALITY_H

/* 1 when `country` (a race's Circuit.Location.country) is a home country of
 * `nationality` (a driver's), else 0.  NULL counts as empty. */
int nationality_is_home(const char *nationality, const char *country);

/* The same in two steps, for callers that meet each nationality many
 * times: the nationality's index in the table (-1 when it has no home
 * country), then whether a country is one of that index's homes (0 for
 * index -1). */
int nationality_find(const char *nationality);
int nationality_home_at(int idx, const char *country);

#endif
