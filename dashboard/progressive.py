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

SLOW_S = 0.5  # show partial results once the chunks so far say the whole will take longer than this
# Each redraw costs the server and the browser CPU that the chunks still to come would use (on the classroom box they
# share two cores; figures in benchmarks/README.md, "Progressive results"), so redraws are bounded in time AND in
# progress: a slow, loaded moment must not bring more of them.
BAR_EVERY_S, BAR_STEP = 0.25, 0.05  # the bar moves at most every 0.25 s, and by at least 5% of the work
CHART_EVERY_S, CHART_STEP = 1.0, 1 / 3  # the partial chart: at most every 1 s, and after another third of the work


def run(
    arrivals: Iterator[tuple[int, T]],
    count: int,
    combine: Callable[[list[T | None]], R],
    paint: Callable[[R], Any] | None = None,
    label: str = "",
    clock: Callable[[], float] = time.monotonic,
) -> R:
    """combine([chunk 0, ..., chunk count-1]) from `arrivals`, (i, chunk i) for i in range(count) in any order.

    With `paint`, a placeholder is made where this is called. While chunks remain and the time so far per chunk
    says the whole will take longer than SLOW_S (so from the first chunk of a long run on), it shows a progress bar
    (`label` and the share done; BAR_EVERY_S, BAR_STEP) above paint(combine(the same list with None for every chunk
    not done yet)),
    redrawn as CHART_EVERY_S and CHART_STEP allow; it is emptied at the end. The arrivals are closed on the way out,
    so an interrupted run (a new seed mid-way) stops computing chunks it no longer needs."""
    start = clock()
    done: dict[int, T] = {}
    shown = _Partial(st.empty()) if paint else None
    try:
        for i, chunk in arrivals:
            done[i] = chunk
            if shown is None or paint is None or len(done) == count:
                continue
            now = clock()
            share = len(done) / count
            if (now - start) / share < SLOW_S:
                continue
            if now - shown.chart_at >= CHART_EVERY_S and share - shown.chart_share >= CHART_STEP:
                _paint(shown, paint, combine([done.get(k) for k in range(count)]))
                shown.chart_at, shown.chart_share = clock(), share
            if now - shown.bar_at >= BAR_EVERY_S and share - shown.bar_share >= BAR_STEP:
                shown.bar.progress(share, text=t("progress.partial", label=label, share=share))
                shown.bar_at, shown.bar_share = clock(), share
    finally:
        close = getattr(arrivals, "close", None)
        if close is not None:
            close()
    if shown is not None:
        shown.placeholder.empty()
    return combine([done[k] for k in range(count)])


class _Partial:
    """What a run shows while it is partial: a placeholder holding a progress bar above the partial chart."""

    def __init__(self, placeholder):
        self.placeholder = placeholder
        self.bar = self.chart = None
        self.bar_at = self.chart_at = -float("inf")  # when each was last drawn
        self.bar_share = self.chart_share = -float("inf")  # at what share done


def _paint(shown: _Partial, paint: Callable[[R], Any], partial: R) -> None:
    """Draw paint(partial) in the chart's slot (made, with the bar's, at the first paint)."""
    if shown.chart is None:
        with shown.placeholder.container():
            shown.bar, shown.chart = st.empty(), st.empty()
    with shown.chart.container():
        paint(partial)
