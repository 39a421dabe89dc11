"""Progressive results: a long computation arrives in chunks, and its page draws the chunks done so far under a
progress bar while the rest are computed, then the whole result as usual.

The painting happens here, in the script thread, between chunks that are each cached on their own
(dashboard/cache.py, computation.arrivals), never inside a cached function: Streamlit's caches cannot be peeked,
and st calls made inside a cached function are recorded and replayed on every later hit. A view whose chunks are
all cached arrives at once and paints nothing partial.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import streamlit as st

from dashboard.i18n import t

T = TypeVar("T")
R = TypeVar("R")

SLOW_S = 0.5  # paint partial results once the chunks so far say the whole will take longer than this
EVERY_S = 0.4  # later partial paints at most this often


def run(
    arrivals: Iterator[tuple[int, T]],
    count: int,
    combine: Callable[[list[T]], R],
    paint: Callable[[R], Any] | None = None,
    label: str = "",
    clock: Callable[[], float] = time.monotonic,
) -> R:
    """combine(every chunk in order) from `arrivals`, (i, chunk i) for i in range(count) in any order.

    With `paint`, a placeholder is made where this is called. While chunks remain and the time so far per chunk
    says the whole will take longer than SLOW_S (so from the first chunk of a long run on), it is repainted at most
    every EVERY_S with a progress bar (`label` and the share done) above paint(combine(the chunks done so far, in
    order)); it is emptied at the end. The arrivals are closed on the way out, so an interrupted run (a new seed
    mid-way) stops computing chunks it no longer needs."""
    start = clock()
    done: dict[int, T] = {}
    placeholder = st.empty() if paint else None
    last_paint: float | None = None
    try:
        for i, chunk in arrivals:
            done[i] = chunk
            if placeholder is None or len(done) == count:
                continue
            now = clock()
            slow = (now - start) / len(done) * count >= SLOW_S
            if slow and (last_paint is None or now - last_paint >= EVERY_S):
                _paint(placeholder, paint, combine([done[k] for k in sorted(done)]), len(done) / count, label)
                last_paint = clock()
    finally:
        close = getattr(arrivals, "close", None)
        if close is not None:
            close()
    if placeholder is not None:
        placeholder.empty()
    return combine([done[k] for k in range(count)])


def _paint(placeholder, paint: Callable[[R], Any], partial: R, share: float, label: str) -> None:
    """One partial paint: the progress bar, then paint(partial), replacing the placeholder's content."""
    with placeholder.container():
        st.progress(share, text=t("progress.partial", label=label, share=share))
        paint(partial)
