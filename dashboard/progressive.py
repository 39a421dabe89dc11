"""Progressive results: a long computation arrives in chunks, and its page draws the chunks done so far under a
progress bar while the rest are computed, then the whole result as usual.

The painting happens here, in the script thread, between chunks that are each cached on their own
(dashboard/cache.py, computation.arrivals), never inside a cached function: Streamlit's caches cannot be peeked,
and st calls made inside a cached function are recorded and replayed on every later hit. A view whose chunks are
all cached arrives at once and paints nothing partial.
"""

import queue
import threading
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
    shown = _Partial(count, combine, paint, label, clock) if paint else None
    done: dict[int, T] = {}
    try:
        for i, chunk in arrivals:
            done[i] = chunk
            if shown is not None and len(done) < count:
                shown.update(done)
    finally:
        close = getattr(arrivals, "close", None)
        if close is not None:
            close()
    if shown is not None:
        shown.placeholder.empty()
    return combine([done[k] for k in range(count)])


class Cancelled(Exception):
    """Raised inside a reported computation when the script run that waits for it has stopped."""


def run_reported(
    compute: Callable[[Callable[[int, T], None]], R],
    count: int,
    combine: Callable[[list[T | None]], Any],
    paint: Callable[[Any], Any],
    label: str = "",
    clock: Callable[[], float] = time.monotonic,
) -> R:
    """compute(report) for one computation that cannot be split into cached chunks (the feature space: its fits
    need every part at once), painted as run() paints while it goes.

    compute runs in a thread of its own and calls report(i, part i) as each of its `count` parts is ready; this
    script thread draws the progress bar over paint(combine(parts so far)) as run() does. A compute that reports
    nothing (its result came from a cache) returns at once and paints nothing. When this script run stops (a new
    seed mid-way), compute's next report raises Cancelled, so it stops instead of finishing for nobody. compute
    must not touch session state or call Streamlit: only the script thread may."""
    parts: queue.SimpleQueue = queue.SimpleQueue()
    stopped = threading.Event()
    outcome: dict[str, Any] = {}

    def report(i: int, part: T) -> None:
        if stopped.is_set():
            raise Cancelled
        parts.put((i, part))

    def target() -> None:
        try:
            outcome["value"] = compute(report)
        except BaseException as error:  # raised again in the script thread
            outcome["error"] = error
        finally:
            parts.put(None)

    shown = _Partial(count, combine, paint, label, clock)  # its clock starts before compute does
    threading.Thread(target=target, name="reported-computation", daemon=True).start()
    done: dict[int, T] = {}
    try:
        while (item := parts.get()) is not None:
            done[item[0]] = item[1]
            shown.update(done)
    finally:
        stopped.set()
    shown.placeholder.empty()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class _Partial:
    """What a run shows while it is partial: a placeholder (made where the run is called) holding a progress bar
    above the partial chart, each redrawn as SLOW_S, BAR_* and CHART_* allow."""

    def __init__(self, count: int, combine: Callable, paint: Callable, label: str, clock: Callable[[], float]):
        self.count, self.combine, self.paint, self.label, self.clock = count, combine, paint, label, clock
        self.start = clock()
        self.placeholder = st.empty()
        self.bar = self.chart = None
        self.bar_at = self.chart_at = -float("inf")  # when each was last drawn
        self.bar_share = self.chart_share = -float("inf")  # at what share done

    def update(self, done: dict) -> None:
        """Redraw for the parts done so far ({i: part}), if the whole looks slow and enough has changed."""
        now = self.clock()
        share = len(done) / self.count
        if (now - self.start) / share < SLOW_S:
            return
        if now - self.chart_at >= CHART_EVERY_S and share - self.chart_share >= CHART_STEP:
            self._paint(self.combine([done.get(k) for k in range(self.count)]))
            self.chart_at, self.chart_share = self.clock(), share
        if now - self.bar_at >= BAR_EVERY_S and share - self.bar_share >= BAR_STEP:
            self.bar.progress(share, text=t("progress.partial", label=self.label, share=share))
            self.bar_at, self.bar_share = self.clock(), share

    def _paint(self, partial) -> None:
        """Draw paint(partial) in the chart's slot (made, with the bar's, at the first paint)."""
        if self.chart is None:
            with self.placeholder.container():
                self.bar, self.chart = st.empty(), st.empty()
        with self.chart.container():
            self.paint(partial)
