/* The race to predict, from the API (predict.h): at most four requests
 * (next race, schedule entry, results, qualifying), paced as the source
 * stage's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonfile.h"
#include "core/log.h"
#include "data/bounds.h"
#include "data/result_row.h"
#include "net/ergast.h"
#include "net/http.h"
#include "stages/predict.h"

static const char *text(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
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
        /* Absent: 0, as prepare reads it (the back of the grid); present,
         * it must be a slot (data/bounds.h), never "NaN" taken as 0. */
        row.grid = 0;
        if (jsonfile_int_in(it, grid_key, 0, F1_GRID_MAX, &row.grid, e) < 0)
            return err_wrap(e, "the API's %s for %d round %d, driver '%.60s'", grid_key, r->season,
                            r->round, row.driver_id);
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
    if (result_race_key(race, &r->season, &r->round, e) != 0)
        return err_wrap(e, "the schedule lists a race without a valid season and round");
    snprintf(r->race_name, sizeof r->race_name, "%s", text(race, "raceName"));
    snprintf(r->date, sizeof r->date, "%s", text(race, "date"));
    snprintf(r->circuit_id, sizeof r->circuit_id, "%s", text(circuit, "circuitId"));
    snprintf(r->country, sizeof r->country, "%s", text(loc, "country"));
    return 0;
}

/* The race's qualifying times into r->qualifying.  A time that is not a
 * lap time is left out, with a warning naming it (through the logger: the
 * text is the API's). */
static int qualifying_times(predict_race *r, const cJSON *list, err *e)
{
    static const char *const sessions[QUALIFYING_SESSIONS] = {"Q1", "Q2", "Q3"};
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        const char *id = text(cJSON_GetObjectItemCaseSensitive(it, "Driver"), "driverId");
        double q[QUALIFYING_SESSIONS];
        for (int s = 0; s < QUALIFYING_SESSIONS; s++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, sessions[s]);
            err bad;
            q[s] = NAN;
            if (v != NULL && (!cJSON_IsString(v) ||
                              qualifying_time_ms(v->valuestring, &q[s], &bad) != 0 ||
                              !(q[s] > 0))) {
                log_warn("%d round %d: driver '%s' has a %s time that is not a lap time; left out",
                         r->season, r->round, id, sessions[s]);
                q[s] = NAN;
            }
        }
        if (id[0] == '\0')
            return err_setk(e, ERR_DATA, "%d round %d: a qualifying entry without driverId",
                            r->season, r->round);
        if (qualifying_append(&r->qualifying, r->season, r->round, id, q, e) != 0)
            return -1;
    }
    /* The index checks what the feature builder will rely on: each driver
     * once. */
    qualifying_index ix;
    if (qualifying_index_build(&ix, &r->qualifying, e) != 0)
        return err_wrap(e, "the qualifying of %d round %d", r->season, r->round);
    qualifying_index_release(&ix);
    return 0;
}

/* The race's rows of one table (detached into *race, the caller's; NULL
 * when none) and their list. */
static int race_rows(http_client *h, const config *c, const predict_race *r, const char *table,
                     const ergast_kind *k, cJSON **race, const cJSON **list, err *e)
{
    char path[96];
    snprintf(path, sizeof path, "/%d/%d/%s.json", r->season, r->round, table);
    if (first_race(h, c, path, k, race, e) != 0)
        return -1;
    *list = cJSON_GetObjectItemCaseSensitive(*race, k->rows);
    return 0;
}

/* The qualifying times, and the entries: the starting grid when the
 * results are out, else the qualifying order. */
static int entries(http_client *h, const config *c, predict_race *r, err *e)
{
    cJSON *results = NULL, *qualifying = NULL;
    const cJSON *rl = NULL, *ql = NULL;
    int rc = -1;
    if (race_rows(h, c, r, "results", &ergast_kind_results, &results, &rl, e) != 0 ||
        race_rows(h, c, r, "qualifying", &ergast_kind_qualifying, &qualifying, &ql, e) != 0 ||
        qualifying_times(r, ql, e) != 0)
        goto out;
    r->grid = cJSON_GetArraySize(rl) > 0   ? PREDICT_GRID_STARTING
              : cJSON_GetArraySize(ql) > 0 ? PREDICT_GRID_QUALIFYING
                                           : PREDICT_GRID_UNKNOWN;
    if (r->grid == PREDICT_GRID_STARTING && add_entries(r, rl, "grid", e) != 0)
        goto out;
    if (r->grid == PREDICT_GRID_QUALIFYING && add_entries(r, ql, "position", e) != 0)
        goto out;
    rc = 0;
out:
    cJSON_Delete(results);
    cJSON_Delete(qualifying);
    return rc;
}

const char *predict_grid_name(predict_grid g)
{
    return g == PREDICT_GRID_STARTING     ? "starting grid"
           : g == PREDICT_GRID_QUALIFYING ? "qualifying order"
                                          : "back of the grid";
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
    log_info("predict: %d round %d, %s (%s): %d entries, %d qualifying times published", out->season,
             out->round, out->race_name, out->date, out->entries.n, out->qualifying.n);
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
    qualifying_release(&r->qualifying);
    memset(r, 0, sizeof *r);
}
