"""The dashboard's pages: one registry, importable without side effects (no Streamlit, no torch).

The app routes these in order, the walkthrough lists every page with `step=True` as a lesson step, and the
benchmarks and tests visit them from here. Adding a page: one `Page` below, its view file
`dashboard/views/<name>.py`, and its texts in dashboard/i18n.py (`nav.<name>`, its heading key, and
`step.<name>.title` / `step.<name>.notice` when it is a step).

Each page's default settings live here too (frozen dataclasses): the page's widgets start from them and the
server's warm-up (dashboard/warm_up.py) precomputes exactly them, so the two can never drift apart.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """name: url path and view file stem; heading: i18n key of the page's h1; icon: Material icon shortcode;
    step: listed by the walkthrough as a lesson step; key_chart: the element key of the chart the page is about
    (it fills the content width and starts on a projector's first screen: tests/test_browser_layout.py)."""

    name: str
    heading: str
    icon: str
    step: bool = True
    key_chart: str | None = None

    @property
    def file(self) -> str:
        """The view script, relative to dashboard/ (where app.py is)."""
        return f"views/{self.name}.py"

    @property
    def nav_key(self) -> str:
        return f"nav.{self.name}"


PAGES: tuple[Page, ...] = (
    Page("walkthrough", "walk.title", ":material/school:", step=False),
    Page("interpolation", "interp.title", ":material/linear_scale:", key_chart="interp_path"),
    Page("distributions", "dist.title", ":material/bar_chart:", key_chart="dist_chart"),
    Page("your_images", "mine.title", ":material/draw:"),
    Page("weights", "weights.title", ":material/tune:"),
    Page("feature_space", "fs.title", ":material/scatter_plot:", key_chart="fs_score_chart"),
    Page("zoo", "zoo.title", ":material/pets:", key_chart="zoo_chart"),
    Page("class", "class.title", ":material/groups:", step=False),  # class mode's teacher view (issue 14)
)


def page(name: str) -> Page:
    """The registered page called `name` (KeyError otherwise)."""
    for entry in PAGES:
        if entry.name == name:
            return entry
    raise KeyError(name)


def steps() -> list[Page]:
    """The lesson's steps in order: every page marked `step`."""
    return [entry for entry in PAGES if entry.step]


# ----- each page's default view (its widgets start here; the warm-up computes these) -----

NOTEBOOK_SEED = 108  # the notebook's latent pair: both draws after seeding 108


@dataclass(frozen=True)
class InterpolationDefaults:
    seed1: int = NOTEBOOK_SEED
    seed2: int = NOTEBOOK_SEED
    spherical: bool = False
    alpha: float = 0.5
    strip_alphas: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)  # the notebook's
    # the slider's grid (0.025 steps): moving alpha only indexes this cached path
    path_alphas: tuple[float, ...] = tuple(round(i / 40, 3) for i in range(41))


@dataclass(frozen=True)
class DistributionsDefaults:
    n: int = 500
    seed: int = 0
    n_choices: tuple[int, ...] = (50, 100, 250, 500, 1000, 2000)
    examples_per_group: int = 10


@dataclass(frozen=True)
class YourImagesDefaults:
    reference_n: int = 1000  # the group scores each image's percentile is taken against
    reference_seed: int = 0


@dataclass(frozen=True)
class WeightsDefaults:
    grid_n: int = 64  # the live sample grid (drawn when no sample_grid.png ships for the active generator)
    grid_seed: int = 0
    batchnorm_n: int = 500  # images per group in the BatchNorm view (eval vs train-mode scores)
    batchnorm_seed: int = 0


@dataclass(frozen=True)
class FeatureSpaceDefaults:
    n: int = 300
    seed: int = 0
    n_choices: tuple[int, ...] = (100, 300, 1000)
    scatter_cap: int = 700  # points sent to the browser (each carries a PNG thumbnail); fits and metrics use all n
    fooling_source: str = "generated"  # the climb starts from the generated digit D rejects most (issue 12)
    fooling_seed: int = 0
    fooling_max_steps: int = 100


@dataclass(frozen=True)
class ZooDefaults:
    n: int = 300
    seed: int = 0
    n_choices: tuple[int, ...] = (100, 300, 1000)


@dataclass(frozen=True)
class Defaults:
    interpolation: InterpolationDefaults = field(default_factory=InterpolationDefaults)
    distributions: DistributionsDefaults = field(default_factory=DistributionsDefaults)
    your_images: YourImagesDefaults = field(default_factory=YourImagesDefaults)
    weights: WeightsDefaults = field(default_factory=WeightsDefaults)
    feature_space: FeatureSpaceDefaults = field(default_factory=FeatureSpaceDefaults)
    zoo: ZooDefaults = field(default_factory=ZooDefaults)


DEFAULTS = Defaults()
