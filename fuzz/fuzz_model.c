/* fuzz_model: any bytes as model.json.
 *
 * model_read is what the evaluate stage trusts before predicting, so a
 * model that reads is also run: checked against a table with its own
 * columns and asked for predictions on two rows (all zeros, all ones).
 * What must hold: no crash, no leak, no hang, a failed read leaves the
 * model empty, and every prediction is a finite number. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "ml/model.h"

static void predict(const model *m)
{
    enum { NROWS = 2 };
    feature_table t = {.nrows = NROWS, .nfeat = m->nfeat, .names = m->features};
    double out[NROWS];
    err e;
    t.x = calloc((size_t)m->nfeat * NROWS, sizeof *t.x);
    if (t.x == NULL)
        return;
    for (int j = 0; j < m->nfeat; j++)
        t.x[j * NROWS + 1] = 1.0;
    if (model_check_features(m, &t, &e) != 0)
        abort(); /* a table with the model's own columns must fit */
    model_predict(m, &t, 0, NROWS, out);
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
        if (m.nfeat != 0 || m.features != NULL || m.bag.trees != NULL)
            abort();
        return 0;
    }
    predict(&m);
    model_release(&m);
    return 0;
}
