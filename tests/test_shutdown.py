"""Stopping the server: SIGINT or SIGTERM during the cache warm-up ends `gan-ood dashboard` (a real Streamlit server
on a free loopback port, as scripts/dashboard.sh starts it) within 5 s, with exit status 0 or the signal's, and
without a traceback or an abort (gan_core.workers stops the warm-up at its next batch)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOADED = "warm-up: models and data files loaded"  # dashboard.warm_up.warm_up's first log line: computing starts
DONE = "warm-up done"
STOP_WITHIN_S = 5
SERVE = [sys.executable, "-m", "gan_core.cli", "dashboard"]  # what scripts/dashboard.sh runs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def _wait_for(predicate, proc, log: Path, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what}: not reached (exit {proc.poll()}); log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.mark.browser  # a browser session starts the warm-up (dashboard/app.py runs for the first visitor)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_warm_up_stops_the_server_cleanly(tmp_path, sig):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    port, log = _free_port(), tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [*SERVE, "--server.port", str(port), "--server.address", "127.0.0.1", "--logger.level", "info"],
            cwd=ROOT,
            env={**os.environ, "GAN_OOD_WARM_UP": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: _healthy(url), proc, log, 90, "/_stcore/health")
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            browser.new_page().goto(url)  # the first session starts the warm-up thread
            _wait_for(lambda: LOADED in log.read_text(), proc, log, 120, "the warm-up's computing phase")
            proc.send_signal(sig)
            try:
                code = proc.wait(timeout=STOP_WITHIN_S)
            except subprocess.TimeoutExpired:
                pytest.fail(f"still running {STOP_WITHIN_S} s after {sig.name}; log:\n{log.read_text()[-3000:]}")
            browser.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert DONE not in text, "the warm-up had finished: the signal did not land during it"
    assert code in (0, -sig), (code, text[-3000:])
    for sign in ("Traceback", "terminate called", "cannot schedule new futures", "Aborted", "core dumped"):
        assert sign not in text, text[-3000:]
