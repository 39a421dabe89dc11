"""The package as a user installs it: `python -m build` makes the sdist and, from it, the wheel; the wheel goes into a
fresh virtual environment outside the checkout (no system site-packages, so no editable install can leak in), and
everything runs from an unrelated temporary folder: the files come from the installed wheel, `gan-ood notebook`
prints the same JSON as this checkout, and `gan-ood dashboard` answers /_stcore/health."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "weights" / "manifest.json").read_text())
SHIPPED = [  # what the dashboard and gan_core read, as repository paths
    "weights/manifest.json",
    "weights/README.md",
    "weights/sample_grid.png",
    "weights/dcgan_loss.csv",
    *[f"weights/{name}" for name in MANIFEST["files"]],
    ".streamlit/config.toml",
    "scripts/dashboard.env",
]
DASHBOARD = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "dashboard").rglob("*.py"))]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "GAN_OOD_WARM_UP": "0"}
ENV.pop("PYTHONPATH", None)
ENV.pop("VIRTUAL_ENV", None)

pytest.importorskip("build", reason="the test extras (scripts/install.sh) install the build frontend")


def _run(argv, cwd, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (
        f"{argv} exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """{"sdist": path, "wheel": path}, built from this checkout as a user (or PyPI) would."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out)
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl"))}


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory):
    """(python, bin folder, a working folder) of a fresh venv with the wheel installed; removed afterwards (~2 GB)."""
    base = tmp_path_factory.mktemp("installed")
    env_dir, work = base / "venv", base / "elsewhere"
    work.mkdir()
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # constraints.txt: the same torch as the project's own installs (here the local CPU wheel)
    _run([str(python), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), str(dist["wheel"])], work)
    yield python, env_dir / "bin", work
    shutil.rmtree(base, ignore_errors=True)


def test_the_sdist_and_the_wheel_carry_the_weights_the_dashboard_and_its_settings(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        in_sdist = {name.removeprefix(f"{top}/") for name in sdist.getnames()}
    assert set(SHIPPED + DASHBOARD) <= in_sdist, sorted(set(SHIPPED + DASHBOARD) - in_sdist)
    in_wheel = set(zipfile.ZipFile(dist["wheel"]).namelist())
    expected = {f"gan_core/shipped/{path}" for path in SHIPPED} | set(DASHBOARD)
    assert expected <= in_wheel, sorted(expected - in_wheel)
    assert not any(name.startswith(("weights/", "tests/", "benchmarks/")) for name in in_wheel)


def test_the_installed_package_reads_only_its_own_files(installed):
    python, _, work = installed
    probe = (
        "import json, dashboard, gan_core\n"
        "from gan_core import resources, server, weights\n"
        "print(json.dumps({'gan_core': gan_core.__file__, 'dashboard': dashboard.__file__,"
        " 'root': str(resources.shipped_root()), 'weights': str(weights.WEIGHTS_DIR),"
        " 'app': str(resources.dashboard_app()), 'names': sorted(weights.shipped_weights()),"
        " 'defaults': [weights.default_weights_name(k) for k in ('generator', 'discriminator')],"
        " 'options': server.streamlit_options()}))"
    )
    found = json.loads(_run([str(python), "-c", probe], work).stdout)
    env_dir = python.parent.parent.resolve()
    for key in ("gan_core", "dashboard", "root", "weights", "app"):
        assert Path(found[key]).resolve().is_relative_to(env_dir), (key, found[key])
    assert Path(found["app"]).is_file()
    assert found["names"] == sorted(MANIFEST["files"])
    assert found["defaults"] == ["generator.pt", "discriminator.pt"]
    assert "--server.maxUploadSize=10" in found["options"]


def test_gan_ood_notebook_from_the_wheel_prints_the_checkouts_json(installed):
    _, bin_dir, work = installed
    from_wheel = json.loads(_run([str(bin_dir / "gan-ood"), "notebook"], work).stdout)
    from_checkout = json.loads(_run([sys.executable, "-m", "gan_core.cli", "notebook"], ROOT).stdout)
    assert set(from_wheel) == {"task1_hash", "noise_prob", "binary_prob", "generated_prob", "cat_prob"}
    assert from_wheel == from_checkout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gan_ood_dashboard_from_the_wheel_serves(installed, tmp_path):
    _, bin_dir, work = installed
    port, log = _free_port(), tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(bin_dir / "gan-ood"), "dashboard", "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=work,
            env=ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline, health = time.monotonic() + 120, b""
        while health != b"ok":
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            try:
                health = urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read()
            except OSError:
                time.sleep(0.3)
        assert b"<html" in urllib.request.urlopen(url, timeout=10).read().lower()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
    assert code in (0, -signal.SIGTERM), log.read_text()[-3000:]
    assert "Traceback" not in log.read_text()
