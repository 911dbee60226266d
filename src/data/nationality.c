#include "data/nationality.h"

#include <string.h>

/* docs/pipeline.md §3, as the original pipeline had it: some mappings are loose on
 * purpose (Chilean -> Brazil: the nearest race the original knew of).
 * "Argentinian" is the data's other spelling of Argentine (the spec maps
 * both to Argentina). */
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

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* s without leading and trailing whitespace: *n bytes from the result. */
static const char *trim(const char *s, size_t *n)
{
    while (is_space(*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && is_space(s[len - 1]))
        len--;
    *n = len;
    return s;
}

static int span_equals(const char *s, size_t n, const char *word)
{
    return strncmp(s, word, n) == 0 && word[n] == '\0';
}

int nationality_find(const char *nationality)
{
    if (nationality == NULL)
        return -1;
    size_t nn;
    const char *nat = trim(nationality, &nn);
    for (size_t i = 0; i < sizeof homes / sizeof homes[0]; i++)
        if (span_equals(nat, nn, homes[i].nationality))
            return (int)i;
    return -1;
}

int nationality_home_at(int idx, const char *country)
{
    if (idx < 0 || (size_t)idx >= sizeof homes / sizeof homes[0] || country == NULL)
        return 0;
    size_t cn;
    const char *c = trim(country, &cn);
    for (size_t i = 0; i < sizeof country_aliases / sizeof country_aliases[0]; i++) {
        if (span_equals(c, cn, country_aliases[i].from)) {
            c = country_aliases[i].to;
            cn = strlen(c);
            break;
        }
    }
    for (size_t k = 0; k < 3 && homes[idx].countries[k] != NULL; k++)
        if (span_equals(c, cn, homes[idx].countries[k]))
            return 1;
    return 0;
}

int nationality_is_home(const char *nationality, const char *country)
{
    return nationality_home_at(nationality_find(nationality), country);
}
