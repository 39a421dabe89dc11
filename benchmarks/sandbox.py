"""Untrusted files (issue 13): what each hostile or big file costs the process that handles it, with the decode in
gan_core.sandbox and without; a 3 MB phone JPEG's time to its score before and after the sandbox; and, against a
real `streamlit run`, a second session's page time while a bomb is being decoded.

    OMP_NUM_THREADS=1 python -m benchmarks.sandbox                 # everything (~3 min), prints the tables
    OMP_NUM_THREADS=1 python -m benchmarks.sandbox --skip-browser  # without the server rows

Each file row runs in a fresh Python process; its peak RSS growth is the highest resident size sampled every
millisecond while the file is handled, minus the size just before (building the file does not count). The wall
time is the best of 3 where a run is quick. "in-process" is `preprocess.prepare_image` (the same header checks,
the decode in the caller), "sandbox" is `sandbox.prepare_image` from a warm pool. Weights are read in-process
(they have no sandbox: their checks run before anything is unpacked). Raw figures: benchmarks/out/sandbox.json.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from benchmarks import harness

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
IN_PROCESS_TIMEOUT_S = 30  # the scan-repeat JPEG ran 55 s and more in-process: cut it off

IMAGE_CASES = {
    "30000x30000 PNG bomb (110 KB)": "hf.bomb_png(30000)",
    "PNG, tEXt chunk length 0xFFFFFFFF (53 B)": "hf.huge_chunk_png()",
    "PNG, IDAT chunk length 0xFFFFFFFF (53 B)": "hf.huge_chunk_png(b'IDAT')",
    "progressive 5000x5000 JPEG, one scan x5000 (308 KB)": "hf.scan_repeat_jpeg()",
    "ARGB4444 bitfield BMP (undecodable)": "hf.bitfield_bmp((0xF00, 0xF0, 0xF, 0xF000), 0xFF00)",
    "3000x3000 RGBA 16-bit PNG (valid, 72 KB)": "cv2.imencode('.png', np.zeros((3000, 3000, 4), np.uint16))[1]",
    "25 MP progressive JPEG (valid)": "phone_jpeg(5000, 5000, progressive=True)",
    "12 MP phone JPEG (valid)": "phone_jpeg()",
    "2000x1500 HEIC (valid)": "hf.pillow_bytes(cv2.resize(phone_rgb(), (2000, 1500)), 'HEIF')",
}
WEIGHTS_CASES = {
    "torch zip, storage deflates to 2 GiB (1.7 MB)": "hf.deflate_bomb_weights(state, 2.0)",
    "float64 1e300 (inf in float32)": "hf.torch_bytes(hf.hostile_states(state)['float64_1e300'])",
    "negative BatchNorm running_var": "hf.torch_bytes(hf.hostile_states(state)['negative_running_var'])",
    "weights of 3e38": "hf.torch_bytes(hf.hostile_states(state)['weights_3e38'])",
    "sparse tensor": "hf.torch_bytes(hf.hostile_states(state)['sparse'])",
    "tensor attribute set by the file": "hf.torch_bytes(hf.hostile_states(state)['attribute_set_by_file'])",
    "float8 safetensors": "hf.float8_safetensors(state)",
    "meta tensor": "hf.meta_tensor_weights(state)",
    "shipped discriminator.pt (valid)": "(WEIGHTS_DIR / 'discriminator.pt').read_bytes()",
    "shipped generator.pt (valid)": "(WEIGHTS_DIR / 'generator.pt').read_bytes()",
}

PROBE = """
import gc, json, os, sys, threading, time
sys.path.insert(0, sys.argv[1])
import cv2, numpy as np
from benchmarks import hostile_files as hf
from benchmarks.sandbox import phone_jpeg, phone_rgb
mode, expression = sys.argv[2], sys.argv[3]
if mode == "weights":
    import torch
    from gan_core.weights import WEIGHTS_DIR, WeightsError, model_from_bytes, _probe_images
    state = torch.load(WEIGHTS_DIR / "discriminator.pt", weights_only=True)
    _probe_images()  # the probe batch is made once per process: not this file's cost
    kind = "generator" if "generator" in expression else "discriminator"
    run, error = (lambda data: model_from_bytes(data, kind)), WeightsError
else:
    from gan_core import preprocess, sandbox
    if mode == "sandbox":
        sandbox.shared().prepare_image(cv2.imencode(".png", np.zeros((8, 8), np.uint8))[1].tobytes())  # warm
    run = sandbox.prepare_image if mode == "sandbox" else preprocess.prepare_image
    error = preprocess.ImageError
