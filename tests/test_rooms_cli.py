"""`gan-ood room create/show/close` as a real process, on a SQLite file and on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from postgres import postgres  # noqa: F401 - the session's PostgreSQL cluster fixture

from gan_core.rooms import RoomStore, database_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    extra = {"GAN_OOD_DATA_DIR": str(tmp_path / "data")}
    if request.param == "postgresql":
        extra["GAN_OOD_DATABASE_URL"] = request.getfixturevalue("postgres").new_database()
    return {**os.environ, **extra, "OMP_NUM_THREADS": "1"}


def cli(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "gan_core.cli", "room", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_create_show_close(env):
    made = cli(env, "create", "--json")
    assert made.returncode == 0, made.stderr
    keys = json.loads(made.stdout)
    assert set(keys) == {"code", "teacher_key"}
    store = RoomStore(database_url(env))  # the same database the command wrote
    store.join(keys["code"], "s1", "session-1")
    store.add_guess(keys["code"], "s1", "noise", 0.3)
    store.add_image(keys["code"], "s1", np.zeros((28, 28), np.float32), 0.25, -1.0986, "discriminator.pt", "camera")
    shown = cli(env, "show", keys["code"].lower(), "--json")
    assert shown.returncode == 0, shown.stderr
    summary = json.loads(shown.stdout)
    assert summary["students"] == 1
    assert summary["guesses"] == [{"student": "s1", "step": "noise", "value": 0.3}]
    [image] = summary["images"]
    assert image["probability"] == 0.25 and image["source"] == "camera" and "model_input" not in image
    closed = cli(env, "close", keys["code"])
    assert closed.returncode == 0 and keys["code"] in closed.stdout
    gone = cli(env, "show", keys["code"], "--json")
    assert gone.returncode == 2 and gone.stdout == ""
    assert gone.stderr.strip().count("\n") == 0 and "Traceback" not in gone.stderr and keys["code"] in gone.stderr


@pytest.mark.parametrize("code", ["0OOOOO", "AAAAAA"])
def test_a_bad_code_is_one_line_and_exit_2(env, code):
    result = cli(env, "close", code)
    assert result.returncode == 2
    assert result.stderr.startswith("gan-ood room: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
