/* log_mask: secrets are redacted from every line; ::add-mask:: is printed for
 * them inside GitHub Actions only (GITHUB_ACTIONS=true), never elsewhere,
 * where the line itself would show the secret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/log.h"

/* What the logger printed while fn ran, as a new string (caller frees). */
static char *captured(void (*fn)(void))
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return NULL;
    log_set_stream(f);
    fn();
    log_set_stream(NULL);
    fclose(f);
    return text;
}

static void mask_and_print_outside(void)
{
    log_mask("s3cr3t-outside");
    log_info("the password is s3cr3t-outside, twice: s3cr3t-outside");
    log_error("failed with s3cr3t-outside");
}

static void mask_and_print_inside(void)
{
    log_mask("s3cr3t%inside");
    log_mask("s3cr3t%inside"); /* registered once, masked once */
    log_info("value %s", "s3cr3t%inside");
}

static void test_outside_actions(void)
{
    unsetenv("GITHUB_ACTIONS");
    char *out = captured(mask_and_print_outside);
    CHECK(out != NULL);
    CHECK_MSG(out && strstr(out, "s3cr3t-outside") == NULL, "secret printed: %s", out ? out : "");
    CHECK(out && strstr(out, "::add-mask::") == NULL);
    CHECK_STR(out, "the password is ***, twice: ***\n::error::failed with ***\n");
    free(out);
    /* Another CI that sets GITHUB_ACTIONS to something else is not Actions. */
    setenv("GITHUB_ACTIONS", "1", 1);
    log_mask("other-ci-secret");
    unsetenv("GITHUB_ACTIONS");
}

static void test_inside_actions(void)
{
    setenv("GITHUB_ACTIONS", "true", 1);
    char *out = captured(mask_and_print_inside);
    unsetenv("GITHUB_ACTIONS");
    /* The mask line carries the value escaped as command data (% -> %25). */
    CHECK_STR(out, "::add-mask::s3cr3t%25inside\nvalue ***\n");
    free(out);
}

int main(void)
{
    test_outside_actions();
    test_inside_actions();
    log_shutdown();
    return check_done();
}
