import torch

from gan_core.interpolation import lerp, path, slerp


def test_lerp_is_the_notebook_formula_with_exact_endpoints():
    z1, z2 = torch.randn(1, 100), torch.randn(1, 100)
    assert torch.equal(lerp(z1, z2, 1.0), z1) and torch.equal(lerp(z1, z2, 0.0), z2)
    torch.testing.assert_close(lerp(z1, z2, 0.25), 0.25 * z1 + 0.75 * z2)


def test_slerp_endpoints_and_norm_kept_midway():
    torch.manual_seed(0)
    z1, z2 = torch.randn(1, 100), torch.randn(1, 100)
    torch.testing.assert_close(slerp(z1, z2, 1.0), z1, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(slerp(z1, z2, 0.0), z2, rtol=1e-5, atol=1e-5)
    mid_s, mid_l = slerp(z1, z2, 0.5).norm(), lerp(z1, z2, 0.5).norm()
    assert mid_l < 0.85 * (z1.norm() + z2.norm()) / 2 < mid_s  # linear mixing shrinks the norm, slerp does not


def test_slerp_parallel_vectors_fall_back_to_lerp():
    z = torch.randn(1, 10)
    torch.testing.assert_close(slerp(z, 2 * z, 0.5), lerp(z, 2 * z, 0.5))


def test_path_stacks_one_row_per_alpha():
    z1, z2 = torch.zeros(1, 4), torch.ones(1, 4)
    out = path(z1, z2, [0, 0.5, 1])
    assert out.shape == (3, 4)
    torch.testing.assert_close(out[:, 0], torch.tensor([1.0, 0.5, 0.0]))
