/* fuzz_model: any bytes as model.json.
 *
 * model_read is what the evaluate stage trusts before predicting, so a
 * model that reads is also run: checked against a table with its own
 * columns (v2: the whole v2 set) and asked for predictions on two rows
 * (all zeros, all ones).
 * What must hold: no crash, no leak, no hang, a failed read leaves the
 * model empty, and every prediction is a finite number. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "data/features_v2.h"
#include "ml/model.h"

static void predict(const model *m)
{
    enum { NROWS = 2 };
    /* A table with the model's own columns: its features (spec), or the
     * whole v2 set with its keys (v2: a model's features are v2's). */
    int v2 = m->set == FEATURE_SET_V2, nf = v2 ? FEATURE_SET_V2_KEYS + FEATURES_V2_NFEAT : m->nfeat;
    char *names[FEATURE_SET_V2_KEYS + FEATURES_V2_NFEAT] = {"season", "round"};
    for (int j = 0; v2 && j < FEATURES_V2_NFEAT; j++)
        names[FEATURE_SET_V2_KEYS + j] = (char *)features_v2_names[j];
    int season[NROWS] = {2000, 2000}, round[NROWS] = {1, 1};
    feature_table t = {.nrows = NROWS, .nfeat = nf, .names = v2 ? names : m->features,
                       .season = season, .round = round};
    double out[NROWS];
    err e;
    t.x = calloc((size_t)nf * NROWS, sizeof *t.x);
    if (t.x == NULL)
        return;
    for (int j = 0; j < nf; j++)
        t.x[j * NROWS + 1] = 1.0;
    if (model_check_features(m, &t, &e) != 0)
        abort(); /* a table with the model's own columns must fit */
    /* a clogit may refuse values its standardisation overflows on */
    if (model_score(m, &t, 0, NROWS, out, NULL, &e) == 0)
        for (int i = 0; i < NROWS; i++)
            if (!isfinite(out[i]))
                abort();
    free(t.x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet_log();
    model m;
    err e;
    if (model_read(fuzz_tmp_file(data, size), &m, &e) != 0) {
        if (m.nfeat != 0 || m.features != NULL || m.l.bag.trees != NULL)
            abort();
        return 0;
    }
    predict(&m);
    model_release(&m);
    return 0;
}
