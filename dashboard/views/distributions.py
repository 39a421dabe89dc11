"""Score distributions: D(x) per group, binned on the server, with the notebook's examples and the student's images."""

import pandas as pd
import streamlit as st

from dashboard import cache, charts, my_images, pictures, readings, url_state
from dashboard.i18n import option_text, styled, t
from dashboard.pages import DEFAULTS
from gan_core.scoring import summarise

DEFAULT = DEFAULTS.distributions
MAX_MARKED = 8  # the student's most recent images marked on the axis
SEED_MAX = 2**31 - 1
AXES = ("probability", "logit")

st.title(t("dist.title"))
st.markdown(t("dist.intro"))

url_state.restore(
    {
        "dist_n": url_state.choice(DEFAULT.n_choices),
        "dist_seed": url_state.integer(0, SEED_MAX),
        "dist_axis": url_state.choice(AXES),
    }
)
with st.container(border=True):
    c1, c2, c3 = st.columns([2, 1, 3])
    n = c1.select_slider(
        t("dist.n"), DEFAULT.n_choices, value=DEFAULT.n, key="dist_n", help=t("dist.n_help"), persist_state="session"
    )
    seed = c2.number_input(t("dist.seed"), 0, SEED_MAX, DEFAULT.seed, key="dist_seed", persist_state="session")
    column = c3.radio(
        t("dist.axis"),
        list(AXES),
        format_func=option_text("axis."),
        horizontal=True,
        key="dist_axis",
        help=t("dist.axis_help"),
        persist_state="session",
    )
url_state.write({"dist_n": DEFAULT.n, "dist_seed": DEFAULT.seed, "dist_axis": AXES[0]})


def draw_partial(part: pd.DataFrame) -> None:
    """The chart below on the chunks scored so far (the marks come with the whole result)."""
    chosen = st.session_state.get("dist_groups")  # the group picker below, as last set (None: never set, all)
    part = part if chosen is None else part[part["group"].isin(chosen)]
    if part.empty:
        return
    charts.show(charts.partial_distribution_chart(part, column))


scores = cache.group_scores(n, seed, paint=draw_partial, label=t("dist.computing"))
labels = {g: t(f"group.{g}") for g in scores["group"].unique()}
chart_box = st.container()  # the chart first, the group filter under it: the chart is what the room looks at
chosen = st.multiselect(
    t("dist.groups"),
    list(labels),
    default=list(labels),
    format_func=labels.get,
    key="dist_groups",
    persist_state="session",
)
scores = scores[scores["group"].isin(chosen)]

example_images, example_scores = cache.notebook_examples()
marks = [charts.example_marks(example_scores, column)]
mine = my_images.entries()[-MAX_MARKED:]
if mine:
    mine_scores = cache.score_images(my_images.model_inputs()[-MAX_MARKED:])
    marks.append(charts.own_marks([my_images.label(e) for e in mine], mine_scores[column].to_numpy()))
marks = pd.concat(marks, ignore_index=True)

if scores.empty:
    chart_box.warning(t("dist.no_groups"))
    st.stop()
edges = charts.edges_for(column, pd.concat([scores[column], marks["value"]]).to_numpy())
bins = charts.histogram_bins(scores, column, edges, labels)
with chart_box:
    charts.show(charts.distribution_chart(bins, marks, column, edges), key="dist_chart")
    reading = readings.unseen_reading(scores)
    if reading is not None:
        generated = "" if reading.generated is None else t("dist.unseen_generated", generated=reading.generated)
        verdict = (
            t(
                "dist.unseen_some",
                k=len(reading.above),
                m=reading.unseen,
                names=", ".join(map(labels.get, reading.above)),
            )
            if reading.above
            else t("dist.unseen_none", m=reading.unseen)
        )
        st.info(t("dist.unseen_means", real=reading.real, generated=generated) + " " + verdict)

summary = summarise(scores)
summary["group"] = summary["group"].map(labels)
st.subheader(t("dist.summary"))
st.dataframe(
    styled(summary, {"mean": ".4f", "median": ".4f", "share_above_half": ".1%", "mean_logit": ".3f"}),
    hide_index=True,
    column_config={
        "group": t("table.group"),
        "n": t("table.n"),
        "mean": t("table.mean"),
        "median": t("table.median"),
        "share_above_half": t("table.share_above_half"),
        "mean_logit": t("table.mean_logit"),
    },
)
d1, d2, d3 = st.columns(3)
for col, label, frame, name in (
    (d1, "dist.download_summary", summary, "summary"),
    (d2, "dist.download_bins", bins, f"histogram_{column}"),
    (d3, "dist.download_scores", scores, "scores"),
):
    col.download_button(
        t(label),
        frame.to_csv(index=False).encode(),
        f"{name}_n{n}_seed{seed}.csv",
        "text/csv",
        icon=":material/download:",
    )

st.subheader(t("dist.examples_title"))
st.caption(t("dist.examples_text"))
for col, row in zip(st.columns(len(example_scores)), example_scores.itertuples()):
    caption = t("dist.example_caption", name=t(f"example.{row.name}"), p=row.probability, logit=row.logit)
    pictures.show(col, example_images[row.name], 5, caption)

with st.expander(t("dist.look_title")):
    for group, images in cache.group_examples(DEFAULT.examples_per_group, seed).items():
        if group in chosen:
            st.image(pictures.strip(images, 3), caption=labels[group], output_format="PNG")
