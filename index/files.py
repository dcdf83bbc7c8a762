"""Files written so a reader sees the old one or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

READABLE = 0o644  # what a host process writes, the container's user (uid 10001) must read


def write_atomically(path: Path, text: str, mode: int = READABLE) -> None:
    """Write beside `path` under a hidden name, then rename over it; nothing is left behind on failure."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
