"""gan_core.sandbox: untrusted images decoded in real worker processes with real limits. A breach is killed and
replaced, the reply protocol refuses what a taken-over worker could send, and the pool leaves no process behind."""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import psutil
import pytest

from benchmarks import hostile_files as hf
from gan_core import preprocess as pp
from gan_core import sandbox

ROOT = Path(__file__).resolve().parent.parent


def digit_png(size: int = 120) -> bytes:
    image = np.zeros((size, size), np.uint8)
    cv2.line(image, (25, 25), (95, 25), 255, 12)
    cv2.line(image, (95, 25), (45, 100), 255, 12)
    return cv2.imencode(".png", image)[1].tobytes()


@pytest.fixture(scope="module")
def pool():
    box = sandbox.Sandbox(2)
    yield box
    box.close()


def refused(box: sandbox.Sandbox, data: bytes) -> pp.ImageError:
    with pytest.raises(pp.ImageError) as err:
        box.prepare_image(data)
    return err.value


@pytest.mark.parametrize("pipeline", pp.PIPELINES)
def test_results_are_identical_to_in_process(pool, pipeline):
    for data in (
        digit_png(),
        hf.pillow_bytes(np.full((30, 40, 3), 90, np.uint8), "HEIF"),
        hf.apng_16bit((9, 9, 9), (1, 1, 1)),
    ):
        here, there = pp.prepare_image(data, pipeline), pool.prepare_image(data, pipeline)
        for name in ("original", "gray", "model_input"):
            np.testing.assert_array_equal(getattr(there, name), getattr(here, name))
            assert getattr(there, name).dtype == getattr(here, name).dtype
        assert (there.notes, there.format) == (here.notes, here.format)


def test_refusals_keep_their_code_and_details(pool):
    for data in (b"definitely text\n", digit_png()[:200], hf.bitfield_bmp((0xF00, 0xF0, 0xF, 0xF000), 1)):
        with pytest.raises(pp.ImageError) as here:
            pp.prepare_image(data)
        there = refused(pool, data)
        assert (there.code, there.details) == (here.value.code, here.value.details)


def test_a_scan_repeat_jpeg_is_stopped_by_the_cpu_limit_and_the_worker_replaced():
    box = sandbox.Sandbox(1, sandbox.Limits(cpu_s=0.5, wall_s=30))
    try:
        before = box.pids()
        err = refused(box, hf.scan_repeat_jpeg())
        assert err.code == "decode_limit" and err.details == {"memory_mb": 1536, "cpu_s": 0.5, "wall_s": 30}
        assert box.pids() != before and not psutil.pid_exists(before[0])  # killed and reaped
        assert box.prepare_image(digit_png()).gray.shape == (120, 120)  # the replacement serves
    finally:
        box.close()


def test_the_wall_clock_limit_stops_a_slow_decode():
    box = sandbox.Sandbox(1, sandbox.Limits(cpu_s=60, wall_s=0.3))
    try:
        box.prepare_image(digit_png())  # started and warm: the limit counts only the file
        assert refused(box, hf.scan_repeat_jpeg()).code == "decode_limit"
    finally:
        box.close()


def test_the_address_space_limit_stops_a_big_allocation():
    # a valid 3000 x 3000 16-bit RGBA PNG (72 KB) needs 72 MB for its pixels and as much again for each step
    big = cv2.imencode(".png", np.zeros((3000, 3000, 4), np.uint16))[1].tobytes()
    box = sandbox.Sandbox(1, sandbox.Limits(memory_mb=400, wall_s=30))
    try:
        before = box.pids()
        assert refused(box, big).code == "decode_limit"
        assert box.pids() != before  # a worker whose allocation failed is not trusted again
        assert box.prepare_image(digit_png()).format == "png"
    finally:
        box.close()
    default = sandbox.Sandbox(1)
    try:
        assert default.prepare_image(big).gray.shape == (3000, 3000)  # the default limit is enough for it
    finally:
        default.close()


def test_a_worker_that_dies_is_replaced(pool):
    victim = pool.pids()
    for pid in victim:
        os.kill(pid, 9)
    errors = []
    for _ in victim:  # each dead worker costs one refusal ("the decoder failed"), then is replaced
        try:
            pool.prepare_image(digit_png())
        except pp.ImageError as exc:
            errors.append(exc.code)
    assert set(errors) <= {"corrupt", "decode_limit"}
    assert pool.prepare_image(digit_png()).format == "png"
    assert not set(pool.pids()) & set(victim)


