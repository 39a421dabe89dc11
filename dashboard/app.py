"""GAN OOD Lab dashboard: `streamlit run dashboard/app.py`. Only routes and sets the language; pages do the rest."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the repo root (gan_core)
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import cache, i18n  # noqa: E402

# (name, file, icon): the page title is i18n key f"nav.{name}". Later pages are appended here.
# The folder is views/, not pages/: a pages/ folder next to app.py switches Streamlit to its old directory mode
# whenever a page URL is opened first, skipping this file (no navigation, no language selector).
PAGES = [
    ("walkthrough", "views/walkthrough.py", ":material/school:"),
    ("interpolation", "views/interpolation.py", ":material/linear_scale:"),
    ("distributions", "views/distributions.py", ":material/bar_chart:"),
    ("your_images", "views/your_images.py", ":material/draw:"),
    ("weights", "views/weights.py", ":material/tune:"),
    ("feature_space", "views/feature_space.py", ":material/scatter_plot:"),
    ("zoo", "views/zoo.py", ":material/pets:"),
]

st.set_page_config(page_title="GAN OOD Lab", page_icon=":material/science:", layout="wide")
# Model inputs are tiny (28x28): when the browser scales any image, keep hard pixel edges instead of blurring them.
st.html("<style>img { image-rendering: pixelated; }</style>")
i18n.language_selector()
cache.start_warm_up()  # once per server: the default views computed in the background before students ask
pages = [
    st.Page(path, title=i18n.t(f"nav.{name}"), icon=icon, url_path=name, default=(i == 0))
    for i, (name, path, icon) in enumerate(PAGES)
]
st.navigation(pages).run()
