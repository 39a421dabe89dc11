"""A throwaway PostgreSQL cluster for the room tests: Debian's `postgresql` binaries, `initdb` in a temp dir,
`pg_ctl start` on a free loopback port (as user postgres when the tests run as root: postgres refuses root), one
fresh database per request, stopped at the end of the session. Skipped, with the reason, when no binaries exist."""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from benchmarks.harness import free_port


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir, self.port = bindir, free_port()
        self.root = Path(tempfile.mkdtemp(prefix="gan-ood-pg-"))
        self.data, self.log, self.count = self.root / "data", self.root / "server.log", 0
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> "Cluster":
        if self.user:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh, empty database; its postgresql:// URL."""
        import psycopg

        self.count += 1
        name = f"rooms_{self.count}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")  # a name made here, not input: DDL takes no parameters
        return self.url(name)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="session")
def postgres():
    """The running Cluster (skips when Debian's postgresql is not installed)."""
    bindir = _binaries()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()
