"""`hoibao chat`, `run`, `telegram` and `zalo`: the bots and the console chat, each over one AnswerService."""

from __future__ import annotations

import argparse

from bot.cli.ask import answer_service, warn_if_stale
from bot.settings import Settings


def chat(settings: Settings, args: argparse.Namespace, beside=()) -> int:
    from bot.channels import console

    service = answer_service(settings, build_if_missing=True)
    if not (beside and settings.watch_seeds):  # `hoibao run` watches the folder instead, and indexes what changed
        warn_if_stale(settings)
    console.run(settings, service, beside)
    return 0


def telegram(settings: Settings, args: argparse.Namespace) -> int:
    from bot.channels.credentials import TELEGRAM

    return _serve(settings, [TELEGRAM])


def zalo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.channels.credentials import ZALO

    return _serve(settings, [ZALO])


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Telegram and/or Zalo when their tokens are set; else the console chat."""
    from bot.channels.credentials import configured

    platforms = configured(settings)
    if not platforms:
        from bot.channels.background import hooks, watch

        return chat(settings, args, beside=(watch.run, hooks.run))
    return _serve(settings, platforms)


def _serve(settings: Settings, platforms: list) -> int:
    from bot.channels import serve

    serve.run(settings, platforms, lambda: answer_service(settings, build_if_missing=True))
    return 0
