"""The question log's database: the engine from HOIBAO_DATABASE_URL, migrations, the salt, purging.

SQLite (the default, a file beside the index) runs in WAL mode with a busy
timeout, so a report reading it never blocks the bot writing; PostgreSQL is the
same code for several bot replicas (`postgresql+psycopg://…`). Migrations are
Alembic's, shipped in `migrations/` beside this file and configured here (no
alembic.ini): `migrate` upgrades to head, and is safe to run at every start and
from several replicas at once.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.questionlog.schema import feedback, installation, questions
from index import redact

log = logging.getLogger("hoibao.questionlog")

OFF = "off"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 5  # SQLite: how long a writer waits for another's lock
CONNECT_TIMEOUT_S = 5  # PostgreSQL: how long a connection attempt may take
SALT, LAST_PURGE = "salt", "last_purge"  # keys of the installation table
_PG_MIGRATION_LOCK = 0x686F6962  # pg_advisory_xact_lock key: one replica migrates at a time
_migrating = threading.Lock()  # Alembic's `context` is module-global: one migration per process at a time


def enabled(url: str) -> bool:
    return url.strip().lower() != OFF


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created and every connection set to WAL.

    Raises OSError when the SQLite file's folder cannot be made (the caller treats it as "database down").
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(parsed, hide_parameters=True, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
    cursor.close()


def describe(url: str) -> str:
    """The URL without its password (user:password@ or ?password=…), for messages."""
    try:
        return redact.url(make_url(url).render_as_string(hide_password=True))
    except Exception:  # noqa: BLE001 (a URL SQLAlchemy cannot read: shown without what looks like a password)
        return redact.url(url)


def alembic_config(connection=None):
    """Alembic's configuration, made here: the scripts inside the package, `connection` handed to env.py."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with _quiet("alembic"), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """`alembic upgrade head` on `engine`: creates the tables on an empty database, does nothing on a current one.

    Replicas starting together: PostgreSQL serialises them with an advisory lock; on SQLite
    the loser of a race finds the schema already at head.
    """
    with _migrating, _quiet("alembic"):
        from alembic import command  # its first import logs a line per plugin at INFO: inside the quiet

        before = current_revision(engine)
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
                command.upgrade(alembic_config(connection), "head")
        except DBAPIError:
            if current_revision(engine) != head_revision():
                raise
        after = current_revision(engine)
    if after != before:
        log.info("question log: schema upgraded from %s to %s", before or "nothing", after)


@contextlib.contextmanager
def _quiet(name: str):
    """Alembic says "Context impl SQLiteImpl." at INFO on every start, and names each plugin it sets up on
    its first import; only our one line is wanted."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def salt_of(text: str) -> bytes:
    """HOIBAO_LOG_SALT as bytes: hex (as `openssl rand -hex 32` and the database's own salt are) or text."""
    try:
        return bytes.fromhex(text.strip())
    except ValueError:
        return text.encode("utf-8")


def installation_salt(engine: Engine, given: bytes | None = None) -> bytes:
    """This installation's hashing salt, never logged.

    Without `given` (HOIBAO_LOG_SALT unset): made once (the first start) and kept in the database.
    With it: `given`, and the database's own salt, if it still holds one, is deleted, so that the
    database alone no longer links a hash to a reader. Moving the salt out keeps every hash the same
    when `given` is the database's salt (docs/operating.md "The salt"); another one starts new hashes.
    """
    if given is not None:
        with engine.begin() as connection:
            stored = connection.scalar(select(installation.c.value).where(installation.c.key == SALT))
            if stored is not None:
                connection.execute(delete(installation).where(installation.c.key == SALT))
                if bytes.fromhex(stored) == given:
                    log.info("question log: the salt now lives in HOIBAO_LOG_SALT only; removed from the database")
                else:
                    log.warning("question log: HOIBAO_LOG_SALT is not the salt the database held (now removed): "
                                "readers are counted anew from here on")
        return given
    for _ in range(2):
        with engine.begin() as connection:
            value = connection.scalar(select(installation.c.value).where(installation.c.key == SALT))
            if value is not None:
                return bytes.fromhex(value)
            try:
                connection.execute(insert(installation).values(key=SALT, value=secrets.token_hex(32)))
            except IntegrityError:  # another replica made it first: read theirs
                continue
    with engine.connect() as connection:
        return bytes.fromhex(connection.scalar(select(installation.c.value).where(installation.c.key == SALT)))


def purge(engine: Engine, before: datetime) -> tuple[int, int]:
    """Delete the questions asked before `before` (UTC) and their feedback; (questions, feedback) removed."""
    before = utc(before)
    old = select(questions.c.id).where(questions.c.asked_at < before)
    with engine.begin() as connection:
        removed_feedback = connection.execute(delete(feedback).where(feedback.c.question_id.in_(old))).rowcount
        removed = connection.execute(delete(questions).where(questions.c.asked_at < before)).rowcount
        upsert(connection, installation, [{"key": LAST_PURGE, "value": now().isoformat()}], ["key"], ["value"])
    return removed, removed_feedback


def purge_if_due(engine: Engine, retention_days: int) -> tuple[int, int]:
    """`purge` past the retention unless one ran in the last day, on any replica (the installation table says)."""
    last = last_purge(engine)
    if last is not None and now() - utc(last) < timedelta(days=1):
        return 0, 0
    return purge(engine, now() - timedelta(days=retention_days))


def upsert(connection, table, rows: list[dict], keys: list[str], columns: list[str]) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET columns, in PostgreSQL's and SQLite's shared syntax."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        raise NotImplementedError(f"the question log supports SQLite and PostgreSQL, not {connection.dialect.name}")
    statement = dialect_insert(table)
    statement = statement.on_conflict_do_update(index_elements=keys,
                                                set_={c: statement.excluded[c] for c in columns})
    connection.execute(statement, rows)


def last_purge(engine: Engine) -> datetime | None:
    with engine.connect() as connection:
        value = connection.scalar(select(installation.c.value).where(installation.c.key == LAST_PURGE))
    return datetime.fromisoformat(value) if value else None


def now() -> datetime:
    return datetime.now(timezone.utc)


def utc(moment: datetime) -> datetime:
    """A naive datetime is taken as UTC (how SQLite hands them back)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
