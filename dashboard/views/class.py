"""Class mode, the teacher's view (`class?room=CODE&teacher=KEY`): the room's code and QR code, the class's guesses
against D's answer and its images on the score axis, live; and the teacher's controls."""

from urllib.parse import urlsplit

import numpy as np
import streamlit as st

from dashboard import cache, charts, class_charts, classroom, feature_charts
from dashboard.i18n import t
from dashboard.pages import DEFAULTS
from dashboard.session_weights import shipped
from gan_core.rooms import RoomError

STEP = classroom.GUESS_STEP

st.title(t("class.title"))
if (problem := classroom.read_teacher_link()) is not None:
    st.error(problem, icon=":material/error:")

held = classroom.teacher_room()
if held is None:
    st.markdown(t("class.intro"))
    new_col, open_col = st.columns(2)
    with new_col:
        if st.button(t("class.create"), type="primary", icon=":material/add:", key="class_create"):
            classroom.create_room()
            st.rerun()
    with open_col, st.form("class_open_form"):
        code = st.text_input(t("class.code"), key="class_open_code")
        key = st.text_input(t("class.teacher_key"), type="password", key="class_open_key")
        if st.form_submit_button(t("class.open")):
            if (problem := classroom.open_as_teacher(code, key)) is None:
                st.rerun()
            st.error(problem, icon=":material/error:")
    st.stop()

room, key = held
store = classroom.store()
store.renew(room.code, key)  # a teacher with this page open keeps the room alive


def join_link(code: str) -> str:
    """The students' link: this server's address with ?room=CODE (the walkthrough, where the join box is)."""
    parts = urlsplit(st.context.url or "http://localhost:8501")
    return f"{parts.scheme}://{parts.netloc}/?room={code}"


link = join_link(room.code)
code_col, qr_col = st.columns([2, 1])
with code_col:
    st.markdown(t("class.code_for_students"))
    st.html(f"<div style='font: 700 5rem/1.1 monospace; letter-spacing: .4rem'>{room.code}</div>")
    st.markdown(t("class.link", link=link))
    with st.expander(t("class.teacher_key")):
        st.caption(t("class.key_help"))
        st.code(key, language=None)
qr_col.image(class_charts.qr_png(link), width=220)


@st.fragment(run_every=2)
def live(code: str) -> None:
    """Re-read the room every 2 s: counts, the guesses against D's answer, the images on the score axis."""
    try:
        current = store.room(code)
        students, guesses, images = store.student_count(code), store.guesses(code), store.images(code)
    except RoomError:
        st.warning(t("class.gone"), icon=":material/warning:")
        return
    values = np.array([g["value"] for g in guesses if g["step"] == STEP], float)
    hidden = sum(im["hidden"] for im in images)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("class.students"), students)
    c2.metric(t("class.guesses"), len(values))
    c3.metric(t("class.images"), len(images) - hidden, help=t("class.hidden_count", n=hidden))

    revealed = STEP in current.revealed
    _, scores = cache.notebook_examples.run(classroom.room_refs(current))
    answer = float(scores.set_index("name").loc["noise", "probability"])
    st.subheader(t("class.guess_title"))
    charts.show(class_charts.guess_chart(values, answer if revealed else None))
    if not revealed:
        st.caption(t("class.answer_hidden"))
    elif len(values):
        near = class_charts.near_answer(values, answer)
        st.markdown(t("class.guess_summary", near=near, total=len(values), answer=answer))

    st.subheader(t("class.images_title"))
    points = class_charts.image_points(images)
    if points.empty:
        st.caption(t("class.no_images"))
        return
    charts.show(class_charts.image_chart(points))
    left_out = len(images) - hidden - len(points)
    weights = classroom.room_refs(current)["discriminator"].wid
    st.caption(t("class.images_caption", shown=len(points), left_out=left_out, weights=weights))
    if st.toggle(t("class.plane"), key="class_plane", help=t("class.plane_help")):
        plane(current, images, points)


def plane(current, images: list[dict], points) -> None:
    """The class's images in the feature-space page's PCA plane (fitted on real and generated digits)."""
    view_defaults = DEFAULTS.feature_space
    with st.spinner(t("fs.computing")):
        view = cache.feature_space.run(
            classroom.room_refs(current), view_defaults.n, view_defaults.seed, view_defaults.scatter_cap
        )
    by_id = {im["id"]: im for im in images}
    shown = np.stack([by_id[i]["model_input"] for i in points["id"]])
    mine = classroom.feature_points(shown, current, view).assign(
        label=t("class.plane_mine"), name=[f"#{i}" for i in points["id"]], thumb=points["thumb"].to_numpy()
    )
    groups = view.points.assign(label=lambda f: f["group"].map(lambda g: t(f"group.{g}")))
    chart, _ = feature_charts.pca_chart(groups, "own", view.pcas["own"], view.w, view.b, view.groups, mine)
    st.html(feature_charts.TOOLTIP_CSS)
    charts.show(chart, width="content")


live(room.code)

st.header(t("class.controls"))
images = store.images(room.code, pixels=False)
hide_col, pin_col = st.columns(2)
with hide_col, st.container(border=True):
    st.markdown(f"**{t('class.hide_title')}**")
    labels = {
        im["id"]: t("class.image_label", id=im["id"], source=t(f"mine.source_{im['source']}"), p=im["probability"])
        + (f" · {t('class.hidden')}" if im["hidden"] else "")
        for im in images
    }
    chosen = st.selectbox(t("class.image"), list(labels), format_func=labels.get, key="class_hide_choice")
    if chosen is not None:
        is_hidden = next(im["hidden"] for im in images if im["id"] == chosen)
        if st.button(t("class.show") if is_hidden else t("class.hide"), key="class_hide_button"):
            store.set_hidden(room.code, key, chosen, not is_hidden)
            st.rerun()
with pin_col, st.container(border=True):
    st.markdown(f"**{t('class.pin_title')}**")
    generators, discriminators = list(shipped("generator")), list(shipped("discriminator"))
    gen = st.selectbox(
        t("class.pin_generator"),
        generators,
        index=generators.index(room.generator) if room.generator in generators else 0,
        key="class_pin_generator",
    )
    disc = st.selectbox(
        t("class.pin_discriminator"),
        discriminators,
        index=discriminators.index(room.discriminator) if room.discriminator in discriminators else 0,
        key="class_pin_discriminator",
    )
    if st.button(t("class.pin"), key="class_pin_button"):
        store.pin_weights(room.code, key, gen, disc)
        pinned = store.room(room.code)
        every = store.images(room.code)
        if every:  # the pooled scores follow the room's weights
            scores = classroom.score(np.stack([im["model_input"] for im in every]), pinned)
            rescored = {im["id"]: (p, q) for im, p, q in zip(every, scores["probability"], scores["logit"])}
            store.rescore(room.code, key, rescored, disc)
        st.rerun()

reveal_col, close_col = st.columns(2)
with reveal_col, st.container(border=True):
    st.markdown(f"**{t('class.reveal_title')}**")
    if st.button(t("class.reveal"), key="class_reveal", disabled=STEP in room.revealed, type="primary"):
        store.reveal(room.code, key, STEP)
        st.rerun()
with close_col, st.container(border=True):
    st.markdown(f"**{t('class.close_title')}**")
    sure = st.checkbox(t("class.close_sure"), key="class_close_sure")
    if st.button(t("class.close"), key="class_close", disabled=not sure, icon=":material/delete:"):
        store.close(room.code, key)
        classroom.forget_teacher()
        st.rerun()
