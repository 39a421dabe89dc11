"""A page's view in the URL (`st.query_params`), so a link a teacher shares opens the same view.

A page names its widgets' keys (the query parameters are the keys themselves, so pages never clash):

    url_state.restore({"dist_n": url_state.choice(DEFAULT.n_choices), "dist_seed": url_state.integer(0, SEED_MAX)})
    ... the widgets, with those keys ...
    url_state.write({"dist_n": DEFAULT.n, "dist_seed": DEFAULT.seed})

`restore` reads the URL once per session and key into st.session_state, before the widget exists; each value is
parsed, validated and clamped, and a value that cannot be read is dropped (the widget keeps its default, no error).
`write` puts the widgets' values back, leaving defaults out of the URL to keep links short. The active weights
travel too (`weights()`, called by the router): shipped file names only, never a session's upload id.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

Parser = Callable[[str], Any]  # URL text -> the widget's value, or None when the text is not a valid value
_READ = "url_state_read"  # session_state: the keys already taken from the URL (once each per session)
WEIGHT_PARAMS = {"generator": "g", "discriminator": "d"}


def integer(low: int, high: int) -> Parser:
    """Whole numbers, clamped into [low, high]."""

    def parse(text: str) -> int | None:
        try:
            value = int(text.strip())
        except ValueError:
            return None
        return min(max(value, low), high)

    return parse


def number(low: float, high: float, step: float) -> Parser:
    """Finite numbers, clamped into [low, high] and snapped to the widget's grid of `step` from `low`."""

    def parse(text: str) -> float | None:
        try:
            value = float(text.strip())
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        value = min(max(value, low), high)
        return round(low + round((value - low) / step) * step, 10)

    return parse


def choice(options: Sequence) -> Parser:
    """One of `options`, written as str(option) in the URL."""
    by_text = {str(option): option for option in options}
    return lambda text: by_text.get(text.strip())


def _first_read(key: str) -> bool:
    read = st.session_state.setdefault(_READ, set())
    if key in read:
        return False
    read.add(key)
    return True


def _url_value(key: str) -> str | None:
    values = st.query_params.get_all(key)
    return values[-1] if values else None


def restore(parsers: Mapping[str, Parser]) -> None:
    """Before the widgets: each key's URL value (first time this session only) into st.session_state."""
    for key, parse in parsers.items():
        if not _first_read(key):
            continue
        text = _url_value(key)
        value = None if text is None else parse(text)
        if value is not None:
            st.session_state[key] = value


def _put(key: str, value: Any, default: Any) -> None:
    text = None if value is None or value == default else str(value)
    if text is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != text:
        st.query_params[key] = text


def write(defaults: Mapping[str, Any]) -> None:
    """After the widgets: each key's current value into the URL, or out of it when it is the default."""
    for key, default in defaults.items():
        _put(key, st.session_state.get(key), default)


def weights() -> None:
    """The active generator and discriminator from and to the URL (?g=…&d=…): shipped names only. Read once per
    session; an unknown name is ignored; an upload keeps the parameter out (its id means nothing elsewhere)."""
    from dashboard import session_weights

    for kind, param in WEIGHT_PARAMS.items():
        shipped = session_weights.shipped(kind)
        if _first_read(param):
            name = _url_value(param)
            if name is not None and name.strip() in shipped:
                session_weights.set_active(kind, name.strip())
        wid = session_weights.active(kind).wid
        _put(param, wid if wid in shipped else None, session_weights.default_weights(kind))
