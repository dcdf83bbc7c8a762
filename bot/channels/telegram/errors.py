"""What python-telegram-bot raises and logs, said in one line that names the setting to check.

At start-up (`startup`): a token Telegram rejects, an API that cannot be reached, a base URL that
does not lead to the Bot API, a webhook Telegram refuses or a port that cannot be listened on each
end the command with one `hoibao:` line. While running: a failed poll is one log line (PTB's
retry loop tries again), and PTB's own tracebacks for the polling loop and for the last
`getUpdates` at shutdown become one line each (`OneLine`). Every text taken from PTB or the
server passes through `index.redact.hide` with the token: a Bot API server (or a proxy in front
of it) may echo the request path, and the path holds the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterator

import httpx
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError, TimedOut

from bot.settings import Settings
from index import redact
from index.errors import HoibaoError

log = logging.getLogger("hoibao.telegram")


class TelegramUnavailable(HoibaoError):
    """The Telegram bot cannot start; the message names the setting to check."""


def _said(exc: BaseException, settings: Settings) -> str:
    """The exception's own words, without the token or any URL credentials."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    text = " ".join(str(exc).split())[:200] or type(exc).__name__
    return redact.hide(text, [token])


@contextlib.contextmanager
def startup(settings: Settings, doing: str = "connect") -> Iterator[None]:
    """Raise what PTB, httpx or the socket raise inside as a TelegramUnavailable naming the setting.

    `doing`: "connect" (getMe, the command menu, polling), or "webhook" (listening, setWebhook).
    """
    base = redact.url(settings.telegram_base_url)
    try:
        yield
    except InvalidToken:  # PTB's text quotes the token: never shown
        raise TelegramUnavailable(
            f"Telegram rejected TELEGRAM_BOT_TOKEN (the Bot API at TELEGRAM_BASE_URL={base} answered "
            "Unauthorized or Not Found). Copy the token again from @BotFather; if TELEGRAM_BASE_URL is "
            "your own Bot API server, check that URL too.") from None
    except Forbidden as exc:
        raise TelegramUnavailable(f"Telegram refused the bot ({_said(exc, settings)}): check TELEGRAM_BOT_TOKEN.") \
            from None
    except BadRequest as exc:  # a webhook URL Telegram does not take, and the like (a NetworkError in PTB)
        setting = "TELEGRAM_WEBHOOK_URL" if doing == "webhook" else "TELEGRAM_BASE_URL"
        raise TelegramUnavailable(f"Telegram refused to {'set the webhook' if doing == 'webhook' else 'start'} "
                                  f"({_said(exc, settings)}). Check {setting}.") from None
    except (NetworkError, httpx.HTTPError, httpx.InvalidURL) as exc:  # TimedOut is a NetworkError
        setting = "TELEGRAM_WEBHOOK_URL" if doing == "webhook" and not isinstance(exc, TimedOut) else "TELEGRAM_BASE_URL"
        raise TelegramUnavailable(
            f"Cannot reach the Telegram Bot API at TELEGRAM_BASE_URL={base} ({type(exc).__name__}: "
            f"{_said(exc, settings)}). Check the network (a proxy?), and {setting}.") from None
    except TelegramError as exc:  # RetryAfter at start-up, and what PTB may add
        raise TelegramUnavailable(f"Telegram did not let the bot start ({type(exc).__name__}: "
                                  f"{_said(exc, settings)}). Try again in a minute; check TELEGRAM_BOT_TOKEN.") from None
    except OSError as exc:  # listening for the webhook: the address is taken or not this machine's
        raise TelegramUnavailable(
            f"Cannot listen for the Telegram webhook on {settings.telegram_webhook_listen}:"
            f"{settings.telegram_webhook_port} ({exc.strerror or type(exc).__name__}). Change "
            "TELEGRAM_WEBHOOK_LISTEN or TELEGRAM_WEBHOOK_PORT, or stop what holds that port.") from None


def translated(serve: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """`serve` (bot.channels.telegram.app's), its start-up failures said as one line naming the setting."""

    @functools.wraps(serve)
    async def serving(settings: Settings, *args, **kwargs) -> None:
        with startup(settings):
            await serve(settings, *args, **kwargs)

    return serving


class PollingWatch:
    """Notices PTB's polling loop giving up on a token Telegram rejects while running (revoked, or the bot
    deleted): the bot would sit there deaf. It is stopped instead, and `serve` ends with one line.

    PTB keeps its polling task private; where it is not found (another PTB), nothing is watched.
    """

    def __init__(self, application, stop: asyncio.Event) -> None:
        self.failure: TelegramUnavailable | None = None
        polling = getattr(application.updater, "_Updater__polling_task", None)
        self._task = asyncio.ensure_future(self._watch(polling, stop)) if polling is not None else None

    async def _watch(self, polling: asyncio.Task, stop: asyncio.Event) -> None:
        await asyncio.wait({polling})
        if not polling.cancelled() and isinstance(polling.exception(), InvalidToken):
            self.failure = TelegramUnavailable(
                "Telegram rejected TELEGRAM_BOT_TOKEN while the bot was running (revoked, or the bot deleted in "
                "@BotFather): stopped. Put the bot's current token in TELEGRAM_BOT_TOKEN and start it again.")
            stop.set()

    async def stop_polling(self, updater) -> None:
        """`updater.stop()`, which re-raises what ended the polling loop: a rejected token is said in `check`."""
        try:
            await updater.stop()
        except InvalidToken:
            pass

    def check(self) -> None:
        """Raise the failure that stopped the bot, once it has drained and shut down."""
        if self._task is not None:
            self._task.cancel()
        if self.failure is not None:
            raise self.failure


def polling_failed(settings: Settings):
    """PTB's `error_callback` for polling: one line per failed poll (PTB retries), never a traceback."""

    def callback(exc: TelegramError) -> None:
        log.warning("Telegram getUpdates failed (%s: %s); retrying. If it keeps failing, check the network "
                    "and TELEGRAM_BASE_URL", type(exc).__name__, _said(exc, settings))

    return callback


class OneLine(logging.Filter):
    """A record with a traceback becomes one line at `level`: the message, the exception's type and text.

    PTB logs a traceback when its last `getUpdates` at shutdown times out (nothing is lost: those
    updates come again at the next start) and when its polling loop gives up; an operator needs
    one line for either.
    """

    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            text = redact.KNOWN.hide(" ".join(str(error).split())[:200])
            record.msg, record.args = f"{record.getMessage()}: {type(error).__name__}: {text}", None
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = self.level, logging.getLevelName(self.level)
        return True


def quiet_tracebacks(loggers: dict[str, int]) -> None:
    """`OneLine` on each logger (name → level of the line), once."""
    for name, level in loggers.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLine) for f in logger.filters):
            logger.addFilter(OneLine(level))
