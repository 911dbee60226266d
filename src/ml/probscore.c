#include "ml/probscore.h"

#include <math.h>

probscore probscore_season(const prepared *p, int season, const double *prob)
{
    probscore s = {0, 0.0, 0.0};
    for (int a = 0, b; a < p->n; a = b) {
        const prepared_row *h = &p->rows[a];
        for (b = a + 1; b < p->n && p->rows[b].season == h->season && p->rows[b].round == h->round;
             b++)
            ;
        if (h->season != season)
            continue;
        int k = 0;
        for (int i = a; i < b; i++)
            k += p->rows[i].position == 1;
        if (k == 0)
            continue;
        double loss = 0.0, brier = 0.0;
        for (int i = a; i < b; i++) {
            double y = p->rows[i].position == 1 ? 1.0 / k : 0.0;
            if (y > 0.0)
                loss -= y * log(prob[i] > PROBSCORE_EPS ? prob[i] : PROBSCORE_EPS);
            brier += (prob[i] - y) * (prob[i] - y);
        }
        s.races++;
        s.log_loss += loss;
        s.brier += brier;
    }
    return s;
}

double probscore_mean_log_loss(const probscore *s)
{
    return s->races > 0 ? s->log_loss / s->races : NAN;
}

double probscore_mean_brier(const probscore *s)
{
    return s->races > 0 ? s->brier / s->races : NAN;
}
