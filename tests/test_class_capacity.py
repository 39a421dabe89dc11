"""benchmarks/class_capacity.py, reduced to 3 students: every walk completes on the pinned server and browser, the
server's run log (dashboard/run_log.py, fragment reruns included) holds each student's actions, and the room holds
3 students, 3 guesses and 3 images. Behaviour only: the figures go to benchmarks/README.md, never asserted here."""

import os
from pathlib import Path

import pytest

from benchmarks import class_capacity, harness

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.async_api")


def test_three_students_walk_and_the_log_has_their_actions(tmp_path):
    if not Path(harness.CHROMIUM).exists() or not Path(class_capacity.TASKSET).exists():
        pytest.skip("needs Debian's Chromium and taskset")
    cores = sorted(os.sched_getaffinity(0))
    log = tmp_path / "runs.jsonl"
    pinned = ["--server-core", str(cores[0]), "--browser-core", str(cores[-1]), "--keep-log", str(log)]
    result = class_capacity.main(
        ["--students", "3", "--stagger", "0.5", "--think", "0.3", "--timeout", "120", "--duration", "600", *pinned]
    )
    assert result["failures"] == []
    assert result["walks_completed"] == 3
    assert (result["room_students"], result["room_guesses"], result["room_images"]) == (3, 3, 3)
    assert result["server_healthy_after"]
    assert result["sessions_in_log"] == 3  # the students' sessions only: the priming visit came before the class
    runs = {label: action["runs"] for label, action in result["actions"].items()}
    for label in ("walkthrough · load", "walkthrough · walk_reveal_button (fragment)", "your_images · upload"):
        assert runs.get(label) == 3, (label, runs)
    assert runs.get("your_images · load", 0) >= 3  # the sidebar link, once each (an upload's st.rerun may add one)
    assert runs.get("walkthrough · walk_guess (fragment)", 0) >= 1  # the slider lives in a fragment
    assert log.read_text().count('"page": "your_images"') >= 6  # the whole log was kept, priming visit included
