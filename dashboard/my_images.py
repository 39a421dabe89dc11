"""The images a student scored in this browser session (uploads and drawings), kept in st.session_state.

Kept small on purpose (many students share one server): per image only the 28x28 model input, thumbnails of the
original and grayscale steps, and a few labels. Scores are recomputed with whatever weights are active.
"""

import numpy as np
import streamlit as st

KEY = "my_images"
DRAWN_KEY = "my_images_drawn"  # how many drawings this session kept: the next is "Drawing DRAWN + 1"
REFUSED_KEY = "my_images_refused"  # content sha256 -> (code, details) of its ImageError: never decoded twice
MAX_KEPT = 24  # oldest dropped first
MAX_REFUSED = 64


def entries() -> list[dict]:
    """This session's images, oldest first. Each: id, name, source, pipeline, model_input (28, 28) float32 in
    [-1, 1], original and gray (uint8 thumbnails), notes (list of i18n keys), format."""
    return st.session_state.setdefault(KEY, [])


def has(entry_id: str) -> bool:
    return any(e["id"] == entry_id for e in entries())


def add(entry: dict) -> None:
    """Append (replacing an entry with the same id), keeping at most MAX_KEPT."""
    kept = [e for e in entries() if e["id"] != entry["id"]] + [entry]
    st.session_state[KEY] = kept[-MAX_KEPT:]


def _replace_upload(entry: dict) -> None:
    """Put `entry` where the upload with the same content was (one entry per file, whatever its pipeline), or
    append it when the file is new."""
    items = entries()
    for i, existing in enumerate(items):
        if existing["source"] == "upload" and existing.get("digest") == entry["digest"]:
            st.session_state[KEY] = [*items[:i], entry, *items[i + 1 :]]
            return
    add(entry)


def add_drawing(entry: dict) -> dict:
    """Keep a canvas entry, numbered in the order the student kept drawings (its name: "Drawing 3")."""
    number = st.session_state.get(DRAWN_KEY, 0) + 1
    st.session_state[DRAWN_KEY] = number
    kept = {**entry, "number": number}
    add(kept)
    return kept


def clear() -> None:
    st.session_state[KEY] = []
    st.session_state[DRAWN_KEY] = 0


def model_inputs() -> np.ndarray:
    """(k, 28, 28) float32: what the discriminator sees for each kept image."""
    items = entries()
    return np.stack([e["model_input"] for e in items]) if items else np.zeros((0, 28, 28), np.float32)


def name(entry: dict) -> str:
    """What the student sees as the image's name, in the session's language: a file's own name, "Drawing 3"."""
    from dashboard.i18n import t

    if entry["source"] == "canvas":
        return t("mine.drawing_name", n=entry["number"]) if "number" in entry else t("mine.source_canvas")
    return entry["name"]


def label(entry: dict, width: int = 24) -> str:
    """A short name for charts: the name (shortened) and the pipeline, in the session's language."""
    from dashboard.i18n import t

    shown = name(entry)
    shown = shown if len(shown) <= width else shown[: width - 1] + "…"
    return f"{shown} · {t('mine.pipeline_' + entry['pipeline'])}"


def _entry(entry_id: str, name: str, source: str, pipeline: str, prepared) -> dict:
    from dashboard.pictures import thumbnail

    return {
        "id": entry_id,
        "name": name,
        "source": source,
        "pipeline": pipeline,
        "model_input": np.asarray(prepared.model_input, np.float32).reshape(28, 28),
        "original": thumbnail(np.asarray(prepared.original)),
        "gray": thumbnail(np.asarray(prepared.gray)),
        "notes": list(prepared.notes or []),
        "format": prepared.format,
    }


def add_upload(name: str, payload: bytes, pipeline: str) -> dict:
    """Prepare an uploaded file's bytes with `pipeline` ("notebook" | "mnist") and keep it; returns the entry.

    An upload is identified by its content hash and pipeline: the same file through another pipeline is prepared
    again and replaces its earlier preparation in place (a pipeline switch never duplicates the list).
    Raises gan_core.preprocess.ImageError for anything that is not a usable image (nothing is kept then).
    The bytes are decoded in gan_core.sandbox (a resource-limited process). The same bytes through the same
    pipeline are prepared once per session, and bytes once refused are refused again from memory, undecoded.
    """
    import hashlib

    from gan_core import sandbox
    from gan_core.preprocess import ImageError

    digest = hashlib.sha256(payload).hexdigest()
    entry_id = f"upload:{digest[:16]}:{pipeline}"
    for existing in entries():
        if existing["id"] == entry_id:
            return existing
    refused = st.session_state.setdefault(REFUSED_KEY, {})
    if digest in refused:
        code, details = refused[digest]
        raise ImageError(code, **details)
    try:
        prepared = sandbox.prepare_image(payload, pipeline)
    except ImageError as exc:  # the refusal does not depend on the pipeline: the file is what it is
        refused[digest] = (exc.code, exc.details)  # not the exception: its traceback would hold the bytes
        while len(refused) > MAX_REFUSED:
            refused.pop(next(iter(refused)))
        raise
    entry = {**_entry(entry_id, name, "upload", pipeline, prepared), "digest": digest}
    _replace_upload(entry)
    return entry


def prepare_drawing(rgba: np.ndarray, pipeline: str) -> dict:
    """A canvas drawing (H, W, 4) uint8 -> an entry (not kept yet: the student decides; add_drawing numbers it).
    Raises ImageError."""
    import hashlib

    from gan_core.preprocess import prepare_array

    prepared = prepare_array(rgba, pipeline)
    digest = hashlib.sha256(np.ascontiguousarray(prepared.model_input, np.float32).tobytes()).hexdigest()[:16]
    return _entry(f"canvas:{digest}:{pipeline}", "", "canvas", pipeline, prepared)
