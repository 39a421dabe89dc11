"""The course notebook's DCGAN: `ConvGenerator` and `ConvDiscriminator`, layer for layer.

The `nn.Sequential` is named `layers`, so state_dict keys are `layers.N.*` and the course's own
`generator.pt` / `discriminator.pt` load unchanged (and ours load in the notebook).
"""

from typing import cast

import torch
from torch import nn

LATENT_DIM = 100
IMAGE_SIZE = 28
FEATURE_DIM = 256 * 4 * 4  # 4096: the input of the discriminator's final Linear


class ConvGenerator(nn.Module):
    """z (B, latent_dim) -> image (B, 1, 28, 28) in [-1, 1]."""

    def __init__(self, latent_dim: int = LATENT_DIM):
        super().__init__()
        self.latent_dim = latent_dim
        self.layers = nn.Sequential(
            nn.Linear(latent_dim, 4 * 4 * 512, bias=False),  # 0
            nn.BatchNorm1d(4 * 4 * 512),  # 1
            nn.LeakyReLU(0.2),
            nn.Unflatten(1, (512, 4, 4)),  # (B, 512, 4, 4)
            nn.Conv2d(512, 256, kernel_size=3, padding=1, bias=False),  # 4
            nn.BatchNorm2d(256),  # 5
            nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=1.75, mode="nearest"),  # (B, 256, 7, 7)
            nn.Conv2d(256, 128, kernel_size=3, padding=1, bias=False),  # 8
            nn.BatchNorm2d(128),  # 9
            nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2, mode="nearest"),  # (B, 128, 14, 14)
            nn.Conv2d(128, 64, kernel_size=3, padding=1, bias=False),  # 12
            nn.BatchNorm2d(64),  # 13
            nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2, mode="nearest"),  # (B, 64, 28, 28)
            nn.Conv2d(64, 1, kernel_size=3, padding=1),  # 16
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.layers(z)


class ConvDiscriminator(nn.Module):
    """image (B, 1, 28, 28) -> P(real) (B, 1) in (0, 1).

    `features` gives the 4096-d penultimate vector phi(x) and `logit` the pre-sigmoid score
    w . phi(x) + b, so the scoring maths can look inside without hooks.
    """

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size=3, padding=1, stride=2),  # 0: (B, 64, 14, 14)
            nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, kernel_size=3, padding=1, stride=2),  # 2: (B, 128, 7, 7)
            nn.LeakyReLU(0.2),
            nn.BatchNorm2d(128),  # 4
            nn.Conv2d(128, 256, kernel_size=3, padding=1, stride=2),  # 5: (B, 256, 4, 4)
            nn.BatchNorm2d(256),  # 6
            nn.LeakyReLU(0.2),
            nn.Flatten(start_dim=1, end_dim=-1),  # (B, 4096)
            nn.Linear(256 * 4 * 4, 1),  # 9: the linear head w, b
            nn.Sigmoid(),
        )

    @property
    def head(self) -> nn.Linear:
        """The final Linear layer: weight (1, 4096), bias (1,)."""
        return cast(nn.Linear, self.layers[-2])

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 1, 28, 28) -> phi (B, 4096), the head's input."""
        return self.layers[:-2](x)

    def logit(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 1, 28, 28) -> logit (B, 1), unbounded."""
        return self.layers[:-1](x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN init (Radford et al.): conv/linear weights ~ N(0, 0.02); BatchNorm gamma ~ N(1, 0.02), beta = 0.
    Draws from torch's global RNG: seed it first."""
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
