import numpy as np
import torch

from gan_core import classifier, data


def _rows(images: torch.Tensor) -> set:
    return {row.numpy().tobytes() for row in images.reshape(len(images), -1)}


def test_the_classifier_trains_on_fit_digits_only_and_scores_the_holdout(monkeypatch):
    seen, original = [], classifier._shift

    def spy(batch, rng, max_shift=2):  # every training batch passes here before its random shift
        seen.append(batch.clone())
        return original(batch, rng, max_shift)

    monkeypatch.setattr(classifier, "_shift", spy)
    model, accuracy = classifier.train_classifier(epochs=1, seed=0, batch_size=256)
    drawn = _rows(torch.cat(seen))
    assert len(drawn) == 4000 and drawn == _rows(data.real_digits_with_labels("fit")[0])
    assert not drawn & _rows(data.real_digits_with_labels("holdout")[0])
    assert 0.5 < accuracy <= 1 and not model.training


def test_judge_digits_reports_confidence_and_class_shares():
    model = classifier.digit_classifier()
    judged = classifier.judge_digits(model, torch.zeros(6, 1, 28, 28))
    assert 0 < judged["mean_confidence"] <= 1
    assert judged["class_shares"].shape == (10,) and np.isclose(judged["class_shares"].sum(), 1)
