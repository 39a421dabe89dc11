"""Home: the guided lesson. Steps with Back / Next and progress; each step shows the live chart or number it talks
about (the same cached computations and chart builders as the other pages), three predict-then-reveal points (D on
noise, on a real digit, on the notebook's cat), and it ends at the mechanism (the score plane, the unit split).
Every sentence that states a number or comparison is computed (dashboard/readings.py). The step index lives in
session_state and is mirrored in the URL (?step=k, 1-based) so a teacher's link opens the same step."""

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import cache, charts, classroom, feature_charts, pages, pictures, readings
from dashboard.i18n import number, number_slider, t
from dashboard.pages import DEFAULTS

STEPS = ("noise", "digit", "distributions", "interpolation", "cat", "mechanism")  # the lesson's order
EXPLORE = {  # each step's "explore on page X" links
    "noise": ("distributions",),
    "digit": ("distributions", "your_images"),
    "distributions": ("distributions",),
    "interpolation": ("interpolation",),
    "cat": ("your_images", "zoo"),
    "mechanism": ("feature_space", "zoo"),
}
STEP_KEY = "walk_step"  # session_state: the current step's index, 0-based
DIGIT_INDEX = 0  # the lesson's real digit: the first real digit of the distributions' default draw


def _current() -> int:
    """The step index: session_state, else the URL's ?step= (1-based), else the first."""
    if STEP_KEY not in st.session_state:
        try:
            st.session_state[STEP_KEY] = min(max(int(st.query_params.get("step", 1)) - 1, 0), len(STEPS) - 1)
        except ValueError:  # ?step=abc: start at the beginning
            st.session_state[STEP_KEY] = 0
    return int(st.session_state[STEP_KEY])


def _go(index: int) -> None:
    st.session_state[STEP_KEY] = index
    st.query_params["step"] = str(index + 1)


def _navigation(index: int, where: str) -> None:
    """Back / progress / Next; `where` ("top", "bottom") keeps the two rows' widget keys apart."""
    back, progress, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(
        t("walk.back"),
        key=f"walk_back_{where}",
        icon=":material/arrow_back:",
        disabled=index == 0,
        on_click=_go,
        args=(index - 1,),
        width="stretch",
    )
    progress.progress((index + 1) / len(STEPS), text=t("walk.progress", k=index + 1, m=len(STEPS)))
    forward.button(
        t("walk.next"),
        key=f"walk_next_{where}",
        icon=":material/arrow_forward:",
        icon_position="right",
        type="primary",
        disabled=index == len(STEPS) - 1,
        on_click=_go,
        args=(index + 1,),
        width="stretch",
    )


def _explore(step: str) -> None:
    for name in EXPLORE[step]:
        page = pages.page(name)
        st.page_link(page.file, label=t("walk.explore_on", page=t(page.nav_key)), icon=":material/open_in_new:")


def _reveal_box(step: str, reveal: Callable[[float], None]) -> None:
    """Predict, then reveal: the student commits to a guess of D(x), the button calls reveal(guess)."""
    with st.container(border=True):
        st.subheader(t("walk.predict_title"))
        st.markdown(t(f"walk.predict_{step}"))
        guess = number_slider(t(f"walk.guess_{step}"), 0.0, 1.0, 0.5, 0.01, key=f"walk_guess_{step}")
        if st.button(t("walk.reveal"), type="primary", key=f"walk_reveal_{step}"):
            st.session_state[f"walk_revealed_{step}"] = True
        if st.session_state.get(f"walk_revealed_{step}"):
            reveal(guess)


def _guess_metric(where, probability: float, guess: float) -> None:
    where.metric(
        t("walk.real_score"),
        number(probability, ".4f"),
        delta=number(probability - guess, "+.2f"),
        delta_color="off",
        help=t("walk.delta_help"),
    )


# ----- the steps -----


@st.fragment
def predict_noise() -> None:
    """D on the notebook's two noises; in class mode the guess is pooled and the teacher may reveal for all."""
    with st.container(border=True):
        st.subheader(t("walk.predict_title"))
        st.markdown(t("walk.predict_text"))
        guess = number_slider(t("walk.guess"), 0.0, 1.0, 0.5, 0.01, key="walk_guess")
        classroom.pooled_note()
        if st.button(t("walk.reveal"), type="primary", key="walk_reveal_button"):
            st.session_state["walk_revealed"] = True
            classroom.submit_guess(classroom.GUESS_STEP, guess)
        if not st.session_state.get("walk_revealed") and not classroom.step_revealed(classroom.GUESS_STEP):
            return
        images, scores = cache.notebook_examples()
        for col, name in zip(st.columns(2), ("noise", "binary")):
            prob = float(scores.set_index("name").loc[name, "probability"])
            with col:
                pictures.show(st, images[name], caption=t(f"example.{name}"))
                _guess_metric(st, prob, guess)
        reading = readings.reveal_reading(scores)
        default = readings.reveal_reading(cache.default_notebook_examples()[1])
        st.info(
            t(
                f"walk.after_reveal_{reading.verdict}",
                noise=reading.noise,
                binary=reading.binary,
                default_noise=default.noise,
            )
        )


def step_noise() -> None:
    st.markdown(t("walk.intro"))
    st.markdown(t("walk.dx"))
    predict_noise()
    classroom.follow_reveal(classroom.GUESS_STEP)  # class mode: the teacher's reveal shows here within 3 s


