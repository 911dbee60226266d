/* learner: the one interface over bagging and clogit.  Each learner fits,
 * scores, turns scores into per-race probabilities, saves and loads back to
 * the same bits; bagging through the interface is bit-identical to
 * bagging_fit_rows + bagging_predict (the trees of before), clogit to
 * clogit_fit; bagging imputes missing values with the training medians
 * only when it saw some; loading is strict. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/rng.h"
#include "ml/learner.h"

enum { SEASONS = 4, RACES = 6, CARS = 8, N = SEASONS * RACES * CARS, NF = 5 };

static const char *const names[NF] = {"grid", "form", "pace", "gap", "noise"};
static double X[NF * N], WON[N];
static int RACE[N];

/* Races of 8 cars; the winner is the car with the best latent pace plus
 * noise, so the features carry signal.  with_missing: feature "gap" is
 * missing (NAN) on every 7th row. */
static void make_data(int with_missing)
{
    rng r = rng_stream(11, 3);
    for (int i = 0; i < N; i += CARS) {
        int best = i;
        double top = -1e9;
        for (int k = i; k < i + CARS; k++) {
            double pace = rng_double(&r);
            X[0 * N + k] = 1 + (k - i);
            X[1 * N + k] = 10.0 * pace + rng_double(&r);
            X[2 * N + k] = pace;
            X[3 * N + k] = with_missing && k % 7 == 0 ? NAN : 3.0 * (1.0 - pace);
            X[4 * N + k] = rng_double(&r);
            double latent = 2.0 * pace - 0.1 * (k - i) + 0.5 * rng_double(&r);
            if (latent > top) {
                top = latent;
                best = k;
            }
            RACE[k] = (2000 + k / (RACES * CARS)) * 1000 + 1 + (k / CARS) % RACES;
        }
        for (int k = i; k < i + CARS; k++)
            WON[k] = k == best;
    }
}

static learner_data data(int lo, int n)
{
    return (learner_data){.x = X, .stride = N, .nfeat = NF, .names = names, .race = RACE,
                          .won = WON, .lo = lo, .n = n};
}

static learner_params bagging_params_of(void)
{
    return (learner_params){.kind = LEARNER_BAGGING,
                            .seed = 42,
                            .bagging = {.n_estimators = 12,
                                        .max_samples = {1, 0.5},
                                        .max_features = {0, 3},
                                        .bootstrap = 1,
                                        .bootstrap_features = 1,
                                        .max_depth = 0,
                                        .seed = 7 /* replaced by .seed */}};
}

static learner_params clogit_params_of(double l2)
{
    learner_params p = {.kind = LEARNER_CLOGIT, .seed = 42, .clogit = clogit_params_default()};
    p.clogit.l2 = l2;
    return p;
}

/* Saves l as model.json would (parameters, then the learner), prints and
 * parses the text, loads it back into *back. */
