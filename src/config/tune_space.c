#include "config/tune_space.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

#define NAMES_ALLOWED                                                                          \
    "model, features, l2, train-from, n-estimators, max-samples, max-features, max-depth, "    \
    "bootstrap, bootstrap-features"

static int is_amount(int param)
{
    return param == SPACE_MAX_FEATURES || param == SPACE_MAX_SAMPLES;
}

/* Parameters whose values are names, flags or real numbers: no range. */
static int is_listed_only(int param)
{
    return param == SPACE_BOOTSTRAP || param == SPACE_BOOTSTRAP_FEATURES ||
           param == SPACE_MODEL || param == SPACE_FEATURES || param == SPACE_L2;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* One value through the input's own parser; its message loses its
 * "input 'x': " prefix, as ours names both inputs. */
static int parse_value(int param, const char *tok, const char *input, amount *out, err *e)
{
    err inner;
    err_clear(&inner);
    int iv = 0;
    double dv = 0.0;
    int rc = is_amount(param)      ? config_parse_value(space_names[param], tok, out, &inner)
             : param == SPACE_L2   ? config_parse_value(space_names[param], tok, &dv, &inner)
                                   : config_parse_value(space_names[param], tok, &iv, &inner);
    if (rc != 0) {
        const char *msg = inner.msg;
        const char *cut = strstr(msg, "': ");
        if (strncmp(msg, "input '", 7) == 0 && cut != NULL)
            msg = cut + 3;
        return err_setk(e, ERR_INPUT, "input '%s': %s: %s", input, space_names[param], msg);
    }
    if (param == SPACE_TRAIN_FROM && iv == 0) /* the input's "empty = default" */
        return err_setk(e, ERR_INPUT, "input '%s': train-from: empty value (expected seasons)",
                        input);
    if (!is_amount(param))
        *out = (amount){0, param == SPACE_L2 ? dv : (double)iv};
    return 0;
}

static int append(space *s, int param, amount v, const char *input, err *e)
{
    for (int i = 0; i < s->n[param]; i++)
        if (s->v[param][i].is_fraction == v.is_fraction && s->v[param][i].value == v.value)
            return err_setk(e, ERR_INPUT, "input '%s': %s lists the value %g twice", input,
                            space_names[param], v.value);
    if (s->n[param] >= SPACE_MAX_VALUES)
        return err_setk(e, ERR_INPUT, "input '%s': %s lists more than %d values", input,
                        space_names[param], SPACE_MAX_VALUES);
    int n = s->n[param];
    if ((n & (n - 1)) == 0) { /* grow at powers of two */
        amount *p = realloc(s->v[param], (size_t)(n ? 2 * n : 1) * sizeof *p);
        if (p == NULL)
            return err_set(e, "out of memory parsing input '%s'", input);
        s->v[param] = p;
    }
    s->v[param][s->n[param]++] = v;
    return 0;
}

/* "A..B" or "A..B/S": whole numbers from A to B stepping by S. */
static int parse_range(space *s, int param, char *tok, char *dots, const char *input, err *e)
{
    const char *allowed = "A..B or A..B/S with whole numbers A <= B and a step S >= 1";
    if (is_listed_only(param))
        return err_setk(e, ERR_INPUT, "input '%s': %s takes a list of values, not a range '%s'",
                        input, space_names[param], tok);
    *dots = '\0';
    char *hi = dots + 2, *slash = strchr(hi, '/');
    long step = 1;
    if (slash != NULL) {
        *slash = '\0';
        char *end;
        errno = 0;
        step = strtol(slash + 1, &end, 10);
        if (slash[1] == '\0' || *end != '\0' || errno != 0 || step < 1)
            return err_setk(e, ERR_INPUT, "input '%s': %s: bad step '%s' (expected %s)", input,
                            space_names[param], slash + 1, allowed);
    }
    amount a, b;
    if (parse_value(param, trim(tok), input, &a, e) != 0 ||
        parse_value(param, trim(hi), input, &b, e) != 0)
        return -1;
    if (a.is_fraction || b.is_fraction || b.value < a.value)
        return err_setk(e, ERR_INPUT, "input '%s': %s: bad range (expected %s)", input,
                        space_names[param], allowed);
    for (double v = a.value; v <= b.value; v += (double)step)
        if (append(s, param, (amount){0, v}, input, e) != 0)
            return -1;
    return 0;
}

static int parse_entry(space *s, char *entry, int *seen, const char *input, err *e)
{
    char *eq = strchr(entry, '=');
    if (eq == NULL)
        return err_setk(e, ERR_INPUT,
                        "input '%s': entry '%s' has no '=' (expected name=value,value,... entries "
                        "separated by ';')",
                        input, entry);
    *eq = '\0';
    char *name = trim(entry);
    int param = -1;
    for (int i = 0; i < SPACE_NPARAMS; i++)
        if (strcmp(name, space_names[i]) == 0)
            param = i;
    if (param < 0)
        return err_setk(e, ERR_INPUT, "input '%s': unknown parameter '%s' (expected %s)", input,
                        name, NAMES_ALLOWED);
    if (seen[param])
        return err_setk(e, ERR_INPUT, "input '%s': %s is listed twice", input, name);
    seen[param] = 1;
    char *save = NULL, *list = eq + 1;
    /* strtok_r would skip empty values; find them first. */
    char *t = trim(list);
    if (*t == '\0' || *t == ',' || t[strlen(t) - 1] == ',' || strstr(t, ",,") != NULL)
        return err_setk(e, ERR_INPUT, "input '%s': %s has an empty value (expected %s=v1,v2,...)",
                        input, name, name);
    for (char *tok = strtok_r(t, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
        if (*tok == '\0')
            return err_setk(e, ERR_INPUT, "input '%s': %s has an empty value", input, name);
        char *dots = strstr(tok, "..");
        amount v;
        if (dots != NULL) {
            if (parse_range(s, param, tok, dots, input, e) != 0)
                return -1;
        } else if (parse_value(param, tok, input, &v, e) != 0 ||
                   append(s, param, v, input, e) != 0) {
            return -1;
        }
    }
    return 0;
}

int tune_space_parse(const char *text, const char *input, space *s, err *e)
{
    memset(s, 0, sizeof *s);
    char *copy = strdup(text);
    if (copy == NULL)
        return err_set(e, "out of memory parsing input '%s'", input);
    int seen[SPACE_NPARAMS] = {0}, any = 0, rc = 0;
    char *save = NULL;
    for (char *ent = strtok_r(copy, ";", &save); ent && rc == 0; ent = strtok_r(NULL, ";", &save)) {
        ent = trim(ent);
        if (*ent == '\0')
            continue;
        any = 1;
        rc = parse_entry(s, ent, seen, input, e);
    }
    free(copy);
    if (rc == 0 && !any)
        rc = err_setk(e, ERR_INPUT,
                      "input '%s': empty (expected name=value,value,... entries separated by ';', "
                      "e.g. n-estimators=50,200;max-depth=0,4)",
                      input);
    if (rc != 0)
        space_release(s);
    return rc;
}
