"""The shipped weights' documents, read for the Weights page: the model card, the loss logs and the sample grid.
A malformed file never takes the page down: it comes back as None with its name."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from gan_core.weights import WEIGHTS_DIR, shipped_weights

SCHEMES = ("separate", "mixed", "joint")  # how each shipped discriminator trained (manifest "scheme")


@dataclass(frozen=True, eq=False)
class LossLog:
    name: str
    table: pd.DataFrame | None  # None when the file could not be parsed
    payload: bytes  # the file itself, for its download button


def card_path(lang: str) -> Path | None:
    """The model card in `lang`: weights/README.<lang>.md (the Russian one is translated from the English card),
    else weights/README.md (English, written by scripts/model_card.py); None when there is no card."""
    for path in (WEIGHTS_DIR / f"README.{lang}.md", WEIGHTS_DIR / "README.md"):
        if path.is_file():
            return path
    return None


@st.cache_data(show_spinner=False, max_entries=4)
def model_card(lang: str = "en") -> str | None:
    """The card in `lang` (card_path) without its image lines (relative links cannot resolve in the browser; the
    page draws the loss curves and samples itself), or None when there is no card."""
    card = card_path(lang)
    if card is None:
        return None
    text = card.read_text(encoding="utf-8", errors="replace")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("!["))


@st.cache_data(show_spinner=False, max_entries=1)
def loss_logs() -> list[LossLog]:
    """Every shipped loss log (dcgan_loss.csv, discriminator*.loss.csv), by name."""
    logs = []
    for path in sorted(WEIGHTS_DIR.glob("*loss.csv")):
        payload = path.read_bytes()
        try:
            table = pd.read_csv(path)
        except Exception:  # a malformed log is reported by name on the page
            table = None
        logs.append(LossLog(path.name, table, payload))
    return logs


@st.cache_data(show_spinner=False, max_entries=1)
def sample_grid_png() -> bytes | None:
    """The shipped generator's sample grid (weights/sample_grid.png), or None."""
    path = WEIGHTS_DIR / "sample_grid.png"
    return path.read_bytes() if path.is_file() else None


def judges() -> pd.DataFrame:
    """One row per shipped discriminator from the manifest, grouped by scheme (separate, mixed, joint): file,
    scheme, seed, epochs, default, and its held-out figures real, generated (mean D(x) on the 1,000 holdout digits
    and on 1,000 of generator.pt's digits) and auroc (real vs generated)."""
    rows = []
    for name, entry in shipped_weights(kind="discriminator").items():
        holdout = entry.get("holdout", {})
        rows.append(
            {
                "file": name,
                "scheme": entry.get("scheme", "?"),
                "seed": entry.get("seed"),
                "epochs": entry.get("epochs", entry.get("epoch")),
                "default": bool(entry.get("default", False)),
                **{key: holdout.get(key) for key in ("real", "generated", "auroc")},
            }
        )
    table = pd.DataFrame(rows, columns=["file", "scheme", "seed", "epochs", "default", "real", "generated", "auroc"])
    order = table["scheme"].map({s: i for i, s in enumerate(SCHEMES)}).fillna(len(SCHEMES))
    return table.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=1)
def scores_over_time() -> pd.DataFrame | None:
    """weights/scores_over_time.csv (scripts/score_over_time.py): model, scheme, epoch, group, n,
    mean_probability, mean_logit; None when absent or malformed."""
    path = WEIGHTS_DIR / "scores_over_time.csv"
    columns = {"model", "scheme", "epoch", "group", "n", "mean_probability", "mean_logit"}
    try:
        table = pd.read_csv(path)
    except Exception:  # absent or malformed: the page says so instead of failing
        return None
    return table if columns <= set(table.columns) else None