data = bytes(eval(expression))
gc.collect()
page = os.sysconf("SC_PAGE_SIZE")
rss = lambda: int(open("/proc/self/statm").read().split()[1]) * page
peak, done = [rss()], threading.Event()
def sample():  # the current RSS every millisecond: building the file must not count as the file's cost
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.001)
before = rss()
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
walls = []
while len(walls) < 3 and sum(walls) < 3:  # best of 3 where a run is quick: the box is shared
    start = time.perf_counter()
    try:
        run(data)
        result = "accepted"
    except error as exc:
        result = exc.code
    walls.append(time.perf_counter() - start)
    data = data + b"\\x00" if mode != "weights" else data  # new bytes each time (nothing may be remembered)
wall = min(walls)
done.set()
sampler.join()
print(json.dumps({"result": result, "wall_s": wall, "grown_mb": (peak[0] - before) / 2**20, "bytes": len(data)}))
"""


def phone_rgb(width: int = 4032, height: int = 3024, seed: int = 0):
    """A photo-like (height, width, 3) uint8 picture: smooth structure plus sensor-like noise."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    small = cv2.GaussianBlur(rng.integers(0, 256, (height // 4, width // 4, 3), dtype=np.uint8), (5, 5), 2)
    big = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC).astype(np.int16)
    return np.clip(big + rng.integers(-6, 7, big.shape), 0, 255).astype(np.uint8)


def phone_jpeg(width: int = 4032, height: int = 3024, progressive: bool = False, quality: int = 92) -> bytes:
    """A 12 MP phone-sized JPEG of ~3 MB (the defaults)."""
    import cv2

    params = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive)]
    return cv2.imencode(".jpg", phone_rgb(width, height), params)[1].tobytes()


def _probe(mode: str, expression: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(ROOT), mode, expression],
            capture_output=True,
            text=True,
            timeout=IN_PROCESS_TIMEOUT_S if mode == "in-process" else 300,
            env=env,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return {"result": f"still decoding after {IN_PROCESS_TIMEOUT_S} s", "wall_s": None, "grown_mb": None}


def file_rows() -> dict:
    rows = {}
    for name, expression in IMAGE_CASES.items():
        rows[name] = {mode: _probe(mode, expression) for mode in ("sandbox", "in-process")}
        print(name, rows[name], flush=True)
    for name, expression in WEIGHTS_CASES.items():
        rows[name] = {"weights": _probe("weights", expression)}
        print(name, rows[name], flush=True)
    return rows


def phone_rows(repeats: int = 7) -> dict:
    """Median time from the 3 MB JPEG's bytes to its score: in-process vs a warm sandbox; and the sandbox's
    overhead on a small upload (a 120 px PNG)."""
    import cv2
    import numpy as np

    from gan_core import preprocess, sandbox
    from gan_core.scoring import score_batch
    from gan_core.seeding import use_single_thread
    from gan_core.weights import load_discriminator

    use_single_thread()
    discriminator, jpeg = load_discriminator(), phone_jpeg()
    small = cv2.imencode(".png", np.zeros((120, 120), np.uint8))[1].tobytes()
    box = sandbox.Sandbox()
    box.prepare_image(small)  # warm
    out = {"jpeg_bytes": len(jpeg)}
    for label, prepare in (("in-process", preprocess.prepare_image), ("sandbox", box.prepare_image)):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            score_batch(discriminator, prepare(jpeg, "notebook").tensor)
            times.append(time.perf_counter() - start)
        out[f"phone_{label}_s"] = statistics.median(times)
        smalls = []
        for _ in range(repeats * 3):
            start = time.perf_counter()
            prepare(small, "notebook")
            smalls.append(time.perf_counter() - start)
        out[f"small_{label}_s"] = statistics.median(smalls)
    box.close()
    return out


