"""The question log, read for the editors' report: SQLAlchemy Core queries into plain dataclasses.

Only reads. A report never creates the database, a table or a file beside it:
no log yet, an unreachable server and an empty period are each one clear error
(`NoQuestionLog`, `LogUnreachable`, `EmptyPeriod`), in English for the command
line and in Vietnamese (`.vi`) for a chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, case, create_engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from bot.questionlog.db import describe, enabled as log_enabled, utc
from bot.questionlog.schema import feedback, questions
from index.errors import HoibaoError

# Days are the newsroom's days: Vietnam keeps UTC+7 all year (no summer time), so a fixed
# offset is exact and needs no time-zone database on the machine. The log stores UTC.
NEWSROOM_TZ = timezone(timedelta(hours=7), "ICT")


class ReportError(HoibaoError):
    """A report that cannot be made; `str()` for the command line, `.vi` for a chat."""

    vi = "Không tạo được báo cáo."


class NoQuestionLog(ReportError):
    vi = "Chưa có câu hỏi nào được ghi lại: bot cần chạy với HOIBAO_DATABASE_URL trỏ tới cơ sở dữ liệu này."

    def __init__(self, where: str) -> None:
        super().__init__(f"no questions logged yet: run the bot with HOIBAO_DATABASE_URL={where} (the database "
                         "this report reads) so that it logs questions, then run hoibao report again.")


class LogUnreachable(ReportError):
    vi = "Không kết nối được cơ sở dữ liệu của nhật ký câu hỏi."

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"cannot read the question log at {where}: {reason}. Check HOIBAO_DATABASE_URL "
                         "and that the database server is running.")


class EmptyPeriod(ReportError):
    def __init__(self, period: "Period", last: datetime | None) -> None:
        since = period.dates[0]
        if last is None:
            more = ""
        else:
            last_day = last.astimezone(NEWSROOM_TZ).date()
            days = (period.end.astimezone(NEWSROOM_TZ).date() - last_day).days + 1
            more = f"; the last one was asked on {last_day:%Y-%m-%d}: try --days {days}"
        last_days = "day" if period.days == 1 else f"{period.days} days"
        super().__init__(f"no questions in the last {last_days} (since {since:%Y-%m-%d}){more}.")
        self.vi = f"Không có câu hỏi nào trong {period.days} ngày qua (từ {since:%d/%m/%Y})."


@dataclass(frozen=True)
class Period:
    """The last `days` days, today included: from the newsroom's midnight `days - 1` days ago until `end`."""

    start: datetime
    end: datetime
    days: int

    @property
    def dates(self) -> list[date]:
        first = self.start.astimezone(NEWSROOM_TZ).date()
        return [first + timedelta(days=i) for i in range(self.days)]


def last_days(days: int, now: datetime | None = None) -> Period:
    if days < 1:
        raise ReportError(f"--days must be at least 1, not {days}.")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    first = now.astimezone(NEWSROOM_TZ).date() - timedelta(days=days - 1)
    return Period(datetime.combine(first, time(), NEWSROOM_TZ), now, days)


@dataclass(frozen=True, slots=True)
class Asked:
    """One logged question, with the feedback its answer got."""

    id: str
    asked_at: datetime  # aware, UTC
    channel: str
    question: str | None  # None when the log kept no text (HOIBAO_LOG_QUESTIONS off)
    outcome: str
    confidence: float | None = None
    article_id: str | None = None
    article_title: str | None = None
    paragraph: int | None = None
    up: int = 0  # readers who gave 👍
    down: int = 0  # readers who gave 👎
    written: bool = False  # a checked written answer was sent (docs/llm.md)
    fallback: str | None = None  # why the extractive answer was sent instead ("off": no model configured)

    @property
    def local_day(self) -> date:
        return self.asked_at.astimezone(NEWSROOM_TZ).date()


@dataclass(frozen=True)
class Extent:
    """The whole log: how many questions, the first and the last."""

    total: int
    first: datetime | None
    last: datetime | None


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return describe(url)
    except ArgumentError:
        return "(not a database URL)"


def open_log(url: str) -> Engine:
    """An engine on an existing question log; raises NoQuestionLog, LogUnreachable or ReportError."""
    if not log_enabled(url):
        raise ReportError("the question log is off (HOIBAO_DATABASE_URL=off), so there is nothing to report: "
                          "set HOIBAO_DATABASE_URL to the log's database (default sqlite:///var/hoibao.db)")
    shown = shown_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Not echoed: a mistyped URL can still hold a password.
        raise ReportError("HOIBAO_DATABASE_URL is not a database URL: it should look like sqlite:///var/hoibao.db "
                          "(the default) or postgresql://user:password@host/dbname") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not parsed.database.startswith("file:") and not Path(parsed.database).is_file():
            raise NoQuestionLog(shown)  # connecting would create an empty file
    try:
        engine = create_engine(parsed)
    except (NoSuchModuleError, ImportError) as exc:
        raise ReportError(f"no database driver for {shown} ({exc}); for PostgreSQL install psycopg") from None
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(questions.name):
                engine.dispose()
                raise NoQuestionLog(shown)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise LogUnreachable(shown, _first_line(exc)) from None
    return engine


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def _votes():
    """Per answered question: how many readers gave 👍 and 👎."""
    return (select(feedback.c.question_id,
                   func.sum(case((feedback.c.value > 0, 1), else_=0)).label("up"),
                   func.sum(case((feedback.c.value < 0, 1), else_=0)).label("down"))
            .group_by(feedback.c.question_id).subquery())


def read_period(engine: Engine, period: Period) -> list[Asked]:
    """Every question asked in `period`, oldest first, with its feedback counts."""
    votes = _votes()
    c = questions.c
    query = (select(c.id, c.asked_at, c.channel, c.question, c.outcome, c.confidence, c.article_id,
                    c.article_title, c.paragraph, func.coalesce(votes.c.up, 0), func.coalesce(votes.c.down, 0),
                    c.written, c.fallback)
             .select_from(questions.outerjoin(votes, votes.c.question_id == c.id))
             # UTC on both sides: SQLite compares the stored text, PostgreSQL the instants.
             .where(c.asked_at >= period.start.astimezone(UTC), c.asked_at <= period.end.astimezone(UTC))
             .order_by(c.asked_at, c.id))
    try:
        with engine.connect() as connection:
            rows = connection.execute(query).all()
    except SQLAlchemyError as exc:
        raise LogUnreachable(engine.url.render_as_string(hide_password=True), _first_line(exc)) from None
    return [Asked(row[0], utc(row[1]), row[2], row[3], row[4], row[5], row[6], row[7], row[8], int(row[9]),
                  int(row[10]), bool(row[11]), row[12]) for row in rows]


def extent(engine: Engine) -> Extent:
    c = questions.c
    with engine.connect() as connection:
        total, first, last = connection.execute(select(func.count(), func.min(c.asked_at), func.max(c.asked_at))).one()
    return Extent(int(total), utc(first) if first else None, utc(last) if last else None)
