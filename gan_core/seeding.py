"""Seeding and thread settings: the notebook's `set_seed` and a reproducible CPU noise source."""

import os
import random

import numpy as np
import torch


def set_seed(seed: int) -> None:
    """The notebook's `set_seed`: seeds Python, NumPy and torch (CPU and CUDA), deterministic cuDNN."""
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def cpu_generator(seed: int) -> torch.Generator:
    """A private CPU generator. Its stream equals `torch.manual_seed(seed)` followed by CPU draws,
    so results match the notebook whatever device the model later runs on."""
    return torch.Generator(device="cpu").manual_seed(int(seed))


def use_single_thread() -> None:
    """One thread per computation, for torch and for numpy's BLAS (why: gan_core.workers' docstring, which uses the
    second core instead)."""
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(1)  # numpy's OpenBLAS (and any other BLAS/OpenMP runtime loaded so far)
