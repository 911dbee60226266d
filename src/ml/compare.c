#include "ml/compare.h"

#include <stdlib.h>

#include "data/feature_set.h"
#include "data/feature_table.h"

int compare_score_seasons(const model *m, const prepared *p, const qualifying_table *q,
                          const int *seasons, int n, uint64_t seed, score *out,
                          probscore *probs, err *e)
{
    feature_table t = {0};
    double *pred = NULL;
    int rc = -1;
    if (feature_set_build(m->set, p, q, m->train_first, m->train_last, &t, e) != 0)
        goto out;
    if (model_check_features(m, &t, e) != 0) {
        err_wrap(e, "input 'baseline-model': the model's features are not the ones this run's "
                    "prepared.csv gives for its training seasons %d-%d (expected a model trained "
                    "by this version on data starting no earlier than prepared.csv)",
                 m->train_first, m->train_last);
        e->kind = ERR_INPUT;
        goto out;
    }
    /* scores, then the probabilities model_score also gives */
    pred = calloc(2 * (size_t)(p->n > 0 ? p->n : 1), sizeof *pred);
    if (pred == NULL) {
        err_set(e, "out of memory scoring the baseline model");
        goto out;
    }
    for (int k = 0; k < n; k++) {
        /* t has one row per prepared row, in the same order. */
        int first = -1, rows = 0;
        for (int i = 0; i < t.nrows; i++)
            if (t.season[i] == seasons[k]) {
                if (first < 0)
                    first = i;
                rows++;
            }
        if (rows > 0 && model_score(m, &t, first, rows, pred + first, pred + p->n + first, e) != 0) {
            err_wrap(e, "scoring the baseline model on season %d", seasons[k]);
            goto out;
        }
        if (score_season(&out[k], p, seasons[k], pred, seed, e) != 0) {
            err_wrap(e, "scoring the baseline model on season %d", seasons[k]);
            goto out;
        }
        probs[k] = probscore_season(p, seasons[k], pred + p->n);
    }
    rc = 0;
out:
    free(pred);
    feature_table_release(&t);
    return rc;
}
