"""The Zalo channel: the Zalo Bot API (`bot.zalo_api`) over the shared answer core.

Handlers stay thin: read the update → `Conversations.ask` in a worker thread →
plain text in messages of at most 2000 characters → `sendMessage`. Long polling
by default; a webhook (aiohttp) checking `X-Bot-Api-Secret-Token` when
ZALO_WEBHOOK_URL is set. Zalo updates carry no mention entities and no
reply-to, so in a group the bot answers only a message that calls it by name
('@Hỏi Báo …', 'Hỏi Báo ơi, …') or starts with a command ('/ask …').
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from bot import messages
from bot.chat import Conversations, addressed_question
from bot.render import ZALO_LIMIT, plain_messages, sources_list, split_message
from bot.runtime import ChatLocks, on_signals, release_signals
from bot.service import AnswerService
from bot.settings import Settings
from bot.channels.zalo_api import ZaloApiError, ZaloBot
from index.errors import HoibaoError
from index.text import nfc

log = logging.getLogger("hoibao.zalo")

POLL_TIMEOUT = 30  # seconds a getUpdates long poll waits
BACKOFF = (1.0, 60.0)  # first and longest wait after a failed poll; doubles in between
WEBHOOK_LISTEN = "0.0.0.0"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT = "message.text.received"
DEFAULT_NAMES = ("Hỏi Báo",)  # what groups may call the bot, besides the names getMe reports


def bot_names(me: dict) -> list[str]:
    """The names a group message may call the bot by, the one to show users first.

    getMe may give only the technical account name ('bot.xyz'), so 'Hỏi Báo' always works too.
    """
    names = [me.get("display_name"), me.get("name"), *DEFAULT_NAMES, me.get("account_name")]
    return list(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip()))


def parse_command(text: str) -> tuple[str, str] | None:
    """('ask', 'the rest') for '/ask the rest' (or '/ask@bot …'), None when no leading command."""
    head, _, rest = text.strip().partition(" ")
    if len(head) < 2 or not head.startswith("/"):
        return None
    return head[1:].split("@")[0].lower(), rest.strip()


class ZaloChannel:
    """Answers Zalo updates, each in its own task so a slow answer never holds up the next update.

    Updates of one chat are answered in order (a follow-up waits for the question it
    follows, and the parts of two answers never interleave); chats run side by side.
    """

    def __init__(self, api: ZaloBot, service: AnswerService, settings: Settings, names: list[str]) -> None:
        self.api, self.service, self.names = api, service, names
        self.conversations = Conversations(service, settings)
        self._tasks: set[asyncio.Task] = set()
        self._chat_locks = ChatLocks()

    def dispatch(self, update: dict) -> None:
        task = asyncio.create_task(self.handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 10) -> None:
        """Let the updates being answered finish (up to `timeout`), then cancel the rest."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()

    async def handle(self, update: dict) -> None:
        """One update; a failure is logged (by id, never the text) and the user gets an apology."""
        message = update.get("message") if isinstance(update.get("message"), dict) else {}
        chat = str((message.get("chat") or {}).get("id") or "")
        if not chat:
            return
        try:
            async with self._chat_locks.hold(chat):
                await self._handle(str(update.get("event_name", "")), message, chat)
        except Exception as exc:  # the one error handler of this channel
            log.error("update %s %s failed: %s", update.get("event_name"), message.get("message_id"),
                      type(exc).__name__, exc_info=exc)
            with contextlib.suppress(ZaloApiError):
                await self.api.send_message(chat, messages.APOLOGY)

    async def _handle(self, event: str, message: dict, chat: str) -> None:
        sender = message.get("from") or {}
        group = (message.get("chat") or {}).get("chat_type") == "GROUP"
        if sender.get("is_bot"):
            return
        if event != TEXT:  # stickers, images, voice…: a hint in private, silence in groups
            if not group and event.startswith("message."):
                await self.api.send_message(chat, messages.NOT_TEXT)
            return
        text: str | None = nfc(str(message.get("text") or ""))
        if group and parse_command(text) is None:
            text = addressed_question(text, self.names)
            if text is None:
                return
        command = parse_command(text)
        if command and command[0] != "ask":
            await self.command(chat, command[0], group)
            return
        await self.answer(chat, str(sender.get("id") or chat), command[1] if command else text)

    async def command(self, chat: str, name: str, group: bool) -> None:
        """/start, /help, /sources; other commands get the help in private, silence in groups."""
        if name == "start":
            examples = await asyncio.to_thread(self.service.examples, 3)
            replies = [messages.greeting(examples)]
        elif name == "sources":
            replies = split_message(sources_list(self.service.catalog()), ZALO_LIMIT)
        elif name == "help" or not group:
            replies = [messages.zalo_help(self.names[0])]
        else:
            return
        for reply in replies:
            await self.api.send_message(chat, reply)

    async def answer(self, chat: str, user: str, text: str) -> None:
        """Typing…, the answer core off the event loop, then the reply in ≤ 2000-character messages."""
        try:
            await self.api.send_chat_action(chat, "typing")
        except ZaloApiError as exc:  # a missing "typing" is no reason not to answer
            log.debug("typing not shown: %s", exc)
        reply = await asyncio.to_thread(self.conversations.ask, chat, user, text)
        parts = split_message(reply, ZALO_LIMIT) if isinstance(reply, str) else plain_messages(reply, ZALO_LIMIT)
        for part in parts:
            await self.api.send_message(chat, part)


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
        if not updates and loop.time() - started < min(1.0, timeout / 2):  # an empty answer that did not wait
            await asyncio.sleep(backoff[0])


