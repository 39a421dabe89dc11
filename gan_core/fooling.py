"""Fooling images: start from Gaussian noise and climb the discriminator's logit by gradient steps on the
input. The result still looks like noise, yet the discriminator calls it real.

Iterative signed-gradient ascent (the fast-gradient-sign method, repeated): every step moves each pixel by
`step_size` in the direction that raises the logit, then clamps to the bounds. After k steps no pixel has
moved more than k * step_size from the start.
"""

from dataclasses import dataclass

import numpy as np
import torch

from .data import gaussian_noise, generated_digits
from .scoring import score_batch, sigmoid

DEFAULT_STEPS = 30
DEFAULT_STEP_SIZE = 0.02  # per pixel per step; 30 steps move a pixel at most 0.6, noise has std 1
START_SOURCES = ("generated", "noise")  # where a climb may start: G's digits or Gaussian noise
START_CANDIDATES = 8  # seeded draws the start is chosen from (the one D scores lowest)


@dataclass
class FoolingPath:
    """The ascent, step 0 (the start) to step k, for B images.

    images (k+1, B, 1, 28, 28) float32; logits and probabilities (k+1, B) float32 (probability = D(x) in
    [0, 1]); features (k+1, B, 4096) float32, the path through feature space.
    """

    images: np.ndarray
    logits: np.ndarray
    probabilities: np.ndarray
    features: np.ndarray

    @property
    def steps(self) -> int:
        return len(self.images) - 1


def fooling_start(seed: int, n: int = 1) -> torch.Tensor:
    """The start: the notebook's Gaussian noise N(0, 1), (n,1,28,28), reproducible from seed."""
    return gaussian_noise(n, seed)


@dataclass
class FoolingStart:
    """A start the discriminator rejects: image (1,1,28,28) float32 (a generated digit in [-1, 1], or N(0, 1)
    noise); source, one of START_SOURCES; index: which of the seeded candidates it is; candidates: (k,) D(x) of
    every candidate in [0, 1] (image is candidate `index`, the lowest)."""

    image: torch.Tensor
    source: str
    index: int
    candidates: np.ndarray

    @property
    def probability(self) -> float:
        return float(self.candidates[self.index])


def rejected_start(
    generator, discriminator, source: str = "generated", seed: int = 0, candidates: int = START_CANDIDATES
) -> FoolingStart:
    """Of `candidates` seeded draws from `source` ("generated": G(z), z ~ N(0, I) from seed; "noise": the
    notebook's Gaussian noise from seed), the one the discriminator scores lowest: a start it rejects, so the
    climb shows D changing its mind. Deterministic in (weights, source, seed, candidates)."""
    if source not in START_SOURCES:
        raise ValueError(f"source must be one of {START_SOURCES}, got {source!r}")
    if candidates < 1:
        raise ValueError("candidates must be >= 1")
    with torch.inference_mode():
        draws = (
            generated_digits(generator, candidates, seed) if source == "generated" else gaussian_noise(candidates, seed)
        )
    draws = draws.detach().cpu().clone()  # (k,1,28,28), out of inference mode for the ascent
    probabilities = score_batch(discriminator, draws)["probability"]  # (k,)
    index = int(np.argmin(probabilities))
    return FoolingStart(draws[index : index + 1], source, index, probabilities)


def fooling_path(
    discriminator,
    start: torch.Tensor,
    steps: int = DEFAULT_STEPS,
    step_size: float = DEFAULT_STEP_SIZE,
    bounds: str | tuple[float, float] = "start",
) -> FoolingPath:
    """Signed-gradient ascent on the discriminator's logit from `start` (1,28,28), (1,1,28,28) or (B,1,28,28).

    bounds: "start" keeps every image within its own start's [min, max] (Gaussian noise is unbounded, so a
    fixed range would either clip the start or allow anything), or a (low, high) pair for all pixels.
    Deterministic: no randomness beyond `start`. The discriminator stays in eval mode and its parameters
    get no gradients.
    """
    x = torch.as_tensor(start, dtype=torch.float32).detach().cpu()
    if x.dim() == 3:
        x = x.unsqueeze(0)
    if x.dim() != 4 or x.shape[1:] != (1, 28, 28):
        raise ValueError(f"start must be (B,1,28,28), got {tuple(x.shape)}")
    if steps < 0 or step_size < 0:
        raise ValueError("steps and step_size must be >= 0")
    if bounds == "start":
        low = x.amin(dim=(1, 2, 3), keepdim=True)
        high = x.amax(dim=(1, 2, 3), keepdim=True)
    else:
        low, high = (torch.tensor(float(v)) for v in bounds)
    discriminator.eval()
    device = next(discriminator.parameters()).device
    images, logits, features = [], [], []
    # callers (a cached dashboard function, a test) may sit inside inference_mode or no_grad; clones leave
    # any inference tensors behind
    with torch.inference_mode(False), torch.enable_grad():
        low, high = low.clone().to(device), high.clone().to(device)
        x = x.clone().to(device)
        for step in range(steps + 1):
            x = x.detach().requires_grad_(step < steps)
            phi = discriminator.features(x)  # (B, 4096)
            logit = discriminator.head(phi)[:, 0]  # (B,)
            images.append(x.detach().cpu().numpy())
            logits.append(logit.detach().cpu().numpy())
            features.append(phi.detach().cpu().numpy())
            if step < steps:
                # eval-mode BatchNorm makes images independent, so the sum's gradient is per-image
                (grad,) = torch.autograd.grad(logit.sum(), x)
                x = torch.minimum(torch.maximum(x + step_size * grad.sign(), low), high)
    path_logits = np.stack(logits).astype(np.float32)  # (k+1, B)
    return FoolingPath(
        images=np.stack(images).astype(np.float32),
        logits=path_logits,
        probabilities=sigmoid(path_logits),
        features=np.stack(features).astype(np.float32),
    )
