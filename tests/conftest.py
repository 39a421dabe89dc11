"""Shared tiny fixtures. One thread: the suite runs on a shared 2-core box (see README, "Threads")."""
import pytest
import torch

from gan_core.models import ConvDiscriminator, ConvGenerator, init_dcgan_weights
from gan_core.seeding import set_seed

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_pair():
    """A seeded, untrained (DCGAN-initialised) generator and discriminator in eval mode."""
    set_seed(0)
    generator, discriminator = ConvGenerator(), ConvDiscriminator()
    generator.apply(init_dcgan_weights)
    discriminator.apply(init_dcgan_weights)
    return generator.eval(), discriminator.eval()
