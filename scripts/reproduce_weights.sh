#!/usr/bin/env bash
# Retrain every shipped weights file from scratch on the CPU and assemble weights/ (about 40 min on an idle
# 2-core box, one thread). Every model trains on the 4,000 "fit" digits only (the CLI's default); the 1,000
# holdout digits only evaluate. The same seeds on the same machine give the same files; see weights/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
cli() { python -m gan_core.cli "$@"; }
run=runs/dcgan_s0
cli train dcgan --epochs 25 --seed 0 --out "$run"
ck="$run/checkpoints"
cp "$ck/generator_epoch13.pt" weights/generator.pt
cp "$ck/discriminator_epoch13.pt" weights/discriminator_joint.pt
cp "$run/dcgan_loss.csv" weights/dcgan_loss.csv
phase2() {  # generator-epoch seed epochs batches output; per-epoch checkpoints for scripts/score_over_time.py
    cli train discriminator --generator "$ck/generator_epoch$1.pt" --seed "$2" --epochs "$3" --batches "$4" \
        --checkpoints "runs/phase2/${5%.pt}" --out "weights/$5"
}
phase2 13 1 4 separate discriminator.pt
phase2 13 2 4 separate discriminator_seed2.pt
phase2 13 3 4 separate discriminator_seed3.pt
phase2 14 1 4 separate discriminator_g14_seed1.pt
phase2 17 1 4 separate discriminator_g17_seed1.pt
phase2 13 1 8 mixed discriminator_mixed_seed1.pt
phase2 13 2 8 mixed discriminator_mixed_seed2.pt
phase2 13 3 8 mixed discriminator_mixed_seed3.pt
python scripts/write_manifest.py
python scripts/score_over_time.py
python scripts/model_card.py