async def _server_rows(repeats: int = 3) -> dict:
    """A second session's page time (the "Your images" page, a fresh session each time) alone and while a first
    session's scan-repeat JPEG is decoded; the server's RSS peak over the bomb; the bomb's refusal time on screen."""
    from benchmarks import hostile_files as hf
    from dashboard.i18n import TEXT

    bomb = {"name": "scan.jpg", "mimeType": "image/jpeg", "buffer": hf.scan_repeat_jpeg()}
    refusal = TEXT["error.image.decode_limit"]["en"].split("{")[0]
    server = harness.Server(OUT / "sandbox_server.log", {"GAN_OOD_WARM_UP": "0"}).start()
    out: dict = {"alone_s": [], "during_bomb_s": [], "bomb_refused_s": [], "rss_growth_mb": []}
    workers: list = []
    try:
        server.wait_healthy()
        async with harness.chromium() as browser:
            for _ in range(repeats):
                context, second = await harness.new_page(browser)
                out["alone_s"].append(await harness.open_page(second, server.url, "your_images", 120_000))
                await context.close()
            workers = psutil.Process(server.proc.pid).children()  # the sandbox's pool, started by the first visit
            with harness.RssSampler(server.proc.pid, interval=0.02) as sampler:
                for _ in range(repeats):
                    bomb_context, first = await harness.new_page(browser)
                    await harness.open_page(first, server.url, "your_images", 120_000)
                    sampler.reset()
                    before = server.rss()
                    start = time.perf_counter()
                    await first.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(
                        files=[bomb]
                    )
                    await asyncio.sleep(0.3)  # the upload has reached the server and its decode has started
                    context, second = await harness.new_page(browser)
                    out["during_bomb_s"].append(await harness.open_page(second, server.url, "your_images", 120_000))
                    await first.get_by_text(refusal).first.wait_for(timeout=60_000)
                    out["bomb_refused_s"].append(time.perf_counter() - start)
                    out["rss_growth_mb"].append((sampler.peak - before) / 2**20)
                    await context.close()
                    await bomb_context.close()
    finally:
        server.stop()
    out["workers"] = len(workers)
    out["workers_left_after_exit"] = sum(1 for w in workers if psutil.pid_exists(w.pid) and w.status() != "zombie")
    out["server_exit_code"] = server.proc.returncode
    out["server_log_tracebacks"] = (OUT / "sandbox_server.log").read_text().count("Traceback")
    return out


def _fmt(value, unit: str = "", digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def table(results: dict) -> str:
    lines = ["| file | sandbox: result | wall | server-process peak growth | in-process: result | wall | peak growth |"]
    lines.append("|---|---|---|---|---|---|---|")
    for name, modes in results.get("files", {}).items():
        if "weights" in modes:
            w = modes["weights"]
            lines.append(
                f"| {name} | — | — | — | {w['result']} | {_fmt(w['wall_s'], ' s')} | {_fmt(w['grown_mb'], ' MB', 1)} |"
            )
            continue
        s, i = modes["sandbox"], modes["in-process"]
        lines.append(
            f"| {name} | {s['result']} | {_fmt(s['wall_s'], ' s')} | {_fmt(s['grown_mb'], ' MB', 1)} "
            f"| {i['result']} | {_fmt(i['wall_s'], ' s')} | {_fmt(i['grown_mb'], ' MB', 1)} |"
        )
    phone = results.get("phone")
    if phone:
        lines += [
            "",
            f"3 MB phone JPEG ({phone['jpeg_bytes'] / 2**20:.1f} MiB, 4032x3024) bytes -> score, median: "
            f"in-process {phone['phone_in-process_s'] * 1000:.0f} ms, "
            f"sandbox {phone['phone_sandbox_s'] * 1000:.0f} ms; "
            f"a 120 px PNG: in-process {phone['small_in-process_s'] * 1000:.1f} ms, "
            f"sandbox {phone['small_sandbox_s'] * 1000:.1f} ms.",
        ]
    server = results.get("server")
    if server:
        lines += [
            "",
            f"Server: second session's page (Your images) alone {', '.join(f'{v:.2f}' for v in server['alone_s'])} s; "
            f"while a scan-repeat JPEG is decoded {', '.join(f'{v:.2f}' for v in server['during_bomb_s'])} s; "
            f"bomb refused on screen after {', '.join(f'{v:.2f}' for v in server['bomb_refused_s'])} s; "
            f"server RSS growth over the bomb {', '.join(f'{v:.1f}' for v in server['rss_growth_mb'])} MB; "
            f"server exit code {server['server_exit_code']} (SIGTERM), tracebacks in its log "
            f"{server['server_log_tracebacks']}, sandbox workers {server['workers']}, left after exit "
            f"{server['workers_left_after_exit']}.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"files": file_rows(), "phone": phone_rows()}
    if not args.skip_browser:
        results["server"] = asyncio.run(_server_rows())
    (OUT / "sandbox.json").write_text(json.dumps(results, indent=2))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
