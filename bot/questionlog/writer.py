"""The question log's writer: `record` puts a row on a bounded queue, a thread writes batches.

Nothing a reader waits for touches the database. `record` and `feedback` only
append to an in-memory queue (a full queue drops its oldest row and counts it);
one background thread connects (migrating to head first), writes what is
queued in one transaction per batch, and deletes rows past the retention once
a day. With the database down, rows wait in the queue, the thread retries every
few seconds, and the log gets one warning a minute however many questions
arrive. Chat and user ids are hashed with the installation's salt by that
thread, so they are never written as themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError

from bot.questionlog import db
from bot.questionlog.outage import REFUSED, UNREACHABLE, Outage, reason
from bot.questionlog.schema import feedback, questions

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("hoibao.questionlog")

QUESTION, FEEDBACK = "question", "feedback"
QUESTION_CHARS = 2000  # longest question text kept (a refused 100 kB message is cut)
CLOSE_TIMEOUT = 5.0  # seconds `close` waits by default for the queue to be written


class QuestionLog:
    """One process's question log over `url` (see the module's docstring).

    Args:
        url: a SQLAlchemy URL (sqlite:///…, postgresql+psycopg://…).
        log_text: False keeps every column but the question's text (HOIBAO_LOG_QUESTIONS).
        retention_days: rows older than this are deleted once a day.
        capacity: rows the queue holds; past it the oldest is dropped (and counted).
        batch_size: rows written per transaction at most.
        flush_seconds: how long a row may wait before the thread writes it.
        retry_seconds: the wait between attempts while the database is down.
        warn_seconds: at most one warning per this many seconds.
        clock: monotonic seconds (tests pass their own).
        salt: the key of the readers' hashes (HOIBAO_LOG_SALT); None keeps it in the database (`db.installation_salt`).
    """

    def __init__(self, url: str, *, log_text: bool = True, retention_days: int = 90, capacity: int = 10_000,
                 batch_size: int = 500, flush_seconds: float = 0.5, retry_seconds: float = 5.0,
                 warn_seconds: float = 60.0, purge_check_seconds: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic, salt: bytes | None = None) -> None:
        self.url, self.log_text, self.retention_days = url, log_text, retention_days
        self.capacity, self.batch_size = capacity, batch_size
        self.flush_seconds, self.retry_seconds, self.warn_seconds = flush_seconds, retry_seconds, warn_seconds
        self.purge_check_seconds, self.clock = purge_check_seconds, clock
        self.dropped = 0  # rows pushed out of a full queue
        self.rejected = 0  # rows the database refused (never retried)
        self.written = 0
        self.failures = 0  # attempts that found the database away (each one is retried)
        self._queue: deque[tuple[str, dict]] = deque()
        self._inflight = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._closed = False
        self._engine: Engine | None = None
        self._salt, self._given_salt = b"", salt
        self._outage = Outage(url, warn_seconds=warn_seconds, retry_seconds=retry_seconds, clock=clock)
        self._next_purge = 0.0
        self._thread = threading.Thread(target=self._run, name="question-log", daemon=True)

    @classmethod
    def from_settings(cls, settings: "Settings", **options) -> "QuestionLog | None":
        """The log the settings ask for, started; None when HOIBAO_DATABASE_URL=off."""
        if not db.enabled(settings.database_url):
            return None
        salt = db.salt_of(settings.log_salt.get_secret_value()) if settings.log_salt else None
        return cls(settings.database_url, log_text=settings.log_questions,
                   retention_days=settings.log_retention_days, salt=salt, **options).start()

    def start(self) -> "QuestionLog":
        self._thread.start()
        return self

    # ------------------------------------------------------------ what the bot calls (any thread, never blocks)

    def record(self, *, channel: str, chat: object, user: object, question: str | None, outcome: str,
               latency_ms: float, confidence: float | None = None, article_id: str | None = None,
               article_title: str | None = None, paragraph: int | None = None, written: bool = False,
               fallback: str | None = None) -> str:
        """Queue one question's row; its id (what feedback refers to). `chat` and `user` are hashed later."""
        question_id = uuid.uuid4().hex
        self._put(QUESTION, {
            "id": question_id, "asked_at": db.now(), "channel": channel[:16], "chat": chat, "user": user,
            "question": question[:QUESTION_CHARS] if self.log_text and question is not None else None,
            "outcome": outcome[:16], "confidence": confidence,
            "article_id": article_id[:200] if article_id else None, "article_title": article_title,
            "paragraph": paragraph, "latency_ms": float(latency_ms), "written": bool(written),
            "fallback": fallback[:32] if fallback else None,
        })
        return question_id

    def feedback(self, *, channel: str, question_id: str, user: object, value: int) -> None:
        """Queue a reader's 👍 (+1) or 👎 (-1) on an answer; the latest per reader and answer stands."""
        self._put(FEEDBACK, {"question_id": question_id, "channel": channel, "user": user,
                             "value": 1 if value > 0 else -1, "given_at": db.now()})

    def _put(self, kind: str, row: dict) -> None:
        with self._lock:
            if self._closed:
                self.dropped += 1
                return
            if len(self._queue) >= self.capacity:
                self._queue.popleft()
                self.dropped += 1
            self._queue.append((kind, row))
            if len(self._queue) >= self.batch_size:
                self._wake.set()

    @property
    def pending(self) -> int:
        """Rows queued or being written."""
        with self._lock:
            return len(self._queue) + self._inflight

    def flush(self, timeout: float = CLOSE_TIMEOUT) -> bool:
        """Wait until everything queued so far is written (or `timeout`); whether it was."""
        deadline = time.monotonic() + timeout
        while self.pending:
            if time.monotonic() >= deadline or not self._thread.is_alive():
                return False
            self._wake.set()
            time.sleep(0.005)
        return True

    def close(self, timeout: float = CLOSE_TIMEOUT) -> int:
        """Write what is queued (up to `timeout` seconds), stop the thread; the rows left unwritten."""
        self._closing.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        with self._lock:
            self._closed = True
            left = len(self._queue) + self._inflight
        if left:
            log.warning("question log: %d rows not written at shutdown (%s)", left,
                        self._outage.last_error or "the database did not answer in time")
        if not self._thread.is_alive() and self._engine is not None:
            self._engine.dispose()
        return left

    # ------------------------------------------------------------ the writer thread

    def _run(self) -> None:
        while True:
            closing = self._closing.is_set()
            ok = self._drain()
            self._warn_dropped()
            if closing:
                return
            if ok:
                self._maybe_purge()
                self._wake.wait(self.flush_seconds)
                self._wake.clear()
            else:
                self._closing.wait(self.retry_seconds)

    def _drain(self) -> bool:
        """Write the queue in batches; False when the database could not be reached (rows kept)."""
        while True:
            with self._lock:
                batch = [self._queue.popleft() for _ in range(min(self.batch_size, len(self._queue)))]
                self._inflight = len(batch)
            if not batch:
                return True
            try:
                if not self._connected():
                    self._requeue(batch)
                    return False
                self._write_batch(batch)
            except UNREACHABLE as exc:
                self._unreachable(exc)
                self._requeue(batch)
                return False
            except REFUSED:
                if not self._write_one_by_one(batch):
                    return False
            finally:
                with self._lock:
                    self._inflight = 0

    def _requeue(self, batch: list[tuple[str, dict]]) -> None:
        """Back at the front, in order; what no longer fits is the oldest, dropped."""
        with self._lock:
            room = self.capacity - len(self._queue)
            kept = batch[max(0, len(batch) - room):] if room < len(batch) else batch
            self.dropped += len(batch) - len(kept)
            self._queue.extendleft(reversed(kept))

    def _connected(self) -> bool:
        if self._engine is not None:
            return True
        engine = None
        try:
            engine = db.make_engine(self.url)
            db.migrate(engine)
            self._salt = db.installation_salt(engine, self._given_salt)
        except Exception as exc:  # any failure to reach or prepare the database: retried later
            if engine is not None:
                engine.dispose()
            self._unreachable(exc)
            return False
        self._engine = engine
        self._outage.up()
        return True

    def _unreachable(self, exc: BaseException) -> None:
        """One warning per `warn_seconds`, never per question; the engine is rebuilt on the next try."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self.failures += 1
        self._outage.down(exc, self.pending)

    def _warn_dropped(self) -> None:
        with self._lock:
            dropped = self.dropped
        self._outage.dropped(dropped)

    def _write_batch(self, batch: list[tuple[str, dict]]) -> None:
        asked = [self._question_row(row) for kind, row in batch if kind == QUESTION]
        rated = [self._feedback_row(row) for kind, row in batch if kind == FEEDBACK]
        assert self._engine is not None
        with self._engine.begin() as connection:
            if asked:
                connection.execute(insert(questions), asked)
            if rated:
                # Feedback on a question no longer there (dropped from a full queue, purged) is ignored;
                # the last of several taps by one reader in one batch stands.
                ids = {row["question_id"] for row in rated}
                known = set(connection.scalars(select(questions.c.id).where(questions.c.id.in_(ids))))
                latest = {(row["question_id"], row["user_hash"]): row for row in rated if row["question_id"] in known}
                if latest:
                    db.upsert(connection, feedback, list(latest.values()), ["question_id", "user_hash"],
                              ["value", "given_at"])
        self.written += len(batch)

    def _write_one_by_one(self, batch: list[tuple[str, dict]]) -> bool:
        """A batch the database refused: each row on its own, the bad ones dropped (counted, warned once a minute)."""
        for i, item in enumerate(batch):
            try:
                self._write_batch([item])
            except UNREACHABLE as exc:
                self._unreachable(exc)
                self._requeue(batch[i:])
                return False
            except REFUSED as exc:
                self.rejected += 1
                self._outage.refused(exc, self.rejected)
        return True

    def _question_row(self, row: dict) -> dict:
        values = {k: v for k, v in row.items() if k not in ("chat", "user")}
        values["chat_hash"] = self.hash(row["channel"], row["chat"])
        values["user_hash"] = self.hash(row["channel"], row["user"])
        return values

    def _feedback_row(self, row: dict) -> dict:
        return {"question_id": row["question_id"], "user_hash": self.hash(row["channel"], row["user"]),
                "value": row["value"], "given_at": row["given_at"]}

    def hash(self, channel: str, value: object) -> str:
        """The salted SHA-256 (HMAC) of a chat or user id on a channel: the same reader, the same hash."""
        return hmac.new(self._salt, f"{channel}:{value}".encode(), hashlib.sha256).hexdigest()

    def _maybe_purge(self) -> None:
        """Once a day (checked hourly, shared by replicas through the installation table): the retention."""
        if self._engine is None or self.clock() < self._next_purge:
            return
        self._next_purge = self.clock() + self.purge_check_seconds
        try:
            removed, removed_feedback = db.purge_if_due(self._engine, self.retention_days)
        except UNREACHABLE as exc:
            self._unreachable(exc)
            return
        except SQLAlchemyError as exc:
            log.warning("question log: retention purge failed (%s)", reason(exc))
            return
        if removed:
            log.info("question log: removed %d questions and %d feedback older than %d days", removed,
                     removed_feedback, self.retention_days)

