"""Where the files gan_core ships lie: the trained weights and the dashboard server's settings.

The repository keeps them in `weights/`, `.streamlit/config.toml` and `scripts/dashboard.env`. A wheel (and so an
installed sdist) carries the same tree inside the package, as the data folder `gan_core/shipped/` (pyproject.toml
maps it from the repository root). Both are found through `importlib.resources.files("gan_core")`, never through a
path fixed at build time: an installed package reads only its own copy; a package imported from a checkout (an
editable install, or the tests run in place) reads that checkout's files, next to its `gan_core/`.
"""

from functools import cache
from importlib.resources import files
from pathlib import Path

PACKAGED = "shipped"  # gan_core/shipped/ in an installed wheel
MARKER = ("weights", "manifest.json")  # every complete copy has it


@cache
def shipped_root() -> Path:
    """The folder laid out as the repository (weights/, .streamlit/, scripts/): the installed copy, else the
    checkout. When neither is complete, the installed location, so an error names where the files should be."""
    package = Path(str(files("gan_core")))  # wheels install unpacked: a real folder
    installed, checkout = package / PACKAGED, package.parent
    for root in (installed, checkout):
        if root.joinpath(*MARKER).is_file():
            return root
    return installed


def shipped_path(*parts: str) -> Path:
    """A shipped file or folder, e.g. shipped_path("weights", "generator.pt")."""
    return shipped_root().joinpath(*parts)


def dashboard_app() -> Path:
    """The dashboard's entry script (dashboard/app.py, installed as the top-level package `dashboard`)."""
    return Path(str(files("dashboard"))) / "app.py"  # dashboard/__init__.py is empty: no streamlit import here
