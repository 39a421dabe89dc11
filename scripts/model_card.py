"""Measure every shipped weights file and write the model card's figures and tables.

    python scripts/model_card.py            # writes weights/scores.csv, weights/sample_grid.png,
                                            # weights/loss_curves.png and the tables in weights/README.md
The card's prose lives in weights/README.md between markers; only the generated blocks are replaced.
"""

import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from gan_core import classifier, data, judging, weights  # noqa: E402
from gan_core.grid import save_grid  # noqa: E402

N, SEED = 1000, 7
SAMPLE_SEEDS = (0, 1, 2, 7)
OUT = weights.WEIGHTS_DIR


SCHEME_ORDER = {"separate": 0, "mixed": 1, "joint": 2}


def score_table(generator) -> pd.DataFrame:
    """One row per shipped discriminator, grouped by scheme: its held-out judge figures (real = the 1,000 holdout
    digits, never trained on; generated and the other groups 1,000 images, seed 7) and the notebook's answers."""
    rows = []
    for name, entry in weights.shipped_weights(kind="discriminator").items():
        discriminator = weights.load_discriminator(OUT / name)
        judged = judging.judge_discriminator(discriminator, generator, n=N, seed=SEED)
        rows.append(
            {
                "scheme": entry["scheme"],
                "file": name + (" (default)" if entry.get("default") else ""),
                "seed": entry["seed"],
                "epochs": entry.get("epochs", entry.get("epoch")),
                **{k: round(v, 3) for k, v in judged.items()},
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values("scheme", key=lambda s: s.map(SCHEME_ORDER), kind="stable").reset_index(drop=True)


def loss_curves(path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    dcgan = pd.read_csv(OUT / "dcgan_loss.csv")
    per_epoch = dcgan.groupby("epoch")[["d_loss", "g_loss"]].mean()
    per_epoch.plot(ax=axes[0], marker="o", ms=3, title="Phase 1: DCGAN (mean loss per epoch)")
    shipped_epoch = weights.shipped_weights()["generator.pt"]["epoch"]
    axes[0].axvline(shipped_epoch, color="grey", ls="--", lw=1, label=f"generator.pt (epoch {shipped_epoch})")
    axes[0].legend()
    for csv in sorted(OUT.glob("discriminator*.loss.csv")):
        log = pd.read_csv(csv)
        log.groupby("epoch")["d_loss"].mean().plot(ax=axes[1], marker="o", ms=3, label=csv.name.split(".")[0])
    axes[1].set_title("Phase 2: fresh discriminators (mean loss per epoch)")
    axes[1].legend(fontsize=7)
    for ax in axes:
        ax.set_xlabel("epoch"), ax.set_ylabel("BCE loss"), ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def judge_generator(generator) -> dict:
    """The classifier's verdict on 1,000 samples for each of a few sample seeds: class 4 sits near the 4% bar,
    so one seed alone would not say honestly where the generator stands."""
    model, accuracy = classifier.train_classifier(seed=0)
    per_seed = {}
    for seed in SAMPLE_SEEDS:
        judged = classifier.judge_digits(model, data.generated_digits(generator, N, seed))
        per_seed[seed] = {
            "mean_confidence": round(judged["mean_confidence"], 4),
            "min_class_share": round(float(judged["class_shares"].min()), 3),
            "class_shares": [round(float(v), 3) for v in judged["class_shares"]],
        }
    return {"classifier_holdout_accuracy": round(accuracy, 4), "samples_per_seed": N, "per_seed": per_seed}


def quality_table(judged: dict) -> str:
    rows = [
        {
            "sample seed": seed,
            "mean confidence": v["mean_confidence"],
            "smallest class share": v["min_class_share"],
            "class shares 0..9": " ".join(f"{x:.3f}" for x in v["class_shares"]),
        }
        for seed, v in judged["per_seed"].items()
    ]
    accuracy = (
        f"Classifier accuracy on the 1,000 held-out real digits: **{judged['classifier_holdout_accuracy']:.3f}**.\n\n"
    )
    return accuracy + markdown_table(pd.DataFrame(rows))


def markdown_table(table: pd.DataFrame) -> str:
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row] for row in table.itertuples(index=False)]
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(f"(<!-- {name} -->).*?(<!-- /{name} -->)", re.S)
    return pattern.sub(lambda m: f"{m.group(1)}\n{content}\n{m.group(2)}", text)


def main() -> None:
    torch.set_num_threads(1)
    generator = weights.load_generator()
    save_grid(data.generated_digits(generator, 64, 0), OUT / "sample_grid.png", columns=8)
    loss_curves(OUT / "loss_curves.png")
    table = score_table(generator)
    table.to_csv(OUT / "scores.csv", index=False)
    judged = judge_generator(generator)
    (OUT / "generator_quality.json").write_text(json.dumps(judged, indent=2) + "\n")
    card = OUT / "README.md"
    text = card.read_text()
    text = replace_block(text, "scores", markdown_table(table))
    text = replace_block(text, "quality", quality_table(judged))
    card.write_text(text)
    print(table.to_string(index=False))
    print(judged)


if __name__ == "__main__":
    main()
