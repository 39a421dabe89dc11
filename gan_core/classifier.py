"""A small MNIST digit classifier, used only to judge whether generated digits look like digits.

Trained on the 4,000 "fit" real digits, checked on the 1,000 held-out ones; a generator is judged by the
classifier's mean top-class confidence on its samples and by how evenly its samples spread over the 10 classes.
"""

import numpy as np
import torch
from torch import nn

from .data import real_digits_with_labels
from .seeding import cpu_generator, set_seed


def digit_classifier() -> nn.Module:
    """(B,1,28,28) in [-1, 1] -> class logits (B, 10)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # (B, 32, 14, 14)
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # (B, 64, 7, 7)
        nn.Flatten(),
        nn.Dropout(0.3),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def _shift(batch: torch.Tensor, rng: torch.Generator, max_shift: int = 2) -> torch.Tensor:
    """Random translations up to `max_shift` pixels: cheap augmentation for a 4,000-image training set."""
    dx, dy = (int(v) for v in torch.randint(-max_shift, max_shift + 1, (2,), generator=rng))
    return torch.roll(batch, shifts=(dy, dx), dims=(2, 3))


def train_classifier(epochs: int = 15, seed: int = 0, batch_size: int = 64) -> tuple[nn.Module, float]:
    """Returns (classifier in eval mode, accuracy on the 1,000 held-out real digits)."""
    set_seed(seed)
    images, fit_labels = real_digits_with_labels("fit")
    labels = torch.from_numpy(fit_labels)
    model = digit_classifier()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = cpu_generator(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(images), generator=rng)
        for start in range(0, len(images), batch_size):
            idx = order[start : start + batch_size]
            loss = nn.functional.cross_entropy(model(_shift(images[idx], rng)), labels[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    holdout, holdout_labels = real_digits_with_labels("holdout")
    accuracy = float((predict(model, holdout).argmax(1) == holdout_labels).mean())
    return model.eval(), accuracy


def predict(model: nn.Module, images: torch.Tensor) -> np.ndarray:
    """(N,1,28,28) -> class probabilities (N, 10)."""
    model.eval()
    with torch.inference_mode():
        return torch.cat([model(c).softmax(1) for c in images.split(512)]).numpy()


def judge_digits(model: nn.Module, images: torch.Tensor) -> dict:
    """Mean top-class confidence in [0, 1] and the share of each predicted class (10,) summing to 1."""
    probs = predict(model, images)
    shares = np.bincount(probs.argmax(1), minlength=10) / len(probs)
    return {"mean_confidence": float(probs.max(1).mean()), "class_shares": shares}
