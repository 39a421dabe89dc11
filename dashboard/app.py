"""GAN OOD Lab dashboard: `streamlit run dashboard/app.py`. Only routes and sets the language; pages do the rest."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the repo root (gan_core)
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import i18n, run_log, url_state, warm_up, weights_badge  # noqa: E402
from dashboard.pages import PAGES  # noqa: E402

run_log.begin()  # $GAN_OOD_RUN_LOG: one timing line per script run (benchmarks/class_capacity.py); else nothing
# The views live in views/, not pages/: a pages/ folder next to app.py switches Streamlit to its old directory mode
# whenever a page URL is opened first, skipping this file (no navigation, no language selector).
st.set_page_config(page_title="GAN OOD Lab", page_icon=":material/science:", layout="wide")
# Model inputs are tiny (28x28): when the browser scales any image, keep hard pixel edges instead of blurring them.
# Streamlit's 6rem above the title and its 2.75rem headings push a page's key chart below a 720 px projector's fold.
st.html(
    "<style>img { image-rendering: pixelated; }"
    "[data-testid='stMainBlockContainer'] { padding-top: 2.5rem; }"
    "@media (max-width: 640px) { [data-testid='stMainBlockContainer'] { padding-top: 4rem; } }"  # the menu button
    "h1 { font-size: 2.25rem !important; padding-top: 0 !important; }"
    # A page link's label wraps instead of ending in "…" when its column is narrow (the lesson's links).
    "[data-testid='stPageLink-NavLink'] span, [data-testid='stPageLink-NavLink'] p "
    "{ white-space: normal !important; text-overflow: clip !important; overflow: visible !important; }</style>"
)
i18n.language_selector()
url_state.weights()  # before the badge: a shared link's ?g=/?d= picks the shipped weights it names
weights_badge.sidebar_badge()
warm_up.start_warm_up()  # once per server: the default views computed in the background before students ask
# The default page is served at "/" but still reserves a path; its own name (/walkthrough, as a copied or typed
# link has it) would then open Streamlit's English "Page not found" dialog. So the default reserves "home" and an
# unlisted route answers at /walkthrough with the same view.
routes = [
    st.Page(
        page.file,
        title=i18n.t(page.nav_key),
        icon=page.icon,
        url_path="home" if i == 0 else page.name,
        default=(i == 0),
    )
    for i, page in enumerate(PAGES)
]
routes.append(st.Page(PAGES[0].file, title=i18n.t(PAGES[0].nav_key), url_path=PAGES[0].name, visibility="hidden"))
current = st.navigation(routes)
with run_log.logged(current):
    current.run()
