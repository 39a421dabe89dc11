"""Your images: upload or draw, see each preprocessing step, the score, and where it falls against each group."""

import math

import pandas as pd
import streamlit as st

from dashboard import cache, camera, charts, classroom, drawing, my_images, pictures
from dashboard.i18n import error_text, note_text, option_text, score_text, styled, t, uploader_texts
from dashboard.pages import DEFAULTS
from gan_core import sandbox

# by extension only: the content decides the format (gan_core.preprocess.ALLOWED_FORMATS)
FILE_TYPES = ["png", "apng", "jpg", "jpeg", "jfif", "webp", "bmp", "dib", "gif", "tif", "tiff", "heic", "heif", "avif"]
REFERENCE = DEFAULTS.your_images  # the group scores each image's percentile is taken against

sandbox.warm()  # the decoding workers start now, while the student picks a file
st.title(t("mine.title"))
uploader_texts()
st.markdown(t("mine.intro"))
pipeline = st.radio(
    t("mine.pipeline"),
    ["notebook", "mnist"],
    format_func=option_text("mine.pipeline_"),
    horizontal=True,
    key="mine_pipeline",
    help=t("mine.pipeline_help"),
    persist_state="session",
)

classroom.pooled_note()  # class mode: said before anything is submitted
upload_tab, draw_tab, camera_tab = st.tabs([t("mine.tab_upload"), t("mine.tab_draw"), t("mine.tab_camera")])
with upload_tab:
    # A new key empties the uploader when the student clears the list (else its files would come straight back).
    round_ = st.session_state.get("mine_uploader_round", 0)
    files = st.file_uploader(
        t("mine.uploader"),
        type=FILE_TYPES,
        accept_multiple_files=True,
        key=f"mine_files_{round_}",
        help=t("mine.uploader_help"),
    )
    for file in files or []:
        try:
            classroom.submit_image(my_images.add_upload(file.name, file.getvalue(), pipeline))
        except Exception as exc:  # any failure becomes a translated message; the page and earlier images stay
            st.error(t("mine.upload_failed", name=file.name, reason=error_text("image", exc)), icon=":material/error:")

with draw_tab:
    st.caption(t("mine.draw_help"))
    canvas_col, preview_col = st.columns([3, 2])
    with canvas_col:
        rgba = drawing.draw_canvas()
    if rgba is not None:
        try:
            entry = my_images.prepare_drawing(rgba, pipeline)
        except Exception as exc:
            preview_col.error(error_text("image", exc), icon=":material/error:")
        else:
            p = float(cache.score_images(entry["model_input"][None])["probability"].iloc[0])
            pictures.show(preview_col, entry["model_input"], caption=t("mine.model_view"))
            preview_col.metric(t("mine.score"), score_text(p))
            if preview_col.button(
                t("mine.keep_drawing"), icon=":material/add:", key="mine_keep", disabled=my_images.has(entry["id"])
            ):
                classroom.submit_image(my_images.add_drawing(entry))
                st.rerun()

with camera_tab:
    camera.photo_tab()

items = my_images.entries()
if not items:
    if rgba is None:  # not under a drawing that is being scored
        st.info(t("mine.empty"))
    st.stop()

scores = cache.score_images(my_images.model_inputs())
reference = cache.group_scores(REFERENCE.reference_n, REFERENCE.reference_seed)
pct = charts.percentiles(scores["logit"].to_numpy(), reference, "logit")  # logits: no ties where p rounds to 1
pct[~scores["logit"].map(math.isfinite).to_numpy()] = float("nan")  # a NaN score is above nothing, not 100%
group_labels = {g: t(f"group.{g}") for g in pct.columns}

st.header(t("mine.list_title", count=len(items)))
for i in reversed(range(len(items))):
    entry, score = items[i], scores.iloc[i]
    with st.container(border=True):
        kind = [] if entry["source"] == "canvas" else [entry["format"]]  # a drawing's format is "array"
        st.markdown(" · ".join([f"**{my_images.name(entry)}**", t("mine.pipeline_" + entry["pipeline"]), *kind]))
        c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
        c1.image(entry["original"], width=160, output_format="PNG", caption=t("mine.original"))
        c2.image(entry["gray"], width=160, output_format="PNG", caption=t("mine.gray"))
        pictures.show(c3, entry["model_input"], 6, t("mine.model_view"))
        with c4:
            logit = float(score["logit"])
            st.metric(
                t("mine.score"),
                score_text(score["probability"]),
                help=t("mine.logit_is", logit=logit) if math.isfinite(logit) else None,  # never "Logit: nan"
            )
            if math.isfinite(logit):
                st.caption(
                    " · ".join(t("mine.percentile", group=group_labels[g], pct=pct.iloc[i][g]) for g in pct.columns)
                )
            for note in entry["notes"]:
                st.caption(t("mine.note", note=note_text(note)))

table = pd.DataFrame(
    {
        t("table.name"): [my_images.name(e) for e in items],
        t("table.source"): [t("mine.source_" + e["source"]) for e in items],
        t("table.pipeline"): [t("mine.pipeline_" + e["pipeline"]) for e in items],
        t("table.probability"): scores["probability"],
        t("table.logit"): scores["logit"],
        **{t("table.percentile", group=group_labels[g]): pct[g].round(1) for g in pct.columns},
    }
)
st.subheader(t("mine.table_title"))
st.caption(t("mine.table_caption", n=REFERENCE.reference_n))
percent_columns = [t("table.percentile", group=group_labels[g]) for g in pct.columns]
formats = {t("table.probability"): ".4f", t("table.logit"): ".3f", **dict.fromkeys(percent_columns, ".1f")}
st.dataframe(styled(table, formats), hide_index=True)
d1, d2 = st.columns(2)
d1.download_button(
    t("mine.download_csv"),
    table.to_csv(index=False).encode(),
    "my_images_scores.csv",
    "text/csv",
    icon=":material/download:",
)


def _clear() -> None:
    my_images.clear()
    st.session_state["mine_uploader_round"] = st.session_state.get("mine_uploader_round", 0) + 1


d2.button(t("mine.clear"), icon=":material/delete:", on_click=_clear, key="mine_clear")
