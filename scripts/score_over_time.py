"""D's scores per group across training: the joint discriminator at every epoch of phase 1 (and within its first
epoch, after optimiser steps 0, 1, 2, 4, 8, 16 and 32: epoch = step / 62, where it learns to reject noise) and every
shipped phase-2 discriminator at every epoch of its run, both batch schemes.

    python scripts/score_over_time.py     # writes weights/scores_over_time.csv

Reads the per-epoch checkpoints under runs/ (phase 1: runs/dcgan_s0/checkpoints, from scripts/reproduce_weights.sh;
the first epoch's steps: runs/dcgan_s0_steps; phase 2: runs/phase2/<file stem>/; the last two are trained here
when missing, from the same seeds: epoch k of a run is the same computation as a run of k epochs). "real" is the
held-out digits; "generated" is always generator.pt's digits, also for the joint D of earlier epochs.
"""

import sys
from pathlib import Path

import pandas as pd
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from gan_core import data, scoring, training, weights  # noqa: E402

N, SEED = 500, 7
PHASE1 = ROOT / "runs" / "dcgan_s0" / "checkpoints"
PHASE1_STEPS = ROOT / "runs" / "dcgan_s0_steps"
STEPS = (0, 1, 2, 4, 8, 16, 32)  # optimiser steps within phase 1's first epoch (62 steps of 64 digits)
STEPS_PER_EPOCH = 4000 // 64
PHASE2 = ROOT / "runs" / "phase2"
OUT = weights.WEIGHTS_DIR / "scores_over_time.csv"
COLUMNS = ["model", "scheme", "epoch", "group", "n", "mean_probability", "mean_logit"]


def score_groups(generator) -> dict[str, torch.Tensor]:
    """The groups every epoch is scored on: N held-out digits, N of generator.pt's digits, N of each noise, N photo
    crops (seed SEED) and the notebook's cat."""
    sources = data.group_sources(generator)
    groups = {"real": data.real_digits_with_labels("holdout")[0][:N], "generated": sources["generated"](N, SEED)}
    groups |= {name: sources[name](N, SEED) for name in ("gaussian", "binary", "uniform", "natural")}
    return groups | {"cat": data.cat_image()}


def epoch_rows(discriminator, groups: dict, model: str, scheme: str, epoch: int) -> pd.DataFrame:
    summary = scoring.summarise(scoring.score_groups(discriminator, groups))
    return pd.DataFrame(
        {
            "model": model,
            "scheme": scheme,
            "epoch": epoch,
            "group": summary["group"],
            "n": summary["n"],
            "mean_probability": summary["mean"].round(6),
            "mean_logit": summary["mean_logit"].round(6),
        }
    )


def phase1_step_checkpoints() -> Path:
    """The joint discriminator after each of STEPS (phase 1, seed 0, its first epoch), trained here when missing."""
    if not (PHASE1_STEPS / f"discriminator_step{STEPS[-1]:04d}.pt").exists():
        real = data.real_digits_with_labels("fit")[0]
        training.train_dcgan(real, epochs=1, seed=0, checkpoint_dir=PHASE1_STEPS, step_checkpoints=STEPS)
    return PHASE1_STEPS


def phase2_checkpoints(name: str, entry: dict) -> Path:
    """The folder of per-epoch checkpoints of a shipped phase-2 discriminator, trained here when missing."""
    folder = PHASE2 / Path(name).stem
    if not (folder / f"discriminator_epoch{entry['epochs']:02d}.pt").exists():
        generator = weights.load_generator(PHASE1 / f"generator_epoch{entry['generator_epoch']:02d}.pt")
        training.train_discriminator(
            generator,
            data.real_digits_with_labels("fit")[0],
            epochs=entry["epochs"],
            seed=entry["seed"],
            checkpoint_dir=folder,
            scheme=entry["scheme"],
        )
    return folder


def main() -> None:
    torch.set_num_threads(1)
    groups = score_groups(weights.load_generator())
    shipped = weights.shipped_weights(kind="discriminator")
    parts = []
    steps = phase1_step_checkpoints()
    for step in STEPS:
        discriminator = weights.load_discriminator(steps / f"discriminator_step{step:04d}.pt")
        parts.append(
            epoch_rows(discriminator, groups, "discriminator_joint.pt", "joint", round(step / STEPS_PER_EPOCH, 3))
        )
    for epoch_file in sorted(PHASE1.glob("discriminator_epoch*.pt")):
        epoch = int(epoch_file.stem.removeprefix("discriminator_epoch"))
        parts.append(
            epoch_rows(weights.load_discriminator(epoch_file), groups, "discriminator_joint.pt", "joint", epoch)
        )
    for name, entry in shipped.items():
        if entry["phase"] != 2:
            continue
        folder = phase2_checkpoints(name, entry)
        for epoch in range(1, entry["epochs"] + 1):
            discriminator = weights.load_discriminator(folder / f"discriminator_epoch{epoch:02d}.pt")
            parts.append(epoch_rows(discriminator, groups, name, entry["scheme"], epoch))
    table = pd.concat(parts, ignore_index=True)[COLUMNS]
    table.to_csv(OUT, index=False)
    print(f"wrote {OUT}: {len(table)} rows")


if __name__ == "__main__":
    main()
