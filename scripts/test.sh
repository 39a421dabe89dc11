#!/usr/bin/env bash
# Install everything into .venv/ (first run only), then lint (ruff check, ruff format --check), type-check (mypy) and
# run the whole test suite (unit, AppTest, browser, packaging). `.ci/run` calls exactly this; arguments go to pytest.
# Every step runs even when an earlier one fails; the exit status is the first failure's.
set -uo pipefail
cd "$(dirname "$0")/.."
py=$(bash scripts/install.sh | tail -n 1) || exit
# One thread everywhere (why: gan_core/workers.py's docstring).
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
status=0
step() {
    echo "test: $*" >&2
    "$@" || { local rc=$?; echo "test: FAILED ($rc): $*" >&2; [ "$status" -ne 0 ] || status=$rc; }
}
step "$py" -m ruff check .
step "$py" -m ruff format --check .
step "$py" -m mypy
step "$py" -m pytest -q -p no:cacheprovider "$@"
exit "$status"