static int round_trip(const learner *l, learner *back, err *e)
{
    cJSON *root = cJSON_CreateObject();
    int rc = -1;
    if (learner_params_save(&l->params, root) != 0 || learner_save(l, root) != 0) {
        cJSON_Delete(root);
        return err_set(e, "out of memory");
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    cJSON *parsed = text ? cJSON_Parse(text) : NULL;
    learner_params p;
    if (parsed != NULL && learner_params_load(parsed, l->params.kind, &p, e) == 0)
        rc = learner_load(parsed, &p, l->nfeat, back, e);
    cJSON_Delete(parsed);
    free(text);
    return rc;
}

/* Trains on seasons 2000-2002, scores 2003. */
enum { TRAIN = 3 * RACES * CARS, TEST = RACES * CARS };

static void test_bagging_same_as_before(void)
{
    make_data(0);
    learner_params p = bagging_params_of();
    learner l;
    err e;
    CHECK_INT(learner_fit(&l, &p, &(learner_data){0}, 1, &e), -1); /* nothing to fit */
    learner_data d = data(0, TRAIN);
    CHECK_INT(learner_fit(&l, &p, &d, 2, &e), 0);
    CHECK(l.impute == NULL); /* no missing value, nothing imputed */
    bagging b;
    bagging_params bp = p.bagging;
    bp.seed = p.seed;
    CHECK_INT(bagging_fit_rows(&b, &bp, X, WON, N, 0, TRAIN, NF, 1, &e), 0);
    double a[TEST], want[TEST];
    learner_data t = data(TRAIN, TEST);
    CHECK_INT(learner_score(&l, &t, a, &e), 0);
    bagging_predict(&b, X, N, TRAIN, TEST, want);
    CHECK(memcmp(a, want, sizeof a) == 0);
    CHECK(l.params.bagging.seed == 42);
    /* Probabilities: the scores over their race's sum. */
    double prob[TEST];
    CHECK_INT(learner_probabilities(&l, &t, a, prob, &e), 0);
    double sum = 0.0, race_sum = 0.0;
    for (int k = 0; k < CARS; k++)
        race_sum += a[k];
    for (int k = 0; k < CARS; k++)
        sum += prob[k];
    CHECK_NEAR(sum, 1.0, 1e-12);
    CHECK(race_sum <= 0.0 || fabs(prob[0] - a[0] / race_sum) < 1e-15);
    /* A race whose scores are all 0 shares evenly. */
    double zeros[CARS] = {0}, even[CARS];
    learner_data one = data(TRAIN, CARS);
    CHECK_INT(learner_probabilities(&l, &one, zeros, even, &e), 0);
    CHECK_NEAR(even[3], 1.0 / CARS, 1e-15);
    /* Saved and loaded: the same trees, the same scores. */
    learner back;
    CHECK_INT(round_trip(&l, &back, &e), 0);
    double c[TEST];
    CHECK_INT(learner_score(&back, &t, c, &e), 0);
    CHECK(memcmp(a, c, sizeof a) == 0);
    CHECK_INT(back.params.bagging.n_estimators, 12);
    CHECK(back.params.seed == 42);
    learner_release(&back);
    bagging_release(&b);
    learner_release(&l);
    learner_release(&l); /* zeroed: no-op */
}

static void test_clogit(void)
{
    make_data(1);
    learner_params p = clogit_params_of(2.0);
    learner l;
    err e;
    learner_data d = data(0, TRAIN);
    CHECK_INT(learner_fit(&l, &p, &d, 4, &e), 0);
    /* The same optimum clogit_fit finds, to the bit. */
    clogit_model direct;
    clogit_data cd = {.x = X, .stride = N, .nfeat = NF, .names = names, .race = RACE,
                      .won = WON, .lo = 0, .n = TRAIN};
    CHECK_INT(clogit_fit(&direct, &p.clogit, &cd, &e), 0);
    CHECK(memcmp(direct.beta, l.clogit.beta, NF * sizeof *direct.beta) == 0);
    CHECK(l.clogit.beta[2] > 0.0); /* pace wins */
    double s[TEST], prob[TEST];
    learner_data t = data(TRAIN, TEST);
    CHECK_INT(learner_score(&l, &t, s, &e), 0);
    CHECK_INT(learner_probabilities(&l, &t, s, prob, &e), 0);
    /* The softmax of each race, summing to 1, ordered as the scores. */
    for (int r = 0; r < RACES; r++) {
        double sum = 0.0, z = 0.0;
        for (int k = 0; k < CARS; k++) {
            sum += prob[r * CARS + k];
            z += exp(s[r * CARS + k]);
        }
        CHECK_NEAR(sum, 1.0, 1e-12);
        CHECK_NEAR(prob[r * CARS], exp(s[r * CARS]) / z, 1e-12);
    }
    learner back;
    CHECK_INT(round_trip(&l, &back, &e), 0);
    double s2[TEST];
    CHECK_INT(learner_score(&back, &t, s2, &e), 0);
    CHECK(memcmp(s, s2, sizeof s) == 0);
    CHECK(back.params.clogit.l2 == 2.0 && back.params.seed == 42);
    learner_release(&back);
    clogit_release(&direct);
    learner_release(&l);
}

static void test_bagging_missing(void)
{
    make_data(1);
    learner_params p = bagging_params_of();
    learner l;
    err e;
    learner_data d = data(0, TRAIN);
    CHECK_INT(learner_fit(&l, &p, &d, 2, &e), 0);
    CHECK(l.impute != NULL);
    /* gap = 3 (1 - pace), pace uniform: its median is near 1.5 */
    CHECK(l.impute != NULL && l.impute[3] > 1.0 && l.impute[3] < 2.0);
    double a[TEST], b[TEST];
    learner_data t = data(TRAIN, TEST);
    CHECK_INT(learner_score(&l, &t, a, &e), 0);
    /* A missing value scores as its median would. */
    int row = -1;
    for (int k = TRAIN; k < N && row < 0; k++)
        if (isnan(X[3 * N + k]))
            row = k;
    CHECK(row >= 0);
    X[3 * N + row] = l.impute[3];
    CHECK_INT(learner_score(&l, &t, b, &e), 0);
    CHECK(memcmp(a, b, sizeof a) == 0);
    learner back;
    CHECK_INT(round_trip(&l, &back, &e), 0);
    CHECK(back.impute != NULL && back.impute[3] == l.impute[3]);
    learner_release(&back);
    learner_release(&l);
    /* Trained without missing values, a missing one at scoring is refused,
     * naming the feature. */
    make_data(0);
    CHECK_INT(learner_fit(&l, &p, &d, 2, &e), 0);
    make_data(1);
    CHECK_INT(learner_score(&l, &t, a, &e), -1);
    CHECK_INT(e.kind, ERR_DATA);
    CHECK_MSG(strstr(e.msg, "'gap'") != NULL, "%s", e.msg);
    learner_release(&l);
}

/* Loads text as a learner of `kind` with NF features; returns the result. */
static int load_text(const char *text, learner_kind kind, err *e)
{
    cJSON *root = cJSON_Parse(text);
    learner_params p;
    learner l;
    int rc = -1;
    if (root != NULL && learner_params_load(root, kind, &p, e) == 0)
        rc = learner_load(root, &p, NF, &l, e);
    if (rc == 0)
        learner_release(&l);
    cJSON_Delete(root);
    return rc;
}

static void test_strict_loading(void)
{
    err e;
    CHECK_INT(load_text("{\"parameters\":{\"l2\":15,\"seed\":\"0\"}}", LEARNER_CLOGIT, &e), -1);
    CHECK_MSG(strstr(e.msg, "'clogit'") != NULL, "%s", e.msg);
    CHECK_INT(load_text("{\"parameters\":{\"l2\":0,\"seed\":\"0\"}}", LEARNER_CLOGIT, &e), -1);
    CHECK_MSG(strstr(e.msg, "l2") != NULL, "%s", e.msg);
    CHECK_INT(load_text("{\"parameters\":{\"l2\":1,\"seed\":\"x\"}}", LEARNER_CLOGIT, &e), -1);
    CHECK_MSG(strstr(e.msg, "seed") != NULL, "%s", e.msg);
    /* A fitted clogit whose l2 disagrees with its parameters. */
    make_data(0);
    learner_params p = clogit_params_of(3.0);
    learner l;
    learner_data d = data(0, TRAIN);
    CHECK_INT(learner_fit(&l, &p, &d, 1, &e), 0);
    cJSON *root = cJSON_CreateObject();
    l.params.clogit.l2 = 4.0;
    learner_params_save(&l.params, root);
    learner_save(&l, root);
    char *text = cJSON_PrintUnformatted(root);
    CHECK_INT(load_text(text, LEARNER_CLOGIT, &e), -1);
    CHECK_MSG(strstr(e.msg, "differs") != NULL, "%s", e.msg);
    free(text);
    cJSON_Delete(root);
    learner_release(&l);
    /* bagging: impute_median of the wrong length */
    p = bagging_params_of();
    make_data(1);
    CHECK_INT(learner_fit(&l, &p, &d, 1, &e), 0);
    root = cJSON_CreateObject();
    learner_params_save(&l.params, root);
    learner_save(&l, root);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(root, "impute_median"), 0);
    text = cJSON_PrintUnformatted(root);
    CHECK_INT(load_text(text, LEARNER_BAGGING, &e), -1);
    CHECK_MSG(strstr(e.msg, "impute_median") != NULL, "%s", e.msg);
    free(text);
    cJSON_Delete(root);
    learner_release(&l);
}

static void test_names(void)
{
    CHECK_INT(learner_parse("clogit"), LEARNER_CLOGIT);
    CHECK_INT(learner_parse("bagging"), LEARNER_BAGGING);
    CHECK_INT(learner_parse("Clogit"), -1);
    CHECK_INT(learner_parse(""), -1);
    CHECK_STR(learner_names[LEARNER_CLOGIT], "clogit");
    learner zero = {0};
    learner_release(&zero);
    learner_release(NULL);
}

int main(void)
{
    test_bagging_same_as_before();
    test_clogit();
    test_bagging_missing();
    test_strict_loading();
    test_names();
    return check_done();
}
