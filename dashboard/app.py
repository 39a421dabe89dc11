"""GAN OOD Lab dashboard: `streamlit run dashboard/app.py`. Only routes and sets the language; pages do the rest."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the repo root (gan_core)
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import i18n, run_log, warm_up, weights_badge  # noqa: E402
from dashboard.pages import PAGES  # noqa: E402

run_log.begin()  # $GAN_OOD_RUN_LOG: one timing line per script run (benchmarks/class_capacity.py); else nothing
# The views live in views/, not pages/: a pages/ folder next to app.py switches Streamlit to its old directory mode
# whenever a page URL is opened first, skipping this file (no navigation, no language selector).
st.set_page_config(page_title="GAN OOD Lab", page_icon=":material/science:", layout="wide")
# Model inputs are tiny (28x28): when the browser scales any image, keep hard pixel edges instead of blurring them.
st.html("<style>img { image-rendering: pixelated; }</style>")
i18n.language_selector()
weights_badge.sidebar_badge()
warm_up.start_warm_up()  # once per server: the default views computed in the background before students ask
routes = [
    st.Page(page.file, title=i18n.t(page.nav_key), icon=page.icon, url_path=page.name, default=(i == 0))
    for i, page in enumerate(PAGES)
]
current = st.navigation(routes)
with run_log.logged(current):
    current.run()
