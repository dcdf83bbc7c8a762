"""Paths given on the command line, checked before any slow work: each mistake is one line naming the option.

A file where a folder is wanted, a folder that cannot be written, a file that is missing or not in
the format the command reads: the operator can fix each, so each is a HoibaoError (`hoibao: …`,
exit 2), never a traceback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from index.errors import HoibaoError


def writable_folder(path: Path, option: str) -> Path:
    """`path` as a folder this process could write into (it is not made here: the command makes it when it
    writes, so a command that fails first leaves nothing behind); else one line naming `option`."""
    if path.exists() and not path.is_dir():
        raise HoibaoError(f"{option} {path} is a file; give a folder (it is created when missing).")
    existing = next(p for p in (path, *path.absolute().parents) if p.exists())
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "not a folder", str(existing))
        with tempfile.TemporaryFile(dir=existing):  # the only sure test (root passes os.access)
            pass
    except OSError as exc:
        raise HoibaoError(f"{option} {path}: cannot write there ({exc.strerror or type(exc).__name__}); "
                          "give a folder you can write to.") from None
    return path


def readable_file(path: Path, what: str) -> Path:
    """`path` as a file that exists and can be read; else one line saying what was expected."""
    if path.is_dir():
        raise HoibaoError(f"{path} is a folder; give {what}.")
    if not path.is_file():
        raise HoibaoError(f"No file {path}: give {what}.")
    if not os.access(path, os.R_OK):
        raise HoibaoError(f"{path} cannot be read (permission denied); give {what}.")
    return path


def os_error_line(exc: OSError) -> str:
    """A file-system failure at the edge (a path no check above saw) as one line: which path, and why."""
    where = f"{exc.filename}" + (f" → {exc.filename2}" if exc.filename2 else "")
    return f"{where}: {exc.strerror or type(exc).__name__}. Check the path given on the command line or in .env."
