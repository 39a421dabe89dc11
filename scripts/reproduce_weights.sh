#!/usr/bin/env bash
# Retrain every shipped weights file from scratch on the CPU and assemble weights/ (about 30 min on an idle
# 2-core box, one thread). The same seeds on the same machine give the same files; see weights/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
run=runs/dcgan_s0
gan-ood train dcgan --epochs 25 --seed 0 --out "$run"
ck="$run/checkpoints"
cp "$ck/generator_epoch16.pt" weights/generator.pt
cp "$ck/discriminator_epoch16.pt" weights/discriminator_joint.pt
cp "$run/dcgan_loss.csv" weights/dcgan_loss.csv
phase2() {  # generator-epoch seed epochs output
    gan-ood train discriminator --generator "$ck/generator_epoch$1.pt" --seed "$2" --epochs "$3" --out "weights/$4"
}
phase2 16 1 8 discriminator.pt
phase2 16 2 8 discriminator_seed2.pt
phase2 16 3 8 discriminator_seed3.pt
phase2 13 1 6 discriminator_g13_seed1.pt
phase2 20 2 8 discriminator_g20_seed2.pt
python3 scripts/write_manifest.py
python3 scripts/model_card.py
