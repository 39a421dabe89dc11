"""Interpolation: mix two latent noises, watch the digit morph and D's score along the path."""

import secrets

import numpy as np
import streamlit as st

from dashboard import cache, charts, pictures, url_state
from dashboard.i18n import number, number_slider, option_text, t
from dashboard.pages import DEFAULTS, NOTEBOOK_SEED

DEFAULT = DEFAULTS.interpolation
SEED_MAX = 2**31 - 1
MODES = ("linear", "spherical")
ALPHA_STEP = 0.025


def _set_seeds(seed1: int, seed2: int) -> None:
    st.session_state["interp_seed1"], st.session_state["interp_seed2"] = seed1, seed2


st.title(t("interp.title"))
st.markdown(t("interp.intro"))

url_state.restore(
    {
        "interp_seed1": url_state.integer(0, SEED_MAX),
        "interp_seed2": url_state.integer(0, SEED_MAX),
        "interp_mode": url_state.choice(MODES),
        "interp_alpha": url_state.number(0.0, 1.0, ALPHA_STEP),
    }
)
with st.container(border=True):
    c1, c2, c3 = st.columns([1, 1, 2])
    seed1 = c1.number_input(
        t("interp.seed1"),
        0,
        SEED_MAX,
        DEFAULT.seed1,
        key="interp_seed1",
        help=t("interp.seed1_help"),
        persist_state="session",
    )
    seed2 = c2.number_input(
        t("interp.seed2"),
        0,
        SEED_MAX,
        DEFAULT.seed2,
        key="interp_seed2",
        help=t("interp.seed2_help"),
        persist_state="session",
    )
    with c3:
        mode = st.radio(
            t("interp.mode"),
            list(MODES),
            index=int(DEFAULT.spherical),
            format_func=option_text("interp.mode_"),
            horizontal=True,
            key="interp_mode",
            help=t("interp.mode_help"),
            persist_state="session",
        )
    b1, b2, _ = st.columns([1, 1, 1])  # a row of their own: in the radio's column the labels were cut
    b1.button(
        t("interp.random_pair"),
        icon=":material/casino:",
        key="interp_random",
        on_click=lambda: _set_seeds(secrets.randbelow(10_000), secrets.randbelow(10_000)),
    )
    b2.button(
        t("interp.notebook_pair"),
        icon=":material/restart_alt:",
        key="interp_reset",
        on_click=lambda: _set_seeds(NOTEBOOK_SEED, NOTEBOOK_SEED),
    )
spherical = mode == "spherical"
url_state.write(
    {"interp_seed1": DEFAULT.seed1, "interp_seed2": DEFAULT.seed2, "interp_mode": MODES[int(DEFAULT.spherical)]}
)


@st.fragment
def alpha_explorer(seed1: int, seed2: int, spherical: bool, mode: str) -> None:
    """Only this part reruns when alpha moves: the path is cached, the slider just picks a point on it."""
    images, path = cache.interpolate(seed1, seed2, DEFAULT.path_alphas, spherical)
    alpha = number_slider(
        t("interp.alpha"),
        0.0,
        1.0,
        DEFAULT.alpha,
        ALPHA_STEP,
        key="interp_alpha",
        help=t("interp.alpha_help"),
        persist_state="session",
    )
    url_state.write({"interp_alpha": DEFAULT.alpha})
    i = int(np.argmin(np.abs(path["alpha"].to_numpy() - alpha)))
    # The path chart is the page's point (D's score wanders along a straight line between two digits): full width,
    # right under the slider that moves its dashed rule; the picture at this alpha beside its score below it.
    charts.show(charts.path_chart(path, alpha), height=300, key="interp_path")
    left, middle, right = st.columns([1, 1, 2])
    pictures.show(left, images[i], 6, t("interp.current", alpha=alpha))
    middle.metric(
        t("interp.score"),
        number(float(path["probability"].iloc[i]), ".4f"),
        help=t("interp.logit_is", logit=float(path["logit"].iloc[i])),
    )
    with right:
        st.download_button(
            t("interp.download_image"),
            pictures.png_bytes(pictures.model_view(images[i], 9)),
            f"interpolation_alpha_{alpha:.3f}.png",
            "image/png",
            key="interp_dl_image",
        )
        st.download_button(
            t("interp.download_path"),
            path.to_csv(index=False).encode(),
            f"interpolation_path_{seed1}_{seed2}_{mode}.csv",
            "text/csv",
            key="interp_dl_path",
        )


alpha_explorer(seed1, seed2, spherical, mode)

st.subheader(t("interp.strip_title"))
strip_images, strip_scores = cache.interpolate(seed1, seed2, DEFAULT.strip_alphas, spherical)
for col, image, row in zip(st.columns(len(DEFAULT.strip_alphas)), strip_images, strip_scores.itertuples()):
    pictures.show(col, image, 5, t("interp.caption", alpha=row.alpha, p=row.probability))
st.download_button(
    t("interp.download_strip"),
    pictures.png_bytes(pictures.strip(strip_images, 6)),
    f"interpolation_{seed1}_{seed2}_{mode}.png",
    "image/png",
    icon=":material/download:",
)

with st.container(border=True):
    st.subheader(t("interp.hash_title"))
    st.code(cache.alpha_one_hash(seed1, seed2), language=None)
    st.caption(t("interp.hash_text"))
