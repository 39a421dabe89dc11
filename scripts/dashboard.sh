#!/usr/bin/env bash
# Install the dashboard's Python packages into .venv/ (first run only), then serve it on the shipped weights at
# http://localhost:8501 with the server settings of `gan-ood dashboard` (.streamlit/config.toml, scripts/dashboard.env).
# Any Streamlit option passes through, e.g. bash scripts/dashboard.sh --server.port 8599
set -euo pipefail
cd "$(dirname "$0")/.."
py=$(bash scripts/install.sh --app | tail -n 1)
echo "dashboard: starting the server (gan-ood dashboard $*); Ctrl-C stops it" >&2
exec "$py" -m gan_core.cli dashboard "$@"
