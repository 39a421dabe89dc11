#!/usr/bin/env bash
# Install everything the dashboard and the test suite need on a fresh Debian machine. Safe to re-run.
#   bash scripts/install.sh          # Python packages + Debian's chromium (browser tests) + Fashion-MNIST
#   bash scripts/install.sh --app    # only the Python packages the dashboard needs
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--app" ]; then
    packages="chromium dataset-fashion-mnist fonts-dejavu-core"
    missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
    if [ -n "$missing" ]; then
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
    fi
    extras=".[test]"
else
    extras="."
fi
# constraints.txt pins torch to the CPU wheel: an unpinned torch pulls a multi-GB CUDA build.
python3 -m pip install -q --disable-pip-version-check -c constraints.txt -e "$extras"
