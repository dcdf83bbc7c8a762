"""`hoibao`, the command line: parse, build the settings once, dispatch to the command's module.

Each command is `func(settings, args)` in the module of its group (`index`, `ask`, `serve`, `sources`,
`evaluate`, `log`, `report`), imported only when that command runs, so `hoibao --help` loads no model,
database or HTTP library. Only `bot.__main__` and the `hoibao` entry point import this package.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback

from bot.cli.args import parser
from index import redact
from index.errors import HoibaoError

# What each command runs ("module:function" under bot.cli); bot/cli/args.py says what it takes.
COMMANDS = {
    "index build": "index:build",
    "index info": "index:info",
    "index status": "index:status",
    "index export": "index:export",
    "add": "sources:add",
    "sources add": "sources:sources_add",
    "sources list": "sources:sources_list",
    "sources remove": "sources:sources_remove",
    "refresh": "sources:refresh",
    "ask": "ask:ask",
    "chat": "serve:chat",
    "run": "serve:run",
    "telegram": "serve:telegram",
    "zalo": "serve:zalo",
    "eval": "evaluate:evaluate",
    "log purge": "log:purge",
    "report": "report:report",
    "links": "ask:links",
}

# The settings sections each command reads (bot.settings): others may be unset or wrong.
_SECTIONS = {"telegram": {"core", "telegram"}, "zalo": {"core", "zalo"}, "run": {"core", "telegram", "zalo"}}
_OPTIONS = {"seeds_dir": "--seeds", "index_dir": "--index-dir", "top_k": "--top-k"}


def command(target: str):
    """The function a COMMANDS entry names, its module imported now."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(f"bot.cli.{module}"), name)


def settings_for(args: argparse.Namespace):
    """Settings from env/.env, validated once for this command; paths given on the command line win."""
    from bot.settings import load_settings

    overrides = {name: getattr(args, name) for name in _OPTIONS if getattr(args, name, None) is not None}
    return load_settings(_SECTIONS.get(args.command, {"core"}), _OPTIONS, **overrides)


def _log_level(args: argparse.Namespace, settings) -> int:
    """Bots log what they do; the console, `ask`, `index` and `eval` keep log lines off their output.

    -v: everything (debug); -q: errors only (the bots: warnings too).
    """
    from bot.channels.credentials import configured

    if args.verbose:
        return logging.DEBUG
    bot = args.command in ("telegram", "zalo") or (args.command == "run" and bool(configured(settings)))
    if args.quiet:
        return logging.WARNING if bot else logging.ERROR
    return logging.INFO if bot else logging.WARNING


def _start_logging(args: argparse.Namespace, settings) -> None:
    """One log format, every line of it (tracebacks included) passed through the secrets filter."""
    logging.basicConfig(level=_log_level(args, settings), format=LOG_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(redact.Formatter(LOG_FORMAT))
    # httpx logs every request URL at INFO, and a Telegram URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def main(argv: list[str] | None = None) -> int:
    args = parser(COMMANDS).parse_args(argv)
    try:
        from bot.settings import secret_values

        settings = settings_for(args)
        redact.KNOWN.add(*secret_values(settings))  # validated once, at start, for this command
        _start_logging(args, settings)
        return command(args.func)(settings, args)
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
        from bot.cli.files import os_error_line

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
