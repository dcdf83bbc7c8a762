"""Secrets kept out of every message: hidden where a message is formatted, and once more in the log.

The first defence is at the source: a URL is shown through `url()` (its password and credential
query parameters hidden), an error body through `hide()` with the secrets the caller holds. The
process also remembers every secret its settings hold (`KNOWN`, fed once at start); the log
formatter (`Formatter`) and the command line's last-resort handler pass their text through it, so
a library that puts a token into a message or a traceback is caught a second time.

A secret is hidden as written and in the forms a URL gives it (percent-encoded), since httpx and
the Bot APIs quote the URLs they echo.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable

HIDDEN = "<hidden>"
MIN_SECRET = 4  # shorter values are not worth hiding (and would mangle every message)

# user:password@ in any URL, and the query parameters that carry credentials.
_USERINFO = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*):(?!<hidden>@)[^@\s/]*@")
_PARAMS = re.compile(r"(?i)(?P<head>[?&;](?:password|passwd|pwd|pass|sslpassword|api[_-]?key|apikey|key|token"
                     r"|access[_-]?token|secret)=)(?!<hidden>)[^&#\s'\"]*")


def url(text: str) -> str:
    """`text` with every URL's password and credential query parameters hidden (the user name stays)."""
    text = _USERINFO.sub(lambda m: f"{m['head']}:{HIDDEN}@", text)
    return _PARAMS.sub(lambda m: f"{m['head']}{HIDDEN}", text)


@functools.lru_cache(maxsize=256)
def pattern(secret: str) -> re.Pattern[str]:
    """The secret as written or as any URL carries it: each character as is or percent-encoded (in
    either case), a space also as '+'. Clients differ in what they quote (httpx leaves '^' and ':'
    in a path as they are), so every mix is matched."""
    def char(c: str) -> str:
        encoded = "".join(f"%{b:02X}" for b in c.encode("utf-8"))
        alternatives = [re.escape(c), re.escape(encoded), re.escape(encoded.lower())] + (["\\+"] if c == " " else [])
        return f"(?:{'|'.join(dict.fromkeys(alternatives))})"

    return re.compile("".join(char(c) for c in secret))


def hide(text: str, secrets: Iterable[str | None]) -> str:
    """`text` without any of `secrets` (as written or URL-encoded), and with URL credentials hidden."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True):
        text = pattern(secret).sub(HIDDEN, text)
    return url(text)


class Known:
    """The secrets this process holds (bot tokens, API keys, passwords), to hide from any text."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *secrets: str | None) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s and len(s) >= MIN_SECRET)

    def hide(self, text: str) -> str:
        with self._lock:
            secrets = list(self._secrets)
        return hide(text, secrets)


KNOWN = Known()


class Formatter(logging.Formatter):
    """A log formatter whose whole output, traceback included, goes through `KNOWN.hide`.

    The second defence: messages are redacted where they are made; this catches what a library
    formats by itself (PTB's and httpx's exception texts, tracebacks, other loggers).
    """

    def format(self, record: logging.LogRecord) -> str:
        return KNOWN.hide(super().format(record))
