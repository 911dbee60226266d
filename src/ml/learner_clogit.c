/* The conditional-logit learner (learner.h): ml/clogit.h behind the
 * interface.  Its part of model.json: "parameters": {"l2", "seed"} and
 * "clogit": clogit_to_json's object. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ml/learner_impl.h"
#include "ml/numfmt.h"

static clogit_data as_clogit(const learner_data *d)
{
    return (clogit_data){.x = d->x, .stride = d->stride, .nfeat = d->nfeat, .names = d->names,
                         .race = d->race, .won = d->won, .lo = d->lo, .n = d->n};
}

static int cl_fit(learner *l, const learner_params *p, const learner_data *d, int threads, err *e)
{
    (void)threads; /* one thread: the fit's sums run in one order */
    if (d->race == NULL)
        return err_setk(e, ERR_INTERNAL, "conditional logit: no race ids");
    clogit_data cd = as_clogit(d);
    return clogit_fit(&l->clogit, &p->clogit, &cd, e);
}

static int cl_score(const learner *l, const learner_data *d, double *out, err *e)
{
    clogit_data cd = as_clogit(d);
    return clogit_score(&l->clogit, &cd, out, e);
}

static cJSON *cl_params_json(const learner_params *p)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, p->seed);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || jsonbuild_put(o, "l2", numfmt_json(p->clogit.l2)) != 0 ||
        jsonbuild_put(o, "seed", cJSON_CreateString(seed)) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int cl_params_save(const learner_params *p, cJSON *root)
{
    return jsonbuild_put(root, "parameters", cl_params_json(p));
}

static int cl_params_load(const cJSON *root, learner_params *p, err *e)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "parameters");
    const cJSON *l2 = cJSON_GetObjectItemCaseSensitive(o, "l2");
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "seed"));
    if (!cJSON_IsObject(o))
        return err_setk(e, ERR_DATA, "'parameters' is missing");
    if (!cJSON_IsNumber(l2) || !isfinite(l2->valuedouble) || !(l2->valuedouble > 0.0))
        return err_setk(e, ERR_DATA, "'parameters.l2' is missing or not a number > 0");
    char *end = NULL;
    errno = 0;
    unsigned long long v = s ? strtoull(s, &end, 10) : 0;
    if (s == NULL || s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0)
        return err_setk(e, ERR_DATA, "'parameters.seed' is missing or not a decimal string");
    p->clogit = clogit_params_default();
    p->clogit.l2 = l2->valuedouble;
    p->seed = (uint64_t)v;
    return 0;
}

static int cl_save(const learner *l, cJSON *root)
{
    return jsonbuild_put(root, "clogit", clogit_to_json(&l->clogit));
}

static int cl_load(const cJSON *root, int nfeat, learner *l, err *e)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "clogit");
    if (!cJSON_IsObject(o))
        return err_setk(e, ERR_DATA, "'clogit' is missing or not an object");
    if (clogit_from_json(o, nfeat, &l->clogit, e) != 0)
        return -1;
    if (l->clogit.l2 != l->params.clogit.l2)
        return err_setk(e, ERR_DATA, "'clogit.l2' differs from 'parameters.l2'");
    return 0;
}

static void cl_release(learner *l)
{
    clogit_release(&l->clogit);
}

const learner_ops learner_clogit_ops = {
    .fit = cl_fit,
    .score = cl_score,
    .race_probabilities = clogit_softmax,
    .params_json = cl_params_json,
    .params_save = cl_params_save,
    .params_load = cl_params_load,
    .save = cl_save,
    .load = cl_load,
    .release = cl_release,
};
