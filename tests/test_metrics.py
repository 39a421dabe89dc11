import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score, roc_curve

from gan_core.metrics import auroc, fpr_at_tpr


def _reference_fpr(in_scores, out_scores, tpr=0.95):
    """OpenOOD's recipe: in-distribution positive, confidence = -score, first ROC point with TPR >= tpr."""
    labels = np.r_[np.ones(len(in_scores)), np.zeros(len(out_scores))]
    fpr, tprs, _ = roc_curve(labels, -np.r_[in_scores, out_scores], drop_intermediate=False)
    return fpr[np.argmax(tprs >= tpr - 1e-12)]


def test_separated_and_identical_sets():
    rng = np.random.default_rng(0)
    inside = rng.normal(size=500)
    assert auroc(inside, inside + 10) == 1.0
    assert auroc(inside + 10, inside) == 0.0  # reversed ranking is reported, not flipped
    assert auroc(inside, inside) == 0.5
    assert fpr_at_tpr(inside, inside + 10) == 0.0
    assert fpr_at_tpr(inside + 10, inside) == 1.0


scores = st.lists(st.integers(-5, 5).map(float), min_size=1, max_size=40)  # small ints: many ties


@settings(max_examples=150, deadline=None)
@given(scores, scores)
def test_auroc_matches_sklearn(inside, outside):
    labels = np.r_[np.zeros(len(inside)), np.ones(len(outside))]
    assert auroc(inside, outside) == pytest.approx(roc_auc_score(labels, np.r_[inside, outside]), abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(scores, scores, st.sampled_from([0.5, 0.8, 0.95, 1.0]))
def test_fpr_matches_the_roc_curve(inside, outside, tpr):
    assert fpr_at_tpr(inside, outside, tpr) == pytest.approx(_reference_fpr(inside, outside, tpr), abs=1e-12)


def test_fpr95_on_continuous_scores():
    rng = np.random.default_rng(1)
    inside, outside = rng.normal(size=1000), rng.normal(1.5, 1, size=700)
    assert fpr_at_tpr(inside, outside) == pytest.approx(_reference_fpr(inside, outside), abs=1e-12)
    # the threshold keeps 95% of in-distribution: at least 950 of 1000 are accepted, and not more than needed
    threshold = np.sort(inside)[949]
    assert fpr_at_tpr(inside, outside) == np.mean(outside <= threshold)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        auroc([], [1.0])
    with pytest.raises(ValueError):
        auroc([np.nan], [1.0])
    with pytest.raises(ValueError):
        fpr_at_tpr([1.0], [1.0], tpr=0)
