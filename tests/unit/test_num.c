/* num, the jsonfile getters built on it, and result_row: the one rule for
 * numbers entering the program.  Every non-finite spelling strtod takes
 * ("nan", "inf", hex, an overflow) is refused, ranges hold, and the error
 * names the field and the value. */
#include "check.h"

#include <float.h>

#include "core/jsonfile.h"
#include "core/num.h"
#include "data/bounds.h"
#include "data/result_row.h"

static const char *const NON_NUMBERS[] = {
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "0x10", "0x1p3", "",
    " 5", "5 ", "+", "-", ".", "1e", "1e+", "5x", "1,5", "--5", "1.2.3",
};

static void test_parse_finite(void)
{
    err e;
    double v = 42;
    for (size_t i = 0; i < sizeof NON_NUMBERS / sizeof *NON_NUMBERS; i++) {
        CHECK_MSG(num_parse_finite(NON_NUMBERS[i], -DBL_MAX, DBL_MAX, &v, &e) == -1, "'%s' accepted",
                  NON_NUMBERS[i]);
        CHECK_INT(e.kind, ERR_DATA);
    }
    CHECK(v == 42); /* untouched on failure */
    CHECK_INT(num_parse_finite("nan", 0, 100, &v, &e), -1);
    CHECK(strstr(e.msg, "'nan'") != NULL && strstr(e.msg, "0 to 100") != NULL);
    CHECK_INT(num_parse_finite("25", 0, 100, &v, &e), 0);
    CHECK(v == 25);
    CHECK_INT(num_parse_finite("0.5", 0, 100, &v, &e), 0);
    CHECK(v == 0.5);
    CHECK_INT(num_parse_finite("1e-05", 0, 100, &v, &e), 0);
    CHECK(v == 1e-05);
    CHECK_INT(num_parse_finite(".5", 0, 100, &v, &e), 0);
    CHECK(v == 0.5);
    CHECK_INT(num_parse_finite("-0", 0, 100, &v, &e), 0);
    CHECK(v == 0 && !signbit(v)); /* "-0" is zero */
    CHECK_INT(num_parse_finite("1e-400", 0, 100, &v, &e), 0); /* underflow: a tiny value */
    CHECK(v == 0);
    CHECK_INT(num_parse_finite("100.5", 0, 100, &v, &e), -1);
    CHECK(strstr(e.msg, "out of range") != NULL);
    CHECK_INT(num_parse_finite("-3", 0, 100, &v, &e), -1);
    CHECK_INT(num_parse_finite("1e300", 0, 100, &v, &e), -1);
    CHECK_INT(num_check_finite(NAN, 0, 100, &e), -1);
    CHECK_INT(num_check_finite(INFINITY, -DBL_MAX, DBL_MAX, &e), -1);
    CHECK_INT(num_check_finite(50, 0, 100, &e), 0);
}

