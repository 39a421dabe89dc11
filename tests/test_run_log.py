"""dashboard/run_log.py (AppTest): with $GAN_OOD_RUN_LOG set, one JSON line per script run with the page's name and
what triggered it; unset, no file. Fragment reruns (a real browser's) are checked in tests/test_class_capacity.py."""

import json

from apptest import APP, TIMEOUT
from streamlit.testing.v1 import AppTest

from dashboard import run_log


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_one_line_per_run_with_page_and_action(tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv(run_log.ENV, str(log))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert [(r["page"], r["action"]) for r in lines(log)] == [("walkthrough", "load")]
    at.select_slider(key="walk_guess").set_value(0.2).run()
    at.run()  # nothing changed: the same page again
    at.switch_page("views/your_images.py").run()
    assert not at.exception, [e.value for e in at.exception]
    records = lines(log)
    assert [(r["page"], r["action"]) for r in records] == [
        ("walkthrough", "load"),
        ("walkthrough", "walk_guess"),
        ("walkthrough", "rerun"),
        ("your_images", "load"),
    ]
    assert [r["end"] for r in records] == ["ok", "ok", "ok", "stop"]  # an empty "Your images" ends in st.stop()
    assert len({r["session"] for r in records}) == 1
    for r in records:
        assert r["fragment"] is False
        assert r["wall_s"] > 0 and r["cpu_s"] >= 0
        assert r["cpu_s"] <= r["wall_s"] + 0.05  # one thread's CPU cannot outrun the wall clock by more than ticks


def test_nothing_when_unset(tmp_path, monkeypatch):
    monkeypatch.delenv(run_log.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert list(tmp_path.iterdir()) == []
    assert run_log.log_path() is None
