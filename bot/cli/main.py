"""`hoibao`: the command line. Parses arguments, builds settings, calls the core."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import logging
import sys
import traceback
from pathlib import Path

from bot.cli import sources as cli_sources
from bot.cli.args import parser
from bot.cli.files import os_error_line
from bot.cli.log import cmd_log_purge
from bot.cli.report import cmd_report
from bot.settings import Settings, load_settings, secret_values
from index import redact
from index.errors import HoibaoError


# The settings sections each command reads (bot.settings): others may be unset or wrong.
_SECTIONS = {"telegram": {"core", "telegram"}, "zalo": {"core", "zalo"}, "run": {"core", "telegram", "zalo"}}
_OPTIONS = {"seeds_dir": "--seeds", "index_dir": "--index-dir", "top_k": "--top-k"}


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from env/.env, validated once for this command; paths given on the command line win."""
    cached = getattr(args, "_settings", None)
    if cached is not None:
        return cached
    overrides = {name: getattr(args, name) for name in _OPTIONS if getattr(args, name, None) is not None}
    args._settings = load_settings(_SECTIONS.get(args.command, {"core"}), _OPTIONS, **overrides)
    return args._settings


def _service(settings: Settings, build_if_missing: bool = False):
    from bot.service import AnswerService, embedder_from_settings, ensure_index

    embedder = embedder_from_settings(settings)
    if build_if_missing:
        report = ensure_index(settings, embedder)
        if report:
            print(report.summary(), file=sys.stderr)
    return AnswerService(settings, embedder)


