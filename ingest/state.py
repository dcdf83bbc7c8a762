"""The crawl state: every followed source and every article seen, in SQLite beside the index.

`<index_dir>/crawl.sqlite3` (stdlib sqlite3, WAL, so `hoibao sources list` reads while the
bot's background refresh writes). Times are UTC epoch seconds. One `CrawlState` per thread:
a refresh opens its own and closes it when done.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.errors import HoibaoError

FILE_NAME = "crawl.sqlite3"
SCHEMA_VERSION = 1

# Article states: listed but not saved yet; saved in the seeds folder; removed (gone twice, or
# its file deleted by an editor).
PENDING, SAVED, REMOVED = "pending", "saved", "removed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,    -- canonical URL of the feed or sitemap
    kind          TEXT NOT NULL,           -- rss, atom, sitemap, news-sitemap, sitemap-index
    title         TEXT NOT NULL DEFAULT '',
    via           TEXT NOT NULL DEFAULT '',-- the homepage it was discovered on, if any
    etag          TEXT,
    last_modified TEXT,
    content_hash  TEXT,
    added_at      REAL NOT NULL,
    last_checked  REAL,
    last_ok       REAL,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT ''
);
-- The sitemaps a sitemap index lists: their own validators, so an unchanged one costs a 304.
CREATE TABLE IF NOT EXISTS documents (
    url           TEXT PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    etag          TEXT,
    last_modified TEXT,
    content_hash  TEXT,
    listed_updated TEXT NOT NULL DEFAULT '',
    last_checked  REAL
);
CREATE TABLE IF NOT EXISTS articles (
    url           TEXT PRIMARY KEY,        -- canonical URL (no utm_*, no fragment)
    fetch_url     TEXT NOT NULL,           -- as the source listed it
    file          TEXT NOT NULL,           -- its file in the seeds folder
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    state         TEXT NOT NULL DEFAULT 'pending',
    etag          TEXT,
    last_modified TEXT,
    content_hash  TEXT,                    -- sha256 of the article file written, front matter aside
    listed_updated TEXT NOT NULL DEFAULT '',-- the entry's updated / lastmod as the source gives it
    published     REAL,
    first_seen    REAL NOT NULL,
    last_seen     REAL NOT NULL,           -- last time a source listed it
    last_checked  REAL,
    last_changed  REAL,
    gone_count    INTEGER NOT NULL DEFAULT 0, -- consecutive 404/410 answers
    failures      INTEGER NOT NULL DEFAULT 0, -- consecutive other failures
    last_error    TEXT NOT NULL DEFAULT '',
    next_check    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_due ON articles(state, next_check);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class StateError(HoibaoError):
    """The crawl database cannot be opened or is from a newer hoibao."""


@dataclass(frozen=True)
class Source:
    id: int
    url: str
    kind: str
    title: str = ""
    via: str = ""
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    added_at: float = 0.0
    last_checked: float | None = None
    last_ok: float | None = None
    failures: int = 0
    last_error: str = ""


@dataclass(frozen=True)
class ArticleRow:
    url: str
    fetch_url: str
    file: str
    source_id: int | None
    state: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    listed_updated: str
    published: float | None
    first_seen: float
    last_seen: float
    last_checked: float | None
    last_changed: float | None
    gone_count: int
    failures: int
    last_error: str
    next_check: float


def state_path(index_dir: Path) -> Path:
    return Path(index_dir) / FILE_NAME


def has_sources(index_dir: Path) -> bool:
    """Whether any source is followed; never creates the database."""
    path = state_path(index_dir)
    if not path.is_file():
        return False
    try:
        with CrawlState(index_dir) as state:
            return bool(state.sources())
    except (HoibaoError, sqlite3.Error):
        return False


class CrawlState:
    """The crawl database; a context manager that commits each change as it is made."""

    def __init__(self, index_dir: Path) -> None:
        path = state_path(index_dir)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StateError(f"{path} was written by a newer hoibao (schema {version}); upgrade hoibao.")
            self.db.executescript(_SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            raise StateError(f"The crawl database {path} cannot be opened: {exc}") from None
        self.path = path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "CrawlState":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ---- sources -------------------------------------------------------------------------
    def add_source(self, url: str, kind: str, title: str = "", via: str = "", now: float | None = None) -> bool:
        """False when the source is already followed."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO sources (url, kind, title, via, added_at) VALUES (?, ?, ?, ?, ?)",
            (url, kind, title, via, time.time() if now is None else now))
        return cursor.rowcount == 1

    def sources(self) -> list[Source]:
        return [Source(**dict(row)) for row in self.db.execute("SELECT * FROM sources ORDER BY id")]

    def source(self, url: str) -> Source | None:
        row = self.db.execute("SELECT * FROM sources WHERE url = ?", (url,)).fetchone()
        return Source(**dict(row)) if row else None

    def remove_sources(self, url: str) -> list[Source]:
        """The sources at `url`, or discovered on the homepage `url`, removed; their articles stay."""
        gone = [s for s in self.sources() if url in (s.url, s.via)]
        for source in gone:
            self.db.execute("DELETE FROM sources WHERE id = ?", (source.id,))
        return gone

    def source_checked(self, source_id: int, now: float, *, error: str = "", etag: str | None = None,
                       last_modified: str | None = None, content_hash: str | None = None) -> None:
        """After a poll: the validators when it answered, else one more failure and the reason."""
        if error:
            self.db.execute("UPDATE sources SET last_checked = ?, failures = failures + 1, last_error = ? WHERE id = ?",
                            (now, error, source_id))
            return
        self.db.execute(
            "UPDATE sources SET last_checked = ?, last_ok = ?, failures = 0, last_error = '', "
            "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), "
            "content_hash = COALESCE(?, content_hash) WHERE id = ?",
            (now, now, etag, last_modified, content_hash, source_id))

    def source_counts(self) -> dict[int, dict[str, int]]:
        """Articles per source and state."""
        counts: dict[int, dict[str, int]] = {}
        for row in self.db.execute("SELECT source_id, state, COUNT(*) FROM articles GROUP BY source_id, state"):
            counts.setdefault(row[0], {})[row[1]] = row[2]
        return counts

    # ---- child sitemaps ------------------------------------------------------------------
    def document(self, url: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE url = ?", (url,)).fetchone()

    def document_checked(self, url: str, source_id: int, now: float, listed_updated: str,
                         etag: str | None = None, last_modified: str | None = None,
                         content_hash: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO documents (url, source_id, etag, last_modified, content_hash, listed_updated, last_checked) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
            "etag = COALESCE(excluded.etag, etag), last_modified = COALESCE(excluded.last_modified, last_modified), "
            "content_hash = COALESCE(excluded.content_hash, content_hash), "
            "listed_updated = excluded.listed_updated, last_checked = excluded.last_checked",
            (url, source_id, etag, last_modified, content_hash, listed_updated, now))

    # ---- articles ------------------------------------------------------------------------
    def article(self, url: str) -> ArticleRow | None:
        row = self.db.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
        return ArticleRow(**dict(row)) if row else None

    def articles(self) -> list[ArticleRow]:
        return [ArticleRow(**dict(row)) for row in self.db.execute("SELECT * FROM articles ORDER BY first_seen, url")]

    def listed(self, url: str, fetch_url: str, file: str, source_id: int, now: float,
               published: float | None, listed_updated: str) -> bool:
        """A source lists this article: new ones are due now; a known one whose listed date changed
        is due now too (a correction), and comes back if it had been removed. True when it is new.

        A new listed date never resets the 404 streak: a feed that restamps its items would otherwise
        keep a deleted article alive for ever (only a 200 from the article itself resets it)."""
        known = self.article(url)
        if known is None:
            self.db.execute(
                "INSERT INTO articles (url, fetch_url, file, source_id, published, listed_updated, first_seen, "
                "last_seen, next_check) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (url, fetch_url, file, source_id, published, listed_updated, now, now, now))
            return True
        changed = bool(listed_updated) and listed_updated != known.listed_updated
        self.db.execute(
            "UPDATE articles SET last_seen = ?, published = COALESCE(published, ?), listed_updated = ?, "
            "source_id = COALESCE(source_id, ?), next_check = CASE WHEN ? THEN MIN(next_check, ?) ELSE next_check END, "
            "state = CASE WHEN ? AND state = 'removed' THEN 'pending' ELSE state END WHERE url = ?",
            (now, published, listed_updated or known.listed_updated, source_id, changed, now, changed, url))
        return False

    def asked_for(self, url: str, file: str, now: float, present: bool = True) -> ArticleRow:
        """An article named by URL (`hoibao refresh URL`, the publish hook): its row, made due now.

        One no source lists yet is recorded without a source: checked when asked for, not on a schedule.
        A removed one, or one whose file is not `present`, is fetched afresh (pending); its 404 streak
        stays as it was.
        """
        self.db.execute(
            "INSERT INTO articles (url, fetch_url, file, first_seen, last_seen, next_check) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET next_check = MIN(next_check, excluded.next_check), "
            "state = CASE WHEN state = 'removed' OR ? THEN 'pending' ELSE state END",
            (url, url, file, now, now, now, not present))
        row = self.article(url)
        assert row is not None
        return row

    def not_due(self, now: float) -> int:
        """Followed articles a refresh at `now` leaves alone because their next check is later."""
        return self.db.execute(
            "SELECT COUNT(*) FROM articles WHERE state != 'removed' AND source_id IS NOT NULL AND next_check > ?",
            (now,)).fetchone()[0]

    def due(self, now: float, limit: int | None = None, everything: bool = False) -> list[ArticleRow]:
        """Articles to check now: never-fetched ones first, then the newest; `everything` ignores the schedule.

        Articles whose source was removed are no longer checked; removed articles neither.
        """
        where = "state != 'removed' AND source_id IS NOT NULL" + ("" if everything else " AND next_check <= ?")
        params: tuple = () if everything else (now,)
        sql = (f"SELECT * FROM articles WHERE {where} "
               "ORDER BY state = 'pending' DESC, COALESCE(published, first_seen) DESC, url")
        if limit is not None and not everything:
            sql += f" LIMIT {int(limit)}"
        return [ArticleRow(**dict(row)) for row in self.db.execute(sql, params)]

    def checked(self, url: str, now: float, next_check: float, *, state: str | None = None,
                etag: str | None = None, last_modified: str | None = None, content_hash: str | None = None,
                changed: bool = False, gone: bool = False, error: str = "", published: float | None = None) -> None:
        """After one article check: only the article answering (200, or 304 to our validators: a 200 spared
        its body) resets the counters; 404/410 count `gone`; other failures count `failures` and leave the
        404 streak as it was (a timeout proves nothing either way). A listing never resets it (`listed`)."""
        ok = not gone and not error
        self.db.execute(
            "UPDATE articles SET last_checked = ?, next_check = ?, state = COALESCE(?, state), "
            "etag = CASE WHEN ? THEN ? ELSE etag END, last_modified = CASE WHEN ? THEN ? ELSE last_modified END, "
            "content_hash = COALESCE(?, content_hash), last_changed = CASE WHEN ? THEN ? ELSE last_changed END, "
            "gone_count = CASE WHEN ? THEN gone_count + 1 WHEN ? THEN 0 ELSE gone_count END, "
            "failures = CASE WHEN ? THEN 0 WHEN ? THEN failures ELSE failures + 1 END, "
            "last_error = ?, published = COALESCE(published, ?) WHERE url = ?",
            (now, next_check, state, ok, etag, ok, last_modified, content_hash, changed, now,
             gone, ok, ok, gone, error, published, url))

    def saved_with(self, content_hash: str, other_than: str) -> str:
        """The URL of a saved article holding this content (ingest.add.content_digest), or ''."""
        row = self.db.execute("SELECT url FROM articles WHERE content_hash = ? AND url != ? AND state = 'saved' "
                              "LIMIT 1", (content_hash, other_than)).fetchone()
        return row[0] if row else ""

    def article_count(self) -> int:
        """Articles followed, in every state."""
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    # ---- flags ---------------------------------------------------------------------------
    def get_flag(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def set_flag(self, key: str, value: str) -> None:
        if value:
            self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                            (key, value))
        else:
            self.db.execute("DELETE FROM meta WHERE key = ?", (key,))
