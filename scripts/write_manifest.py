"""Write weights/manifest.json: what each shipped file is, and its sha256 (checked on every load)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gan_core.weights import write_manifest

PHASE2 = "fresh discriminator trained only against a finished generator"
ENTRIES = {
    "generator.pt": {
        "kind": "generator",
        "phase": 1,
        "seed": 0,
        "epoch": 16,
        "description": "DCGAN generator, epoch 16 of 25",
    },
    "discriminator.pt": {
        "kind": "discriminator",
        "phase": 2,
        "seed": 1,
        "epochs": 8,
        "generator_epoch": 16,
        "default": True,
        "description": f"default: {PHASE2} (epoch 16)",
    },
    "discriminator_joint.pt": {
        "kind": "discriminator",
        "phase": 1,
        "seed": 0,
        "epoch": 16,
        "description": "trained jointly with the generator from the start",
    },
    "discriminator_seed2.pt": {
        "kind": "discriminator",
        "phase": 2,
        "seed": 2,
        "epochs": 8,
        "generator_epoch": 16,
        "description": f"{PHASE2} (epoch 16)",
    },
    "discriminator_seed3.pt": {
        "kind": "discriminator",
        "phase": 2,
        "seed": 3,
        "epochs": 8,
        "generator_epoch": 16,
        "description": f"{PHASE2} (epoch 16)",
    },
    "discriminator_g13_seed1.pt": {
        "kind": "discriminator",
        "phase": 2,
        "seed": 1,
        "epochs": 6,
        "generator_epoch": 13,
        "description": f"{PHASE2} (epoch 13)",
    },
    "discriminator_g20_seed2.pt": {
        "kind": "discriminator",
        "phase": 2,
        "seed": 2,
        "epochs": 8,
        "generator_epoch": 20,
        "description": f"{PHASE2} (epoch 20)",
    },
}

if __name__ == "__main__":
    print(write_manifest(ENTRIES))
