"""Training: phase 1, a standard DCGAN; phase 2, a fresh discriminator against the finished generator.

Two batch schemes for the discriminator step, named everywhere: "separate" batches (an all-real batch and an
all-fake batch, the DCGAN-tutorial way and the notebook-reproducing default) and "mixed" batches (real and fake
shuffled into one batch). With separate batches BatchNorm's batch statistics tell D which kind of batch it sees, so
in eval mode (running statistics) it judges single images worse than it did in training.

Why two phases: a discriminator trained jointly from the start saw noise-like fakes early and scores noise and
photos near 0. One trained only on real digits vs a finished generator's digits (what a discriminator meets late in
training) never saw anything else, so its scores off the data are arbitrary - the lesson's point.
Both are reproducible from `seed`: init, shuffling and latents come from seeded generators, on one CPU thread.
"""

import csv
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

from .models import ConvDiscriminator, ConvGenerator, init_dcgan_weights
from .seeding import cpu_generator, set_seed

LR, BETAS = 2e-4, (0.5, 0.999)


@dataclass
class LossLog:
    """One row per optimiser step: epoch, step, d_loss, g_loss, d_real (mean D(x)), d_fake (mean D(G(z)))."""

    rows: list = field(default_factory=list)

    def add(self, **row):
        self.rows.append({k: (round(float(v), 6) if isinstance(v, float) else v) for k, v in row.items()})

    def save_csv(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(self.rows[0]))
            writer.writeheader()
            writer.writerows(self.rows)
        return path


def pick_device(device: str | None = None) -> torch.device:
    """CPU by default, CUDA when present (or as asked)."""
    if device:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _batches(images: torch.Tensor, batch_size: int, rng: torch.Generator):
    order = torch.randperm(len(images), generator=rng)
    for start in range(0, len(images) - batch_size + 1, batch_size):  # drop the ragged tail: stable BN stats
        yield images[order[start : start + batch_size]]


def _new_models(seed: int, device: torch.device) -> tuple[ConvGenerator, ConvDiscriminator]:
    set_seed(seed)
    generator, discriminator = ConvGenerator(), ConvDiscriminator()
    generator.apply(init_dcgan_weights)
    discriminator.apply(init_dcgan_weights)
    return generator.to(device), discriminator.to(device)


def _separate_step(discriminator, real, fake, rng) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """ "separate batches": an all-real batch, then an all-fake batch (the DCGAN-tutorial way), so each BatchNorm
    batch is homogeneous. Returns (loss, D(real) (B,1), D(fake) (B,1)); rng is unused."""
    p_real, p_fake = discriminator(real), discriminator(fake)
    loss = _BCE(p_real, torch.ones_like(p_real)) + _BCE(p_fake, torch.zeros_like(p_fake))
    return loss, p_real, p_fake


def _mixed_step(discriminator, real, fake, rng) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """ "mixed batches": the B real and B fake images in one batch, in shuffled order, so the batch statistics
    BatchNorm normalises with no longer say which kind of image is in the batch. The loss is the sum of the two
    class means, as in the separate scheme (same gradient scale)."""
    images = torch.cat([real, fake])  # (2B, 1, 28, 28)
    is_real = torch.cat([torch.ones(len(real)), torch.zeros(len(fake))]).to(images.device)  # (2B,)
    order = torch.randperm(len(images), generator=rng).to(images.device)
    p = discriminator(images[order])[:, 0]  # (2B,)
    targets = is_real[order]
    loss = 2 * _BCE(p, targets)
    return loss, p[targets == 1], p[targets == 0]  # (B,), (B,)


_BCE = nn.BCELoss()
SCHEMES = {"separate": _separate_step, "mixed": _mixed_step}


def _discriminator_step(scheme, discriminator, optimiser, real, fake, rng) -> tuple[float, float, float]:
    """One optimiser step of D on a real batch and a fake batch. Returns loss, mean D(real), mean D(fake)."""
    optimiser.zero_grad()
    loss, p_real, p_fake = SCHEMES[scheme](discriminator, real, fake, rng)
    loss.backward()
    optimiser.step()
    return loss.item(), p_real.mean().item(), p_fake.mean().item()


def _generator_step(generator_optimiser, discriminator, fake) -> float:
    """One optimiser step of G towards D(G(z)) = 1 (the non-saturating loss). Returns the loss."""
    generator_optimiser.zero_grad()
    p_fake = discriminator(fake)
    g_loss = _BCE(p_fake, torch.ones_like(p_fake))
    g_loss.backward()
    generator_optimiser.step()
    return g_loss.item()


