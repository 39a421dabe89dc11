"""weights/scores_over_time.csv (made by scripts/score_over_time.py) is complete and agrees with the shipped files:
the row of a shipped discriminator's last epoch is recomputed from the shipped weights."""

import importlib.util

import pandas as pd
import pytest

from gan_core import scoring, weights

spec = importlib.util.spec_from_file_location(
    "score_over_time", weights.WEIGHTS_DIR.parent / "scripts/score_over_time.py"
)
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)
GROUPS = ["real", "generated", "gaussian", "binary", "uniform", "natural", "cat"]


@pytest.fixture(scope="module")
def table():
    return pd.read_csv(script.OUT)


def test_every_shipped_discriminator_has_every_epoch_and_group(table):
    assert list(table.columns) == script.COLUMNS
    shipped = weights.shipped_weights(kind="discriminator")
    assert set(table["model"]) == set(shipped)
    for name, entry in shipped.items():
        rows = table[table["model"] == name]
        assert set(rows["scheme"]) == {entry["scheme"]}, name
        last = entry["epochs"] if entry["phase"] == 2 else int(rows["epoch"].max())
        whole = sorted(e for e in set(rows["epoch"]) if e >= 1)
        assert whole == list(range(1, last + 1)), name
        assert all(g == GROUPS for g in rows.groupby("epoch")["group"].apply(list)), name
    joint = table[table["scheme"] == "joint"]
    steps = sorted(e for e in set(joint["epoch"]) if e < 1)  # within the first epoch: optimiser steps / 62
    assert steps == [round(s / script.STEPS_PER_EPOCH, 3) for s in script.STEPS]
    assert table["mean_probability"].between(0, 1).all()
    assert set(table.loc[table["group"] == "cat", "n"]) == {1} and set(table.loc[table["group"] != "cat", "n"]) == {500}


@pytest.mark.parametrize("kind", ["default", "joint", "mixed"])
def test_the_shipped_epoch_row_is_the_shipped_file(table, kind):
    shipped = weights.shipped_weights(kind="discriminator")
    pick = {
        "default": lambda e: e.get("default", False),
        "joint": lambda e: e["scheme"] == "joint",
        "mixed": lambda e: e["scheme"] == "mixed",
    }[kind]
    name, entry = next((n, e) for n, e in shipped.items() if pick(e))
    epoch = entry.get("epochs", entry.get("epoch"))
    groups = script.score_groups(weights.load_generator())
    groups = {g: groups[g] for g in ("real", "generated", "gaussian", "cat")}
    recomputed = scoring.summarise(scoring.score_groups(weights.load_discriminator(weights.WEIGHTS_DIR / name), groups))
    rows = table[(table["model"] == name) & (table["epoch"] == epoch)].set_index("group")
    for row in recomputed.itertuples():
        assert rows.loc[row.group, "mean_probability"] == pytest.approx(row.mean, abs=1e-5), (name, row.group)
        assert rows.loc[row.group, "mean_logit"] == pytest.approx(row.mean_logit, abs=1e-4), (name, row.group)