def test_concurrent_callers_share_the_pool(pool):
    results, data = [], digit_png()
    threads = [threading.Thread(target=lambda: results.append(pool.prepare_image(data).gray.sum())) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 6 and len(set(results)) == 1


def test_the_header_check_refuses_in_this_process_without_a_worker():
    box = sandbox.Sandbox(1)
    box.close()  # no worker left: only the fast first refusal can answer
    assert refused(box, hf.bomb_png(30000)).code == "too_many_pixels"
    assert refused(box, hf.huge_chunk_png()).code == "corrupt"
    with pytest.raises(RuntimeError):
        box.prepare_image(digit_png())


# ---- what a taken-over worker could send back ----
GOOD = {"ok": True, "format": "png", "notes": [], "shapes": [[4, 4, 3], [4, 4], [28, 28]]}


@pytest.mark.parametrize(
    "change",
    [
        {"shapes": [[4, 4, 3], [60000, 60000], [28, 28]]},  # more pixels than MAX_PIXELS
        {"shapes": [[4096, 4, 3], [4, 4], [28, 28]]},  # a display image over DISPLAY_SIDE
        {"shapes": [[4, 4, 3], [4, 4], [29, 28]]},
        {"shapes": [[4, 4, 3], [4, 4]]},
        {"shapes": "x"},
        {"shapes": [[4, 4, 3], [-4, -4], [28, 28]]},
    ],
)
def test_bad_shapes_are_refused(change):
    with pytest.raises(sandbox._Failed):
        sandbox._body_size({**GOOD, **change})


def test_bad_formats_notes_and_values_are_refused():
    body = bytes(4 * 4 * 3 + 16) + np.zeros((28, 28), np.float32).tobytes()
    assert sandbox._prepared(GOOD, body).model_input.shape == (28, 28)
    for change in ({"format": "exe"}, {"notes": ["rm -rf"]}, {"notes": "exif_rotated"}):
        with pytest.raises(sandbox._Failed):
            sandbox._prepared({**GOOD, **change}, body)
    nan = bytes(4 * 4 * 3 + 16) + np.full((28, 28), np.nan, np.float32).tobytes()
    with pytest.raises(sandbox._Failed):
        sandbox._prepared(GOOD, nan)


@pytest.mark.parametrize(
    "header",
    [
        {"code": "rm -rf /"},
        {"code": "corrupt", "details": {"reason": "\xff\xfe raw bytes"}},
        {"code": "corrupt", "details": {"reason": ["a list"]}},
        {"code": "too_many_pixels", "details": {}},  # placeholders missing
        {"code": "corrupt", "details": "not a dict"},
    ],
)
def test_refusals_are_rebuilt_only_from_known_codes_and_plain_details(header):
    err = sandbox._refusal(header, sandbox.Limits())
    assert (err.code, err.details) == ("corrupt", {"reason": "the decoder failed on it"})


def test_a_decode_limit_from_the_worker_states_the_limits():
    err = sandbox._refusal({"code": "decode_limit", "details": {"memory_mb": 1}}, sandbox.Limits(700, 1.0, 2.0))
    assert err.details == {"memory_mb": 700, "cpu_s": 1.0, "wall_s": 2.0}


# ---- the process's shared pool: exit leaves no process and prints nothing ----
EXIT_PROBE = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from gan_core import sandbox
    from benchmarks.hostile_files import bomb_png, scan_repeat_jpeg
    import cv2, numpy as np
    sandbox.warm()
    prepared = sandbox.prepare_image(cv2.imencode(".png", np.zeros((9, 9), np.uint8))[1].tobytes())
    try:
        sandbox.prepare_image(scan_repeat_jpeg(side=2000, repeats=2000))
    except Exception as exc:
        print(json.dumps({"pids": sandbox.shared().pids(), "code": exc.code}))
""")


def test_the_shared_pool_closes_at_exit_without_zombies_or_tracebacks():
    done = subprocess.run(
        [sys.executable, "-c", EXIT_PROBE, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GAN_OOD_SANDBOX_CPU_S": "0.3"},
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == "decode_limit" and len(result["pids"]) == sandbox.DEFAULT_WORKERS
    assert not any(psutil.pid_exists(pid) for pid in result["pids"])


KILLED_PROBE = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from gan_core import sandbox
    sandbox.warm()
    print(json.dumps(sandbox.shared().pids()), flush=True)
    time.sleep(60)
""")


def test_workers_leave_when_their_server_is_killed():
    server = subprocess.Popen([sys.executable, "-c", KILLED_PROBE, str(ROOT)], stdout=subprocess.PIPE, text=True)
    pids = json.loads(server.stdout.readline())
    server.kill()  # no atexit: the workers see their stdin close and leave by themselves
    server.wait()
    server.stdout.close()
    alive = [psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)]
    _, still = psutil.wait_procs(alive, timeout=20)
    assert still == [] or all(p.status() == psutil.STATUS_ZOMBIE for p in still)  # exited (init reaps it)


def test_disabled_sandbox_decodes_in_process(monkeypatch):
    monkeypatch.setenv("GAN_OOD_SANDBOX", "off")
    assert not sandbox.enabled()
    assert sandbox.prepare_image(digit_png()).format == "png"


def test_workers_run_under_their_limits(pool):
    pool.prepare_image(digit_png())
    limited = 0
    for pid in pool.pids():
        worker = psutil.Process(pid)
        for _ in range(300):  # a worker sets its address-space limit once its imports are done
            if worker.rlimit(psutil.RLIMIT_AS)[0] != psutil.RLIM_INFINITY:
                break
            time.sleep(0.1)
        assert worker.rlimit(psutil.RLIMIT_AS) == (1536 * 2**20,) * 2
        assert worker.rlimit(psutil.RLIMIT_CORE) == (0, 0)
        assert os.getsid(pid) == pid  # its own session: Ctrl-C in the server's terminal does not reach it
        limited += worker.rlimit(psutil.RLIMIT_CPU)[0] != psutil.RLIM_INFINITY  # set for each file it takes
    assert limited >= 1
