"""Weights: which generator and discriminator are active (shipped or uploaded), the model card, loss curves, samples."""

import hashlib

import pandas as pd
import streamlit as st

from dashboard import cache, charts, pictures
from dashboard.i18n import error_text, t
from gan_core.weights import WEIGHTS_DIR

WEIGHT_TYPES = ["pt", "pth", "safetensors"]


def _choice_label(kind: str, wid: str) -> str:
    if wid.startswith(cache.UPLOAD_PREFIX):
        return t("weights.choice_upload", name=cache.uploaded(kind)["name"])
    entry = cache.shipped(kind)[wid]
    if kind == "generator" and "epoch" in entry:
        return t("weights.choice_generator", name=wid, epoch=entry["epoch"])
    if entry.get("phase") == 1 and "epoch" in entry:
        return t("weights.choice_joint", name=wid, epoch=entry["epoch"])
    if "generator_epoch" in entry:
        return t(
            "weights.choice_phase2", name=wid, generator_epoch=entry["generator_epoch"], seed=entry.get("seed", "?")
        )
    return t("weights.choice_shipped", name=wid, phase=entry.get("phase", "?"), seed=entry.get("seed", "?"))


def _pick(kind: str) -> None:
    key = f"weights_pick_{kind}"
    st.session_state[key] = cache.active(kind).wid  # the widget always shows what is active (uploads switch it)
    labels = {wid: _choice_label(kind, wid) for wid in cache.weight_choices(kind)}
    st.selectbox(
        t(f"weights.active_{kind}"),
        list(labels),
        format_func=labels.get,
        key=key,
        on_change=lambda: cache.set_active(kind, st.session_state[key]),
        help=t(f"weights.help_{kind}"),
    )


def _upload(kind: str) -> None:
    file = st.file_uploader(t(f"weights.upload_{kind}"), type=WEIGHT_TYPES, key=f"weights_file_{kind}")
    if file is None:
        return
    payload = file.getvalue()
    sha = hashlib.sha256(payload).hexdigest()
    failures = st.session_state.setdefault("weights_failures", {})  # (sha, kind) -> error: a bad file is checked once
    current = cache.uploaded(kind)
    if not (current and current["sha256"] == sha) and (sha, kind) not in failures:
        try:
            cache.upload_weights(payload, file.name, kind)
        except Exception as exc:  # WeightsError or anything unexpected: a message, the active weights stay
            failures[(sha, kind)] = exc
    if (sha, kind) in failures:
        reason = error_text("weights", failures[(sha, kind)])
        st.error(t("weights.upload_failed", name=file.name, reason=reason), icon=":material/error:")
    else:
        st.success(t("weights.upload_ok", name=file.name), icon=":material/check_circle:")


st.title(t("weights.title"))
st.markdown(t("weights.intro"))
cols = st.columns(2)
for col, kind in zip(cols, cache.KINDS):
    with col, st.container(border=True):
        _upload(kind)
        _pick(kind)

images, scores = cache.notebook_examples()
st.subheader(t("weights.examples_title"))
st.caption(t("weights.examples_text"))
for col, row in zip(st.columns(len(scores)), scores.itertuples()):
    pictures.show(col, images[row.name], 4, t(f"example.{row.name}"))
    col.metric(t("table.probability"), f"{row.probability:.4f}")

st.subheader(t("weights.card_title"))
card = WEIGHTS_DIR / "README.md"
if card.is_file():
    with st.container(border=True, height=320):
        # The card's relative image links cannot resolve in the browser; its loss curves and samples are drawn below.
        text = card.read_text(encoding="utf-8", errors="replace")
        st.markdown("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("![")))
else:
    st.info(t("weights.no_card"))

st.subheader(t("weights.loss_title"))
logs = sorted(WEIGHTS_DIR.glob("*loss.csv"))  # dcgan_loss.csv, discriminator*.loss.csv; not scores.csv
if not logs:
    st.info(t("weights.no_logs"))
for path in logs:
    try:
        log = pd.read_csv(path)
        st.altair_chart(charts.loss_chart(log, t("weights.loss_chart", name=path.name)), width="stretch")
    except Exception:  # a malformed log must not take the page down
        st.warning(t("weights.bad_log", name=path.name))
        continue
    st.download_button(
        t("weights.download_log", name=path.name),
        path.read_bytes(),
        path.name,
        "text/csv",
        key=f"weights_dl_{path.name}",
        icon=":material/download:",
    )

st.subheader(t("weights.grid_title"))
grid_file = WEIGHTS_DIR / "sample_grid.png"
gen = cache.active("generator")
if grid_file.is_file() and gen.wid == cache.default_weights("generator"):
    st.image(str(grid_file), output_format="PNG", caption=t("weights.grid_file"))
    png = grid_file.read_bytes()
else:
    grid = pictures.upscale(pictures.grid(cache.generated_samples(64, 0), columns=8), 3)
    st.image(grid, output_format="PNG", caption=t("weights.grid_live"))
    png = pictures.png_bytes(grid)
st.download_button(t("weights.download_grid"), png, "sample_grid.png", "image/png", icon=":material/download:")
