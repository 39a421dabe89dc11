"""Weights: which generator and discriminator are active (shipped or uploaded), every shipped discriminator as a
judge grouped by training scheme, the BatchNorm effect of the active one, the model card, loss curves, samples."""

import hashlib

import streamlit as st

from dashboard import (
    cache,
    charts,
    feature_charts,
    judges_view,
    model_files,
    pictures,
    readings,
    session_weights,
    url_state,
    weight_names,
)
from dashboard.i18n import error_text, language, number, styled, t, uploader_texts
from dashboard.pages import DEFAULTS

WEIGHT_TYPES = ["pt", "pth", "safetensors"]


def _pick(kind: str) -> None:
    key = f"weights_pick_{kind}"
    st.session_state[key] = session_weights.active(kind).wid  # the widget shows what is active (uploads switch it)
    labels = {wid: weight_names.describe(kind, wid) for wid in session_weights.weight_choices(kind)}
    st.selectbox(
        t(f"weights.active_{kind}"),
        list(labels),
        format_func=labels.get,
        key=key,
        on_change=lambda: session_weights.set_active(kind, st.session_state[key]),
        help=t(f"weights.help_{kind}"),
    )


def _upload(kind: str) -> None:
    file = st.file_uploader(t(f"weights.upload_{kind}"), type=WEIGHT_TYPES, key=f"weights_file_{kind}")
    if file is None:
        return
    payload = file.getvalue()
    sha = hashlib.sha256(payload).hexdigest()
    failures = st.session_state.setdefault("weights_failures", {})  # (sha, kind) -> error: a bad file is checked once
    current = session_weights.uploaded(kind)
    if not (current and current["sha256"] == sha) and (sha, kind) not in failures:
        try:
            session_weights.upload_weights(payload, file.name, kind)
        except Exception as exc:  # WeightsError or anything unexpected: a message, the active weights stay
            failures[(sha, kind)] = exc
    if (sha, kind) in failures:
        reason = error_text("weights", failures[(sha, kind)])
        st.error(t("weights.upload_failed", name=file.name, reason=reason), icon=":material/error:")
    else:
        st.success(t("weights.upload_ok", name=file.name), icon=":material/check_circle:")


st.title(t("weights.title"))
uploader_texts()
st.markdown(t("weights.intro"))
cols = st.columns(2)
for col, kind in zip(cols, session_weights.KINDS, strict=True):
    with col, st.container(border=True):
        _upload(kind)
        _pick(kind)
url_state.weights()  # an upload made during this run takes the weights out of the URL now

images, scores = cache.notebook_examples()
st.subheader(t("weights.examples_title"))
st.caption(t("weights.examples_text"))
for col, row in zip(st.columns(len(scores)), scores.itertuples()):
    pictures.show(col, images[row.name], 4, t(f"example.{row.name}"))
    col.metric(t("table.probability"), number(row.probability, ".4f"))

judges_view.show(model_files.judges(), key="weights_judges")

st.subheader(t("bn.title"))
st.markdown(t("bn.text", n=DEFAULTS.weights.batchnorm_n))
with st.spinner(t("bn.computing")):
    effect = cache.batchnorm_view(DEFAULTS.weights.batchnorm_n, DEFAULTS.weights.batchnorm_seed)
charts.show(feature_charts.batchnorm_chart(effect), key="weights_bn_chart")
bn = readings.batchnorm_reading(effect)
if bn is not None:
    st.markdown(
        t(
            "bn.reading",
            real_eval=bn.real_eval,
            real_train=bn.real_train,
            gen_eval=bn.generated_eval,
            gen_train=bn.generated_train,
        )
    )
st.dataframe(
    styled(
        effect.assign(group=lambda f: f["group"].map(lambda g: t(f"group.{g}"))),
        {"eval_mean": ".3f", "train_mean": ".3f"},
    ),
    hide_index=True,
    column_config={
        "group": t("table.group"),
        "n": "N",
        "eval_mean": t("bn.eval"),
        "train_mean": t("bn.train"),
    },
    key="weights_bn_table",
)

st.subheader(t("weights.card_title"))
card = model_files.model_card(language())
if card is not None:
    with st.container(border=True, height=320):
        st.markdown(card)
else:
    st.info(t("weights.no_card"))

st.subheader(t("weights.loss_title"))
logs = model_files.loss_logs()
if not logs:
    st.info(t("weights.no_logs"))
for log in logs:
    try:
        chart = None if log.table is None else charts.loss_chart(log.table, t("weights.loss_chart", name=log.name))
    except Exception:  # a log with the wrong columns must not take the page down
        chart = None
    if chart is None:
        st.warning(t("weights.bad_log", name=log.name))
        continue
    charts.show(chart)
    st.download_button(
        t("weights.download_log", name=log.name),
        log.payload,
        log.name,
        "text/csv",
        key=f"weights_dl_{log.name}",
        icon=":material/download:",
    )

st.subheader(t("weights.grid_title"))
png = model_files.sample_grid_png()
if png is not None and session_weights.active("generator").wid == session_weights.default_weights("generator"):
    st.image(png, output_format="PNG", caption=t("weights.grid_file"))
else:
    samples = cache.generated_samples(DEFAULTS.weights.grid_n, DEFAULTS.weights.grid_seed)
    grid = pictures.upscale(pictures.grid(samples, columns=8), 3)
    st.image(grid, output_format="PNG", caption=t("weights.grid_live"))
    png = pictures.png_bytes(grid)
st.download_button(t("weights.download_grid"), png, "sample_grid.png", "image/png", icon=":material/download:")
