"""The sidebar badge on every page: which generator and discriminator this session's numbers come from, how each
was trained, and one click back to the notebook's pair (the shipped defaults)."""

import streamlit as st

from dashboard import session_weights, weight_names
from dashboard.i18n import t


def _reset() -> None:
    for kind in session_weights.KINDS:
        session_weights.set_active(kind, session_weights.default_weights(kind))


def sidebar_badge() -> None:
    """Draw the badge in the sidebar (called by the router, so every page has it)."""
    with st.sidebar.container(border=True):
        st.markdown(f"**{t('badge.title')}**")
        for kind in session_weights.KINDS:
            label = weight_names.describe(kind, session_weights.active(kind).wid, short=True)
            st.caption(t(f"badge.{kind}", label=label))
        on_defaults = all(
            session_weights.active(kind).wid == session_weights.default_weights(kind) for kind in session_weights.KINDS
        )
        if not on_defaults:
            st.button(t("badge.reset"), icon=":material/restart_alt:", key="badge_reset", on_click=_reset)
