import torch
from torch import nn

from gan_core.models import FEATURE_DIM, ConvDiscriminator, ConvGenerator


# The course notebook's classes, verbatim apart from set_seed: their keys are the course-format contract.
class NotebookGenerator(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(latent_dim, 4 * 4 * 512, bias=False),
            nn.BatchNorm1d(4 * 4 * 512),
            nn.LeakyReLU(0.2),
            nn.Unflatten(1, (512, 4, 4)),
            nn.Conv2d(512, 256, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(256),
            nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=1.75, mode="nearest"),
            nn.Conv2d(256, 128, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(128),
            nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(128, 64, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(64),
            nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(64, 1, kernel_size=3, padding=1),
            nn.Tanh(),
        )

    def forward(self, x):
        return self.layers(x)


class NotebookDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size=3, padding=1, stride=2),
            nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, kernel_size=3, padding=1, stride=2),
            nn.LeakyReLU(0.2),
            nn.BatchNorm2d(128),
            nn.Conv2d(128, 256, kernel_size=3, padding=1, stride=2),
            nn.BatchNorm2d(256),
            nn.LeakyReLU(0.2),
            nn.Flatten(start_dim=1, end_dim=-1),
            nn.Linear(256 * 4 * 4, 1),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.layers(x)


def _same_state(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return list(sa) == list(sb) and all(sa[k].shape == sb[k].shape and sa[k].dtype == sb[k].dtype for k in sa)


def test_keys_shapes_dtypes_match_the_notebook():
    assert _same_state(ConvGenerator(100), NotebookGenerator(100))
    assert _same_state(ConvDiscriminator(), NotebookDiscriminator())
    assert "layers.16.weight" in ConvGenerator().state_dict() and "layers.9.weight" in ConvDiscriminator().state_dict()


def test_course_weights_round_trip_both_ways(tiny_pair):
    generator, discriminator = tiny_pair
    x, z = torch.randn(4, 1, 28, 28), torch.randn(3, 100)
    with torch.inference_mode():
        theirs_d = NotebookDiscriminator().eval()
        theirs_d.load_state_dict(discriminator.state_dict())  # ours load in the notebook...
        torch.testing.assert_close(theirs_d(x), discriminator(x))
        theirs_g = NotebookGenerator(100).eval()
        theirs_g.load_state_dict(generator.state_dict())
        torch.testing.assert_close(theirs_g(z), generator(z))
        torch.manual_seed(5)
        course_g, course_d = NotebookGenerator(100).eval(), NotebookDiscriminator().eval()  # ...and theirs in ours
        ours_g, ours_d = ConvGenerator().eval(), ConvDiscriminator().eval()
        ours_g.load_state_dict(course_g.state_dict())
        ours_d.load_state_dict(course_d.state_dict())
        torch.testing.assert_close(ours_g(z), course_g(z))
        torch.testing.assert_close(ours_d(x), course_d(x))
        assert not torch.allclose(ours_g(z), generator(z))  # the course's weights really replaced ours


def test_generator_output_shape_and_range(tiny_pair):
    generator, _ = tiny_pair
    with torch.inference_mode():
        images = generator(torch.randn(3, 100))
    assert images.shape == (3, 1, 28, 28)
    assert images.min() >= -1 and images.max() <= 1


def test_features_and_logit_compose_to_the_forward_probability(tiny_pair):
    _, discriminator = tiny_pair
    x = torch.randn(5, 1, 28, 28)
    with torch.inference_mode():
        phi = discriminator.features(x)
        logit = discriminator.logit(x)
        prob = discriminator(x)
        head_logit = discriminator.head(phi)
        manual = phi @ discriminator.head.weight.T + discriminator.head.bias
    assert phi.shape == (5, FEATURE_DIM) and logit.shape == (5, 1)
    torch.testing.assert_close(head_logit, logit)
    torch.testing.assert_close(torch.sigmoid(logit), prob)
    torch.testing.assert_close(manual, logit, rtol=1e-5, atol=1e-5)