def _fit(
    generator: ConvGenerator,
    discriminator: ConvDiscriminator,
    real: torch.Tensor,
    *,
    epochs: int,
    seed: int,
    batch_size: int,
    scheme: str,
    train_generator: bool,
    checkpoint_dir: Path | None,
    progress: bool,
    step_checkpoints: Collection[int] = (),
) -> LossLog:
    """The one training loop of both phases: per step a shuffled real batch, B fresh latents, a D step (scheme),
    then a G step when `train_generator` (phase 1). Otherwise G stays frozen in eval mode (phase 2).
    Seeded streams: shuffling `seed`, latents `seed + 1`, the mixed scheme's order `seed + 2`.
    Checkpoints go to checkpoint_dir after every epoch, and after each optimiser step in `step_checkpoints`
    (0 = before the first step) as `<model>_stepNNNN.pt`; saving draws nothing, so the run is unchanged."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown batch scheme {scheme!r}: choose one of {', '.join(SCHEMES)}")
    dev = next(discriminator.parameters()).device
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=LR, betas=BETAS)
    opt_g = torch.optim.Adam(generator.parameters(), lr=LR, betas=BETAS) if train_generator else None
    log = LossLog()
    shuffle_rng, latent_rng, mix_rng = cpu_generator(seed), cpu_generator(seed + 1), cpu_generator(seed + 2)
    step = 0
    models: dict[str, nn.Module] = {"generator": generator} if train_generator else {}
    models["discriminator"] = discriminator
    if step_checkpoints and checkpoint_dir is None:
        raise ValueError("step_checkpoints needs a checkpoint_dir")
    if 0 in step_checkpoints:
        _checkpoint(checkpoint_dir, 0, "step", **models)
    desc = "DCGAN" if train_generator else "discriminator"
    for epoch in tqdm(range(1, epochs + 1), desc=desc, unit="epoch", disable=not progress):
        discriminator.train(), generator.train(train_generator)
        for batch in _batches(real, batch_size, shuffle_rng):
            z = torch.randn((batch_size, generator.latent_dim), generator=latent_rng).to(dev)
            with torch.set_grad_enabled(train_generator):
                fake = generator(z)
            d_loss, d_real, d_fake = _discriminator_step(
                scheme, discriminator, opt_d, batch.to(dev), fake.detach(), mix_rng
            )
            step += 1
            if opt_g is None:
                log.add(epoch=epoch, step=step, d_loss=d_loss, d_real=d_real, d_fake=d_fake)
            else:
                g_loss = _generator_step(opt_g, discriminator, fake)
                log.add(epoch=epoch, step=step, d_loss=d_loss, g_loss=g_loss, d_real=d_real, d_fake=d_fake)
            if step in step_checkpoints:
                _checkpoint(checkpoint_dir, step, "step", **models)
        if checkpoint_dir is not None:
            _checkpoint(checkpoint_dir, epoch, "epoch", **models)
    return log


def train_dcgan(
    real: torch.Tensor,
    epochs: int,
    seed: int,
    batch_size: int = 64,
    device: str | None = None,
    checkpoint_dir: Path | None = None,
    progress: bool = True,
    scheme: str = "separate",
    step_checkpoints: Collection[int] = (),
):
    """Phase 1: joint DCGAN training (Adam 2e-4, betas (0.5, 0.999), BCE, N(0, 0.02) init).

    real: (N,1,28,28) in [-1, 1]. Saves `generator_epochNN.pt` / `discriminator_epochNN.pt` per epoch to
    checkpoint_dir when given, and `..._stepNNNN.pt` after the optimiser steps in step_checkpoints (0 = the
    initialised models). Returns (generator, discriminator, LossLog), models in eval mode on the CPU.
    """
    generator, discriminator = _new_models(seed, pick_device(device))
    log = _fit(
        generator,
        discriminator,
        real,
        epochs=epochs,
        seed=seed,
        batch_size=batch_size,
        scheme=scheme,
        train_generator=True,
        checkpoint_dir=checkpoint_dir,
        progress=progress,
        step_checkpoints=step_checkpoints,
    )
    return generator.cpu().eval(), discriminator.cpu().eval(), log


def train_discriminator(
    generator: ConvGenerator,
    real: torch.Tensor,
    epochs: int,
    seed: int,
    batch_size: int = 64,
    device: str | None = None,
    progress: bool = True,
    checkpoint_dir: Path | None = None,
    scheme: str = "separate",
):
    """Phase 2: a fresh discriminator trained only on real digits vs the finished generator's digits.

    scheme: "separate" batches (all-real, all-fake: the notebook-reproducing default) or "mixed" batches.
    The generator is frozen in eval mode (as the notebook uses it). Saves `discriminator_epochNN.pt` per epoch to
    checkpoint_dir when given (epoch k equals a run with epochs=k). Returns (discriminator in eval mode, LossLog).
    """
    dev = pick_device(device)
    set_seed(seed)
    discriminator = ConvDiscriminator()
    discriminator.apply(init_dcgan_weights)
    log = _fit(
        generator.to(dev),
        discriminator.to(dev),
        real,
        epochs=epochs,
        seed=seed,
        batch_size=batch_size,
        scheme=scheme,
        train_generator=False,
        checkpoint_dir=checkpoint_dir,
        progress=progress,
    )
    generator.cpu()
    return discriminator.cpu().eval(), log


def _checkpoint(directory: Path | None, number: int, unit: str, **models: nn.Module) -> None:
    """Save each model as <name>_epochNN.pt (unit "epoch") or <name>_stepNNNN.pt (unit "step")."""
    from .weights import save_state_dict

    width = 2 if unit == "epoch" else 4
    for name, model in models.items():
        save_state_dict(model, Path(directory or ".") / f"{name}_{unit}{number:0{width}d}.pt")
