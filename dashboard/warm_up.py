"""The server's warm-up: every page's default view computed into the shared caches once per server process, in a
background thread, before students ask for it. What to compute is read from the `warm` declarations in
dashboard/cache.py (dashboard/computation.py's REGISTRY) and the pages' defaults in dashboard/pages.py.

GAN_OOD_WARM_UP=0 turns it off; =models loads only the shipped models and the data files (what the benchmark's
"first visitor" rows start from).
"""

import contextlib
import ctypes
import os
import threading
import time

import streamlit as st
from streamlit.logger import get_logger

from dashboard import cache, pages  # noqa: F401 - cache declares the computations this module warms
from dashboard.computation import REGISTRY, Computation, Warm
from dashboard.session_weights import shipped_ref, shipped_refs
from gan_core import data

ENV = "GAN_OOD_WARM_UP"
_log = get_logger(__name__)


def planned_calls(defaults: pages.Defaults = pages.DEFAULTS, later: bool = True) -> list[tuple[Computation, Warm]]:
    """(computation, call) pairs in warm-up order: every default view first, then (with `later`) the later ones."""
    calls = [(comp, call) for comp in REGISTRY for call in comp.warm_calls(defaults)]
    first = [(comp, call) for comp, call in calls if not call.later]
    return first + ([(comp, call) for comp, call in calls if call.later] if later else [])


def load_models() -> None:
    """Every shipped model and the data files, into their server-wide caches."""
    for ref in [*shipped_refs("generator"), *shipped_refs("discriminator")]:
        ref.model  # noqa: B018 - loading is the point
    data.load_files()


def warm_up(calls: list[tuple[Computation, Warm]] | None = None) -> float:
    """Load the models, then compute `calls` (default: planned_calls()) with the shipped default weights into the
    shared caches; seconds taken. A failure is logged and skipped: warming is an optimisation, never an error."""
    start = time.monotonic()
    load_models()
    _log.info("warm-up: models and data files loaded in %.1f s", time.monotonic() - start)
    default_refs = {"generator": shipped_ref("generator"), "discriminator": shipped_ref("discriminator")}
    for comp, call in planned_calls() if calls is None else calls:
        discriminators = shipped_refs("discriminator") if call.every_discriminator else [default_refs["discriminator"]]
        for disc in discriminators:
            try:
                comp.run({**default_refs, "discriminator": disc}, *call.args)
            except Exception:  # the page will compute (and report) it itself
                _log.warning("warm-up of %s%s failed", comp.name, call.args, exc_info=True)
    _release_free_memory()
    seconds = time.monotonic() - start
    _log.info("warm-up done in %.1f s", seconds)
    return seconds


def _release_free_memory() -> None:
    """Hand the heap's free pages back to the OS (glibc keeps the warm-up's freed activations mapped)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread | None:
    """Once per server process: warm_up() in a daemon thread (see the module docstring for GAN_OOD_WARM_UP)."""
    mode = os.environ.get(ENV, "1")
    if mode == "0":
        return None
    target = load_models if mode == "models" else warm_up
    # Not niced: a low-priority thread holding the GIL would stall the students' script threads behind it.
    thread = threading.Thread(target=target, name="gan-ood-warm-up", daemon=True)
    thread.start()
    return thread
