"""The operator's first hour (issue 21), besides the failure sweep: the command line reads as one tool,
secrets come from files and never out, the console is the operator's, readers always get a reply,
suggested questions are well-formed, and library noise stays one line."""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging

import pytest
from sqlalchemy import select

from bot import messages
from bot.channels import console
from bot.channels.core import ChannelCore, Chat
from bot.cli import COMMANDS
from bot.cli.args import parser
from bot.core.answer import _person_questions, names_one_role
from bot.questionlog import db
from bot.questionlog.schema import installation
from bot.questionlog.writer import QuestionLog
from bot.service import AnswerService
from bot.settings import SECRETS, Settings, SettingsError, env_name, load_settings, secret_values
from index import redact

# ---------------------------------------------------------------- the command line


def _commands(p: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(words, parser, help line) of every command, nested ones included."""
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), sub, helps.get(name)
                yield from _commands(sub, (*path, name))


def test_every_command_has_a_one_line_description_and_every_option_its_default():
    commands = list(_commands(parser(COMMANDS)))
    assert len(commands) >= 20
    for words, sub, help_line in commands:
        assert help_line and "\n" not in help_line, words
        assert sub.description, words
        text = sub.format_help()
        for action in sub._actions:
            if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
                assert f"default: {action.default}" in text or "default" in (action.help or ""), (words, action.dest)
    ask = dict((w, s) for w, s, _ in commands)[("ask",)].format_help()
    assert "--top-k TOP_K" in ask and "HOIBAO_TOP_K or 5" in ask


@pytest.mark.parametrize("argv, verbose, quiet", [
    (["-v", "chat"], True, False),
    (["chat", "-v"], True, False),
    (["chat", "--quiet"], False, True),
    (["-q", "index", "info"], False, True),
    (["index", "info", "-v"], True, False),
    (["ask", "x"], False, False),
])
def test_verbosity_anywhere_on_the_line(argv, verbose, quiet):
    args = parser(COMMANDS).parse_args(argv)
    assert (args.verbose, args.quiet) == (verbose, quiet)


# ---------------------------------------------------------------- secrets


@pytest.mark.parametrize("field", SECRETS)
def test_every_secret_can_come_from_a_file(monkeypatch, tmp_path, field):
    value = {"qdrant_url": "http://admin:pw-123456@q:6333", "llm_base_url": "http://u:pw-123456@llm/v1",
             "database_url": "postgresql+psycopg://u:pw-123456@db/hoibao", "log_salt": "ab" * 32,
             "telegram_webhook_secret": "hook_secret-123"}.get(field, "secret-from-a-file-123")
    (tmp_path / "secret").write_text(value + "\n", "utf-8")
    monkeypatch.delenv(env_name(field), raising=False)  # the variable would win (conftest sets the database's)
    monkeypatch.setenv(f"{env_name(field)}_FILE", str(tmp_path / "secret"))
    settings = Settings(_env_file=None)
    got = getattr(settings, field)
    assert (got.get_secret_value() if hasattr(got, "get_secret_value") else got) == value
    assert any(v in value for v in secret_values(settings))


def test_the_variable_wins_over_its_file_and_an_unreadable_file_is_one_line(monkeypatch, tmp_path):
    (tmp_path / "token").write_text("from-the-file", "utf-8")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "from-the-variable")
    assert Settings(_env_file=None).telegram_bot_token.get_secret_value() == "from-the-variable"
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN_FILE=.*missing cannot be read"):
        load_settings()


def test_urls_are_shown_without_their_credentials():
    assert redact.url("http://admin:hunter2@q:6333/x") == "http://admin:<hidden>@q:6333/x"
    assert redact.url("postgresql+psycopg://u@db/h?sslmode=require&password=pw1") == \
        "postgresql+psycopg://u@db/h?sslmode=require&password=<hidden>"
    assert db.describe("postgresql+psycopg://u:pw1@db/h?password=pw2") == \
        "postgresql+psycopg://u:<hidden>@db/h?password=<hidden>"


def test_the_log_formatter_hides_known_secrets_in_tracebacks_too():
    redact.KNOWN.add("tok-123:ABCdef")
    try:
        raise ValueError("rejected /bottok-123%3AABCdef/getMe")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token tok-123:ABCdef", None, __import__("sys").exc_info())
    text = redact.Formatter("%(message)s").format(record)
    assert "ABCdef" not in text and text.count("<hidden>") >= 2 and "Traceback" in text


# ---------------------------------------------------------------- the console is the operator's


class Screen(Chat):
    limit = 10_000

    def __init__(self) -> None:
        super().__init__("console", "console")
        self.lines: list[str] = []

    async def send(self, text: str) -> None:
        self.lines.append(text)

    async def send_answer(self, answer) -> None:
        self.lines.append(answer.answer or "")


@pytest.mark.parametrize("limit, refused", [(0, 0), (3, 2)])
async def test_the_console_is_not_rate_limited_unless_a_setting_asks(settings, embedder, limit, refused):
    settings = settings.model_copy(update={"console_rate_limit_per_minute": limit})
    core = ChannelCore(AnswerService(settings, embedder), console.operator_settings(settings), messages.CONSOLE_HELP)
    screen = Screen()
    for _ in range(5):
        await core.message(screen, "Ai là bí thư phường Phước Mỹ?")
    assert sum("nhanh quá" in line for line in screen.lines) == refused
    assert settings.rate_limit_per_minute == 6  # the readers' limit is untouched


# ---------------------------------------------------------------- readers always get a reply


async def test_an_unknown_command_gets_one_line_with_the_known_ones(settings, embedder):
    core = ChannelCore(AnswerService(settings, embedder), settings, messages.HELP)
    screen = Screen()
    await core.message(screen, "/khongco bão số 3")
    assert screen.lines == [messages.unknown_command("khongco")]
    assert all(f"/{c}" in screen.lines[0] for c in messages.COMMANDS) and "\n" not in screen.lines[0]
    await core.message(screen, "/khongbiet", group=True)  # in a group it may be another bot's
    assert len(screen.lines) == 1


# ---------------------------------------------------------------- suggested questions


@pytest.mark.parametrize("prefix", [
    "Trong năm 2022, phường", "Các cán bộ, công chức phường", "Chủ tịch phường", "Phó Chủ tịch UBND thành phố",
    "Những người dân", "Theo Bí thư Quận ủy", "Năm nay bí thư", "Ông", "Ông ấy nói rằng",
])
def test_malformed_subjects_are_not_offered(prefix):
    assert not names_one_role(prefix)


@pytest.mark.parametrize("prefix", ["Bí thư Quận ủy Sơn Trà", "Bí thư Đảng ủy xã Hòa Phong", "Giám đốc Sở Y tế Hà Tĩnh"])
def test_a_title_and_its_place_is_offered(prefix):
    assert names_one_role(prefix)


def test_only_well_formed_questions_come_from_a_paragraph():
    paragraph = ("Trong năm 2022, phường Nguyễn Văn Tâm đã chỉ đạo quyết liệt. Các cán bộ, công chức phường "
                 "Lê Thị Hoa cho biết như vậy. Chủ tịch phường Lê Văn Hùng đồng tình. Bí thư Đảng ủy xã Hòa Phong "
                 "Trần Văn Lâm phát biểu.")
    assert list(_person_questions(paragraph)) == [("Bí thư Đảng ủy xã Hòa Phong là ai?", "Trần Văn Lâm")]


# ---------------------------------------------------------------- the question log: quiet, and its salt outside


def test_the_first_logged_question_adds_at_most_one_log_line(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    log = QuestionLog(f"sqlite:///{tmp_path / 'log.db'}").start()
    log.record(channel="telegram", chat=1, user=1, question="Ai?", outcome="answered", latency_ms=1.0)
    log.close(5)
    lines = [r for r in caplog.records if r.name.startswith(("alembic", "hoibao.questionlog"))]
    assert len(lines) <= 1 and not any(r.name.startswith("alembic") for r in lines), [r.getMessage() for r in lines]


def _salt_row(url: str) -> str | None:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(installation.c.value).where(installation.c.key == db.SALT))
    finally:
        engine.dispose()


def test_the_salt_can_move_out_of_the_database_keeping_every_hash(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    stored = db.installation_salt(engine)  # the default: made and kept in the database
    assert _salt_row(url) == stored.hex()
    # The migration: the database's salt copied into HOIBAO_LOG_SALT; the row goes, the hashes stay.
    given = db.salt_of(stored.hex())
    assert db.installation_salt(engine, given) == stored and _salt_row(url) is None
    engine.dispose()
    log = QuestionLog(url, salt=given).start()
    log.record(channel="telegram", chat=42, user=7, question="Ai?", outcome="answered", latency_ms=1.0)
    log.close(5)
    expected = hmac.new(stored, b"telegram:7", hashlib.sha256).hexdigest()
    engine = db.make_engine(url)
    with engine.connect() as connection:
        from bot.questionlog.schema import questions

        assert connection.scalar(select(questions.c.user_hash)) == expected
    engine.dispose()
    assert _salt_row(url) is None  # the database alone no longer links a hash to a reader
