"""The "draw a digit" canvas of Your images: streamlit-drawable-canvas with Undo and Clear as Streamlit buttons
(translated, always visible, finger-sized) instead of the component's own toolbar.

Why: the component's toolbar shows only on mouse hover (a phone cannot reach it) and its labels ("Undo", "Reset
canvas & history") are fixed English strings in its JavaScript; `st_canvas` has no argument for either. So the
toolbar is hidden by the component's own stylesheet (`_hide_toolbar`), and the buttons here edit the drawing from
Python: they hand the canvas a new `initial_drawing` (the last drawing minus its last stroke, or nothing). The
component reloads a changed `initial_drawing` and sends the drawing (and its image) back, which reruns the page;
until it has, the page shows no score, since the canvas's value is still the drawing before the button.
"""

import functools
import logging
from pathlib import Path

import numpy as np
import streamlit as st
import streamlit_drawable_canvas as canvas_component
from streamlit.errors import StreamlitAPIException

from dashboard.i18n import t

KEY = "mine_canvas"
BASE = "mine_canvas_base"  # the initial_drawing handed to the canvas: {"objects": [...], ROUND: n}
ROUND = "ganOodRound"  # makes each Undo/Clear's initial_drawing new, even when its strokes repeat an earlier one
OBJECTS = "mine_canvas_objects"  # the strokes the canvas reported last
PENDING = "mine_canvas_pending"  # Undo/Clear was pressed and the canvas has not sent the new drawing yet
BUTTONS = ("mine_canvas_undo", "mine_canvas_clear", "mine_keep")
# Streamlit's buttons are 40 px tall; a finger wants 44 at least (WCAG 2.5.5, Apple's HIG).
BUTTON_CSS = "<style>" + ", ".join(f".st-key-{key} button" for key in BUTTONS) + " { min-height: 3rem; }</style>"
_COMPONENT = "streamlit-drawable-canvas.streamlit_drawable_canvas"  # the name the package registers
_TOOLBAR_HIDDEN = ".dc-toolbar { display: none !important; }"


def _hide_toolbar() -> None:
    """Register the canvas component again with its stylesheet plus a rule hiding its toolbar.

    The component draws into a shadow root, so the page's CSS cannot reach the toolbar; only the component's own
    stylesheet can. Its JavaScript stays the package's file (served from its asset dir). Registration is per
    runtime (the server, or each AppTest), hence checked on every call; the package's definition is dropped first
    so Streamlit does not log an "overwriting" warning.
    """
    try:
        from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager

        manager = get_bidi_component_manager()
        existing = manager.get(_COMPONENT)
        css = _stylesheet()
        if existing is not None and existing.css_content == css:
            return
        if existing is not None:
            manager.unregister(_COMPONENT)
        # The newline makes Streamlit read the string as CSS, not as a path (the package's CSS has a "/" in it).
        st.components.v2.component(_COMPONENT, js="index-*.js", css=css, html='<div class="canvas-root"></div>')
    except (ImportError, StreamlitAPIException) as exc:  # another canvas version: its toolbar shows, the page works
        logging.getLogger(__name__).warning("the canvas toolbar could not be hidden: %s", exc)


@functools.cache  # the package's file does not change while the server runs
def _stylesheet() -> str:
    build = Path(canvas_component.__file__).parent / "frontend" / "build"
    return "\n".join([*(p.read_text() for p in sorted(build.glob("index-*.css"))), _TOOLBAR_HIDDEN])


def strokes() -> list[dict]:
    """The canvas's strokes as far as the page knows: what Undo/Clear asked for while the canvas has not answered,
    else what it reported last."""
    state = st.session_state
    if state.get(PENDING):
        return list(state.get(BASE, {}).get("objects", []))
    return list(state.get(OBJECTS, []))


def _restart(objects: list[dict]) -> None:
    state = st.session_state
    state[BASE] = {"objects": objects, ROUND: state.get(BASE, {}).get(ROUND, 0) + 1}
    state[PENDING] = True


def undo() -> None:
    """Remove the last stroke."""
    _restart(strokes()[:-1])


def clear() -> None:
    """Empty the canvas."""
    _restart([])


def _reported() -> None:
    st.session_state[PENDING] = False


def draw_canvas(size: int = 280) -> np.ndarray | None:
    """The canvas with Undo and Clear under it. Returns the drawing as (size, size, 4) uint8 RGBA, or None while
    it is empty or while the canvas has not yet sent the drawing Undo/Clear asked for."""
    _hide_toolbar()
    st.html(BUTTON_CSS)
    if KEY not in st.session_state:  # a new canvas (first visit, or back from another page) starts empty
        for key in (BASE, OBJECTS, PENDING):
            st.session_state.pop(key, None)
    drawing = canvas_component.st_canvas(
        stroke_width=18,
        stroke_color="#FFFFFF",
        background_color="#000000",
        width=size,
        height=size,
        drawing_mode="freedraw",
        initial_drawing=st.session_state.get(BASE),
        return_image_data=True,
        on_change=_reported,
        key=KEY,
    )
    if not st.session_state.get(PENDING):
        st.session_state[OBJECTS] = list((drawing.json_data or {}).get("objects", []))
    empty = not strokes()
    with st.container(horizontal=True):
        st.button(t("mine.canvas_undo"), icon=":material/undo:", key=BUTTONS[0], on_click=undo, disabled=empty)
        st.button(t("mine.canvas_clear"), icon=":material/ink_eraser:", key=BUTTONS[1], on_click=clear, disabled=empty)
    if st.session_state.get(PENDING) or empty:
        return None
    rgba = drawing.image_data
    return rgba if rgba is not None and rgba[..., :3].max() > 0 else None
