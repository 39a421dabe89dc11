#!/usr/bin/env bash
# Install the dashboard's Python packages, then serve it on the shipped weights at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --app
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
exec python3 -m streamlit run dashboard/app.py "$@"
