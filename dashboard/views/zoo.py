"""Discriminator zoo: every shipped discriminator (and the student's uploaded one) scoring the same groups."""

import streamlit as st

from dashboard import cache, feature_charts
from dashboard.i18n import option_text, t

N_CHOICES = (100, 300, 1000)
OOD_GROUPS = ("gaussian", "binary", "uniform", "natural", "fashion")

st.title(t("zoo.title"))
st.markdown(t("zoo.intro"))
c1, c2, c3 = st.columns([2, 1, 2])
n = c1.select_slider(t("fs.n"), N_CHOICES, value=300, key="zoo_n", persist_state="session")
seed = c2.number_input(t("dist.seed"), 0, 2**31 - 1, 0, key="zoo_seed", persist_state="session")
column = c3.radio(
    t("dist.axis"),
    ["mean", "mean_logit"],
    horizontal=True,
    key="zoo_axis",
    persist_state="session",
    format_func=option_text("zoo.axis_"),
    help=t("zoo.axis_help"),
)

with st.spinner(t("zoo.computing")):
    summary = cache.zoo(n, seed)


def _label(row) -> str:
    if row.uploaded:
        return t("zoo.label_upload", name=row.discriminator)
    entry = cache.shipped("discriminator").get(row.discriminator, {})
    if entry.get("phase") == 1 and "epoch" in entry:
        label = t("zoo.label_joint", name=row.discriminator, epoch=entry["epoch"])
    elif "generator_epoch" in entry:  # how it was trained says more than "phase 2"
        label = t("zoo.label_against", name=row.discriminator, generator_epoch=entry["generator_epoch"], seed=row.seed)
    else:
        return t(
            "zoo.label_default" if row.default else "zoo.label_shipped",
            name=row.discriminator,
            phase=row.phase,
            seed=row.seed,
        )
    return label + t("zoo.default_suffix") if row.default else label


summary["label"] = [_label(row) for row in summary.itertuples()]
groups = list(dict.fromkeys(summary["group"]))
st.altair_chart(feature_charts.zoo_chart(summary, groups, column), width="stretch")
if not summary["uploaded"].any():
    st.caption(t("zoo.no_upload"))

table = summary.pivot(index="group", columns="label", values="mean").reindex(groups)
labels = list(dict.fromkeys(summary["label"]))
table = table[labels]
table.insert(0, t("zoo.spread"), table.max(axis=1) - table.min(axis=1))
table.index = [t(f"group.{g}") for g in table.index]
st.subheader(t("zoo.table_title"))
st.dataframe(table, column_config={c: st.column_config.NumberColumn(c, format="%.3f") for c in table.columns})

means = summary.pivot(index="label", columns="group", values="mean")
if {"real", "generated"} <= set(means.columns):
    ordered = int((means["real"] > means["generated"]).sum())
    ood = [g for g in OOD_GROUPS if g in means.columns]
    spread = float((means[ood].max() - means[ood].min()).max()) if ood else 0.0
    st.markdown(t("zoo.reading", ordered=ordered, total=len(means), spread=spread))
st.download_button(
    t("zoo.download"),
    summary.drop(columns="label").to_csv(index=False).encode(),
    f"zoo_n{n}_seed{seed}.csv",
    "text/csv",
    icon=":material/download:",
)
