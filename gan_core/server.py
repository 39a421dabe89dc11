"""The dashboard server's settings, defined once and used by both ways to start it (`gan-ood dashboard` and
scripts/dashboard.sh, which calls it): Streamlit's options from `.streamlit/config.toml` and the process environment
from `scripts/dashboard.env`, both read from the shipped copies (gan_core.resources), so an installed package serves
exactly as the repository does. Nothing here imports Streamlit: the command runs it in a new process.
"""

import os
import re
import sys
from pathlib import Path

from .resources import dashboard_app, shipped_path

CONFIG = (".streamlit", "config.toml")
ENV_FILE = ("scripts", "dashboard.env")
OPTION = re.compile(r"--[A-Za-z]+\.[A-Za-z]+(=.*)?")  # Streamlit's --section.name[=value]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def _toml_value(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def streamlit_options(config: Path | None = None) -> list[str]:
    """config.toml as Streamlit command-line options, e.g. ["--server.headless=true", "--server.maxUploadSize=10"]."""
    with open(config or shipped_path(*CONFIG), "rb") as f:
        table = tomllib.load(f)
    return [
        f"--{section}.{name}={_toml_value(value)}"
        for section, options in table.items()
        for name, value in options.items()
    ]


def server_environment(env_file: Path | None = None) -> dict[str, str]:
    """dashboard.env's KEY=value lines (# comments); the values win over the caller's environment."""
    lines = Path(env_file or shipped_path(*ENV_FILE)).read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in (raw.strip() for raw in lines) if line and not line.startswith("#"))


def check_streamlit_args(args: list[str]) -> None:
    """Raise ValueError unless `args` are Streamlit options: --section.name VALUE or --section.name=VALUE."""
    expects_value = False
    for arg in args:
        if OPTION.fullmatch(arg):
            expects_value = "=" not in arg
        elif expects_value and not arg.startswith("--"):
            expects_value = False
        else:
            raise ValueError(f"{arg} is not a Streamlit option (--section.name VALUE, e.g. --server.port 8599)")


def command(streamlit_args: list[str]) -> list[str]:
    """argv of the server: `python -m streamlit run dashboard/app.py`, the shipped options, then the caller's (the
    last occurrence of an option wins, so the caller's override the shipped ones)."""
    check_streamlit_args(streamlit_args)
    return [sys.executable, "-m", "streamlit", "run", str(dashboard_app()), *streamlit_options(), *streamlit_args]


def serve(streamlit_args: list[str]) -> None:
    """Replace this process by the server (so signals reach Streamlit directly and its exit status is ours)."""
    argv, env = command(streamlit_args), {**os.environ, **server_environment()}
    sys.stdout.flush()
    os.execve(argv[0], argv, env)
