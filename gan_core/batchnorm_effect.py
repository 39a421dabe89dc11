"""The BatchNorm effect: a discriminator's scores in eval mode next to its scores in train mode.

In eval mode (how the notebook and every page score) BatchNorm normalises with its running statistics, the same
for every image. In train mode it normalises with the statistics of the batch at hand. A D trained on "separate"
batches only ever saw homogeneous batches (all real or all fake), so in train mode on an all-real or all-fake batch
it also learns which kind of batch it sees, and judges far better than the same weights in eval mode.
`train_mode_scores` reproduces that situation without touching the model: homogeneous batches of one group.
"""

import copy

import numpy as np
import pandas as pd
import torch

from .models import ConvDiscriminator
from .scoring import score_logits, sigmoid
from .workers import map_batches

TRAIN_BATCH = 64  # the batch size the shipped discriminators trained with


def train_mode_scores(
    discriminator: ConvDiscriminator, images: torch.Tensor, batch_size: int = TRAIN_BATCH
) -> np.ndarray:
    """images (N,1,28,28), all of one kind -> logits (N,) float32 in train mode, batch statistics taken over
    consecutive homogeneous batches of `batch_size` (the last one may be smaller). A copy runs, so the model's
    running statistics and its train/eval flag stay as they were. The batches run on gan_core.workers' threads."""
    model = copy.deepcopy(discriminator).train()  # train-mode BatchNorm would update the original's running stats
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            # Batch statistics only, nothing written: the same outputs, and the threads share no state.
            module.track_running_stats = False
            module.running_mean = module.running_var = module.num_batches_tracked = None
    device = next(model.parameters()).device
    parts = map_batches(lambda batch: model.logit(batch)[:, 0].cpu(), images, batch_size, device)
    return torch.cat(parts).numpy() if parts else np.zeros(0, np.float32)


def batchnorm_effect(
    discriminator: ConvDiscriminator, groups: dict[str, torch.Tensor], batch_size: int = TRAIN_BATCH
) -> pd.DataFrame:
    """{group: (N_g,1,28,28)} -> one row per image: group, index, eval_logit, eval_probability (running
    statistics), train_logit, train_probability (batch statistics of homogeneous batches of that group only).
    Probabilities in [0, 1]; the model is left unchanged."""
    rows = []
    for name, images in groups.items():
        eval_logits = score_logits(discriminator, images)
        train_logits = train_mode_scores(discriminator, images, batch_size)
        rows.append(
            pd.DataFrame(
                {
                    "group": name,
                    "index": np.arange(len(images)),
                    "eval_logit": eval_logits,
                    "eval_probability": sigmoid(eval_logits),
                    "train_logit": train_logits,
                    "train_probability": sigmoid(train_logits),
                }
            )
        )
    columns = ["group", "index", "eval_logit", "eval_probability", "train_logit", "train_probability"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)


def summarise_effect(effect: pd.DataFrame) -> pd.DataFrame:
    """Per group (input order): n, eval_mean and train_mean of the probability."""
    grouped = effect.groupby("group", sort=False)
    return pd.DataFrame(
        {
            "n": grouped.size(),
            "eval_mean": grouped["eval_probability"].mean(),
            "train_mean": grouped["train_probability"].mean(),
        }
    ).reset_index()
