"""Class mode in one browser session: the room it joined as a student or runs as the teacher, and the few hooks the
pages call to pool a guess or an image. Storage is gan_core.rooms (one RoomStore per server and database).

Only inside a room does anything leave the session, and then only what the students are told before they submit:
their predict-then-reveal guesses and each image's 28x28 model input with its score under the room's weights.
"""

import secrets

import numpy as np
import pandas as pd
import streamlit as st
import torch

from dashboard import my_images
from dashboard.i18n import t
from dashboard.session_weights import Active, shipped_ref
from gan_core import features, scoring
from gan_core.rooms import Room, RoomError, RoomStore, database_url

_STUDENT, _ROOM, _TEACHER, _SENT = "class_student", "class_room", "class_teacher", "class_sent"  # session_state
GUESS_STEP = "noise"  # the walkthrough's predict-then-reveal: D of the notebook's noise (seed 42)


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(url: str) -> RoomStore:
    return RoomStore(url)


def store() -> RoomStore:
    """This server's store for $GAN_OOD_DATABASE_URL (else the SQLite file under $GAN_OOD_DATA_DIR)."""
    return _store(database_url())


def error_text(exc: RoomError) -> str:
    return t(f"class.error_{exc.code}", **exc.details)


def student_id() -> str:
    """This session's anonymous id (no account): what the room counts as one student."""
    return st.session_state.setdefault(_STUDENT, secrets.token_hex(8))


# ----- the student's side -----


def joined_room() -> Room | None:
    """The room this session joined, while it is open (a closed or expired one is forgotten)."""
    code = st.session_state.get(_ROOM)
    if code is None:
        return None
    try:
        return store().room(code)
    except RoomError:
        del st.session_state[_ROOM]
        return None


def join(code: str) -> str | None:
    """Join room `code` as this session's student; None, or the reason it was refused (translated)."""
    try:
        room = store().join(code, student_id(), session=student_id())
    except RoomError as exc:
        return error_text(exc)
    st.session_state[_ROOM] = room.code
    # Images kept before joining stay private: only what is added in the room, after the notice, is pooled.
    st.session_state[_SENT] = {entry["id"] for entry in my_images.entries()}
    return None


def leave() -> None:
    st.session_state.pop(_ROOM, None)


def join_box() -> None:
    """The sidebar's join box (and `?room=CODE` from the teacher's link or QR code); in a room, what it pools."""
    linked = st.query_params.get("room")
    teaching = st.session_state.get(_TEACHER, ("",))[0]
    if linked and st.session_state.get("class_linked") != linked and linked != teaching:
        st.session_state["class_linked"] = linked  # once per link: a refused code is not retried every rerun
        if (problem := join(linked)) is not None:
            st.sidebar.error(problem, icon=":material/error:")
    room = joined_room()
    with st.sidebar.container(border=True):
        if room is not None:
            st.markdown(t("class.joined", code=room.code))
            st.caption(t("class.pooled"))
            st.button(t("class.leave"), key="class_leave", on_click=leave)
            return
        with st.form("class_join_form", border=False):
            typed = st.text_input(t("class.code"), max_chars=12, key="class_code_typed", help=t("class.code_help"))
            submitted = st.form_submit_button(t("class.join"))
        if submitted and (problem := join(typed)) is not None:
            st.error(problem, icon=":material/error:")
        elif submitted:
            st.rerun()


def pooled_note() -> None:
    """Said before a student submits anything while in a room."""
    room = joined_room()
    if room is not None:
        st.info(t("class.pooled_here", code=room.code), icon=":material/groups:")


def submit_guess(step: str, value: float) -> None:
    """Pool this student's guess for `step` (the first one counts: one guess per step)."""
    room = joined_room()
    if room is None:
        return
    try:
        store().add_guess(room.code, student_id(), step, value)
    except RoomError as exc:
        if exc.code != "guess_taken":
            st.warning(error_text(exc), icon=":material/warning:")


def step_revealed(step: str) -> bool:
    room = joined_room()
    return room is not None and step in room.revealed


def follow_reveal(step: str) -> None:
    """In a room, until the teacher reveals `step`: look every 3 s, and rerun the page once they have."""
    if joined_room() is not None and not step_revealed(step):
        _watch_reveal(step)


@st.fragment(run_every=3)
def _watch_reveal(step: str) -> None:
    if step_revealed(step):
        st.rerun()


def room_refs(room: Room) -> dict[str, Active]:
    """The room's weights: the pinned shipped files, or the shipped defaults."""
    return {
        "generator": shipped_ref("generator", room.generator),
        "discriminator": shipped_ref("discriminator", room.discriminator),
    }


def score(images: np.ndarray, room: Room) -> dict:
    """(k, 28, 28) in [-1, 1] -> {"probability", "logit": (k,)} under the room's discriminator."""
    batch = torch.from_numpy(np.asarray(images, np.float32).reshape(-1, 1, 28, 28))
    return scoring.score_batch(room_refs(room)["discriminator"].model, batch)


def feature_points(images: np.ndarray, room: Room, view) -> pd.DataFrame:
    """(k, 28, 28) in [-1, 1] -> cache.feature_points' columns, with the room's discriminator (not the session's)."""
    batch = torch.from_numpy(np.asarray(images, np.float32).reshape(-1, 1, 28, 28))
    phi, _ = features.extract_features(room_refs(room)["discriminator"].model, batch)
    return features.feature_table(phi, view.w, view.b, view.pcas)


def submit_image(entry: dict) -> None:
    """Pool one of my_images' entries (its 28x28 model input only) once, scored under the room's weights."""
    room = joined_room()
    sent = st.session_state.setdefault(_SENT, set())
    if room is None or entry["id"] in sent:
        return
    scores = score(entry["model_input"][None], room)
    try:
        store().add_image(
            room.code,
            student_id(),
            entry["model_input"],
            float(scores["probability"][0]),
            float(scores["logit"][0]),
            room_refs(room)["discriminator"].wid,
            entry["source"],
        )
    except RoomError as exc:
        st.warning(error_text(exc), icon=":material/warning:")
    sent.add(entry["id"])


# ----- the teacher's side -----


def teacher_room() -> tuple[Room, str] | None:
    """(room, teacher key) this session runs, while the room is open and the key is its key."""
    held = st.session_state.get(_TEACHER)
    if held is None:
        return None
    try:
        return store().check_teacher(held[0], held[1]), held[1]
    except RoomError:
        del st.session_state[_TEACHER]
        return None


def open_as_teacher(code: str, key: str) -> str | None:
    """None, or the reason (translated). A key is 24 random bytes: there is nothing to gain by guessing."""
    try:
        room = store().check_teacher(code, key)
    except RoomError as exc:
        return error_text(exc)
    st.session_state[_TEACHER] = (room.code, key)
    return None


def read_teacher_link() -> str | None:
    """`class?room=CODE&teacher=KEY`: into session state, and the key out of the URL bar. None or the problem."""
    key = st.query_params.get("teacher")
    if key is None:
        return None
    code = st.query_params.get("room", "")
    del st.query_params["teacher"]
    return open_as_teacher(code, key)


def create_room() -> Room:
    keys = store().create_room()
    st.session_state[_TEACHER] = (keys.code, keys.teacher_key)
    return store().room(keys.code)


def forget_teacher() -> None:
    st.session_state.pop(_TEACHER, None)
