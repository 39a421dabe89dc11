"""A per-run timing log for capacity measurements (benchmarks/class_capacity.py): with $GAN_OOD_RUN_LOG set to a
file, every script run appends one JSON line; unset, nothing is done beyond reading the variable.

One line: {"t": unix time at the end, "session": Streamlit's session id, "page": the view's name, "action": the
widget keys whose value changed for this run ("+"-joined), else "load" (a new session or another page), "rerun"
(the same page again, e.g. after st.rerun) or, in a fragment, "auto" (its run_every timer), "fragment": whether
only a fragment ran, "wall_s" and "cpu_s" (time.thread_time of the script thread: work done in other threads or
processes, such as the warm-up or the decoding sandbox, is not in it), "end": ok / rerun / stop / error}.

app.py calls `begin()` first and runs the page inside `logged()`; fragment reruns do not run app.py, so the
session's fragment storage is wrapped once to time each fragment the ScriptRunner looks up for a rerun (the only
caller of `lookup`). Both read Streamlit internals (session state's widget values, the fragment storage); any
failure there gives action "?" and never stops the app.
"""

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ENV = "GAN_OOD_RUN_LOG"
_LAST_PAGE = "_run_log_page"  # session_state: the page of this session's previous run
_WRAPPED = "_gan_ood_run_log"  # marks a fragment storage whose lookup is already timed
_write_lock = threading.Lock()
_local = threading.local()  # this script thread's begin() snapshot


def log_path() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def _ctx() -> Any:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True)


def _page_name(ctx: Any) -> str:
    """The view's file stem (= dashboard.pages name) of the page this run belongs to."""
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) or {}
    return Path(info.get("script_path") or "?").stem


def _changed_widgets(ctx: Any) -> list[str]:
    """User keys of the widgets whose value differs from the previous run's (read before this run registers any)."""
    from streamlit.runtime.state.common import user_key_from_element_id

    state = ctx.session_state._state
    new, old = state._new_widget_state, state._old_state
    changed = [wid for wid in list(new.states) if wid in old and new.get(wid) != old.get(wid)]
    return sorted(user_key_from_element_id(wid) or "widget" for wid in changed)


def _changed(ctx: Any) -> list[str] | None:
    try:
        return _changed_widgets(ctx)
    except Exception:  # internals moved: still log the run
        return None


def _action(ctx: Any, changed: list[str] | None, page: str, fragment: bool) -> str:
    if changed is None:
        return "?"
    if changed:
        return "+".join(changed)
    if fragment:
        return "auto"
    last = ctx.session_state[_LAST_PAGE] if _LAST_PAGE in ctx.session_state else None  # noqa: SIM401 - no .get
    return "rerun" if last == page else "load"


def _write(path: Path, record: dict) -> None:
    line = json.dumps(record) + "\n"
    with _write_lock, path.open("a") as out:
        out.write(line)


@contextlib.contextmanager
def _timed(path: Path, ctx: Any, page: str, action: str, fragment: bool, start: tuple[float, float]) -> Iterator:
    end = "ok"
    try:
        yield
    except BaseException as exc:
        name = type(exc).__name__
        end = "rerun" if name == "RerunException" else "stop" if name == "StopException" else "error"
        raise
    finally:
        wall, cpu = time.perf_counter() - start[0], time.thread_time() - start[1]
        record = {"t": round(time.time(), 3), "session": ctx.session_id, "page": page, "action": action}
        record.update(fragment=fragment, wall_s=round(wall, 6), cpu_s=round(cpu, 6), end=end)
        _write(path, record)


def begin() -> None:
    """First thing in app.py: the run's start (clock, thread CPU) and what triggered it, for logged()."""
    if log_path() is None:
        return
    ctx = _ctx()
    start = (time.perf_counter(), time.thread_time())
    _local.begun = (id(ctx), start, _changed(ctx) if ctx else None)


def _timed_lookup(path: Path, lookup: Callable) -> Callable:
    def timed_lookup(fragment_id: str) -> Callable:
        fragment = lookup(fragment_id)

        def run() -> Any:
            ctx = _ctx()
            start = (time.perf_counter(), time.thread_time())
            page = _page_name(ctx)
            with _timed(path, ctx, page, _action(ctx, _changed(ctx), page, fragment=True), True, start):
                return fragment()

        return run

    return timed_lookup


def _time_fragments(path: Path, ctx: Any) -> None:
    storage = ctx.fragment_storage
    if not getattr(storage, _WRAPPED, False):
        storage.lookup = _timed_lookup(path, storage.lookup)
        setattr(storage, _WRAPPED, True)


def logged(page: Any) -> contextlib.AbstractContextManager:
    """Around `page.run()` (page: what st.navigation returned): one line for this run; a no-op when unset."""
    path = log_path()
    ctx = _ctx() if path else None
    if path is None or ctx is None:
        return contextlib.nullcontext()
    begun = getattr(_local, "begun", None)
    _local.begun = None
    name = _page_name(ctx)
    if begun is not None and begun[0] == id(ctx):
        start, changed = begun[1], begun[2]
    else:  # begin() was not called in this run
        start, changed = (time.perf_counter(), time.thread_time()), _changed(ctx)
    action = _action(ctx, changed, name, fragment=False)
    with contextlib.suppress(Exception):
        _time_fragments(path, ctx)
    ctx.session_state[_LAST_PAGE] = name
    return _timed(path, ctx, name, action, False, start)
