"""The "photo of paper" tab of Your images: a phone's or laptop's camera (st.camera_input), through
gan_core.paper's pipeline, kept like any other image (and pooled when the student is in a room)."""

import hashlib

import streamlit as st

from dashboard import classroom, my_images
from dashboard.i18n import error_text, t
from gan_core.paper import paper_pipeline
from gan_core.preprocess import PreparedImage, decode_gray, sniff_format

PIPELINE = "paper"


def photo_id(payload: bytes) -> str:
    return f"camera:{hashlib.sha256(payload).hexdigest()[:16]}:{PIPELINE}"


def prepare_photo(payload: bytes) -> dict:
    """A photo's encoded bytes -> a my_images entry through the paper pipeline. Raises preprocess.ImageError."""
    rgb, gray, notes = decode_gray(payload)
    prepared = PreparedImage(rgb, gray, paper_pipeline(gray), notes, sniff_format(payload))
    entry_id = photo_id(payload)
    return my_images._entry(entry_id, f"📷 {entry_id[7:13]}", "camera", PIPELINE, prepared)


def photo_tab() -> None:
    st.caption(t("class.camera_help"))
    photo = st.camera_input(t("class.camera"), key="mine_camera")
    if photo is None:
        return
    payload = photo.getvalue()
    if my_images.has(photo_id(payload)):
        return
    try:
        entry = prepare_photo(payload)
    except Exception as exc:  # any failure becomes a translated message; the page and earlier images stay
        st.error(error_text("image", exc), icon=":material/error:")
        return
    my_images.add(entry)
    classroom.submit_image(entry)
