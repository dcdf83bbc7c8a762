"""A throwaway PostgreSQL server for tests: a cluster in a temporary folder on a free port, removed after.

Needs `initdb` and `pg_ctl` on PATH (skips with the reason otherwise). initdb refuses to run as
root: as root, the cluster is made and run as the unprivileged `nobody` user, or the tests skip
saying so.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

RUN_AS = "nobody"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One running server; `url(database)` for SQLAlchemy, `stop`/`start` to take it down and back."""

    def __init__(self, base: Path, pg_ctl: str, user: pwd.struct_passwd | None) -> None:
        self.base, self.pg_ctl, self.user = base, pg_ctl, user
        self.data, self.port = base / "data", _free_port()

    def _run(self, *command: str, timeout: float = 60) -> None:
        ids = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []} if self.user else {}
        done = subprocess.run(command, cwd=self.base, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "LC_ALL": "C", "LANG": "C"}, **ids)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")

    def init(self, initdb: str) -> None:
        self._run(initdb, "-D", str(self.data), "-U", "hoibao", "--auth=trust", "-E", "UTF8", "--no-locale",
                  "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.base / "server.log"), "-w", "-t", "60",
                  "-o", options, "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://hoibao@127.0.0.1:{self.port}/{database}"

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database on this server, dropped afterwards; its URL."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)  # survives a restart
        try:
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name}"))
            yield self.url(name)
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        finally:
            admin.dispose()


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL's initdb/pg_ctl are not on PATH: no PostgreSQL server to test against")
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(RUN_AS)
        except KeyError:
            pytest.skip(f"running as root, which initdb refuses, and there is no {RUN_AS!r} user to run it as")
    base = Path(tempfile.mkdtemp(prefix="hoibao-pg-"))
    if user:
        os.chown(base, user.pw_uid, user.pw_gid)
    cluster = Cluster(base, pg_ctl, user)
    try:
        cluster.init(initdb)
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        except Exception:  # never started, or already stopped
            pass
        shutil.rmtree(base, ignore_errors=True)
