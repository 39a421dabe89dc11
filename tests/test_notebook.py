import hashlib

import torch

from gan_core import notebook


def test_latent_pair_is_two_separate_seeded_draws():
    torch.manual_seed(108)
    first, second = torch.randn(1, 100), torch.randn(1, 100)
    z1, z2 = notebook.notebook_latent_pair()
    assert torch.equal(z1, first) and torch.equal(z2, second)


def test_noise_examples_follow_the_notebook_calls():
    torch.manual_seed(42)
    expected_noise = torch.randn((1, 1, 28, 28), dtype=torch.float32)
    assert torch.equal(notebook.notebook_noise(), expected_noise)
    torch.manual_seed(43)
    expected = torch.randint(2, size=(1, 1, 28, 28), dtype=torch.float32) * 2 - 1
    assert torch.equal(notebook.notebook_binary_noise(), expected)


def test_hash_is_the_notebooks_formula(tiny_pair):
    generator, _ = tiny_pair
    z1, z2 = notebook.notebook_latent_pair()
    images = notebook.mixed_images(generator, z1, z2)
    assert len(images) == 5 and images[-1].shape == (1, 1, 28, 28)
    # the notebook: gen_images[-1][0].cpu().permute(1, 2, 0).numpy(); sha256(array.data.tobytes())
    array = images[-1][0].cpu().permute(1, 2, 0).numpy()
    assert notebook.image_sha256(images[-1]) == hashlib.sha256(array.data.tobytes()).hexdigest()


def test_alpha_one_image_is_the_saved_generated_example(tiny_pair):
    generator, _ = tiny_pair
    z1, z2 = notebook.notebook_latent_pair()
    assert torch.equal(notebook.generated_example(generator), notebook.mixed_images(generator, z1, z2)[-1])


def test_run_notebook_reports_every_answer(tiny_pair):
    generator, discriminator = tiny_pair
    result = notebook.run_notebook(generator, discriminator)
    assert set(result) == {"task1_hash", "noise_prob", "binary_prob", "generated_prob", "cat_prob"}
    with torch.no_grad():
        expected = round(discriminator(notebook.notebook_noise()).item(), 4)
    assert result["noise_prob"] == expected
    own = notebook.run_notebook(generator, discriminator, image=torch.zeros(1, 1, 28, 28))
    with torch.no_grad():
        assert own["cat_prob"] == round(discriminator(torch.zeros(1, 1, 28, 28)).item(), 4)
