"""Paths between two latent noises: linear mixing (the notebook's) and spherical (slerp)."""

import numpy as np
import torch


def lerp(z1: torch.Tensor, z2: torch.Tensor, alpha: float) -> torch.Tensor:
    """The notebook's mixing: alpha * z1 + (1 - alpha) * z2, so alpha=1 gives z1 exactly. Shapes (B, d)."""
    return alpha * z1 + (1 - alpha) * z2


def slerp(z1: torch.Tensor, z2: torch.Tensor, alpha: float) -> torch.Tensor:
    """Spherical interpolation with the notebook's orientation (alpha=1 -> z1, alpha=0 -> z2). Shapes (B, d).

    Keeps the norm near that of typical Gaussian latents, where linear mixing shrinks it mid-path.
    Falls back to lerp when the two vectors are (anti)parallel.
    """
    a, b = z2.double(), z1.double()  # walk from z2 (alpha=0) to z1 (alpha=1)
    cos = ((a * b).sum(-1, keepdim=True) / (a.norm(dim=-1, keepdim=True) * b.norm(dim=-1, keepdim=True))).clamp(-1, 1)
    omega = torch.arccos(cos)
    sin = torch.sin(omega)
    if bool((sin.abs() < 1e-6).any()):
        return lerp(z1, z2, alpha)
    mixed = (torch.sin((1 - alpha) * omega) * a + torch.sin(alpha * omega) * b) / sin
    return mixed.to(z1.dtype)


def path(z1: torch.Tensor, z2: torch.Tensor, alphas, spherical: bool = False) -> torch.Tensor:
    """Stack the mixed latents for each alpha: z1, z2 (1, d) -> (len(alphas), d)."""
    mix = slerp if spherical else lerp
    return torch.cat([mix(z1, z2, float(a)) for a in np.asarray(alphas, dtype=float)])
