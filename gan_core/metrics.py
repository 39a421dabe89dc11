"""OOD detection metrics. Convention everywhere: a score is an OOD score, higher = more out-of-distribution.

auroc       P(score of a random OOD sample > score of a random in-distribution sample), ties count half;
            OOD is the positive class, so it equals sklearn's roc_auc_score(is_ood, score).
            1 = perfect, 0.5 = chance, below 0.5 = the score ranks OOD as *more* in-distribution.
fpr_at_tpr  the usual "FPR at 95% TPR" of the OOD literature (ODIN, OpenOOD), where in-distribution is the
            positive class: pick the lowest threshold t that accepts (score <= t) at least `tpr` of the
            in-distribution samples, and report the fraction of OOD samples it also accepts. 0 = perfect,
            lower is better.
"""

import numpy as np
from scipy.stats import rankdata


def _scores(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("empty score set")
    if np.isnan(values).any():
        raise ValueError("scores contain NaN")
    return values


def auroc(in_scores, out_scores) -> float:
    """Area under the ROC curve with OOD as positive (Mann-Whitney U / (n_in * n_out)), in [0, 1]."""
    in_scores, out_scores = _scores(in_scores), _scores(out_scores)
    ranks = rankdata(np.concatenate([in_scores, out_scores]))  # average ranks: ties count half
    n_in, n_out = in_scores.size, out_scores.size
    u = ranks[n_in:].sum() - n_out * (n_out + 1) / 2
    return float(u / (n_in * n_out))


def fpr_at_tpr(in_scores, out_scores, tpr: float = 0.95) -> float:
    """Fraction of OOD samples accepted as in-distribution at the threshold that keeps `tpr` of the
    in-distribution samples (accepted = score <= threshold). In [0, 1], lower is better."""
    if not 0 < tpr <= 1:
        raise ValueError("tpr must be in (0, 1]")
    in_scores, out_scores = np.sort(_scores(in_scores)), _scores(out_scores)
    # the smallest in-distribution score t with #(in <= t) >= tpr * n_in; the small slack keeps
    # 0.95 * 20 = 19.000000000000004 from asking for a 20th sample
    k = int(np.ceil(tpr * in_scores.size - 1e-9))
    threshold = in_scores[max(k, 1) - 1]
    return float(np.mean(out_scores <= threshold))
