"""The question log on real databases: SQLite (a temporary file) always, PostgreSQL when it is installed.

Every test runs on both backends (`db_url`); the PostgreSQL server is a throwaway cluster
(tests/postgres.py), each test gets its own empty database on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect, select

from bot.cli import main
from bot.questionlog import db
from bot.questionlog.schema import feedback, installation, metadata, questions
from bot.questionlog.writer import QuestionLog
from tests.postgres import throwaway_cluster
from tests.waiting import until_sync

FAST = dict(flush_seconds=0.02, retry_seconds=0.05)


@pytest.fixture(scope="session")
def postgres():
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log' / 'hoibao.db'}"  # the folder does not exist yet
        return
    with request.getfixturevalue("postgres").database() as url:
        yield url


@pytest.fixture
def engine(db_url):
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def rows(engine, table) -> list[dict]:
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(table))]


def migrate(url: str) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()


def started(url: str, **options) -> QuestionLog:
    return QuestionLog(url, **{**FAST, **options}).start()


def ask(log: QuestionLog, question: str = "Bí thư phường Phước Mỹ là ai?", **fields) -> str:
    values = dict(channel="telegram", chat=1001, user=1001, question=question, outcome="answered", latency_ms=91.5,
                  confidence=0.93, article_id="xay_dung_dang.txt", article_title="Xây dựng Đảng", paragraph=9,
                  written=False, fallback="off")
    return log.record(**{**values, **fields})


def salted(salt: bytes, channel: str, value: object) -> str:
    return hmac.new(salt, f"{channel}:{value}".encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- migrations, salt


def test_migrations_create_the_schema_on_an_empty_database_then_change_nothing(db_url, engine):
    first = db.make_engine(db_url)
    db.migrate(first)
    assert db.current_revision(first) == db.head_revision() == "0002"
    with first.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []  # exactly schema.py
    salt = db.installation_salt(first)
    assert len(salt) == 32
    first.dispose()
    again = db.make_engine(db_url)
    db.migrate(again)  # already at head: a no-op
    assert db.current_revision(again) == "0002" and db.installation_salt(again) == salt
    again.dispose()
    assert set(inspect(engine).get_table_names()) == {"alembic_version", "questions", "feedback", "installation", "follows", "pushes",
                                                     "pushed_articles"}
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_log_migrates_at_start_and_keeps_its_salt_across_restarts(db_url, engine):
    log = started(db_url)
    ask(log, user=42)
    assert log.close() == 0
    log = started(db_url)  # the database is migrated already: the rows and the salt stay
    ask(log, user=42)
    assert log.close() == 0
    (salt,) = [r["value"] for r in rows(engine, installation) if r["key"] == db.SALT]
    asked = rows(engine, questions)
    assert len(asked) == 2 and {r["user_hash"] for r in asked} == {salted(bytes.fromhex(salt), "telegram", 42)}


# ---------------------------------------------------------------- rows


def test_one_row_per_question_with_hashed_chat_and_user(db_url, engine):
    log = started(db_url)
    answered = ask(log, chat=-100200, user=7)
    refused = ask(log, question="😀🎉", outcome="refused", confidence=None, article_id=None, article_title=None,
                  paragraph=None, fallback=None, channel="zalo", chat="u7", user="u7")
    assert log.flush(10)
    by_id = {r["id"]: r for r in rows(engine, questions)}
    assert set(by_id) == {answered, refused}
    row = by_id[answered]
    assert row["channel"] == "telegram" and row["question"] == "Bí thư phường Phước Mỹ là ai?"
    assert (row["outcome"], row["confidence"], row["article_id"], row["paragraph"]) == \
        ("answered", 0.93, "xay_dung_dang.txt", 9)
    assert row["article_title"] == "Xây dựng Đảng" and row["latency_ms"] == 91.5
    assert row["written"] is False and row["fallback"] == "off"
    assert abs(db.utc(row["asked_at"]) - datetime.now(timezone.utc)) < timedelta(minutes=1)
    salt = db.installation_salt(engine)
    assert row["chat_hash"] == salted(salt, "telegram", -100200) and row["user_hash"] == salted(salt, "telegram", 7)
    assert "-100200" not in row["chat_hash"] and len(row["chat_hash"]) == 64
    assert by_id[refused]["outcome"] == "refused" and by_id[refused]["article_id"] is None
    assert by_id[refused]["chat_hash"] == salted(salt, "zalo", "u7")
    log.close()


def test_text_off_keeps_every_column_but_the_text(db_url, engine):
    log = started(db_url, log_text=False)
    ask(log)
    log.close()
    (row,) = rows(engine, questions)
    assert row["question"] is None
    assert row["outcome"] == "answered" and row["article_id"] == "xay_dung_dang.txt" and row["paragraph"] == 9


def test_feedback_once_per_reader_the_latest_vote_stands(db_url, engine):
    log = started(db_url)
    answer = ask(log)
    for user, value in ((1001, 1), (1001, 1), (1001, -1), (2002, 1)):
        log.feedback(channel="telegram", question_id=answer, user=user, value=value)
    log.feedback(channel="telegram", question_id="f" * 32, user=1001, value=1)  # no such question: ignored
    assert log.flush(10)
    log.feedback(channel="telegram", question_id=answer, user=2002, value=1)  # replayed in a later batch
    log.close()
    salt = db.installation_salt(engine)
    votes = {r["user_hash"]: r["value"] for r in rows(engine, feedback)}
    assert votes == {salted(salt, "telegram", 1001): -1, salted(salt, "telegram", 2002): 1}
    assert log.rejected == 0


def test_close_writes_what_is_queued(db_url, engine):
    log = QuestionLog(db_url, flush_seconds=30).start()  # nothing would be written for 30 s
    ids = [ask(log, user=i) for i in range(250)]
    assert log.close(timeout=30) == 0
    assert {r["id"] for r in rows(engine, questions)} == set(ids)


def test_a_row_the_driver_cannot_encode_is_dropped_and_the_writer_goes_on(db_url, engine):
    log = started(db_url)
    ask(log, "Lỗi \ud800 mã")  # a lone surrogate: sqlite3 raises UnicodeEncodeError, psycopg its own error
    good = ask(log)
    assert log.flush(10)
    assert log._thread.is_alive() and log.rejected == 1
    assert [r["id"] for r in rows(engine, questions)] == [good]
    log.close()


def test_nothing_secret_or_asked_reaches_the_logs(db_url, engine, caplog):
    caplog.set_level(logging.DEBUG)
    log = started(db_url)
    ask(log, question="Câu hỏi riêng tư của bạn đọc")
    log.close()
    salt = db.installation_salt(engine)
    for record in caplog.records:
        assert salt.hex() not in record.getMessage() and "riêng tư" not in record.getMessage()


# ---------------------------------------------------------------- retention


def _old_rows(engine, days: list[int]) -> list[str]:
    """Questions asked `days` ago, each with one feedback; their ids."""
    ids = []
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        for i, age in enumerate(days):
            qid = f"{i:032x}"
            connection.execute(insert(questions).values(
                id=qid, asked_at=now - timedelta(days=age), channel="telegram", chat_hash="c" * 64,
                user_hash="u" * 64, question=f"q{age}", outcome="not_found", latency_ms=1.0, written=False))
            connection.execute(insert(feedback).values(question_id=qid, user_hash="u" * 64, value=-1, given_at=now))
            ids.append(qid)
    return ids


def test_retention_is_enforced_by_the_writer(db_url, engine):
    migrate(db_url)
    ids = _old_rows(engine, [200, 91, 30, 0])
    log = started(db_url, retention_days=90)
    ask(log)  # the first write connects; the day's purge follows
    assert log.flush(10)
    deadline = time.monotonic() + 10
    while len(rows(engine, questions)) != 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    log.close()
    left = {r["id"] for r in rows(engine, questions)}
    assert left >= {ids[2], ids[3]} and not left & {ids[0], ids[1]}
    assert {r["question_id"] for r in rows(engine, feedback)} == {ids[2], ids[3]}
    assert db.last_purge(engine) is not None


def test_purge_command(db_url, engine, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("HOIBAO_DATABASE_URL", db_url)
    monkeypatch.setenv("HOIBAO_LOG_RETENTION_DAYS", "90")
    monkeypatch.chdir(tmp_path)  # no .env read from the working tree
    migrate(db_url)
    ids = _old_rows(engine, [400, 120, 10, 1])
    assert main(["log", "purge"]) == 0
    assert capsys.readouterr().out.startswith("Removed 2 questions and 2 feedback asked before ")
    before = (datetime.now(timezone.utc) - timedelta(days=5)).date().isoformat()
    assert main(["log", "purge", "--before", before]) == 0
    assert capsys.readouterr().out == f"Removed 1 questions and 1 feedback asked before {before} 00:00 UTC.\n"
    assert [r["id"] for r in rows(engine, questions)] == [ids[3]]
    assert main(["log", "purge", "--before", "2000-01-01"]) == 0
    assert capsys.readouterr().out.startswith("Removed 0 questions")


def test_purge_command_when_the_log_is_off_or_unreachable(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOIBAO_DATABASE_URL", "off")
    assert main(["log", "purge"]) == 0
    assert "off" in capsys.readouterr().out
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("HOIBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'file' / 'sub' / 'x.db'}")
    assert main(["log", "purge"]) == 2
    assert "cannot reach the question log" in capsys.readouterr().err
    monkeypatch.setenv("HOIBAO_DATABASE_URL", "postgresql+psycopg://reader:pa55word@127.0.0.1:1/hoibao")
    assert main(["log", "purge"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the question log" in err and "pa55word" not in err


# ---------------------------------------------------------------- the database down


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hoibao.questionlog" and r.levelno == logging.WARNING]


@contextlib.contextmanager
def silent_database():
    """A port that accepts connections and never answers (a database host gone quiet): (its URL, the sockets
    accepted so far). Leaving the block closes them and stops listening: attempts are then refused at once."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)  # so that the accepting thread sees `closing`
    accepted: list[socket.socket] = []
    closing = threading.Event()

    def accept() -> None:
        while not closing.is_set():
            with contextlib.suppress(TimeoutError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"postgresql+psycopg://hoibao@127.0.0.1:{listener.getsockname()[1]}/hoibao", accepted
    finally:
        closing.set()
        thread.join(5)
        listener.close()
        for connection in accepted:
            connection.close()


def test_unreachable_database_one_warning_rows_wait_record_stays_fast(caplog):
    with silent_database() as (url, accepted):
        log = started(url, clock=lambda: 0.0)  # no minute ever passes: one warning, however many retries
        ask(log)
        until_sync(lambda: accepted, "the writer to connect")
        # The writer now waits on the database (up to its 5 s connect timeout); recording does not wait with it.
        ids = [ask(log, user=i) for i in range(299)]
        assert log.failures == 0, "record waited for the database"
        assert len(set(ids)) == 299 and log.pending == 300
    # The host is gone: attempts fail at once and are retried (every 0.05 s), the rows wait in the queue.
    until_sync(lambda: log.failures >= 5, "five failed attempts")
    assert log.pending == 300
    warned = _warnings(caplog)
    assert len(warned) == 1 and "cannot write to postgresql+psycopg://hoibao@127.0.0.1" in warned[0]
    assert "answering goes on" in warned[0]
    assert log.close(timeout=0.5) == 300
    assert "300 rows not written at shutdown" in _warnings(caplog)[-1]


def test_a_folder_that_cannot_be_made_is_a_database_away(tmp_path, caplog):
    (tmp_path / "file").write_text("")  # a file where the database's folder should be
    log = started(f"sqlite:///{tmp_path / 'file' / 'log' / 'hoibao.db'}", clock=lambda: 0.0)
    for i in range(50):
        ask(log, user=i)
    until_sync(lambda: log.failures >= 3, "three failed attempts")
    assert log.pending == 50
    warned = _warnings(caplog)
    assert len(warned) == 1 and "cannot write to sqlite:///" in warned[0] and "answering goes on" in warned[0]
    assert log.close(timeout=0.5) == 50


def test_a_full_queue_drops_the_oldest_and_says_so(tmp_path, caplog):
    (tmp_path / "file").write_text("")
    log = started(f"sqlite:///{tmp_path / 'file' / 'x.db'}", capacity=10)
    ids = [ask(log, user=i) for i in range(25)]
    assert log.dropped == 15 and log.pending == 10
    assert [row["id"] for _, row in log._queue] == ids[-10:]
    log.close(timeout=0.2)


def test_postgres_stopped_then_back(postgres, caplog):
    caplog.set_level(logging.INFO, "hoibao.questionlog")
    with postgres.database() as url:
        log = started(url)
        ask(log)
        assert log.flush(10)
        postgres.stop()
        try:
            ids = [ask(log, user=i) for i in range(50)]
            failed = log.failures
            until_sync(lambda: log.failures >= failed + 3, "three more failed attempts")
            assert log.pending == 50
            warned = _warnings(caplog)
            assert len(warned) == 1 and "cannot write to postgresql+psycopg://hoibao@127.0.0.1" in warned[0]
        finally:
            postgres.start()
        assert log.flush(20)
        log.close()
        engine = create_engine(url)
        assert set(ids) <= {r["id"] for r in rows(engine, questions)}
        engine.dispose()
        assert any("writing again" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------- settings


def test_settings(monkeypatch, tmp_path):
    from bot.settings import SettingsError, load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOIBAO_DATABASE_URL", raising=False)
    default = load_settings()
    assert (default.database_url, default.log_questions, default.log_retention_days) == \
        ("sqlite:///var/hoibao.db", True, 90)
    monkeypatch.setenv("HOIBAO_DATABASE_URL", " OFF ")
    monkeypatch.setenv("HOIBAO_LOG_QUESTIONS", "false")
    assert load_settings().database_url == "off" and not load_settings().log_questions
    assert QuestionLog.from_settings(load_settings()) is None
    monkeypatch.setenv("HOIBAO_DATABASE_URL", "postgres:secret@host/db")
    with pytest.raises(SettingsError, match="HOIBAO_DATABASE_URL: expected a database URL") as caught:
        load_settings()
    assert "secret" not in str(caught.value)
    monkeypatch.setenv("HOIBAO_DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("HOIBAO_LOG_RETENTION_DAYS", "0")
    with pytest.raises(SettingsError, match="HOIBAO_LOG_RETENTION_DAYS"):
        load_settings()
