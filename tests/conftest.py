"""Shared tiny fixtures. One thread, as the product runs (why: gan_core/workers.py's docstring)."""

import os

import pytest
from browser import browser, page, server  # noqa: F401 - the real-browser fixtures, shared by the browser tests

from gan_core.models import ConvDiscriminator, ConvGenerator, init_dcgan_weights
from gan_core.seeding import set_seed, use_single_thread

use_single_thread()
# The dashboard's background warm-up thread would still be inside torch when an AppTest process exits, and a C++
# thread torn down mid-call aborts the interpreter ("terminate called without an active exception", exit 134).
# Tests that want the warm-up (the load test's server) set it explicitly.
os.environ.setdefault("GAN_OOD_WARM_UP", "0")


@pytest.fixture(scope="session")
def tiny_pair():
    """A seeded, untrained (DCGAN-initialised) generator and discriminator in eval mode."""
    set_seed(0)
    generator, discriminator = ConvGenerator(), ConvDiscriminator()
    generator.apply(init_dcgan_weights)
    discriminator.apply(init_dcgan_weights)
    return generator.eval(), discriminator.eval()
