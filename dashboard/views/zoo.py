"""Discriminator zoo: every shipped discriminator (and the student's uploaded one) scoring the same groups, the
shipped ones as judges grouped by training scheme, and their scores over training with an epoch slider."""

import pandas as pd
import streamlit as st

from dashboard import (
    cache,
    charts,
    feature_charts,
    judges_view,
    model_files,
    readings,
    session_weights,
    url_state,
    weight_names,
)
from dashboard.i18n import number, option_text, styled, t
from dashboard.pages import DEFAULTS

DEFAULT = DEFAULTS.zoo
REJECTS = 0.1  # a mean D(x) below this: the discriminator rejects the group
SEED_MAX = 2**31 - 1
AXES = ("mean", "mean_logit")

st.title(t("zoo.title"))
st.markdown(t("zoo.intro"))
url_state.restore(
    {
        "zoo_n": url_state.choice(DEFAULT.n_choices),
        "zoo_seed": url_state.integer(0, SEED_MAX),
        "zoo_axis": url_state.choice(AXES),
    }
)
c1, c2, c3 = st.columns([2, 1, 2])
n = c1.select_slider(t("fs.n"), DEFAULT.n_choices, value=DEFAULT.n, key="zoo_n", persist_state="session")
seed = c2.number_input(t("dist.seed"), 0, SEED_MAX, DEFAULT.seed, key="zoo_seed", persist_state="session")
column = c3.radio(
    t("dist.axis"),
    list(AXES),
    horizontal=True,
    key="zoo_axis",
    persist_state="session",
    format_func=option_text("zoo.axis_"),
    help=t("zoo.axis_help"),
)
url_state.write({"zoo_n": DEFAULT.n, "zoo_seed": DEFAULT.seed, "zoo_axis": AXES[0]})


def labelled(summary: pd.DataFrame) -> pd.DataFrame:
    """The zoo's table with each discriminator's label: how it was trained, or the upload's name."""
    labels = [
        weight_names.describe("discriminator", row.discriminator, short=True)
        if not row.uploaded
        else t("zoo.label_upload", name=row.discriminator)
        for row in summary.itertuples()
    ]
    names = [
        label if row.uploaded else weight_names.compact(row.discriminator)
        for label, row in zip(labels, summary.itertuples())
    ]
    return summary.assign(label=labels, name=names)  # label: how it was trained; name: short, for the legend


def draw_partial(part: pd.DataFrame) -> None:
    """The chart below on the images scored so far (issue 12 item 8)."""
    part = labelled(part)
    charts.show(feature_charts.zoo_chart(part, list(dict.fromkeys(part["group"])), column))


summary = labelled(cache.zoo(n, seed, paint=draw_partial, label=t("zoo.computing")))
groups = list(dict.fromkeys(summary["group"]))
charts.show(feature_charts.zoo_chart(summary, groups, column), key="zoo_chart")
if not summary["uploaded"].any():
    st.caption(t("zoo.no_upload"))

# One row per discriminator, one column per group, the spread of each group as the last row: the groups' short
# names across, the discriminators' long ones down (across, nine of them made the table 4,300 px wide).
table = summary.pivot(index="label", columns="group", values="mean")[groups]
table = table.loc[list(dict.fromkeys(summary["label"]))]
table.loc[t("zoo.spread")] = table.max() - table.min()
table.columns = [t(f"group.{g}") for g in table.columns]
st.subheader(t("zoo.table_title"))
table.index.name = t("zoo.discriminator")
st.table(styled(table, dict.fromkeys(table.columns, ".3f")))

reading = readings.zoo_reading(summary)
if reading is not None:
    st.markdown(t("zoo.reading", ordered=reading.ordered, total=reading.total, spread=reading.spread))
st.download_button(
    t("zoo.download"),
    summary.drop(columns="label").to_csv(index=False).encode(),
    f"zoo_n{n}_seed{seed}.csv",
    "text/csv",
    icon=":material/download:",
)

judges_view.show(model_files.judges(), key="zoo_judges")

st.header(t("time.title"))
st.markdown(t("time.intro"))
history = model_files.scores_over_time()
if history is None:
    st.info(t("time.missing"))
else:
    shipped = session_weights.shipped("discriminator")
    # labels fixed in this run's language (AppTest formats after the run, when the session can't be looked up)
    model_labels = {
        m: weight_names.describe("discriminator", m, short=True) if m in shipped else m
        for m in dict.fromkeys(history["model"])
    }
    model = st.selectbox(
        t("time.model"), list(model_labels), format_func=model_labels.get, key="zoo_time_model", persist_state="session"
    )
    rows = history[history["model"] == model]
    epochs = sorted(set(rows["epoch"]))  # the joint D also has fractions of its first epoch (optimiser steps)
    epoch_text = {e: number(e, "g") for e in epochs}  # fixed in this run's language, as option_text is
    epoch = st.select_slider(
        t("time.epoch"), epochs, value=epochs[-1], format_func=epoch_text.get, key=f"zoo_time_epoch_{model}"
    )
    charts.show(feature_charts.time_chart(rows, epoch), key="zoo_time_chart")
    at_epoch = rows[rows["epoch"] == epoch]
    st.markdown(f"**{t('time.bars_title', epoch=number(epoch, 'g'))}**")
    st.dataframe(
        styled(
            at_epoch.assign(group=at_epoch["group"].map(lambda g: t(f"group.{g}")))[
                ["group", "n", "mean_probability", "mean_logit"]
            ],
            {"mean_probability": ".3f", "mean_logit": ".2f"},
        ),
        hide_index=True,
        column_config={
            "group": t("table.group"),
            "n": "N",
            "mean_probability": t("table.mean"),
            "mean_logit": t("table.mean_logit"),
        },
        key="zoo_time_table",
    )
    joint = history[history["scheme"] == "joint"]
    if len(joint):
        first = readings.first_epoch_below(joint, "gaussian", REJECTS)
        last = int(joint["epoch"].max())
        st.markdown(
            t("time.joint_reading", epoch=number(first, "g"))
            if first is not None
            else t("time.joint_never", epochs=last)
        )
    means = readings.last_epoch_means(history, "gaussian")
    if {"separate", "mixed"} <= set(means):
        st.markdown(t("time.scheme_reading", separate=means["separate"], mixed=means["mixed"]))
