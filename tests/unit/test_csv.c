/* Tests for core/csv: RFC 4180 reading (quotes, embedded line breaks and
 * quotes, CRLF, UTF-8, errors, bounds) and quoting on write (round trip). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/csv.h"

/* Reads all of `text` (length n) and joins the records as
 * "f1|f2;f1|f2;" into out; returns csv_next's last result. */
static int flatten(const char *text, size_t n, char *out, size_t outn)
{
    csv_reader r;
    err e;
    err_clear(&e);
    csv_reader_init(&r, text, n);
    out[0] = '\0';
    int rc;
    while ((rc = csv_next(&r, &e)) == 1) {
        for (int i = 0; i < r.nfields; i++) {
            strncat(out, r.fields[i], outn - strlen(out) - 1);
            strncat(out, i + 1 < r.nfields ? "|" : ";", outn - strlen(out) - 1);
        }
    }
    csv_reader_release(&r);
    return rc;
}

static void test_plain(void)
{
    char out[256];
    const char *t = "a,b,c\n1,,3\n";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), 0);
    CHECK_STR(out, "a|b|c;1||3;");
    /* No final line break; trailing empty field. */
    t = "x,y\nz,";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), 0);
    CHECK_STR(out, "x|y;z|;");
    /* CRLF endings; a lone CR is data. */
    t = "a,b\r\nc\rd,e\r\n";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), 0);
    CHECK_STR(out, "a|b;c\rd|e;");
    /* An empty input has no records; an empty line is one empty field. */
    CHECK_INT(flatten("", 0, out, sizeof out), 0);
    CHECK_STR(out, "");
    t = "a\n\nb\n";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), 0);
    CHECK_STR(out, "a;;b;");
}

static void test_quoted(void)
{
    char out[256];
    const char *t = "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\"\",x\n";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), 0);
    CHECK_STR(out, "a,b|say \"hi\"|two\nlines;|x;");
    /* A quote inside an unquoted field is data. */
    t = "ab\"c,d\n";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), 0);
    CHECK_STR(out, "ab\"c|d;");
    /* UTF-8 (é, no-break space, °) passes through untouched; a BOM is skipped. */
    t = "\xEF\xBB\xBFSão Paulo,\"29\xC2\xA0\xC2\xB0" "C\"\n";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), 0);
    CHECK_STR(out, "São Paulo|29\xC2\xA0\xC2\xB0" "C;");
}

static void test_line_numbers_and_errors(void)
{
    csv_reader r;
    err e;
    err_clear(&e);
    const char *t = "h\n\"multi\nline\",x\n\"open\n";
    csv_reader_init(&r, t, strlen(t));
    CHECK_INT(csv_next(&r, &e), 1);
    CHECK_INT(r.line, 2);
    CHECK_INT(csv_next(&r, &e), 1);
    CHECK_INT(r.nfields, 2);
    CHECK_INT(r.line, 4);
    CHECK_INT(csv_next(&r, &e), -1);
    CHECK_MSG(strstr(e.msg, "line 4") != NULL && strstr(e.msg, "never closed") != NULL, "msg: %s", e.msg);
    CHECK_INT(e.kind, ERR_DATA);
    csv_reader_release(&r);

    char out[64];
    t = "\"a\"b,c\n";
    CHECK_INT(flatten(t, strlen(t), out, sizeof out), -1);
    /* A lone quote at the very end. */
    CHECK_INT(flatten("\"", 1, out, sizeof out), -1);
}

/* The reader stops at len even when the bytes after it would continue the
 * record: copy into an exact-size heap block so ASan sees any overread. */
static void test_bounds(void)
{
    const char *cases[] = {"a,b", "\"a\"\"", "\"abc", "x\r", "\"q\"\r", ",", "\"\"", "a\"\"b"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i]);
        char *exact = malloc(n);
        memcpy(exact, cases[i], n);
        char out[64];
        int rc = flatten(exact, n, out, sizeof out);
        CHECK_MSG(rc == 0 || rc == -1, "case %zu rc %d", i, rc);
        free(exact);
    }
    char out[64];
    CHECK_INT(flatten("x\r", 2, out, sizeof out), 0);
    CHECK_STR(out, "x\r;");
    /* Truncating "a,b\nc" before the newline ends the record there. */
    CHECK_INT(flatten("a,b\nc", 3, out, sizeof out), 0);
    CHECK_STR(out, "a|b;");
    /* A NUL byte inside the input does not stop the reader early. */
    CHECK_INT(flatten("a\0b,c\nd", 7, out, sizeof out), 0);
    CHECK_STR(out, "a|c;d;");
}

static void test_write_round_trip(void)
{
    const char *fields[] = {"plain", "with,comma", "say \"hi\"", "two\nlines", "cr\rhere", "", "São"};
    int n = (int)(sizeof fields / sizeof fields[0]);
    buf b;
    err e;
    err_clear(&e);
    buf_init(&b, 0);
    CHECK_INT(csv_put_row(&b, fields, n, &e), 0);
    CHECK_INT(csv_put_row(&b, fields, 1, &e), 0);
    CHECK_STR(b.data, "plain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",,São\nplain\n");
    csv_reader r;
    csv_reader_init(&r, b.data, b.len);
    CHECK_INT(csv_next(&r, &e), 1);
    CHECK_INT(r.nfields, n);
    for (int i = 0; i < n && i < r.nfields; i++)
        CHECK_STR(r.fields[i], fields[i]);
    CHECK_INT(csv_next(&r, &e), 1);
    CHECK_INT(r.nfields, 1);
    CHECK_INT(csv_next(&r, &e), 0);
    csv_reader_release(&r);
    buf_release(&b);
}

/* A wide record and a long field exercise the growth paths. */
static void test_growth(void)
{
    buf b;
    err e;
    err_clear(&e);
    buf_init(&b, 0);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, &e, "%s%d", i ? "," : "", i);
    buf_puts(&b, ",\"", &e);
    for (int i = 0; i < 5000; i++)
        buf_puts(&b, "\"\"", &e);
    buf_puts(&b, "\"\n", &e);
    csv_reader r;
    csv_reader_init(&r, b.data, b.len);
    CHECK_INT(csv_next(&r, &e), 1);
    CHECK_INT(r.nfields, 1001);
    CHECK_STR(r.fields[0], "0");
    CHECK_STR(r.fields[999], "999");
    CHECK_INT(strlen(r.fields[1000]), 5000);
    csv_reader_release(&r);
    buf_release(&b);
}

int main(void)
{
    test_plain();
    test_quoted();
    test_line_numbers_and_errors();
    test_bounds();
    test_write_round_trip();
    test_growth();
    return check_done();
}