def _group_scores() -> pd.DataFrame:
    view = DEFAULTS.distributions
    return cache.group_scores(view.n, view.seed)


@st.fragment
def step_digit() -> None:
    view = DEFAULTS.distributions
    scores = _group_scores()

    def reveal(guess: float) -> None:
        image = cache.group_examples(view.examples_per_group, view.seed)["real"][DIGIT_INDEX]
        reading = readings.digit_reading(scores, DIGIT_INDEX)
        left, right = st.columns([1, 2])
        pictures.show(left, image, 5, caption=t("walk.digit_caption"))
        _guess_metric(right, reading.probability, guess)
        st.info(
            t(
                f"walk.digit_reading_{reading.verdict}",
                p=reading.probability,
                n=reading.n,
                mean=reading.real_mean,
                pct=100 * reading.real_share,
                generated=reading.generated_mean,
            )
        )

    _reveal_box("digit", reveal)


def step_distributions() -> None:
    view = DEFAULTS.distributions
    scores = _group_scores()
    labels = {g: t(f"group.{g}") for g in scores["group"].unique()}
    _, examples = cache.notebook_examples()
    marks = charts.example_marks(examples, "probability")
    edges = charts.edges_for("probability", pd.concat([scores["probability"], marks["value"]]).to_numpy())
    bins = charts.histogram_bins(scores, "probability", edges, labels)
    st.markdown(t("walk.distributions_text", n=view.n))
    charts.show(charts.distribution_chart(bins, marks, "probability", edges), key="walk_distributions")
    reading = readings.groups_reading(scores)
    order = t("walk.groups_ordered" if reading.ordered else "walk.groups_unordered")
    st.info(
        t(
            f"walk.groups_noise_{reading.noise_vs_real}",
            real=reading.real,
            generated=reading.generated,
            noise=reading.noise,
            order=order,
        )
    )


def step_interpolation() -> None:
    view = DEFAULTS.interpolation
    images, path = cache.interpolate(view.seed1, view.seed2, view.strip_alphas, view.spherical)
    st.markdown(t("walk.interpolation_text"))
    for col, image, row in zip(st.columns(len(view.strip_alphas)), images, path.itertuples()):
        pictures.show(col, image, 4, t("interp.caption", alpha=row.alpha, p=row.probability))
    _, full_path = cache.interpolate(view.seed1, view.seed2, view.path_alphas, view.spherical)
    line = alt.layer(charts.path_chart(full_path, view.alpha).layer[0])  # the curve alone: no alpha slider here
    charts.show(line.properties(title=t("interp.chart_title")), key="walk_path")
    reading = readings.path_reading(full_path)
    st.info(
        t(
            f"walk.path_reading_{reading.verdict}",
            low=reading.low,
            low_alpha=reading.low_alpha,
            high=reading.high,
            high_alpha=reading.high_alpha,
        )
    )


@st.fragment
def step_cat() -> None:
    def reveal(guess: float) -> None:
        images, examples = cache.notebook_examples()
        reading = readings.cat_reading(examples, _group_scores())
        left, right = st.columns([1, 2])
        pictures.show(left, images["cat"], 5, caption=t("example.cat"))
        _guess_metric(right, reading.cat, guess)
        st.info(
            t(
                f"walk.cat_reading_{reading.verdict}_{reading.vs_real}",
                cat=reading.cat,
                real=reading.real_mean,
                generated=reading.generated,
            )
        )

    _reveal_box("cat", reveal)


def step_mechanism() -> None:
    view_defaults = DEFAULTS.feature_space
    with st.spinner(t("fs.computing")):
        view = cache.feature_space(view_defaults.n, view_defaults.seed, view_defaults.scatter_cap)
    st.markdown(t("walk.mechanism_text"))
    points = view.points.assign(label=lambda f: f["group"].map(lambda g: t(f"group.{g}")))
    st.html(feature_charts.TOOLTIP_CSS)
    plane = feature_charts.score_plane_chart(points, view.pcas["score"], view.groups)
    charts.show(plane, key="walk_score")
    st.markdown(t("walk.units_text"))
    charts.show(feature_charts.unit_chart(view.units, view.groups), key="walk_units")
    units = readings.unit_reading(view.units)
    if units is not None:
        st.info(t("fs.units_reading", group=t(f"group.{units.group}"), **units.numbers()))
    st.markdown(t("walk.end"))


RENDER = {
    "noise": step_noise,
    "digit": step_digit,
    "distributions": step_distributions,
    "interpolation": step_interpolation,
    "cat": step_cat,
    "mechanism": step_mechanism,
}

st.title(t("walk.title"))
classroom.join_box()  # class mode: the sidebar's join box (and ?room=CODE links)
index = _current()
step = STEPS[index]
_navigation(index, "top")
st.header(f"{index + 1}. {t(f'walk.step_{step}')}")
RENDER[step]()
_explore(step)
_navigation(index, "bottom")

with st.expander(t("walk.steps")):  # the other pages, for free exploration
    for position, entry in enumerate(
        pages.steps(), start=1
    ):  # not `number`: a fragment rerun reads this module's globals
        st.page_link(entry.file, label=f"{position}. {t(f'step.{entry.name}.title')}", icon=":material/arrow_forward:")
        st.caption(t(f"step.{entry.name}.notice"))
st.caption(t("walk.footer"))
