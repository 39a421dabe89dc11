"""Home: the lesson in order, each step linking to its page, and a "predict, then reveal" prompt."""

import streamlit as st

from dashboard import cache, classroom, pages, pictures, readings
from dashboard.i18n import t

st.title(t("walk.title"))
classroom.join_box()  # class mode: the sidebar's join box (and ?room=CODE links)
st.markdown(t("walk.intro"))
st.markdown(t("walk.dx"))


@st.fragment
def predict_then_reveal() -> None:
    """Students commit to a guess of D(noise) first; the button then shows the notebook's two noises."""
    with st.container(border=True):
        st.subheader(t("walk.predict_title"))
        st.markdown(t("walk.predict_text"))
        guess = st.slider(t("walk.guess"), 0.0, 1.0, 0.5, 0.01, key="walk_guess")
        classroom.pooled_note()
        if st.button(t("walk.reveal"), type="primary", key="walk_reveal_button"):
            st.session_state["walk_revealed"] = True
            classroom.submit_guess(classroom.GUESS_STEP, guess)
        if not st.session_state.get("walk_revealed") and not classroom.step_revealed(classroom.GUESS_STEP):
            return
        images, scores = cache.notebook_examples()
        cols = st.columns(2)
        for col, name in zip(cols, ("noise", "binary")):
            prob = float(scores.set_index("name").loc[name, "probability"])
            with col:
                pictures.show(st, images[name], caption=t(f"example.{name}"))
                st.metric(
                    t("walk.real_score"),
                    f"{prob:.4f}",
                    delta=f"{prob - guess:+.2f}",
                    delta_color="off",
                    help=t("walk.delta_help"),
                )
        reading = readings.reveal_reading(scores)
        default = readings.reveal_reading(cache.default_notebook_examples()[1])
        st.info(
            t(
                f"walk.after_reveal_{reading.verdict}",
                noise=reading.noise,
                binary=reading.binary,
                default_noise=default.noise,
            )
        )


predict_then_reveal()
classroom.follow_reveal(classroom.GUESS_STEP)  # class mode: the teacher's reveal shows here within 3 s

st.header(t("walk.steps"))
for number, step in enumerate(pages.steps(), start=1):
    with st.container(border=True):
        st.page_link(step.file, label=f"{number}. {t(f'step.{step.name}.title')}", icon=":material/arrow_forward:")
        st.markdown(f"**{t('walk.notice')}** {t(f'step.{step.name}.notice')}")
st.caption(t("walk.footer"))
