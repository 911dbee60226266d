#include "data/nationality.h"

#include <string.h>

/* Spec §3, as the original pipeline had it: some mappings are loose on
 * purpose (Chilean -> Brazil: the nearest race the original knew of). */
static const struct {
    const char *nationality;
    const char *countries[3];
} homes[] = {
    {"American", {"USA"}},
    {"American-Italian", {"USA", "Italy"}},
    {"Argentine", {"Argentina"}},
    {"Argentinian", {"Argentina"}},
    {"Argentine-Italian", {"Argentina", "Italy"}},
    {"Australian", {"Australia"}},
    {"Austrian", {"Austria"}},
    {"Belgian", {"Belgium"}},
    {"Brazilian", {"Brazil"}},
    {"British", {"UK"}},
    {"Canadian", {"Canada"}},
    {"Chilean", {"Brazil"}},
    {"Colombian", {"Brazil"}},
    {"Czech", {"Austria", "Germany"}},
    {"Danish", {"Germany"}},
    {"Dutch", {"Netherlands"}},
    {"East German", {"Germany"}},
    {"Finnish", {"Germany", "Austria"}},
    {"French", {"France"}},
    {"German", {"Germany"}},
    {"Hungarian", {"Hungary"}},
    {"Indian", {"India"}},
    {"Indonesian", {"Singapore", "Malaysia"}},
    {"Irish", {"UK"}},
    {"Italian", {"Italy"}},
    {"Japanese", {"Japan", "Korea"}},
    {"Liechtensteiner", {"Switzerland", "Austria"}},
    {"Malaysian", {"Malaysia", "Singapore"}},
    {"Mexican", {"Mexico"}},
    {"Monegasque", {"Monaco"}},
    {"New Zealander", {"Australia"}},
    {"Polish", {"Germany"}},
    {"Portuguese", {"Portugal"}},
    {"Rhodesian", {"South Africa"}},
    {"Russian", {"Russia"}},
    {"South African", {"South Africa"}},
    {"Spanish", {"Spain", "Morocco"}},
    {"Swedish", {"Sweden"}},
    {"Swiss", {"Switzerland"}},
    {"Thai", {"Malaysia"}},
    {"Uruguayan", {"Argentina"}},
    {"Venezuelan", {"Brazil"}},
    {"Chinese", {"China"}},
};

static const struct {
    const char *from;
    const char *to;
} country_aliases[] = {
    {"United States", "USA"},
    {"United Kingdom", "UK"},
    {"Great Britain", "UK"},
};

/* Compares s, ignoring leading and trailing ASCII whitespace, to word. */
static int trimmed_equals(const char *s, const char *word)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return strlen(word) == n && strncmp(s, word, n) == 0;
}

/* The canonical name of a country: an alias's target, else the country
 * itself (which trimmed_equals compares trimmed). */
static const char *canonical_country(const char *country)
{
    for (size_t i = 0; i < sizeof country_aliases / sizeof country_aliases[0]; i++)
        if (trimmed_equals(country, country_aliases[i].from))
            return country_aliases[i].to;
    return country;
}

int nationality_is_home(const char *nationality, const char *country)
{
    if (nationality == NULL || country == NULL)
        return 0;
    const char *c = canonical_country(country);
    for (size_t i = 0; i < sizeof homes / sizeof homes[0]; i++) {
        if (!trimmed_equals(nationality, homes[i].nationality))
            continue;
        for (size_t k = 0; k < 3 && homes[i].countries[k] != NULL; k++)
            if (trimmed_equals(c, homes[i].countries[k]))
                return 1;
        return 0;
    }
    return 0;
}
