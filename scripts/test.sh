#!/usr/bin/env bash
# Install everything, then run the whole test suite (unit, AppTest, browser). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# One thread everywhere: on a shared 2-core box 2-thread OpenMP/BLAS collapsed 10-250x under load, 1 never did.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
exec python3 -m pytest -q -p no:cacheprovider "$@"
