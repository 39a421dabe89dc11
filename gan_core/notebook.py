"""The course notebook's exact steps, so its numbers can be reproduced with any pair of weights.

Every draw follows the notebook's call sequence on the CPU (seed, then the same torch calls in the same order),
so the course's `generator.pt` / `discriminator.pt` give the course's answers.
"""

import hashlib

import numpy as np
import torch

from .data import cat_image
from .interpolation import lerp
from .models import IMAGE_SIZE, ConvDiscriminator, ConvGenerator
from .seeding import set_seed

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)
MIX_SEED, NOISE_SEED, BINARY_SEED = 108, 42, 43


def notebook_latent_pair(seed: int = MIX_SEED, latent_dim: int = 100) -> tuple[torch.Tensor, torch.Tensor]:
    """`set_seed(seed)`, then two separate `torch.randn(1, latent_dim)` calls, as the notebook draws them.
    Two (1, latent_dim) tensors; not one (2, d) draw, whose stream differs."""
    set_seed(seed)
    return torch.randn(1, latent_dim), torch.randn(1, latent_dim)


def notebook_noise(seed: int = NOISE_SEED) -> torch.Tensor:
    """`set_seed(42); torch.randn((1, 1, 28, 28))`. (1,1,28,28), unbounded."""
    set_seed(seed)
    return torch.randn((1, 1, IMAGE_SIZE, IMAGE_SIZE), dtype=torch.float32)


def notebook_binary_noise(seed: int = BINARY_SEED) -> torch.Tensor:
    """`set_seed(43); randint(2) * 2 - 1`. (1,1,28,28) in {-1, 1}."""
    set_seed(seed)
    return torch.randint(2, size=(1, 1, IMAGE_SIZE, IMAGE_SIZE), dtype=torch.float32) * 2 - 1


def mixed_images(generator: ConvGenerator, z1: torch.Tensor, z2: torch.Tensor, alphas=ALPHAS) -> list[torch.Tensor]:
    """The notebook's task-1 loop: one G call per alpha on alpha * z1 + (1 - alpha) * z2. Each (1,1,28,28)."""
    generator.eval()
    with torch.inference_mode():
        return [generator(lerp(z1, z2, alpha)) for alpha in alphas]


def image_sha256(image: torch.Tensor | np.ndarray) -> str:
    """The notebook's hash: sha256 of `image[0].permute(1, 2, 0).numpy().tobytes()` for (1,1,28,28) float32."""
    array = image.detach().cpu().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    hwc = np.ascontiguousarray(array.reshape(-1, IMAGE_SIZE, IMAGE_SIZE)[:1].transpose(1, 2, 0), dtype=np.float32)
    return hashlib.sha256(hwc.tobytes()).hexdigest()


def generated_example(generator: ConvGenerator) -> torch.Tensor:
    """The notebook's saved 'generated.pt': the alpha=1 image of the seed-108 pair. (1,1,28,28)."""
    z1, z2 = notebook_latent_pair()
    return mixed_images(generator, z1, z2, alphas=(1.0,))[0]


def notebook_examples(generator: ConvGenerator, image: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """The notebook's four single inputs, each (1,1,28,28): noise, binary, generated, cat (or `image`)."""
    return {
        "noise": notebook_noise(),
        "binary": notebook_binary_noise(),
        "generated": generated_example(generator),
        "cat": cat_image() if image is None else image,
    }


def run_notebook(generator: ConvGenerator, discriminator: ConvDiscriminator, image: torch.Tensor | None = None) -> dict:
    """All the notebook's answers: task1_hash and D's probability (4 decimals) for noise, binary, generated, cat."""
    z1, z2 = notebook_latent_pair()
    last = mixed_images(generator, z1, z2)[-1]
    examples = notebook_examples(generator, image)
    discriminator.eval()
    result = {"task1_hash": image_sha256(last)}
    with torch.inference_mode():
        for name, x in examples.items():
            result[f"{name}_prob"] = round(discriminator(x).item(), 4)
    return result
