"""The one engine per store a process opens (`connect`), and the hooks the tests use to swap or close one."""

from __future__ import annotations

import atexit
import threading

from index.qdrant.engine import Engine
from index.qdrant.errors import QdrantError
from index.qdrant.target import Target

# One engine per store per process: qdrant-client's local mode locks its directory, so a bot that
# rebuilds (/reindex) must reuse the client it answers with; a server client is reused for its pool.
_engines: dict[tuple[str, str, str], Engine] = {}
_engines_lock = threading.Lock()


def connect(target: Target) -> Engine:
    """The engine for `target`, opened once per process."""
    key = (target.url, target.path, target.api_key)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            try:
                import qdrant_client  # noqa: F401
            except ImportError:
                raise QdrantError(
                    "HOIBAO_INDEX_BACKEND=qdrant needs the qdrant-client package: pip install 'hoibao[qdrant]'."
                ) from None
            from index.qdrant.client import ClientEngine

            engine = ClientEngine(target)
            _engines[key] = engine
        return engine


def forget(target: Target) -> None:
    """Close and forget `target`'s engine (tests; a store that was removed)."""
    with _engines_lock:
        engine = _engines.pop((target.url, target.path, target.api_key), None)
    if engine is not None:
        engine.close()


def register(target: Target, engine: Engine) -> None:
    """Use `engine` for `target` from now on (the qdrant-edge adapter in the conformance tests)."""
    with _engines_lock:
        _engines[(target.url, target.path, target.api_key)] = engine


@atexit.register
def _close_all() -> None:
    """Close every engine before the interpreter tears down (local mode's own finaliser fails then)."""
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        try:
            engine.close()
        except Exception:  # closing at exit: nothing left to report to
            pass