def cmd_index_build(args: argparse.Namespace) -> int:
    from bot.service import build_from_settings, embedder_from_settings
    from index.errors import BuildInterrupted

    settings = _settings(args)
    try:
        # A second `index build` says who holds the index instead of doing all the work again.
        report = build_from_settings(settings, embedder_from_settings(settings), full=args.full,
                                     progress=sys.stderr.isatty(), wait=False)
    except BuildInterrupted as exc:
        print(f"hoibao: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("hoibao: interrupted before the build started; the index was not changed.", file=sys.stderr)
        return 130
    print(report.summary())
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Article pages into the seeds folder, one line per URL, then one incremental build if any changed."""
    from bot.service import build_from_settings, embedder_from_settings
    from ingest.add import add_urls
    from ingest.fetch import make_client

    settings = _settings(args)
    with make_client(settings.user_agent, settings.fetch_timeout_seconds, settings.allow_private_addresses) as client:
        report = add_urls(args.urls, settings.seeds_dir, client, settings.fetch_max_bytes,
                          rebuild=lambda: build_from_settings(settings, embedder_from_settings(settings), progress=False),
                          on_outcome=lambda outcome: print(outcome.line(), flush=True), prune=settings.prune_xpath,
                          allowed_hosts=tuple(settings.allowed_hosts))
    print(report.summary())
    if report.build is not None:
        print(report.build.summary())
    return report.exit_code


def cmd_index_info(args: argparse.Namespace) -> int:
    from bot.cli.index import index_info

    return index_info(_settings(args), args)


def cmd_index_export(args: argparse.Namespace) -> int:
    from bot.cli.index import index_export

    return index_export(_settings(args), args)


def cmd_index_status(args: argparse.Namespace) -> int:
    """fresh / stale / missing against the articles and the settings; the exit code says which."""
    from index.backend import Location
    from index.embed import embedder_id, known_window
    from index.status import Wanted

    settings = _settings(args)
    backend = settings.embedding_backend
    wanted = Wanted(embedder_id(backend, settings.embedding_model), settings.chunk_max_tokens,
                    settings.index_type, known_window(backend))
    status = Location.from_settings(settings).status(settings.seeds_dir, wanted)
    print(json.dumps(status.to_json(), ensure_ascii=False, indent=2) if args.json else status.text())
    return status.exit_code


def _questions(args: argparse.Namespace):
    """The question given, or one per line of stdin (an empty line is kept: with --conversation it starts a new chat)."""
    if args.question:
        yield " ".join(args.question)
        return
    if sys.stdin.isatty():
        raise HoibaoError('Give a question: hoibao ask "Ai là …?", or pipe questions one per line into hoibao ask.')
    for line in sys.stdin:
        yield line.strip()


def cmd_ask(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from bot.core.answer import Answer
    from bot.channels.console import operator_settings, wants_color
    from bot.chat import Conversations
    from bot.channels.render import plain_text, terminal

    settings = _settings(args)
    questions = _questions(args)
    first = next(questions, None)  # a missing question is said before the model loads
    _warn_if_stale(settings)
    service = _service(settings)
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


def cmd_links(args: argparse.Namespace) -> int:
    """One deep link per indexed article, for the web team (reads the manifest; no model is loaded)."""
    import csv

    from bot.desk.links import links
    from index.backend import Location

    settings = _settings(args)
    bot = (args.bot or settings.bot_username).lstrip("@")
    if not bot:
        raise HoibaoError("Name the Telegram bot: --bot hoibao_bot, or set HOIBAO_BOT_USERNAME.")
    articles = Location.from_settings(settings).read_manifest().articles.items()
    rows = links(articles, bot)
    if args.json:
        print(json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2))
        return 0
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["key", "link", "title", "source", "url"])
    out.writerows([row.key, row.link, row.title, row.source, row.url] for row in rows)
    return 0


def _warn_if_stale(settings: Settings) -> None:
    """One line on stderr when the index no longer matches the articles or the settings (`ask`, `chat`)."""
    from index.backend import Location
    from index.embed import embedder_id, known_window
    from index.status import STALE, Wanted, files_unchanged, setting_changes

    backend = settings.embedding_backend
    wanted = Wanted(embedder_id(backend, settings.embedding_model), settings.chunk_max_tokens,
                    settings.index_type, known_window(backend))
    location = Location.from_settings(settings)
    try:
        manifest = location.read_manifest()
        if files_unchanged(manifest, settings.seeds_dir) and not setting_changes(manifest, wanted, True):
            return  # the quick way, without parsing every article: a tenth of the full check at 1,000 articles
        status = location.status(settings.seeds_dir, wanted)
    except HoibaoError:
        return  # the command says what is wrong when it needs the index
    if status.state == STALE:
        changes = ", ".join(f"{len(names)} {what}" for what, names in
                            (("added", status.added), ("changed", status.changed), ("removed", status.removed))
                            if names) or "settings changed"
        print(f"hoibao: warning: the index is older than {settings.seeds_dir} ({changes}); answers come from the "
              "old index until you run `hoibao index build`", file=sys.stderr, flush=True)


def cmd_chat(args: argparse.Namespace, beside=()) -> int:
    from bot.channels import console

    settings = _settings(args)
    service = _service(settings, build_if_missing=True)
    if not (beside and settings.watch_seeds):  # `hoibao run` watches the folder instead, and indexes what changed
        _warn_if_stale(settings)
    console.run(settings, service, beside)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.cli.files import readable_file, writable_folder
    from bot.evaluate.run import SQUAD, load_questions, load_squad, run_eval

    settings = _settings(args)
    for given in filter(None, (args.file, args.other)):
        readable_file(Path(given), f"{SQUAD}, or a .jsonl of questions for --other")
    load_squad(Path(args.file))  # a file of another format is said now, before the model loads
    if args.other:
        load_questions(Path(args.other))
    writable_folder(Path(args.cache_dir), "--cache-dir")
    other = Path(args.other) if args.other else None
    return run_eval(Path(args.file), settings, Path(args.cache_dir), limit=args.limit, as_json=args.json, other=other,
                    llm=args.llm, given_article=args.given_article)


def cmd_telegram(args: argparse.Namespace) -> int:
    from bot.channels import credentials, serve

    settings = _settings(args)
    serve.run(settings, [credentials.TELEGRAM], lambda: _service(settings, build_if_missing=True))
    return 0


def cmd_zalo(args: argparse.Namespace) -> int:
    from bot.channels import credentials, serve

    settings = _settings(args)
    serve.run(settings, [credentials.ZALO], lambda: _service(settings, build_if_missing=True))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Telegram and/or Zalo when their tokens are set; else the console chat."""
    from bot.channels import credentials, serve

    settings = _settings(args)
    platforms = credentials.configured(settings)
    if not platforms:
        from bot.channels.background import hooks, watch

        return cmd_chat(args, beside=(watch.run, hooks.run))
    serve.run(settings, platforms, lambda: _service(settings, build_if_missing=True))
    return 0


def _log_level(args: argparse.Namespace) -> int:
    """Bots log what they do; the console, `ask`, `index` and `eval` keep log lines off their output.

    -v: everything (debug); -q: errors only (the bots: warnings too).
    """
    from bot.channels.credentials import configured

    if args.verbose:
        return logging.DEBUG
    bot = args.command in ("telegram", "zalo") or (args.command == "run" and bool(configured(_settings(args))))
    if args.quiet:
        return logging.WARNING if bot else logging.ERROR
    return logging.INFO if bot else logging.WARNING


def _start_logging(args: argparse.Namespace) -> None:
    """One log format, every line of it (tracebacks included) passed through the secrets filter."""
    logging.basicConfig(level=_log_level(args), format=LOG_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(redact.Formatter(LOG_FORMAT))
    # httpx logs every request URL at INFO, and a Telegram URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def main(argv: list[str] | None = None) -> int:
    args = parser(COMMANDS).parse_args(argv)
    try:
        redact.KNOWN.add(*secret_values(_settings(args)))  # validated once, at start, for this command
        _start_logging(args)
        return args.func(args)
    except HoibaoError as exc:
        print(f"hoibao: {redact.KNOWN.hide(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`hoibao ask … | head -1`): stop quietly, as a SIGPIPE would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        if exc.filename is None:  # not a path: a network or system failure no translation above knew
            return _bug(exc)
        print(f"hoibao: {redact.KNOWN.hide(os_error_line(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001
        return _bug(exc)


def _bug(exc: BaseException) -> int:
    """A failure nothing translated is a bug: its traceback, for a report, with every secret hidden."""
    print(redact.KNOWN.hide("".join(traceback.format_exception(exc))), file=sys.stderr, end="")
    print(f"hoibao: unexpected {type(exc).__name__} (a bug: the traceback above says where; no secret is in it)",
          file=sys.stderr)
    return 1


# What each command runs; bot/cli/args.py says what it takes.
COMMANDS = {
    "index build": cmd_index_build,
    "index info": cmd_index_info,
    "index status": cmd_index_status,
    "index export": cmd_index_export,
    "add": cmd_add,
    "sources add": cli_sources.cmd_sources_add,
    "sources list": cli_sources.cmd_sources_list,
    "sources remove": cli_sources.cmd_sources_remove,
    "refresh": cli_sources.cmd_refresh,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "run": cmd_run,
    "telegram": cmd_telegram,
    "zalo": cmd_zalo,
    "eval": cmd_eval,
    "log purge": cmd_log_purge,
    "report": cmd_report,
    "links": cmd_links,
}


if __name__ == "__main__":
    sys.exit(main())
