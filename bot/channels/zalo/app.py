"""The Zalo channel: the Zalo Bot API (`bot.channels.zalo.api`) over the channel core.

What is Zalo's own: plain text in messages of at most 2000 characters; long
polling by default, a webhook (aiohttp) checking `X-Bot-Api-Secret-Token` when
ZALO_WEBHOOK_URL is set. Zalo updates carry no mention entities and no
reply-to, so in a group the bot answers only a message that calls it by name
('@Hỏi Báo …', 'Hỏi Báo ơi, …') or starts with a command ('/ask …').
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from bot import messages
from bot.channels import credentials
from bot.channels.core import ChannelCore, Chat, parse_command
from bot.channels.render import ZALO_LIMIT, plain_messages
from bot.channels.runtime import report_unsent, until_stopped
from bot.channels.webhook import checked_body
from bot.channels.zalo.api import ZaloApiError, ZaloBot
from bot.chat import addressed_question
from bot.core.answer import Answer
from bot.questionlog.channel import ChannelLog
from bot.service import AnswerService
from bot.settings import Settings
from index import redact
from index.errors import HoibaoError
from index.text import nfc

if TYPE_CHECKING:
    from bot.questionlog.writer import QuestionLog

log = logging.getLogger("hoibao.zalo")
T = TypeVar("T")

POLL_TIMEOUT = 30  # seconds a getUpdates long poll waits
BACKOFF = (1.0, 60.0)  # first and longest wait after a failed poll; doubles in between
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT = "message.text.received"
DEFAULT_NAMES = ("Hỏi Báo",)  # what groups may call the bot, besides the names getMe reports
IN_FLIGHT = 256  # updates answered at once; polling waits for room, the webhook answers 503 past 4x
CANCEL_GRACE = 1.0  # seconds the answers cut at the drain deadline get to unwind
WEBHOOK_STOP = 1.0  # seconds a stopping webhook server waits for the requests it is reading


def identifier(value: object) -> str:
    """A chat or user id as the API sends it (a string, or a number), "" for anything else.

    Whatever an update carries is sent back to the API as a chat id: a list, a 10 kB string
    or a lone surrogate (which no JSON encoder writes) is no id.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not 0 < len(value) <= 128 or not value.isprintable():
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ""
    return value


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def bot_names(me: dict) -> list[str]:
    """The names a group message may call the bot by, the one to show users first.

    getMe may give only the technical account name ('bot.xyz'), so 'Hỏi Báo' always works too.
    """
    names = [me.get("display_name"), me.get("name"), *DEFAULT_NAMES, me.get("account_name")]
    return list(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip()))


class ZaloChat(Chat):
    """Plain text, in messages of at most 2000 characters; a failed "typing…" is no reason not to answer."""

    limit = ZALO_LIMIT

    def __init__(self, api: ZaloBot, chat_id: str, user_id: str) -> None:
        super().__init__(chat_id, user_id)
        self.api = api

    async def typing(self) -> None:
        try:
            await self.api.send_chat_action(self.id, "typing")
        except ZaloApiError as exc:
            log.debug("typing not shown: %s", exc)

    async def send(self, text: str) -> None:
        await self.api.send_message(self.id, text)

    async def send_answer(self, answer: Answer) -> None:
        for part in plain_messages(answer, ZALO_LIMIT):
            await self.send(part)


