/* learner_impl: what each learner implements for ml/learner.h (one table
 * of functions per learner, in learner_NAME.c); only learner*.c include
 * this.  Every function has the contract of the learner.h function of the
 * same name, for a learner of its own kind. */
#ifndef F1_ML_LEARNER_IMPL_H
#define F1_ML_LEARNER_IMPL_H

#include "core/jsonbuild.h"
#include "ml/learner.h"

typedef struct {
    int (*fit)(learner *l, const learner_params *p, const learner_data *d, int threads, err *e);
    int (*score)(const learner *l, const learner_data *d, double *out, err *e);
    /* prob[i] from the scores s[i] of one race's n rows */
    void (*race_probabilities)(const double *s, int n, double *prob);
    cJSON *(*params_json)(const learner_params *p);
    int (*params_save)(const learner_params *p, cJSON *root);
    int (*params_load)(const cJSON *root, learner_params *p, err *e);
    int (*save)(const learner *l, cJSON *root);
    int (*load)(const cJSON *root, int nfeat, learner *l, err *e);
    void (*release)(learner *l);
} learner_ops;

extern const learner_ops learner_bagging_ops;
extern const learner_ops learner_clogit_ops;


#endif
