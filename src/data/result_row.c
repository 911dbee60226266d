#include "data/result_row.h"

#include "core/jsonfile.h"
#include "data/bounds.h"

/* A required integer field: absent is an error too. */
static int need_int(const cJSON *o, const char *path, long lo, long hi, int *out, err *e)
{
    int rc = jsonfile_int_in(o, path, lo, hi, out, e);
    if (rc == 1)
        return err_setk(e, ERR_DATA, "field '%s' is missing", path);
    return rc;
}

int result_row_nums(const cJSON *res, result_nums *out, err *e)
{
    *out = (result_nums){0};
    double millis;
    if (need_int(res, "position", 1, F1_POSITION_MAX, &out->position, e) != 0 ||
        jsonfile_int_in(res, "grid", 0, F1_GRID_MAX, &out->grid, e) < 0 ||
        jsonfile_int_in(res, "laps", 0, F1_LAPS_MAX, &out->laps, e) < 0 ||
        jsonfile_num_in(res, "points", 0, F1_POINTS_MAX, &out->points, e) < 0 ||
        jsonfile_num_in(res, "Time.millis", 0, F1_MILLIS_MAX, &millis, e) < 0)
        return -1;
    return 0;
}

int result_race_key(const cJSON *race, int *season, int *round, err *e)
{
    if (need_int(race, "season", F1_SEASON_MIN, F1_SEASON_MAX, season, e) != 0 ||
        need_int(race, "round", 1, F1_ROUND_MAX, round, e) != 0)
        return -1;
    return 0;
}