static void test_parse_int(void)
{
    err e;
    long v = 7;
    CHECK_INT(num_parse_int("12", 0, 99, &v, &e), 0);
    CHECK_INT(v, 12);
    CHECK_INT(num_parse_int("-4", -5, 5, &v, &e), 0);
    CHECK_INT(v, -4);
    const char *bad[] = {"1.0", "1e3", "nan", "0x10", "", " 1", "100", "99999999999999999999999", "-"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_MSG(num_parse_int(bad[i], 0, 99, &v, &e) == -1, "'%s' accepted", bad[i]);
    CHECK_INT(v, -4);
}

static void test_json_getters(void)
{
    cJSON *o = cJSON_Parse("{\"s\":\"12\",\"n\":12,\"f\":12.5,\"big\":1e999,\"nan\":\"NaN\",\"null\":null,"
                           "\"empty\":\"\",\"hex\":\"0x1A\",\"obj\":{\"x\":\"3\"},\"neg0\":\"-0\"}");
    err e;
    int i = -1;
    double d = -1;
    CHECK_INT(jsonfile_int_in(o, "s", 0, 99, &i, &e), 0);
    CHECK_INT(i, 12);
    CHECK_INT(jsonfile_int_in(o, "n", 0, 99, &i, &e), 0);
    CHECK_INT(jsonfile_int_in(o, "f", 0, 99, &i, &e), -1);
    CHECK_INT(jsonfile_int_in(o, "absent", 0, 99, &i, &e), 1);
    CHECK_INT(jsonfile_int_in(o, "obj.x", 0, 99, &i, &e), 0);
    CHECK_INT(i, 3);
    CHECK_INT(jsonfile_int_in(o, "s", 0, 9, &i, &e), -1);
    CHECK(strstr(e.msg, "field 's'") != NULL);
    const char *bad[] = {"big", "nan", "null", "empty", "hex", "obj"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        CHECK_MSG(jsonfile_num_in(o, bad[k], -DBL_MAX, DBL_MAX, &d, &e) == -1, "'%s' accepted", bad[k]);
        CHECK_MSG(strstr(e.msg, bad[k]) != NULL, "error does not name the field: %s", e.msg);
        CHECK(jsonfile_num(o, bad[k], -7) == -7);
    }
    CHECK_INT(jsonfile_num_in(o, "null", 0, 1, &d, &e), -1);
    CHECK(strstr(e.msg, "null") != NULL);
    CHECK_INT(jsonfile_num_in(o, "f", 0, 100, &d, &e), 0);
    CHECK(d == 12.5);
    CHECK_INT(jsonfile_num_in(o, "neg0", 0, 100, &d, &e), 0);
    CHECK(d == 0 && !signbit(d));
    CHECK(jsonfile_num(o, "s", 0) == 12);
    CHECK_INT(jsonfile_int(o, "hex", &i), -1);
    cJSON_Delete(o);
}

/* A valid result row with one field replaced by `value` (raw JSON). */
static int row_with(const char *field, const char *value, result_nums *n, err *e)
{
    cJSON *row = cJSON_Parse("{\"position\":\"3\",\"grid\":\"5\",\"laps\":\"57\",\"points\":\"15\","
                             "\"Time\":{\"millis\":\"5523897\"}}");
    cJSON *v = cJSON_Parse(value);
    if (strcmp(field, "Time.millis") == 0)
        cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(row, "Time"), "millis", v);
    else
        cJSON_ReplaceItemInObjectCaseSensitive(row, field, v);
    int rc = result_row_nums(row, n, e);
    cJSON_Delete(row);
    return rc;
}

static void test_result_row(void)
{
    err e;
    result_nums n;
    CHECK_INT(row_with("points", "\"25\"", &n, &e), 0);
    CHECK_INT(n.position, 3);
    CHECK_INT(n.grid, 5);
    CHECK_INT(n.laps, 57);
    CHECK(n.points == 25);
    const char *fields[] = {"points", "grid", "position", "laps", "Time.millis"};
    const char *values[] = {"\"nan\"", "\"NaN\"", "\"inf\"", "\"-inf\"", "\"1e999\"", "\"\"", "null",
                            "\"0x10\"", "\"-3\"", "1e999", "{}"};
    for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
        for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
            CHECK_MSG(row_with(fields[f], values[v], &n, &e) == -1, "%s = %s accepted", fields[f],
                      values[v]);
            CHECK_MSG(strstr(e.msg, fields[f]) != NULL, "error does not name %s: %s", fields[f], e.msg);
        }
    CHECK_INT(row_with("points", "\"101\"", &n, &e), -1);
    CHECK_INT(row_with("grid", "\"0\"", &n, &e), 0); /* a pit-lane start */
    CHECK_INT(row_with("position", "\"0\"", &n, &e), -1);
    /* Absent optional fields read as 0; an absent position is an error. */
    cJSON *row = cJSON_Parse("{\"position\":\"1\"}");
    CHECK_INT(result_row_nums(row, &n, &e), 0);
    CHECK(n.grid == 0 && n.laps == 0 && n.points == 0);
    cJSON_Delete(row);
    row = cJSON_Parse("{\"points\":\"1\"}");
    CHECK_INT(result_row_nums(row, &n, &e), -1);
    CHECK(strstr(e.msg, "'position' is missing") != NULL);
    cJSON_Delete(row);
    int season, round;
    row = cJSON_Parse("{\"season\":\"2023\",\"round\":\"0\"}");
    CHECK_INT(result_race_key(row, &season, &round, &e), -1);
    cJSON_Delete(row);
    row = cJSON_Parse("{\"season\":\"1e3\",\"round\":\"1\"}");
    CHECK_INT(result_race_key(row, &season, &round, &e), -1);
    cJSON_Delete(row);
    row = cJSON_Parse("{\"season\":\"2023\",\"round\":\"5\"}");
    CHECK_INT(result_race_key(row, &season, &round, &e), 0);
    CHECK(season == 2023 && round == 5);
    cJSON_Delete(row);
}

int main(void)
{
    test_parse_finite();
    test_parse_int();
    test_json_getters();
    test_result_row();
    return check_done();
}
