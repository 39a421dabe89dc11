"""`gan-ood score` and `gan-ood notebook --image` on hostile and awkward files (issue 13): regular files only,
read up to the cap, decoded in the sandbox; every refusal is a one-line reason in its row and exit 1, and a NaN
score is an error, never a blank row with exit 0."""

import csv
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from benchmarks import hostile_files as hf
from gan_core import preprocess as pp
from gan_core import scoring
from gan_core.cli import EXIT_IMAGE, main
from gan_core.weights import save_state_dict

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def d_file(tmp_path, tiny_pair):
    return save_state_dict(tiny_pair[1], tmp_path / "d.pt")


def score_rows(capsys, *args) -> tuple[int, list[dict]]:
    code = main(["score", *map(str, args)])
    return code, list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_non_files_are_refused_without_reading_or_blocking(tmp_path, capsys, d_file):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    sparse = tmp_path / "huge.png"
    with open(sparse, "wb") as handle:
        handle.truncate(2**30)  # 1 GiB: refused from its size, never read
    result = {}
    worker = threading.Thread(
        target=lambda: result.update(
            out=score_rows(capsys, "/dev/zero", fifo, tmp_path, sparse, "--discriminator", d_file)
        ),
        daemon=True,
    )
    worker.start()
    worker.join(120)  # the FIFO hung forever before
    code, rows = result["out"]
    assert code == 1
    assert [r["error"] for r in rows] == [
        "This is not a regular file but a character device.",
        "This is not a regular file but a named pipe.",
        "This is not a regular file but a directory.",
        f"The file has {2**30} bytes; the limit is {pp.MAX_BYTES} bytes.",
    ]
    assert all(r["probability"] == "" for r in rows)


def test_hostile_images_get_one_line_reasons_and_exit_1(tmp_path, capsys, d_file):
    files = {
        "scan_repeat.jpg": hf.scan_repeat_jpeg(),
        "huge_text.png": hf.huge_chunk_png(),
        "huge_idat.png": hf.huge_chunk_png(b"IDAT"),
        "bomb.png": hf.bomb_png(30000),
        "argb4444.bmp": hf.bitfield_bmp((0xF00, 0xF0, 0xF, 0xF000), 0xFF00),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code, rows = score_rows(capsys, *(tmp_path / n for n in files), "--discriminator", d_file)
    assert code == 1
    errors = {Path(r["path"]).name: r["error"] for r in rows}
    assert errors["scan_repeat.jpg"].startswith("Decoding the image was stopped")
    assert "more bytes than the file holds" in errors["huge_text.png"] and "more bytes" in errors["huge_idat.png"]
    assert errors["bomb.png"].startswith("The image is 30000x30000 pixels")
    assert errors["argb4444.bmp"] == "This BMP file uses a variant of the format that cannot be decoded here."
    assert all(e and "\n" not in e and e.isascii() for e in errors.values())


def test_phone_formats_are_scored_as_gan_core_scores_them(tmp_path, capsys, tiny_pair, d_file):
    rgb = np.zeros((64, 64, 3), np.uint8)
    cv2.line(rgb, (32, 8), (32, 56), (255, 255, 255), 8)
    files = {
        "photo.heic": hf.pillow_bytes(rgb, "HEIF"),
        "photo.avif": hf.pillow_bytes(rgb, "AVIF"),
        "scan.tiff": hf.pillow_bytes(rgb, "TIFF"),
        "junk.jpg": hf.junk_before_marker_jpeg(rgb),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code, rows = score_rows(capsys, *(tmp_path / n for n in files), "--discriminator", d_file, "--pipeline", "mnist")
    assert code == 0 and all(r["error"] == "" for r in rows)
    for row, data in zip(rows, files.values(), strict=True):
        expected = scoring.score_batch(tiny_pair[1], pp.prepare_image(data, "mnist").tensor)["probability"][0]
        assert float(row["probability"]) == pytest.approx(float(expected), abs=1e-6)


def test_a_nan_score_is_an_error_row_and_exit_1(tmp_path, capsys, monkeypatch, tiny_pair):
    # a model can pass the load-time probe and still overflow on another input: here, one broken after loading
    broken = type(tiny_pair[1])().eval()
    broken.load_state_dict(tiny_pair[1].state_dict())
    with torch.no_grad():
        broken.layers[4].running_var.fill_(-1.0)
    monkeypatch.setattr("gan_core.cli._load", lambda kind, path: broken)
    image = tmp_path / "one.png"
    image.write_bytes(cv2.imencode(".png", np.full((28, 28), 200, np.uint8))[1].tobytes())
    code, rows = score_rows(capsys, image)
    assert code == 1
    assert rows[0]["probability"] == "" and rows[0]["error"].startswith("the score is not a finite number")


def test_notebook_image_refusals_are_one_line_with_the_image_exit_code(tmp_path):
    bad = tmp_path / "scan.jpg"
    bad.write_bytes(hf.scan_repeat_jpeg())
    for image, reason in (("/dev/zero", "not a regular file"), (str(bad), "Decoding the image was stopped")):
        done = subprocess.run(
            [sys.executable, "-m", "gan_core.cli", "notebook", "--image", image],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        assert done.returncode == EXIT_IMAGE and done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"gan-ood notebook: {image}: ") and reason in lines[0]


def test_notebook_with_a_heic_image_prints_its_answers(tmp_path, capsys, tiny_pair):
    g = save_state_dict(tiny_pair[0], tmp_path / "g.pt")
    d = save_state_dict(tiny_pair[1], tmp_path / "d.pt")
    image = tmp_path / "cat.heic"
    image.write_bytes(hf.pillow_bytes(np.full((50, 70, 3), 120, np.uint8), "HEIF"))
    assert main(["notebook", "--generator", str(g), "--discriminator", str(d), "--image", str(image)]) == 0
    assert 0 <= json.loads(capsys.readouterr().out)["cat_prob"] <= 1
