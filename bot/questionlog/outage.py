"""When the question log's database is away: which failures mean that, and a log that warns once a minute.

A down database must cost one warning per `warn_seconds`, never one per question, and what is
logged is the driver's first line, never the statement or its parameters (they carry question
texts). `QuestionLog`'s writer thread owns one `Outage` and reports to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.questionlog import db

log = logging.getLogger("hoibao.questionlog")

# Failures that mean "the database is not there now": retried, never dropped.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout, OSError)
# Failures that mean "not this row": the database refused it, or its driver could not encode a value
# (sqlite3's UnicodeEncodeError for a lone surrogate is not wrapped by SQLAlchemy). Dropped and counted,
# so that one odd row never ends the writer thread.
REFUSED = (SQLAlchemyError, ValueError)


class Outage:
    """The writer's view of the database being away, and its rate-limited warnings."""

    def __init__(self, url: str, *, warn_seconds: float, retry_seconds: float, clock: Callable[[], float]) -> None:
        self.url, self.warn_seconds, self.retry_seconds, self.clock = url, warn_seconds, retry_seconds, clock
        self.down_since: float | None = None
        self.last_error = ""
        self._warned_at: float | None = None
        self._dropped_warned = 0

    def _due(self) -> bool:
        """Whether a warning may be logged now (one per `warn_seconds`, whatever it is about)."""
        now = self.clock()
        if self._warned_at is None or now - self._warned_at >= self.warn_seconds:
            self._warned_at = now
            return True
        return False

    def down(self, exc: BaseException, pending: int) -> None:
        """The database could not be reached; `pending` rows wait for it."""
        now = self.clock()
        self.down_since = self.down_since if self.down_since is not None else now
        self.last_error = reason(exc)
        if self._due():
            log.warning("question log: cannot write to %s (%s); answering goes on, %d rows wait, retrying every "
                        "%g s", where(self.url), self.last_error, pending, self.retry_seconds)

    def up(self) -> None:
        """Connected: say so once if it had been down."""
        if self.down_since is not None:
            log.info("question log: writing again after %.0f s", self.clock() - self.down_since)
            self.down_since = None

    def dropped(self, dropped: int) -> None:
        """`dropped` rows pushed out of a full queue so far: warned when the count grew."""
        if dropped > self._dropped_warned and self._due():
            self._dropped_warned = dropped
            log.warning("question log: queue full, %d rows dropped so far (the oldest first)", dropped)

    def refused(self, exc: BaseException, rejected: int) -> None:
        """The database refused a row (it is dropped); `rejected` so far."""
        if self._due():
            log.warning("question log: the database refused a row (%s); %d refused so far", reason(exc), rejected)


def reason(exc: BaseException) -> str:
    """The driver's own first line (never the statement or its parameters, which carry question texts)."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first[:200]}" if first else type(cause).__name__


def where(url: str) -> str:
    """The database named for a log line, without its password; never raises."""
    try:
        return db.describe(url)
    except Exception:
        return "the database"
