import csv
import io
import json

import cv2
import numpy as np
import pytest

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
