import csv
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from gan_core import cli
from gan_core.cli import main
from gan_core.weights import save_state_dict


@pytest.fixture
def pair_files(tmp_path, tiny_pair):
    generator, discriminator = tiny_pair
    return save_state_dict(generator, tmp_path / "g.pt"), save_state_dict(discriminator, tmp_path / "d.pt")


@pytest.fixture
def digit_png(tmp_path):
    image = np.full((40, 40), 255, np.uint8)
    cv2.line(image, (20, 5), (20, 35), 0, 4)
    path = tmp_path / "one.png"
    cv2.imwrite(str(path), image)
    return path


def test_score_reports_each_file_and_fails_on_a_bad_one(tmp_path, capsys, pair_files, digit_png):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"definitely not an image")
    out_csv = tmp_path / "scores.csv"
    code = main(["score", str(digit_png), str(bad), "--discriminator", str(pair_files[1]), "--out", str(out_csv)])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert code == 1
    assert [r["path"] for r in rows] == [str(digit_png), str(bad)]
    assert 0 <= float(rows[0]["probability"]) <= 1 and rows[0]["error"] == ""
    assert rows[1]["probability"] == "" and rows[1]["error"] and "\n" not in rows[1]["error"]
    assert "Traceback" not in rows[1]["error"]
    assert out_csv.read_text().startswith("path,probability,logit,error")


def test_score_exit_code_zero_when_all_files_score(capsys, pair_files, digit_png):
    assert main(["score", str(digit_png), "--discriminator", str(pair_files[1]), "--pipeline", "mnist"]) == 0


