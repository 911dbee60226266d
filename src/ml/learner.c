#include "ml/learner.h"

#include <string.h>

#include "ml/learner_impl.h"

const char *const learner_names[LEARNER_COUNT] = {"bagging", "clogit"};

static const learner_ops *const ops[LEARNER_COUNT] = {&learner_bagging_ops, &learner_clogit_ops};

int learner_parse(const char *s)
{
    for (int i = 0; i < LEARNER_COUNT; i++)
        if (strcmp(s, learner_names[i]) == 0)
            return i;
    return -1;
}

int learner_fit(learner *l, const learner_params *p, const learner_data *d, int threads, err *e)
{
    memset(l, 0, sizeof *l);
    if (d->n < 1 || d->nfeat < 1)
        return err_setk(e, ERR_DATA, "nothing to train on (%d rows, %d features)", d->n, d->nfeat);
    l->params = *p;
    l->nfeat = d->nfeat;
    if (ops[p->kind]->fit(l, p, d, threads, e) != 0) {
        learner_release(l);
        return -1;
    }
    return 0;
}

int learner_score(const learner *l, const learner_data *d, double *out, err *e)
{
    if (d->nfeat != l->nfeat)
        return err_setk(e, ERR_INTERNAL, "scoring %d features with a model of %d", d->nfeat,
                        l->nfeat);
    return d->n == 0 ? 0 : ops[l->params.kind]->score(l, d, out, e);
}

int learner_probabilities(const learner *l, const learner_data *d, const double *score,
                          double *prob, err *e)
{
    for (int a = 0, b; a < d->n; a = b) {
        int race = d->race[d->lo + a];
        for (b = a + 1; b < d->n && d->race[d->lo + b] == race; b++)
            ;
        if (b < d->n && d->race[d->lo + b] < race)
            return err_setk(e, ERR_DATA, "rows out of race order at row %d", d->lo + b);
        ops[l->params.kind]->race_probabilities(score + a, b - a, prob + a);
    }
    return 0;
}

cJSON *learner_params_json(const learner_params *p)
{
    return ops[p->kind]->params_json(p);
}

int learner_params_save(const learner_params *p, cJSON *root)
{
    return ops[p->kind]->params_save(p, root);
}

int learner_params_load(const cJSON *root, learner_kind kind, learner_params *p, err *e)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    return ops[kind]->params_load(root, p, e);
}

int learner_save(const learner *l, cJSON *root)
{
    return ops[l->params.kind]->save(l, root);
}

int learner_load(const cJSON *root, const learner_params *p, int nfeat, learner *l, err *e)
{
    memset(l, 0, sizeof *l);
    l->params = *p;
    l->nfeat = nfeat;
    if (ops[p->kind]->load(root, nfeat, l, e) != 0) {
        learner_release(l);
        return -1;
    }
    return 0;
}

void learner_release(learner *l)
{
    if (l == NULL)
        return;
    ops[l->params.kind]->release(l);
    memset(l, 0, sizeof *l);
}
