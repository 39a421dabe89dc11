"""Training: phase 1, a standard DCGAN; phase 2, a fresh discriminator against the finished generator.

Why two phases: a discriminator trained jointly from the start saw noise-like fakes early and scores noise and
photos near 0. One trained only on real digits vs a finished generator's digits (what a discriminator meets late in
training) never saw anything else, so its scores off the data are arbitrary - the lesson's point.
Both are reproducible from `seed`: init, shuffling and latents come from seeded generators, on one CPU thread.
"""

import csv
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


def _discriminator_step(discriminator, optimiser, real, fake, loss_fn) -> tuple[float, float, float]:
    """Separate real and fake batches (the standard DCGAN recipe). Returns loss, mean D(real), mean D(fake)."""
    optimiser.zero_grad()
    p_real, p_fake = discriminator(real), discriminator(fake)
    loss = loss_fn(p_real, torch.ones_like(p_real)) + loss_fn(p_fake, torch.zeros_like(p_fake))
    loss.backward()
    optimiser.step()
    return loss.item(), p_real.mean().item(), p_fake.mean().item()


def train_dcgan(
    real: torch.Tensor,
    epochs: int,
    seed: int,
    batch_size: int = 64,
    device: str | None = None,
    checkpoint_dir: Path | None = None,
    progress: bool = True,
):
    """Phase 1: joint DCGAN training (Adam 2e-4, betas (0.5, 0.999), BCE, N(0, 0.02) init).

    real: (N,1,28,28) in [-1, 1]. Saves `generator_epochNN.pt` / `discriminator_epochNN.pt` per epoch to
    checkpoint_dir when given. Returns (generator, discriminator, LossLog), models in eval mode on the CPU.
    """
    dev = pick_device(device)
    generator, discriminator = _new_models(seed, dev)
    opt_g = torch.optim.Adam(generator.parameters(), lr=LR, betas=BETAS)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=LR, betas=BETAS)
    loss_fn, log = nn.BCELoss(), LossLog()
    shuffle_rng, latent_rng = cpu_generator(seed), cpu_generator(seed + 1)
    step = 0
    for epoch in tqdm(range(1, epochs + 1), desc="DCGAN", unit="epoch", disable=not progress):
        generator.train(), discriminator.train()
        for batch in _batches(real, batch_size, shuffle_rng):
            batch = batch.to(dev)
            z = torch.randn((batch_size, generator.latent_dim), generator=latent_rng).to(dev)
            fake = generator(z)
            d_loss, d_real, d_fake = _discriminator_step(discriminator, opt_d, batch, fake.detach(), loss_fn)
            opt_g.zero_grad()
            p_fake = discriminator(fake)
            g_loss = loss_fn(p_fake, torch.ones_like(p_fake))
            g_loss.backward()
            opt_g.step()
            step += 1
            log.add(epoch=epoch, step=step, d_loss=d_loss, g_loss=g_loss.item(), d_real=d_real, d_fake=d_fake)
        if checkpoint_dir is not None:
            _checkpoint(checkpoint_dir, epoch, generator=generator, discriminator=discriminator)
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
):
    """Phase 2: a fresh discriminator trained only on real digits vs the finished generator's digits.

    The generator is frozen in eval mode (as the notebook uses it). Saves `discriminator_epochNN.pt` per epoch to
    checkpoint_dir when given (epoch k equals a run with epochs=k). Returns (discriminator in eval mode, LossLog).
    """
    dev = pick_device(device)
    set_seed(seed)
    discriminator = ConvDiscriminator()
    discriminator.apply(init_dcgan_weights)
    discriminator.to(dev)
    generator = generator.to(dev).eval()
    optimiser = torch.optim.Adam(discriminator.parameters(), lr=LR, betas=BETAS)
    loss_fn, log = nn.BCELoss(), LossLog()
    shuffle_rng, latent_rng = cpu_generator(seed), cpu_generator(seed + 1)
    step = 0
    for epoch in tqdm(range(1, epochs + 1), desc="discriminator", unit="epoch", disable=not progress):
        discriminator.train()
        for batch in _batches(real, batch_size, shuffle_rng):
            z = torch.randn((batch_size, generator.latent_dim), generator=latent_rng).to(dev)
            with torch.no_grad():
                fake = generator(z)
            d_loss, d_real, d_fake = _discriminator_step(discriminator, optimiser, batch.to(dev), fake, loss_fn)
            step += 1
            log.add(epoch=epoch, step=step, d_loss=d_loss, d_real=d_real, d_fake=d_fake)
        if checkpoint_dir is not None:
            _checkpoint(checkpoint_dir, epoch, discriminator=discriminator)
    generator.cpu()
    return discriminator.cpu().eval(), log


def _checkpoint(directory: Path, epoch: int, **models: nn.Module) -> None:
    from .weights import save_state_dict

    for name, model in models.items():
        save_state_dict(model, Path(directory) / f"{name}_epoch{epoch:02d}.pt")
