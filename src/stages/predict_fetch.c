/* The race to predict, from the API (predict.h): at most four requests
 * (next race, schedule entry, results, qualifying), paced as the source
 * stage's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/ergast.h"
#include "net/http.h"
#include "stages/predict.h"

static const char *text(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A whole number given as a string (the API's way) or a number; -1 if not. */
static int whole(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsNumber(v))
        return v->valuedouble >= 0 && v->valuedouble < 1e6 ? (int)v->valuedouble : -1;
    const char *s = cJSON_IsString(v) ? v->valuestring : "";
    char *end;
    long n = strtol(s, &end, 10);
    return s[0] != '\0' && *end == '\0' && n >= 0 && n < 1000000 ? (int)n : -1;
}

/* The first race the query lists (detached, the caller's), or NULL. */
static int first_race(http_client *h, const config *c, const char *path, const ergast_kind *k,
                      cJSON **race, err *e)
{
    ergast_page pg;
    *race = NULL;
    if (ergast_fetch_page(h, c->api_base_url, path, k, 0, ERGAST_PAGE_LIMIT, &pg, e) != 0)
        return -1;
    if (cJSON_GetArraySize(pg.items) > 0)
        *race = cJSON_DetachItemFromArray(pg.items, 0);
    ergast_page_release(&pg);
    return 0;
}

/* One entry per item of list: the car, its driver and its grid slot
 * (`grid` of a result, or the qualifying `position`). */
static int add_entries(predict_race *r, const cJSON *list, const char *grid_key, err *e)
{
    prepared_row row = {.season = r->season, .round = r->round, .race_name = r->race_name,
                        .race_date = r->date, .circuit_id = r->circuit_id, .country = r->country,
                        .status = "", .weather_text = "", .weather = "unknown"};
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "Driver");
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(it, "Constructor");
        const char *given = text(d, "givenName"), *family = text(d, "familyName");
        char name[512];
        snprintf(name, sizeof name, "%s%s%s", given, given[0] && family[0] ? " " : "", family);
        row.driver_id = (char *)text(d, "driverId");
        row.driver_name = name;
        row.driver_dob = (char *)text(d, "dateOfBirth");
        row.driver_nationality = (char *)text(d, "nationality");
        row.constructor_id = (char *)text(k, "constructorId");
        row.constructor_name = (char *)text(k, "name");
        row.grid = whole(it, grid_key);
        if (row.grid < 0)
            row.grid = 0; /* as prepare reads it: the back of the grid */
        if (row.driver_id[0] == '\0' || row.constructor_id[0] == '\0')
            return err_setk(e, ERR_DATA, "%d round %d: an entry without driverId or constructorId",
                            r->season, r->round);
        if (prepared_append(&r->entries, &row, e) != 0)
            return -1;
    }
    return 0;
}

/* The schedule entry: the race's own fields. */
static int describe(predict_race *r, const cJSON *race, err *e)
{
    const cJSON *circuit = cJSON_GetObjectItemCaseSensitive(race, "Circuit");
    const cJSON *loc = cJSON_GetObjectItemCaseSensitive(circuit, "Location");
    r->season = whole(race, "season");
    r->round = whole(race, "round");
    if (r->season < 1950 || r->round < 1)
        return err_setk(e, ERR_DATA, "the schedule lists a race without a valid season and round");
    snprintf(r->race_name, sizeof r->race_name, "%s", text(race, "raceName"));
    snprintf(r->date, sizeof r->date, "%s", text(race, "date"));
    snprintf(r->circuit_id, sizeof r->circuit_id, "%s", text(circuit, "circuitId"));
    snprintf(r->country, sizeof r->country, "%s", text(loc, "country"));
    return 0;
}

/* The entries: the starting grid when the results are out, else qualifying. */
static int entries(http_client *h, const config *c, predict_race *r, err *e)
{
    static const struct {
        const char *table;
        const ergast_kind *kind;
        const char *list, *grid_key;
        predict_grid grid;
    } sources[2] = {
        {"results", &ergast_kind_results, "Results", "grid", PREDICT_GRID_STARTING},
        {"qualifying", &ergast_kind_qualifying, "QualifyingResults", "position",
         PREDICT_GRID_QUALIFYING},
    };
    for (int s = 0; s < 2; s++) {
        char path[96];
        cJSON *race;
        snprintf(path, sizeof path, "/%d/%d/%s.json", r->season, r->round, sources[s].table);
        if (first_race(h, c, path, sources[s].kind, &race, e) != 0)
            return -1;
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(race, sources[s].list);
        int rc = cJSON_GetArraySize(list) > 0 ? add_entries(r, list, sources[s].grid_key, e) : 0;
        int found = cJSON_GetArraySize(list) > 0;
        cJSON_Delete(race);
        if (rc != 0)
            return -1;
        if (found) {
            r->grid = sources[s].grid;
            return 0;
        }
    }
    r->grid = PREDICT_GRID_UNKNOWN;
    return 0;
}

int predict_fetch(const config *c, int season, int round, predict_race *out, err *e)
{
    memset(out, 0, sizeof *out);
    http_opts o;
    http_opts_default(&o);
    o.per_second = c->api_rate_per_second;
    o.per_hour = c->api_rate_per_hour;
    http_client *h = http_new(&o, e);
    if (h == NULL)
        return -1;
    char path[64];
    cJSON *race = NULL;
    int rc = -1;
    if (round == 0 && season == 0)
        snprintf(path, sizeof path, "/current/next.json");
    else if (round == 0)
        snprintf(path, sizeof path, "/%d/next.json", season);
    else
        snprintf(path, sizeof path, "/%d/%d.json", season, round);
    if (first_race(h, c, path, &ergast_kind_races, &race, e) != 0)
        goto out;
    if (race == NULL) {
        if (round == 0)
            err_setk(e, ERR_DATA,
                     "the schedule has no next race (%s): set predict-season and predict-round",
                     path);
        else
            err_setk(e, ERR_DATA, "the schedule has no race %d round %d", season, round);
        goto out;
    }
    if (describe(out, race, e) != 0 || entries(h, c, out, e) != 0)
        goto out;
    log_info("predict: %d round %d, %s (%s), %d entries with the %s", out->season, out->round,
             out->race_name, out->date, out->entries.n,
             out->grid == PREDICT_GRID_STARTING     ? "starting grid"
             : out->grid == PREDICT_GRID_QUALIFYING ? "qualifying order as the grid"
                                                    : "grid unknown");
    rc = 0;
out:
    cJSON_Delete(race);
    http_free(h);
    if (rc != 0)
        predict_race_release(out);
    return rc;
}

void predict_race_release(predict_race *r)
{
    if (r == NULL)
        return;
    prepared_release(&r->entries);
    memset(r, 0, sizeof *r);
}
