"""Qdrant's failures as hoibao errors: each message names the setting or the command that fixes it.

`translate` turns what qdrant-client raises (HTTP statuses, a server that does not answer, local
mode's "not found") into these, so that a wrong key or a dropped collection reaches the user as
one sentence, never as a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from index import redact
from index.errors import HoibaoError
from index.qdrant.target import Target


class QdrantError(HoibaoError):
    """Qdrant could not be used; the message names the setting to fix."""


class QdrantUnreachable(QdrantError):
    def __init__(self, target: Target, detail: str) -> None:
        super().__init__(
            f"Cannot reach Qdrant at {target.shown_url} ({detail}). Start the server or fix QDRANT_URL; "
            "HOIBAO_INDEX_BACKEND=faiss uses the index files instead."
        )


class QdrantUnauthorized(QdrantError):
    def __init__(self, target: Target, status: int) -> None:
        given = "the API key given" if target.api_key else "a request without an API key"
        super().__init__(
            f"Qdrant at {target.shown_url} refused {given} (HTTP {status}). Set QDRANT_API_KEY to the server's key "
            "(a read-only key is enough for the bots; `hoibao index build` needs a read-write one)."
        )


class QdrantLocked(QdrantError):
    def __init__(self, target: Target) -> None:
        super().__init__(
            f"QDRANT_PATH={target.path} is open in another process: qdrant-client's local mode serves one "
            "process at a time. Stop the other one, or run a Qdrant server and set QDRANT_URL instead."
        )


class QdrantFailed(QdrantError):
    def __init__(self, target: Target, what: str, detail: str) -> None:
        super().__init__(f"Qdrant ({target.where}) failed to {what}: {detail}")


class CollectionMissing(QdrantError):
    def __init__(self, target: Target, name: str) -> None:
        self.name = name
        super().__init__(
            f"Qdrant ({target.where}) has no collection {name}: it was dropped or never built. "
            "Rebuild with `hoibao index build`, then restart the bots."
        )


@contextlib.contextmanager
def translate(target: Target, what: str, collection: str | None = None) -> Iterator[None]:
    """Raise what qdrant-client raises inside as the QdrantError that says what to do; `what` names the call."""
    from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

    try:
        yield
    except UnexpectedResponse as exc:
        if exc.status_code in (401, 403):
            raise QdrantUnauthorized(target, exc.status_code) from None
        if exc.status_code == 404 and collection:
            raise CollectionMissing(target, collection) from None
        # A server's error body may echo what it was sent, the API key included.
        detail = exc.content.decode("utf-8", "replace")[:200] if exc.content else str(exc)[:200]
        detail = redact.hide(detail, [target.api_key, target.url])
        raise QdrantFailed(target, what, f"HTTP {exc.status_code} {detail}") from None
    except ResponseHandlingException as exc:
        raise QdrantUnreachable(target, redact.hide(f"{type(exc.source).__name__}: {exc.source}"[:200],
                                                    [target.api_key])) from None
    except ValueError as exc:  # local mode: "Collection x not found"
        if collection and "not found" in str(exc):
            raise CollectionMissing(target, collection) from None
        raise QdrantFailed(target, what, redact.hide(str(exc)[:200], [target.api_key])) from None
    except Exception as exc:  # httpx and grpc errors that qdrant-client passes through
        if "connect" in type(exc).__name__.lower() or "timeout" in type(exc).__name__.lower():
            raise QdrantUnreachable(target, redact.hide(f"{type(exc).__name__}: {exc}"[:200], [target.api_key])) from None
        raise
