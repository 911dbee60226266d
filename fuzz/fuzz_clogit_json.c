/* fuzz_clogit_json: any bytes as the JSON object of a conditional logit.
 *
 * clogit_from_json is what predict and evaluate will trust before scoring,
 * so a model that reads is also used: two rows (all zeros, all missing)
 * are scored and turned into one race's probabilities, and the model is
 * written and read back.  What must hold: no crash, no leak, no hang; a
 * failed read leaves the model zeroed; scoring either fails with a reason
 * or gives finite scores and finite probabilities summing to 1; the model
 * reads back from its own JSON with the same bits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonfile.h"
#include "fuzz_util.h"
#include "ml/clogit.h"

static void use(const clogit_model *m)
{
    enum { ROWS = 2 };
    int n = m->n_features;
    double *x = malloc((size_t)n * ROWS * sizeof *x), score[ROWS], prob[ROWS];
    if (x == NULL)
        return;
    for (int j = 0; j < n; j++) {
        x[j * ROWS] = 0.0;
        x[j * ROWS + 1] = NAN;
    }
    const int race[ROWS] = {7, 7};
    clogit_data d = {.x = x, .stride = ROWS, .nfeat = n, .race = race, .n = ROWS};
    err e;
    if (clogit_probabilities(m, &d, score, prob, &e) == 0) {
        if (!isfinite(score[0]) || !isfinite(score[1]) || !isfinite(prob[0]) ||
            !isfinite(prob[1]) || fabs(prob[0] + prob[1] - 1.0) > 1e-12)
            abort();
    } else if (e.msg[0] == '\0') {
        abort();
    }
    free(x);
}

/* The model's JSON, printed and parsed, reads back to the same bits. */
static void round_trip(const clogit_model *m)
{
    cJSON *o = clogit_to_json(m);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (text == NULL)
        return; /* out of memory */
    err e;
    cJSON *back = jsonfile_parse(text, strlen(text), "printed model", &e);
    free(text);
    clogit_model m2;
    if (back == NULL || clogit_from_json(back, m->n_features, &m2, &e) != 0)
        abort();
    cJSON_Delete(back);
    size_t bytes = 4 * (size_t)m->n_features * sizeof *m->beta;
    if (memcmp(m->beta, m2.beta, bytes) != 0 || memcmp(&m->l2, &m2.l2, sizeof m->l2) != 0 ||
        memcmp(&m->loss, &m2.loss, sizeof m->loss) != 0 || m->iterations != m2.iterations ||
        m->races != m2.races)
        abort();
    clogit_release(&m2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet_log();
    err e;
    cJSON *root = jsonfile_parse((const char *)data, size, "fuzz input", &e);
    if (root == NULL)
        return 0;
    clogit_model m;
    if (clogit_from_json(root, 0, &m, &e) != 0) {
        cJSON_Delete(root);
        if (m.beta != NULL || m.n_features != 0 || e.msg[0] == '\0')
            abort();
        return 0;
    }
    cJSON_Delete(root);
    use(&m);
    round_trip(&m);
    clogit_release(&m);
    return 0;
}