class ZaloChannel:
    """Answers Zalo updates, each in its own task so a slow answer never holds up the next update."""

    def __init__(self, api: ZaloBot, core: ChannelCore, names: list[str]) -> None:
        self.api, self.core, self.names = api, core, names
        self._tasks: set[asyncio.Task] = set()

    def dispatch(self, update: object) -> None:
        task = asyncio.create_task(self.handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def room(self, limit: int = IN_FLIGHT) -> None:
        """Wait until fewer than `limit` updates are being answered."""
        while len(self._tasks) >= limit:
            await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)

    async def drain(self, seconds: float) -> None:
        """Let the updates being answered finish, for at most `seconds`.

        Past the deadline the unfinished ones are counted in one log line and cut.
        """
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=seconds)
        if pending:
            report_unsent(log, "zalo", len(pending), seconds)
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=CANCEL_GRACE)

    async def handle(self, update: object) -> None:
        """One update, whatever it holds; a failure is logged (by id, never the text) and the user
        gets an apology."""
        update = _dict(update)
        message = _dict(update.get("message"))
        chat = identifier(_dict(message.get("chat")).get("id"))
        if not chat:
            return
        event = update.get("event_name")
        try:
            await self._handle(event if isinstance(event, str) else "", message, chat)
        except Exception as exc:  # the one error handler of this channel
            where = (identifier(event), identifier(message.get("message_id")))
            if isinstance(exc, ZaloApiError):  # Zalo refused or failed a call: its message says it all
                log.log(logging.ERROR if exc.retryable else logging.WARNING, "update %s %s failed: %s (%s)",
                        *where, type(exc).__name__, exc)
            else:
                log.error("update %s %s failed: %s", *where, type(exc).__name__, exc_info=exc)
            with contextlib.suppress(ZaloApiError):
                await self.api.send_message(chat, messages.APOLOGY)

    async def _handle(self, event: str, message: dict, chat_id: str) -> None:
        sender = _dict(message.get("from"))
        group = _dict(message.get("chat")).get("chat_type") == "GROUP"
        if sender.get("is_bot") is True:
            return
        chat = ZaloChat(self.api, chat_id, identifier(sender.get("id")) or chat_id)
        if event != TEXT:  # stickers, images, voice…: a hint in private, silence in groups
            if not group and event.startswith("message."):
                await self.core.not_text(chat)
            return
        text: str | None = nfc(message["text"]) if isinstance(message.get("text"), str) else ""
        if group and parse_command(text) is None:
            text = addressed_question(text, self.names)
            if text is None:
                return
        await self.core.message(chat, text, group=group)


# ---------------------------------------------------------------- receiving updates


async def poll(api: ZaloBot, channel: ZaloChannel, timeout: int = POLL_TIMEOUT,
               backoff: tuple[float, float] = BACKOFF) -> None:
    """Long-poll forever. Empty polls (HTTP 408) are normal; failures back off exponentially up to a cap."""
    loop, delay = asyncio.get_running_loop(), 0.0
    while True:
        started = loop.time()
        try:
            updates = await api.get_updates(timeout)
        except ZaloApiError as exc:
            delay = min(max(delay * 2, backoff[0]), backoff[1])
            log.log(logging.WARNING if exc.retryable else logging.ERROR, "%s; retrying in %.1f s", exc, delay)
            await asyncio.sleep(delay)
            continue
        delay = 0.0
        for update in updates:
            channel.dispatch(update)
        await channel.room()  # a flood waits at Zalo's end, not in this process's memory
        if not updates and loop.time() - started < min(1.0, timeout / 2):  # an empty answer that did not wait
            await asyncio.sleep(backoff[0])


def webhook_app(path: str, secret: str, channel: ZaloChannel) -> web.Application:
    """The endpoint Zalo POSTs updates to: 403 without the right secret, 400 for a body that is not
    a JSON object, 503 while 4 x IN_FLIGHT updates are being answered."""

    async def receive(request: web.Request) -> web.Response:
        body = await checked_body(request, SECRET_HEADER, secret)
        if isinstance(body, web.Response):
            return body
        if channel.in_flight >= 4 * IN_FLIGHT:
            return web.json_response({"ok": False, "description": "Busy"}, status=503)
        # Zalo wraps the update as {"ok": true, "result": update}; a bare update is accepted too.
        channel.dispatch(body["result"] if isinstance(body.get("result"), dict) else body)
        return web.json_response({"message": "Success"})

    app = web.Application()
    app.router.add_post(path, receive)
    return app


async def drop_webhook(api: ZaloBot) -> None:
    """Remove a left-over webhook before polling (they exclude each other).

    An optional set-up step: if Zalo answers it with an error, polling starts anyway and a
    webhook still set shows up as failed polls, logged and retried, never as a bot that
    refuses to start.
    """
    try:
        info = await api.get_webhook_info()
    except ZaloApiError as exc:
        log.warning("could not check for a left-over webhook (%s); polling anyway", exc)
        return
    if not isinstance(info, dict) or not info.get("url"):
        return
    try:
        await api.delete_webhook()
    except ZaloApiError as exc:
        log.warning("could not delete the left-over webhook (%s); polling anyway: polls fail, logged "
                    "and retried, while it is set", exc)


async def start_webhook(api: ZaloBot, channel: ZaloChannel, url: str, secret: str, port: int,
                        listen: str = "0.0.0.0") -> web.AppRunner:
    """Listen on `listen:port` at the URL's path, then tell Zalo the URL and the secret."""
    runner = web.AppRunner(webhook_app(urlsplit(url).path or "/", secret, channel), access_log=None,
                           shutdown_timeout=WEBHOOK_STOP)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise HoibaoError(f"Cannot listen for the Zalo webhook on {listen}:{port} ({exc.strerror or type(exc).__name__})."
                          " Change ZALO_WEBHOOK_LISTEN or ZALO_WEBHOOK_PORT, or stop what holds that port.") from None
    try:
        await api.set_webhook(url, secret)
    except BaseException:
        await runner.cleanup()
        raise
    return runner