def webhook_app(path: str, secret: str, channel: ZaloChannel) -> web.Application:
    """The endpoint Zalo POSTs updates to; anything without the right secret gets 403."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"ok": False, "description": "Forbidden"}, status=403)
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        # Zalo wraps the update as {"ok": true, "result": update}; a bare update is accepted too.
        channel.dispatch(body["result"] if isinstance(body.get("result"), dict) else body)
        return web.json_response({"message": "Success"})

    app = web.Application()
    app.router.add_post(path, receive)
    return app


def webhook_secret(settings: Settings) -> str:
    """ZALO_WEBHOOK_SECRET (8–256 characters), or a random one for this run."""
    if settings.zalo_webhook_secret is None:
        log.warning("ZALO_WEBHOOK_SECRET is not set; using a random secret for this run")
        return secrets.token_urlsafe(32)
    secret = settings.zalo_webhook_secret.get_secret_value()
    if not 8 <= len(secret) <= 256:
        raise HoibaoError(f"ZALO_WEBHOOK_SECRET has {len(secret)} characters; Zalo wants 8 to 256. Change it in .env.")
    return secret


async def start_webhook(api: ZaloBot, channel: ZaloChannel, settings: Settings) -> web.AppRunner:
    """Listen on ZALO_WEBHOOK_PORT at the URL's path, then tell Zalo the URL and the secret."""
    url, secret = settings.zalo_webhook_url, webhook_secret(settings)
    runner = web.AppRunner(webhook_app(urlsplit(url).path or "/", secret, channel), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, WEBHOOK_LISTEN, settings.zalo_webhook_port).start()
    try:
        await api.set_webhook(url, secret)
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def serve(settings: Settings, service: AnswerService, stop: asyncio.Event | None = None, *,
                poll_timeout: int = POLL_TIMEOUT, backoff: tuple[float, float] = BACKOFF) -> None:
    """Run the Zalo bot until SIGINT/SIGTERM, `stop` being set, or cancellation.

    Args:
        settings: the token, base URL and webhook settings, and the chat limits.
        service: the answer service, shared with other channels.
        stop: set it to stop; when None, SIGINT/SIGTERM stop the bot.
        poll_timeout: seconds each getUpdates waits for an update.
        backoff: first and longest wait, in seconds, after a failed poll.
    """
    if settings.zalo_bot_token is None:
        raise HoibaoError("ZALO_BOT_TOKEN is not set. Create a bot in Zalo Bot Manager and put its token in .env.")
    hooked: list[int] = []
    if stop is None:
        stop = asyncio.Event()
        hooked = on_signals(stop.set)
    runner: web.AppRunner | None = None
    worker: asyncio.Task | None = None
    try:
        async with ZaloBot(settings.zalo_bot_token.get_secret_value(), settings.zalo_base_url) as api:
            me = await api.get_me()
            account = me.get("account_name") or me.get("id")
            channel = ZaloChannel(api, service, settings, bot_names(me))
            if settings.zalo_webhook_url:
                runner = await start_webhook(api, channel, settings)
                log.info("Zalo bot %s receives updates on its webhook (port %s)", account, settings.zalo_webhook_port)
            else:
                if (await api.get_webhook_info()).get("url"):  # polling and a webhook exclude each other
                    await api.delete_webhook()
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
                if runner:
                    await runner.cleanup()
                await channel.drain()
    finally:
        release_signals(hooked)


def run(settings: Settings, service: AnswerService) -> None:
    """`hoibao zalo`: serve until Ctrl-C or SIGTERM."""
    asyncio.run(serve(settings, service))
