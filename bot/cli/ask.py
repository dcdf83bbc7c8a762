"""`hoibao ask` and `hoibao links`, and what every answering command shares: the service, the stale warning."""

from __future__ import annotations

import argparse
import itertools
import json
import sys

from bot.settings import Settings
from index.errors import HoibaoError


def answer_service(settings: Settings, build_if_missing: bool = False):
    """The AnswerService these settings describe; with build_if_missing, the index is built first if there is none."""
    from bot.service import AnswerService, embedder_from_settings, ensure_index

    embedder = embedder_from_settings(settings)
    if build_if_missing:
        report = ensure_index(settings, embedder)
        if report:
            print(report.summary(), file=sys.stderr)
    return AnswerService(settings, embedder)


def warn_if_stale(settings: Settings) -> None:
    """One line on stderr when the index no longer matches the articles or the settings (`ask`, `chat`)."""
    from bot.cli.index import wanted
    from index.backend import Location
    from index.status import STALE, files_unchanged, setting_changes

    want = wanted(settings)
    location = Location.from_settings(settings)
    try:
        manifest = location.read_manifest()
        if files_unchanged(manifest, settings.seeds_dir) and not setting_changes(manifest, want, True):
            return  # the quick way, without parsing every article: a tenth of the full check at 1,000 articles
        status = location.status(settings.seeds_dir, want)
    except HoibaoError:
        return  # the command says what is wrong when it needs the index
    if status.state == STALE:
        changes = ", ".join(f"{len(names)} {what}" for what, names in
                            (("added", status.added), ("changed", status.changed), ("removed", status.removed))
                            if names) or "settings changed"
        print(f"hoibao: warning: the index is older than {settings.seeds_dir} ({changes}); answers come from the "
              "old index until you run `hoibao index build`", file=sys.stderr, flush=True)


def _questions(args: argparse.Namespace):
    """The question given, or one per line of stdin (an empty line is kept: with --conversation it starts a new chat)."""
    if args.question:
        yield " ".join(args.question)
        return
    if sys.stdin.isatty():
        raise HoibaoError('Give a question: hoibao ask "Ai là …?", or pipe questions one per line into hoibao ask.')
    for line in sys.stdin:
        yield line.strip()


def ask(settings: Settings, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from bot.channels.console import operator_settings, wants_color
    from bot.channels.render import plain_text, terminal
    from bot.chat import Conversations
    from bot.core.answer import Answer

    questions = _questions(args)
    first = next(questions, None)  # a missing question is said before the model loads
    warn_if_stale(settings)
    service = answer_service(settings)
    # Each question goes through the chat rules every channel applies; without --conversation each is
    # its own chat (no history); with it, lines are turns of one chat until an empty line. The
    # operator is not rate-limited unless HOIBAO_CONSOLE_RATE_LIMIT_PER_MINUTE says so.
    conversations = Conversations(service, operator_settings(settings))
    article = service.find_article(args.article) if args.article else None
    chat = 0
    for question in itertools.chain([first] if first is not None else [], questions):
        if not question and not args.question:  # a blank stdin line: no question (with --conversation, a new chat)
            chat += 1 if args.conversation else 0
            continue
        if not args.conversation:
            chat += 1
        if article:  # --article: every chat searches that article alone, and never leaves it
            conversations.scopes.set(f"ask-{chat}", article, strict=True)
        request = conversations.request(f"ask-{chat}", "ask", question)  # a summary, the latest news
        if request is not None and not isinstance(request, str):
            print(json.dumps(request.to_json(), ensure_ascii=False) if args.json else request.text + "\n",
                  flush=args.conversation)
            continue
        reply = conversations.ask(f"ask-{chat}", "ask", question)
        # A refused question (empty, too long…) never reaches the model either.
        answer = (replace(Answer.refused(question), fallback="not_answerable" if settings.llm_base_url else "off")
                  if isinstance(reply, str) else reply)
        text = reply if isinstance(reply, str) else plain_text(answer)
        if args.json:
            print(json.dumps(answer.to_json(text), ensure_ascii=False), flush=args.conversation)
        else:
            print(reply if isinstance(reply, str) else terminal(answer, color=wants_color(sys.stdout))
                  if sys.stdout.isatty() else text)
            print()
    return 0


def links(settings: Settings, args: argparse.Namespace) -> int:
    """One deep link per indexed article, for the web team (reads the manifest; no model is loaded)."""
    import csv

    from bot.desk.links import links as article_links
    from index.backend import Location

    bot = (args.bot or settings.bot_username).lstrip("@")
    if not bot:
        raise HoibaoError("Name the Telegram bot: --bot hoibao_bot, or set HOIBAO_BOT_USERNAME.")
    articles = Location.from_settings(settings).read_manifest().articles.items()
    rows = article_links(articles, bot)
    if args.json:
        print(json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2))
        return 0
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["key", "link", "title", "source", "url"])
    out.writerows([row.key, row.link, row.title, row.source, row.url] for row in rows)
    return 0
