"""`hoibao log …`: the question log from the command line (docs/operating.md)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

from typing import TYPE_CHECKING

from index.errors import HoibaoError

if TYPE_CHECKING:  # `hoibao --help` reads this module's arguments without loading the settings
    from bot.settings import Settings

PURGE = """delete questions (and their feedback) older than the retention, or than --before

The bot deletes rows older than HOIBAO_LOG_RETENTION_DAYS (default 90) once a day by itself; this does
it now, or for an earlier date. Prints how many rows it removed."""


def _date(value: str) -> datetime:
    """2025-01-31 (midnight UTC) or an ISO date and time (UTC unless it says otherwise)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2025-01-31 or 2025-01-31T12:00, not {value!r}")
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def add_arguments(sub, commands: dict[str, str]) -> None:
    """`hoibao log purge [--before DATE]` on the command line's subparsers."""
    log = sub.add_parser("log", help="the question log: purge old rows").add_subparsers(dest="log_command",
                                                                                        required=True)
    help_line, _, description = PURGE.partition("\n\n")
    purge = log.add_parser("purge", help=help_line, description=" ".join(description.split()))
    purge.add_argument("--before", type=_date, metavar="DATE",
                       help="delete what was asked before DATE (default: HOIBAO_LOG_RETENTION_DAYS ago)")
    purge.set_defaults(func=commands["log purge"])


def purge(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.questionlog import db

    if not db.enabled(settings.database_url):
        print("The question log is off (HOIBAO_DATABASE_URL=off): nothing to purge.")
        return 0
    before = args.before or datetime.now(timezone.utc) - timedelta(days=settings.log_retention_days)
    engine = None
    try:
        engine = db.make_engine(settings.database_url)
        db.migrate(engine)
        removed, removed_feedback = db.purge(engine, before)
    except (SQLAlchemyError, OSError) as exc:
        cause = getattr(exc, "orig", None) or exc
        first = (str(cause).strip().splitlines() or [""])[0]
        raise HoibaoError(f"cannot reach the question log at {db.describe(settings.database_url)} "
                          f"({type(cause).__name__}: {first[:200]})") from None
    finally:
        if engine is not None:
            engine.dispose()
    print(f"Removed {removed} questions and {removed_feedback} feedback asked before "
          f"{before.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC.")
    return 0
