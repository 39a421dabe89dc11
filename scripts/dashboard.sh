#!/usr/bin/env bash
# Install the dashboard's Python packages, then serve it on the shipped weights at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --app
set -a  # export the server's environment: threads and heap arenas, with why
source scripts/dashboard.env
set +a
exec python3 -m streamlit run dashboard/app.py "$@"