class ZaloUnavailable(ZaloApiError):
    """A start-up call Zalo refused or that could not reach it; the message names the setting to check."""

    def __init__(self, failed: ZaloApiError, setting: str, base_url: str) -> None:
        super().__init__(failed.method, failed.error_code, failed.description)
        self.args = (f"The Zalo bot cannot start: {failed}. Check {setting} (ZALO_BASE_URL={redact.url(base_url)}).",)


async def _started(call: Awaitable[T], settings: Settings, setting: str) -> T:
    """A start-up call; Zalo's refusal as one line naming the setting to check (the token, or the webhook URL)."""
    try:
        return await call
    except ZaloApiError as exc:
        if exc.error_code == 0 or exc.retryable:
            setting = "the network and ZALO_BASE_URL"
        raise ZaloUnavailable(exc, setting, settings.zalo_base_url) from None


def start_pushes(api: ZaloBot, followers, settings: Settings, stop: asyncio.Event) -> asyncio.Task:
    """The Zalo push sender of topics to follow, as a task until `stop`."""
    from bot.followers.sender import Blocked, Limits

    async def send(address: str, text: str) -> None:
        try:
            await api.send_message(address, text)
        except ZaloApiError as exc:
            if exc.error_code == 403:  # the reader blocked the bot
                raise Blocked(exc.description) from None
            raise

    sender = followers.sender("zalo", send, Limits(settings.follow_zalo_per_second,
                                                   per_chat_hour=settings.follow_max_per_hour))
    loop = asyncio.get_running_loop()
    followers.on_queued(lambda: loop.call_soon_threadsafe(sender.wake.set))
    return asyncio.create_task(sender.run(stop), name="zalo-pushes")


async def serve(settings: Settings, service: AnswerService, stop: asyncio.Event | None = None, *,
                poll_timeout: int = POLL_TIMEOUT, backoff: tuple[float, float] = BACKOFF,
                questions: QuestionLog | None = None, followers=None) -> None:
    """Run the Zalo bot until SIGINT/SIGTERM, `stop` being set, or cancellation.

    Args:
        settings: the token, base URL and webhook settings, and the chat limits.
        service: the answer service, shared with other channels.
        stop: set it to stop; when None, SIGINT/SIGTERM stop the bot.
        poll_timeout: seconds each getUpdates waits for an update.
        backoff: first and longest wait, in seconds, after a failed poll.
        questions: the question log (`bot.questionlog`); None records nothing and takes no 👍/đúng replies.
        followers: topics to follow (`bot.followers`); None: "theo dõi …" says the feature is off.
    """
    token, url = credentials.token(settings, credentials.ZALO), settings.zalo_webhook_url
    secret = credentials.webhook_secret(settings.zalo_webhook_secret, credentials.ZALO_SECRET) if url else ""
    runner: web.AppRunner | None = None
    worker: asyncio.Task | None = None
    async with until_stopped(stop) as stop, ZaloBot(token, settings.zalo_base_url) as api:
        me = _dict(await _started(api.get_me(), settings, "ZALO_BOT_TOKEN"))
        account, names = me.get("account_name") or me.get("id"), bot_names(me)
        channel = ZaloChannel(api, ChannelCore(service, settings, messages.zalo_help(names[0]),
                                                questions=ChannelLog(questions, "zalo"), followers=followers,
                                                platform="zalo"), names)
        pushing = start_pushes(api, followers, settings, stop) if followers is not None else None
        if url:
            runner = await _started(start_webhook(api, channel, url, secret, settings.zalo_webhook_port,
                                                  settings.zalo_webhook_listen), settings, "ZALO_WEBHOOK_URL")
            log.info("Zalo bot %s receives updates on its webhook (port %s)", account, settings.zalo_webhook_port)
        else:
            await drop_webhook(api)
            worker = asyncio.create_task(poll(api, channel, poll_timeout, backoff))
            log.info("Zalo bot %s is polling", account)
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({stopping, *([worker] if worker else [])}, return_when=asyncio.FIRST_COMPLETED)
            if worker and worker.done():
                worker.result()  # polling only ends by a bug: let it surface
        finally:
            tasks = [task for task in (stopping, worker) if task]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if pushing is not None:
                await pushing  # ends between two messages once `stop` is set
            if runner:
                await runner.cleanup()
            await channel.drain(settings.drain_seconds)
