"""One writer per index directory: `hoibao index build`, `add`, `refresh`, the publish hook and the seeds watcher.

Two builds at once both did all the work, and the first printed a build directory the second had
already removed. Every build now holds an exclusive flock on `<index_dir>/.writer.lock` from
reading the old index to publishing the new one; the lock holder's pid and command are written
into the file so the one waiting can say who it waits for. The kernel drops the lock when its
process dies, so a killed build never leaves the index locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from index.errors import HoibaoError

LOCK_FILE = ".writer.lock"


class IndexBusy(HoibaoError):
    def __init__(self, index_dir: Path, holder: str) -> None:
        super().__init__(f"Another writer is building the index in {index_dir} ({holder}); "
                         "wait for it to finish, then run this again.")


def _holder(path: Path) -> str:
    try:
        return path.read_text("utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"


@contextlib.contextmanager
def writer_lock(index_dir: Path, *, wait: bool = True,
                on_wait: Callable[[str], None] = lambda holder: None) -> Iterator[None]:
    """Hold the index directory's writer lock; `wait=False` raises IndexBusy instead of waiting.

    `on_wait(holder)` is called once before blocking, so a command can print one line saying why it pauses.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_FILE
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            if not wait:
                raise IndexBusy(index_dir, holder) from None
            on_wait(holder)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}: {' '.join(os.path.basename(a) for a in sys.argv[:3])}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
