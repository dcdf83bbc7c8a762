"""What the channel tests share: every log record of a test module (tokens and question texts must
stay out of logs), and a private copy of the seeds with its own index."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index.faiss.build import build_faiss

ROOT = Path(__file__).resolve().parents[1]


class Records(logging.Handler):
    """Every log record of the run, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.records: list[tuple[logging.LogRecord, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record, self.format(record)))


@contextmanager
def all_logs() -> Iterator[Records]:
    """Root logger at DEBUG into a Records handler, restored afterwards."""
    handler = Records()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


# Fixtures the channel tests share (imported by their modules).
@pytest.fixture(scope="module")
def logs():
    """Every record since the module's bot started."""
    with all_logs() as handler:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs carry the token
        yield handler


@pytest.fixture
def records():
    """This test's log records only."""
    with all_logs() as handler:
        yield handler


def private_index(base: Path, embedder, extra: dict[str, str] | None = None) -> tuple[Path, Path]:
    """A private copy of the seeds (plus `extra` articles, name → text) and its own index, under `base`."""
    shutil.copytree(ROOT / "seeds", base / "seeds")
    for name, text in (extra or {}).items():
        (base / "seeds" / name).write_text(text, encoding="utf-8")
    build_faiss(base / "seeds", base / "index", embedder, progress=False)
    return base / "seeds", base / "index"
