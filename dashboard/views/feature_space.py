"""Feature space: why D scores inputs it never saw as it does. The score plane (x = the exact logit), the classic PCA
plane with the share of w it holds, logit vs distance to the fit digits, the unit split per group, OOD metrics of
feature-space detectors, fooling images climbed from noise, and further reading."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import cache, charts, feature_charts, my_images, pictures, readings, url_state
from dashboard.i18n import number, option_text, styled, t
from dashboard.pages import DEFAULTS
from gan_core.detectors import DETECTORS

DEFAULT = DEFAULTS.feature_space

st.title(t("fs.title"))
st.html(feature_charts.TOOLTIP_CSS)  # the 28 px thumbnails drawn 3x, pixelated
st.markdown(t("fs.intro"))

url_state.restore({"fs_n": url_state.choice(DEFAULT.n_choices), "fs_seed": url_state.integer(0, 2**31 - 1)})
with st.container(border=True):
    c1, c2 = st.columns([2, 1])
    n = c1.select_slider(
        t("fs.n"), DEFAULT.n_choices, value=DEFAULT.n, key="fs_n", persist_state="session", help=t("fs.n_help")
    )
    seed = c2.number_input(t("dist.seed"), 0, 2**31 - 1, DEFAULT.seed, key="fs_seed", persist_state="session")
url_state.write({"fs_n": DEFAULT.n, "fs_seed": DEFAULT.seed})


def draw_partial(part: pd.DataFrame) -> None:
    """While the features come in: D's logit for each group done so far, the score plane's x before its fits."""
    if part.empty:
        return
    chart = charts.partial_distribution_chart(part, "logit")
    charts.show(chart.properties(title=alt.Title(t("fs.partial_title"), subtitle=t("fs.partial_subtitle"))))


view = cache.feature_space_shown(n, seed, DEFAULT.scatter_cap, paint=draw_partial, label=t("fs.computing"))
groups = view.groups
label_of = {g: t(f"group.{g}") for g in groups}
points = view.points.assign(label=lambda f: f["group"].map(label_of))

entries = my_images.entries()
mine = None
if entries:
    mine = cache.feature_points(my_images.model_inputs(), view).assign(
        label=t("fs.mine"), name=[my_images.label(e) for e in entries]
    )

views_box = st.container()  # drawn after the fooling controls below, so the path can appear in both views

st.header(t("fs.fool_title"))
st.markdown(t("fool.intro", k=cache.FOOLING_CANDIDATES))
f0, f1, f2 = st.columns([2, 1, 2])
fool_source = f0.radio(
    t("fool.source"),
    cache.FOOLING_SOURCES,
    index=cache.FOOLING_SOURCES.index(DEFAULT.fooling_source),
    format_func=option_text("fool.source_"),
    horizontal=True,
    key="fs_fool_source",
    persist_state="session",
)
fool_seed = f1.number_input(
    t("dist.seed"), 0, 2**31 - 1, DEFAULT.fooling_seed, key="fs_fool_seed", persist_state="session"
)
steps = f2.slider(
    t("fool.steps"),
    0,
    DEFAULT.fooling_max_steps,
    cache.FOOLING_STEPS,
    key="fs_fool_steps",
    persist_state="session",
    help=t("fs.fool_steps_help", size=cache.FOOLING_STEP_SIZE),
)
show_path = st.toggle(t("fs.fool_show"), value=True, key="fs_fool_show", persist_state="session")
fool_images, path, chosen = cache.fooling_path(fool_source, fool_seed, steps, view)
path = path.assign(label=t("fs.fooling"))
climb = readings.fooling_reading(path["probability"].to_numpy(), chosen["candidates"])
g1, g2, g3, g4 = st.columns([1, 1, 1, 2])
pictures.show(
    g1,
    fool_images[0],
    5,
    caption=t(f"fool.start_{fool_source}", i=chosen["index"] + 1, k=climb.candidates, p=climb.start),
)
pictures.show(g2, fool_images[-1], 5, caption=t("fs.fool_end", k=steps, p=climb.end))
change = fool_images[-1] - fool_images[0]
pictures.show(
    g3,
    change / max(float(np.abs(change).max()), 1e-6),
    5,
    caption=t("fs.fool_change", linf=float(np.abs(change).max())),
)
with g4:
    st.metric(t("fs.fool_metric", k=steps), number(climb.end, ".4f"), delta=number(climb.end - climb.start, "+.4f"))
    st.caption(t("fs.fool_reached", step=climb.reached) if climb.reached is not None else t("fs.fool_not_reached"))
linf = float(np.abs(change).max())
st.markdown(
    t(f"fool.reading_{climb.verdict}", start=climb.start, end=climb.end, k=steps, step=climb.reached, linf=linf)
)
charts.show(feature_charts.fooling_chart(path).properties(title=t("fs.fool_chart_title")))
shown_path = path if show_path else None


@st.fragment  # switching the PCA fit redraws only this chart, not the page
def pca_view(mine, shown_path) -> None:
    fit = st.radio(
        t("fs.fit"),
        cache.FIT_CHOICES,
        format_func=option_text("fs.fit_"),
        horizontal=True,
        key="fs_fit",
        persist_state="session",
        help=t("fs.fit_help"),
    )
    pca = view.pcas[fit]
    ratio = pca.explained_variance_ratio_
    st.markdown(
        t("fs.explained", pc1=100 * ratio[0], pc2=100 * ratio[1], total=100 * ratio.sum(), fit=t(f"fs.fit_{fit}"))
        + " "
        + t("fs.share", pct=100 * view.shares[fit])
    )
    chart, has_boundary = feature_charts.pca_chart(
        points,
        fit,
        pca,
        view.w,
        view.b,
        groups,
        mine,
        shown_path,
        legend=False,  # the score plane's legend, above
    )
    charts.show(chart, width="content", key="fs_pca_chart")
    if not has_boundary:
        st.caption(t("fs.no_boundary"))
    if mine is not None:  # the diamonds' numbers, as HTML (names findable on the page)
        numbers = {"probability": ".4f", "logit": ".2f", "distance": ".1f", f"{fit}_pc1": ".1f", f"{fit}_pc2": ".1f"}
        shown = mine[["name", *numbers]].set_index("name")
        shown.index.name = t("table.name")
        headers = ["D(x)", t("table.logit"), t("fs.distance_short"), "PC1", "PC2"]
        st.table(styled(shown.set_axis(headers, axis=1), dict(zip(headers, numbers.values()))))


with views_box:
    st.header(t("fs.views_title"))
    charts.show(
        feature_charts.score_plane_chart(points, view.pcas["score"], groups, mine, shown_path), key="fs_score_chart"
    )
    left, right = st.columns([1, 1])
    with left:
        pca_view(mine, shown_path)
    with right:
        charts.show(feature_charts.distance_chart(points, groups, mine, shown_path), key="fs_distance_chart")
    st.caption(t("fs.cap_note", per_group=view.per_group, cap=DEFAULT.scatter_cap, n=n))
    with st.expander(t("fs.how_to_read")):
        st.markdown(t("fs.reading_views"))
    if mine is None:
        st.caption(t("fs.no_mine"))
    st.subheader(t("fs.units_header"))
    charts.show(feature_charts.unit_chart(view.units, groups), key="fs_units_chart")
    units = readings.unit_reading(view.units)
    if units is not None:
        st.markdown(t("fs.units_reading", group=t(f"group.{units.group}"), **units.numbers()))
    headers = {
        "n": "N",
        "real_units": t("fs.real_units"),
        "fake_units": t("fs.fake_units"),
        "bias": t("fs.bias"),
        "logit": t("table.mean_logit"),
        "feature_norm": "|φ|",
        "distance": t("fs.distance_short"),
    }
    split = view.units.assign(group=lambda f: f["group"].map(label_of)).set_index("group")[list(headers)]
    split.index.name = t("table.group")
    formats = {"real_units": "+.2f", "fake_units": "+.2f", "bias": "+.3f", "logit": "+.2f"}
    formats |= {"feature_norm": ".1f", "distance": ".1f"}
    st.table(styled(split.rename(columns=headers), {headers[c]: spec for c, spec in formats.items()}))

st.header(t("fs.metrics_title"))
# A tab per metric with the four detectors across, as HTML tables whose long names wrap (eight flat columns made a
# 2,000 px grid that scrolled sideways on a projector).
by_group = view.metrics.assign(group=lambda f: f["group"].map(label_of)).set_index("group")
for tab, metric in zip(st.tabs([t("fs.tab_auroc"), t("fs.tab_fpr95")]), ("auroc", "fpr95")):
    table = by_group[[f"{d}_{metric}" for d in DETECTORS]]
    table.index.name = t("table.group")
    table.columns = [t(f"fs.det_{d}") for d in DETECTORS]
    tab.table(styled(table, dict.fromkeys(table.columns, ".3f")))
reading = readings.metrics_reading(view.metrics)
if reading is not None:
    means = reading.means
    summary = t(
        "fs.metrics_summary",
        raw=means["raw_score"],
        maha=means["mahalanobis"],
        knn=means["knn"],
        norm=means["feature_norm"],
    )
    st.markdown(summary + " " + t("fs.verdict_features" if reading.features_win else "fs.verdict_raw"))
with st.expander(t("fs.metrics_how")):
    st.markdown(t("fs.metrics_definitions", n=n))
st.download_button(
    t("fs.download_metrics"),
    view.metrics.to_csv(index=False).encode(),
    f"ood_metrics_n{n}_seed{seed}.csv",
    "text/csv",
    icon=":material/download:",
)

with st.expander(t("fs.reading_list_title")):
    st.markdown(t("fs.reading_list"))
