"""Write weights/manifest.json: what each shipped file is, its held-out judge figures, and its sha256 (checked on
every load).

Every discriminator entry has a `scheme`: "joint" (phase 1, trained with the generator), "separate" (phase 2,
all-real and all-fake batches: the notebook's recipe) or "mixed" (phase 2, real and generated shuffled into one
batch), and `holdout`: its mean probability on the 1,000 held-out real digits and on 1,000 of generator.pt's digits
(seed 7), the AUROC of real vs generated, and its mean on 1,000 Gaussian / binary / uniform noise images and photo
crops (`gan_core.judging.judge_discriminator`).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gan_core import judging, weights

GENERATOR_EPOCH, DCGAN_EPOCHS = 13, 25
SCHEME_TEXT = {
    "separate": "separate batches (all-real, all-fake)",
    "mixed": "mixed batches (real and generated shuffled together)",
}


def phase2(seed: int, epochs: int, scheme: str, generator_epoch: int = GENERATOR_EPOCH, default: bool = False) -> dict:
    entry = {"kind": "discriminator", "phase": 2, "scheme": scheme, "seed": seed, "epochs": epochs}
    entry |= {"generator_epoch": generator_epoch} | ({"default": True} if default else {})
    text = f"fresh discriminator against the epoch-{generator_epoch} generator, {SCHEME_TEXT[scheme]}"
    return entry | {"description": ("default: " if default else "") + text}


ENTRIES = {
    "generator.pt": {
        "kind": "generator",
        "phase": 1,
        "seed": 0,
        "epoch": GENERATOR_EPOCH,
        "description": f"DCGAN generator, epoch {GENERATOR_EPOCH} of {DCGAN_EPOCHS}",
    },
    "discriminator.pt": phase2(1, 4, "separate", default=True),
    "discriminator_joint.pt": {
        "kind": "discriminator",
        "phase": 1,
        "scheme": "joint",
        "seed": 0,
        "epoch": GENERATOR_EPOCH,
        "description": "trained jointly with the generator from the start (separate batches)",
    },
    "discriminator_seed2.pt": phase2(2, 4, "separate"),
    "discriminator_seed3.pt": phase2(3, 4, "separate"),
    "discriminator_g14_seed1.pt": phase2(1, 4, "separate", generator_epoch=14),
    "discriminator_g17_seed1.pt": phase2(1, 4, "separate", generator_epoch=17),
    "discriminator_mixed_seed1.pt": phase2(1, 8, "mixed"),
    "discriminator_mixed_seed2.pt": phase2(2, 8, "mixed"),
    "discriminator_mixed_seed3.pt": phase2(3, 8, "mixed"),
}


def with_holdout(entries: dict, directory: Path = weights.WEIGHTS_DIR) -> dict:
    """Each discriminator entry plus its held-out figures (rounded to 4 decimals), measured with generator.pt."""
    generator = weights.load_model(directory / "generator.pt", "generator", verify=False)
    out = {}
    for name, entry in entries.items():
        if entry["kind"] == "discriminator":
            discriminator = weights.load_model(directory / name, "discriminator", verify=False)
            judged = judging.judge_discriminator(discriminator, generator)
            keys = ("real", "generated", "auroc", *judging.JUDGE_GROUPS)
            entry = entry | {"holdout": {key: round(judged[key], 4) for key in keys}}
        out[name] = entry
    return out


if __name__ == "__main__":
    print(weights.write_manifest(with_holdout(ENTRIES)))
