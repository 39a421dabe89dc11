#!/usr/bin/env bash
# Install what the dashboard and the test suite need into the project's virtual environment .venv/ (created on the
# first run, reused later; an already active virtual environment is used as it is). Safe to re-run.
#   bash scripts/install.sh          # Python packages + the Debian packages the tests use (chromium, postgresql, nginx) + Fashion-MNIST
#   bash scripts/install.sh --app    # only the Python packages the dashboard needs
#   GAN_OOD_TORCH=cpu|cuda|auto      # which torch build (default auto: CUDA only where nvidia-smi sees a GPU)
# Prints the environment's python on its last line (scripts/dashboard.sh and scripts/test.sh run it).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "install: $*" >&2; }
apt_install() {  # Debian packages, through sudo when not root
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "apt-get install $* (Debian packages)"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# ---- the environment: the active venv, else .venv/ (Debian's python refuses pip outside one, PEP 668) ----
if [ -n "${VIRTUAL_ENV:-}" ]; then
    py="$VIRTUAL_ENV/bin/python"
    say "using the active virtual environment $VIRTUAL_ENV"
elif [ -x .venv/bin/python ]; then
    py=.venv/bin/python
else
    if ! python3 -c "import ensurepip, venv" 2>/dev/null; then  # Debian ships venv's pip bootstrap separately
        apt_install python3-venv
    fi
    say "creating the project's virtual environment .venv/ ($(python3 --version))"
    python3 -m venv .venv >&2
    py=.venv/bin/python
fi

level=app extras="."
if [ "${1:-}" != "--app" ]; then
    # chromium: browser tests; postgresql: class mode on PostgreSQL (the tests start a throwaway cluster);
    # nginx-light + openssl: the sticky-replicas proxy test (HTTPS on loopback)
    packages="chromium dataset-fashion-mnist fonts-dejavu-core postgresql nginx-light openssl"
    missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
    [ -z "$missing" ] || apt_install $missing
    level=test extras=".[test]"
fi

# ---- nothing to do when this environment already has this install (or the full one, for --app) ----
mode="${GAN_OOD_TORCH:-auto}"
case "$mode" in
    cpu | cuda) ;;
    auto) if nvidia-smi -L >/dev/null 2>&1; then mode=cuda; else mode=cpu; fi ;;
    *) say "GAN_OOD_TORCH must be cpu, cuda or auto, not '$mode'"; exit 2 ;;
esac
prefix=$("$py" -c 'import sys; print(sys.prefix)')
key="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16) torch=$mode $PWD"
for done_level in $level $([ $level = app ] && echo test); do
    if [ "$(cat "$prefix/.gan-ood-install.$done_level" 2>/dev/null)" = "$key" ]; then
        say "up to date in $prefix (pip install -e '$extras', torch $mode)"
        echo "$py"
        exit 0
    fi
done

pip=("$py" -m pip install --disable-pip-version-check)  # its output goes to stderr: stdout is the last line only
# ---- torch first, the build that fits this machine (the CUDA build is ~3 GB, the CPU build ~200 MB) ----
torch_pin=$(grep -E '^torch==' constraints.txt)
have=$("$py" -c 'import importlib.metadata as m; print(m.version("torch"))' 2>/dev/null || true)
cpu_index=https://download.pytorch.org/whl/cpu
if [ "${have%%+*}" = "${torch_pin#torch==}" ]; then
    say "torch $have is already installed"
elif [ "$mode" = cuda ]; then
    say "installing $torch_pin, the CUDA build (GAN_OOD_TORCH=$mode; several GB, progress below)"
    "${pip[@]}" -c constraints.txt "$torch_pin" >&2
elif "$py" -c "import urllib.request; urllib.request.urlopen('$cpu_index/torch/', timeout=5)" 2>/dev/null; then
    say "installing $torch_pin, the CPU build from $cpu_index (no NVIDIA GPU; GAN_OOD_TORCH=cuda for CUDA)"
    "${pip[@]}" --index-url "$cpu_index" "$torch_pin" >&2
else
    say "$cpu_index cannot be reached: installing $torch_pin from the configured index (a CPU build where it has one)"
    "${pip[@]}" -c constraints.txt "$torch_pin" >&2
fi

# ---- the project itself, editable, and everything else ----
say "installing the project and its packages (pip install -e '$extras', progress below)"
"${pip[@]}" -c constraints.txt -e "$extras" >&2
echo "$key" >"$prefix/.gan-ood-install.$level"
echo "$py"