def test_notebook_prints_the_five_answers_as_json(capsys, pair_files, digit_png):
    generator, discriminator = pair_files
    assert main(["notebook", "--generator", str(generator), "--discriminator", str(discriminator)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"task1_hash", "noise_prob", "binary_prob", "generated_prob", "cat_prob"}
    assert len(result["task1_hash"]) == 64
    main(["notebook", "--generator", str(generator), "--discriminator", str(discriminator), "--image", str(digit_png)])
    own = json.loads(capsys.readouterr().out)
    assert own["noise_prob"] == result["noise_prob"] and own["task1_hash"] == result["task1_hash"]


def test_sample_writes_a_grid(tmp_path, pair_files):
    out = tmp_path / "grid.png"
    assert main(["sample", "--n", "9", "--seed", "1", "--generator", str(pair_files[0]), "--out", str(out)]) == 0
    grid = cv2.imread(str(out), cv2.IMREAD_GRAYSCALE)
    assert grid.shape == (3 * (3 * 30 + 2), 3 * (3 * 30 + 2))


def test_train_discriminator_phase_writes_weights_and_log(tmp_path, pair_files, monkeypatch):
    import torch

    from gan_core import data

    few = data.real_digits(64, 0)
    monkeypatch.setattr(data, "real_digits_with_labels", lambda split="all": (few, None))
    out = tmp_path / "d2.pt"
    assert (
        main(
            [
                "train",
                "discriminator",
                "--generator",
                str(pair_files[0]),
                "--epochs",
                "1",
                "--seed",
                "3",
                "--batch-size",
                "32",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert set(torch.load(out, weights_only=True)) == set(torch.load(pair_files[1], weights_only=True))
    assert out.with_suffix(".loss.csv").read_text().count("\n") == 3


# ----- expected failures: one line on stderr naming the file and the reason, a documented exit code -----

ROOT = Path(__file__).resolve().parent.parent


class _Payload:
    """Unpickling it would run a command: what a hostile weights file looks like."""

    def __reduce__(self):
        return (os.system, ("echo PAYLOAD-RAN",))


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    """Real bad inputs on disk: {name: path}. The truncated file is the shipped discriminator cut in half."""
    folder = tmp_path_factory.mktemp("bad")
    shipped = (ROOT / "weights" / "discriminator.pt").read_bytes()
    files = {
        "pickle_payload.pt": pickle.dumps(_Payload(), protocol=2),
        "truncated.pt": shipped[: len(shipped) // 2],
        "text.pt": b"these are not weights\n",
        "bad.png": b"\x89PNG\r\n\x1a\n" + bytes(40),  # a PNG signature, then no header
        "text.png": b"not an image\n",
        "a_file": b"",  # a regular file: nothing can be written below it
    }
    state = torch.load(ROOT / "weights" / "discriminator.pt", weights_only=True)
    conv = next(key for key, value in state.items() if value.dim() == 4)
    odd = {  # tensors the shape / dtype checks may not know: sparse, float8, meta (no data)
        "sparse.pt": {**state, conv: state[conv].to_sparse()},
        "float8.pt": {**state, conv: state[conv].to(torch.float8_e4m3fn)},
        "meta.pt": {key: torch.empty_like(value, device="meta") for key, value in state.items()},
    }
    for name, odd_state in odd.items():
        torch.save(odd_state, folder / name)
    for name, payload in files.items():
        (folder / name).write_bytes(payload)
    return {name: folder / name for name in [*files, *odd]} | {"missing": folder / "missing.pt"}


def _gan_ood(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "gan_core.cli", *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True
    )


WEIGHTS_INPUTS = {  # bad weights file -> exit code (the reasons' wording is gan_core.weights', not checked here)
    "pickle_payload.pt": cli.EXIT_WEIGHTS,
    "truncated.pt": cli.EXIT_WEIGHTS,
    "text.pt": cli.EXIT_WEIGHTS,
    "missing": cli.EXIT_FILE,
}
WEIGHTS_COMMANDS = {  # every command that reads a weights file, with the option that names it
    "notebook --generator": ["notebook", "--generator"],
    "notebook --discriminator": ["notebook", "--discriminator"],
    "score --discriminator": ["score", "IMAGE", "--discriminator"],
    "sample --generator": ["sample", "--out", "OUT", "--generator"],
    "ood-report --discriminator": ["ood-report", "--n", "10", "--discriminator"],
    "train discriminator --generator": ["train", "discriminator", "--epochs", "1", "--out", "OUT", "--generator"],
}


def _assert_one_line(result, code: int, prefix: str) -> None:
    """Exit `code`, and stderr is one line: `prefix` then a reason."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, (result.returncode, result.stderr)
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(prefix) and len(lines[0]) > len(prefix) + 3, (prefix, lines[0])
    assert "PAYLOAD-RAN" not in result.stdout + result.stderr


@pytest.mark.parametrize("bad", list(WEIGHTS_INPUTS))
@pytest.mark.parametrize("command", list(WEIGHTS_COMMANDS))
def test_every_command_refuses_bad_weights_in_one_line(bad_files, digit_png, tmp_path, command, bad):
    args = [digit_png if a == "IMAGE" else tmp_path / "out.pt" if a == "OUT" else a for a in WEIGHTS_COMMANDS[command]]
    result = _gan_ood(*args, bad_files[bad])
    _assert_one_line(result, WEIGHTS_INPUTS[bad], f"gan-ood {args[0]}: {bad_files[bad]}: ")
    assert not (tmp_path / "out.pt").exists()


@pytest.mark.parametrize("odd", ["sparse.pt", "float8.pt", "meta.pt"])
def test_odd_tensors_are_refused_in_one_line(bad_files, odd):
    result = _gan_ood("notebook", "--discriminator", bad_files[odd])  # discriminator keys: past the key check
    _assert_one_line(result, cli.EXIT_WEIGHTS, f"gan-ood notebook: {bad_files[odd]}: ")


@pytest.mark.parametrize(
    ("bad", "code"), [("bad.png", cli.EXIT_IMAGE), ("text.png", cli.EXIT_IMAGE), ("missing", cli.EXIT_FILE)]
)
def test_notebook_refuses_a_bad_image_in_one_line(bad_files, bad, code):
    _assert_one_line(_gan_ood("notebook", "--image", bad_files[bad]), code, f"gan-ood notebook: {bad_files[bad]}: ")


def test_score_reports_bad_and_missing_images_in_their_rows_and_exits_1(bad_files, digit_png):
    paths = [digit_png, bad_files["bad.png"], bad_files["text.png"], bad_files["missing"]]
    result = _gan_ood("score", *paths)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.returncode == cli.EXIT_SOME_FILES_FAILED and result.stderr == ""
    assert [bool(r["error"]) for r in rows] == [False, True, True, True]
    assert "Traceback" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["notebook", "--bogus"],
        ["score"],
        ["score", "x.png", "--pipeline", "fancy"],
        ["sample", "--n", "many"],
        ["ood-report", "--seed", "1.5"],
        ["train", "gan", "--epochs", "1", "--out", "o"],
        ["train", "dcgan", "--out", "o"],
        ["dashboard", "--bogus"],
        ["dashboard", "8599"],
        ["frobnicate"],
        [],
    ],
    ids=lambda args: " ".join(args) or "no command",
)
def test_a_wrong_option_is_one_line_and_exit_2(args):
    result = _gan_ood(*args)
    _assert_one_line(result, cli.EXIT_USAGE, "gan-ood")
    assert "error:" in result.stderr


@pytest.mark.parametrize("command", [["sample", "--n", "4"], ["score", "IMAGE"]], ids=["sample", "score"])
def test_an_output_that_cannot_be_written_is_one_line(bad_files, digit_png, command):
    out = bad_files["a_file"] / "out.csv"  # below a regular file: NotADirectoryError
    args = [digit_png if a == "IMAGE" else a for a in command]
    result = _gan_ood(*args, "--out", out)
    _assert_one_line(result, cli.EXIT_FILE, f"gan-ood {args[0]}: ")
    assert str(out.parent) in result.stderr  # the OS names the folder (or the file) it could not create


def test_help_documents_the_exit_codes():
    result = _gan_ood("--help")
    assert result.returncode == 0
    for code in (cli.EXIT_SOME_FILES_FAILED, cli.EXIT_USAGE, cli.EXIT_WEIGHTS, cli.EXIT_IMAGE, cli.EXIT_FILE):
        assert f"\n  {code} " in result.stdout
