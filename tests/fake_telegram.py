"""A local fake Telegram Bot API server (aiohttp), strict where the real one is.

The real `Application` talks to it over HTTP at `{base_url}<TOKEN>/<method>`.
It rejects what Telegram rejects — malformed or unsupported HTML, texts over
4096 characters after entity parsing, replies to unknown messages, bad
callback data, photos that are no image or break the size rules, captions over
1024 characters — records every call the bot makes, and can answer the next N
`sendMessage` calls with 429 + `retry_after`. Tests push updates with
`message()` / `callback()`; they are delivered by `getUpdates` (long poll) or,
once `setWebhook` was called, POSTed to the webhook with its secret header.
"""

from __future__ import annotations

import asyncio
import html
import io
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp
from aiohttp import web
from PIL import Image, UnidentifiedImageError

from tests.waiting import notified

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024  # sendPhoto's caption, after entity parsing
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # an uploaded photo; its width + height at most 10000, the ratio at most 20
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200  # characters of an answerCallbackQuery text
# Tags Telegram's HTML parse mode knows, and the attributes it accepts on them.
_TAGS = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(),
    "s": set(), "strike": set(), "del": set(), "a": {"href"}, "code": {"class"}, "pre": set(),
    "blockquote": {"expandable"}, "tg-spoiler": set(), "span": {"class"},
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_JSON_PARAMS = {"reply_markup", "reply_parameters", "commands", "allowed_updates", "entities",
                "link_preview_options", "scope", "results", "button"}
INLINE_RESULTS_LIMIT = 50  # answerInlineQuery: at most 50 results
INLINE_ID_BYTES = 64  # a result's id: 1-64 bytes, unique within the answer
_INLINE_TYPES = {"article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document", "location",
                 "venue", "contact", "game", "sticker"}
_CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                 "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: known tags only, every tag closed, no stray '<' or '&'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.text: list[str] = []
        self.stack: list[str] = []

    def _error(self, what: str) -> ApiError:
        return bad_request(f"can't parse entities: {what} at byte offset {len(''.join(self.text).encode())}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise self._error(f'Unsupported start tag "{tag}"')
        for name, value in attrs:
            if name not in _TAGS[tag]:
                raise self._error(f'Unsupported attribute "{name}" in tag "{tag}"')
            if tag == "span" and value != "tg-spoiler":
                raise self._error('Tag "span" must have class "tg-spoiler"')
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise self._error(f'Unsupported start tag "{tag}/"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise self._error(f'Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data or "&" in data:
            raise self._error("Unescaped '<', '>' or '&'")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED_ENTITIES:
            raise self._error(f'Unsupported HTML entity "&{name};"')
        self.text.append(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        raise self._error("Unsupported comment")

    def handle_decl(self, decl: str) -> None:
        raise self._error("Unsupported declaration")

    def unknown_decl(self, data: str) -> None:
        raise self._error("Unsupported declaration")


def visible_text(text: str, parse_mode: str | None) -> str:
    """The message text after entity parsing; raises ApiError as Telegram answers 400."""
    if parse_mode is None:
        return text
    if parse_mode.upper() != "HTML":
        raise bad_request(f"unsupported parse_mode {parse_mode!r} in this fake")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.rawdata:  # html.parser keeps an incomplete tag ("<b") back; Telegram rejects it
        raise parser._error("Unclosed start tag")
    if parser.stack:
        raise parser._error(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.text)


def chat_id_of(params: dict) -> int:
    """The request's chat_id; 400 as Telegram answers for one that is missing or no chat's."""
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError):
        raise bad_request("chat not found") from None


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.perf_counter)


class FakeTelegram:
    """Bot API for one bot. `await start()` gives the base_url to hand to PTB."""

    def __init__(self, token: str = "123456:TEST-secret-token", username: str = "hoibao_test_bot") -> None:
        self.token = token
        self.bot = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Hỏi Báo", "username": username,
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.calls: list[Call] = []
        self.updates: list[dict] = []
        self.pushed_at: dict[int, float] = {}  # update_id -> when it was pushed (for latency)
        self.webhook: dict[str, Any] | None = None
        self.commands: list[dict] = []
        self.fail_next: list[ApiError] = []  # answers for the next sendMessage calls
        self.fail_chat_action = False  # answer sendChatAction with 500
        self.blocked: set[int] = set()  # chats whose user blocked the bot: sendMessage answers 403
        self._inline: set[str] = set()  # inline queries not answered yet
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._messages: dict[tuple[int, int], dict] = {}  # (chat_id, message_id) -> message
        self._callbacks: set[str] = set()
        self._changed = asyncio.Condition()
        self._closing = False
        self._tasks: set[asyncio.Task] = set()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.base_url = ""

    # ------------------------------------------------------------------ server

    async def start(self, host: str = "127.0.0.1") -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None,  # URLs carry the token
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://{host}:{port}/bot"
        self._session = aiohttp.ClientSession()
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return self._error(ApiError(404, "Not Found"))
        params = await self._params(request)
        call = Call(method, params)
        try:
            result = await handler(params)
        except ApiError as exc:
            call.params = {**params, "_error": exc.description}
            self._record(call)
            return self._error(exc)
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    def _record(self, call: Call) -> None:
        if call.method != "getUpdates":
            self.calls.append(call)
            self._spawn(self._notify())

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)  # keep a reference until done
        task.add_done_callback(self._tasks.discard)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    @staticmethod
    def _error(exc: ApiError) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.json_response(body, status=exc.code)

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        params: dict[str, Any] = dict(request.query)
        if request.body_exists:
            params.update(await request.post())
        for key in _JSON_PARAMS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params

    # ------------------------------------------------------------------ what tests push

    def _user(self, user_id: int, is_bot: bool = False) -> dict:
        return {"id": user_id, "is_bot": is_bot, "first_name": f"User{user_id}", "language_code": "vi"}

    def _chat(self, chat_id: int, chat_type: str) -> dict:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        return {"id": chat_id, "type": chat_type, "title": f"Nhóm {chat_id}"}

    def _store(self, chat_id: int, message: dict) -> dict:
        ids = self._message_ids.setdefault(chat_id, itertools.count(1))
        message["message_id"] = next(ids)
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def message(self, chat_id: int, text: str | None = None, *, user_id: int | None = None,
                chat_type: str = "private", reply_to: dict | None = None, is_bot: bool = False,
                **extra: Any) -> dict:
        """A user's message in a chat, as an update; `extra` carries e.g. a sticker instead of text."""
        user_id = user_id if user_id is not None else chat_id
        message: dict[str, Any] = {"date": int(time.time()), "chat": self._chat(chat_id, chat_type),
                                   "from": self._user(user_id, is_bot), **extra}
        if text is not None:
            message["text"] = text
            command = text.split()[0] if text.startswith("/") else ""
            commands = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}] if command else []
            mentions = [{"type": "mention", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
                        for m in re.finditer(r"@\w+", text)]
            if commands or mentions:
                message["entities"] = commands + mentions
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._store(chat_id, message)
        return self.push({"message": message})

    def callback(self, message: dict, data: str, user_id: int) -> dict:
        """A press on an inline button of a message the bot sent."""
        query_id = f"cb{next(self._update_ids)}"
        self._callbacks.add(query_id)
        return self.push({"callback_query": {"id": query_id, "from": self._user(user_id), "message": message,
                                             "chat_instance": str(message["chat"]["id"]), "data": data}})

    def inline(self, user_id: int, query: str) -> dict:
        """A user typing "@bot query" in some chat, as an inline_query update."""
        query_id = f"iq{next(self._update_ids)}"
        self._inline.add(query_id)
        return self.push({"inline_query": {"id": query_id, "from": self._user(user_id), "query": query,
                                           "offset": "", "chat_type": "private"}})

    def push(self, update: dict) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        self.pushed_at[update["update_id"]] = time.perf_counter()
        if self.webhook:
            self._spawn(self._post_webhook(update))
        else:
            self.updates.append(update)
            self._spawn(self._notify())
        return update

    async def _post_webhook(self, update: dict) -> None:
        assert self._session and self.webhook
        secret = self.webhook.get("secret_token")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with self._session.post(self.webhook["url"], json=update, headers=headers) as response:
            self.webhook.setdefault("statuses", []).append(response.status)

    def known_callback(self, query_id: str) -> None:
        """A button press pushed by the test itself (not through `callback`) that the bot may answer."""
        self._callbacks.add(query_id)

    def forget(self, keep: int = 200) -> None:
        """Drop all but the last `keep` calls and messages (messages with buttons: the last 100 kept),
        so that a long fuzz does not grow the fake."""
        del self.calls[:-keep]
        self.pushed_at.clear()
        items = list(self._messages.items())
        buttons = [key for key, m in items if m.get("reply_markup")][-100:]
        kept = set(buttons) | {key for key, _ in items[-keep:]}
        self._messages = {key: m for key, m in items if key in kept}
        if len(self._callbacks) > 10 * keep:
            self._callbacks.clear()

    def fail_next_messages(self, count: int, retry_after: int = 1) -> None:
        """Answer the next `count` sendMessage calls with 429 Too Many Requests."""
        self.fail_next += [ApiError(429, f"Too Many Requests: retry after {retry_after}",
                                    {"retry_after": retry_after})] * count

    def fail_next_message(self, code: int = 500, description: str = "Internal Server Error") -> None:
        """Answer the next sendMessage call with an error."""
        self.fail_next.append(ApiError(code, description))

    # ------------------------------------------------------------------ what tests read

    def bot_messages_all(self) -> list[dict]:
        """Every message the bot sent that the fake holds, oldest first."""
        return [m for m in self._messages.values() if m["from"]["id"] == self.bot["id"]]

    def bot_messages(self, chat_id: int) -> list[dict]:
        """Messages the bot sent to the chat as they stand now (after edits), oldest first."""
        return [m for (c, _), m in self._messages.items() if c == chat_id and m["from"]["id"] == self.bot["id"]]

    def flood_violations(self, per_second: int = 30, group_per_minute: int = 20) -> list[str]:
        """Where the bot's sendMessage calls broke Telegram's limits, by this server's own timestamps:
        more than `per_second` in any second, or more than `group_per_minute` to one group in a minute."""
        calls = [(c.at, chat_id_of(c.params)) for c in self.calls if c.method == "sendMessage"]
        found = []
        times = [at for at, _ in calls]
        for i, at in enumerate(times):
            inside = sum(1 for other in times[i:] if other - at < 1.0)
            if inside > per_second:
                found.append(f"{inside} messages within 1 s from {at:.3f}")
        for chat in {c for _, c in calls if c < 0}:
            stamps = [at for at, c in calls if c == chat]
            for i, at in enumerate(stamps):
                inside = sum(1 for other in stamps[i:] if other - at < 60.0)
                if inside > group_per_minute:
                    found.append(f"{inside} messages to group {chat} within 60 s")
        return found

    def sent(self, chat_id: int | None = None, method: str = "sendMessage", ok: bool = True) -> list[dict]:
        return [c.params for c in self.calls if c.method == method and ("_error" not in c.params) == ok
                and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)]

    async def wait_for(self, chat_id: int | None, count: int = 1, method: str = "sendMessage",
                       timeout: float = 20.0) -> list[dict]:
        """The first `count` successful `method` calls for the chat, waiting for them to arrive."""
        await notified(self._changed, lambda: len(self.sent(chat_id, method)) >= count,
                       f"{count} {method} to {chat_id}", timeout)
        return self.sent(chat_id, method)[:count]

    # ------------------------------------------------------------------ the Bot API

    def _sent_message(self, params: dict, text: str) -> dict:
        chat_id = chat_id_of(params)
        known = next((m["chat"] for (c, _), m in self._messages.items() if c == chat_id), None)
        message: dict[str, Any] = {"date": int(time.time()), "chat": known or self._chat(chat_id, "private"),
                                   "from": {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")},
                                   "text": text}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return self._store(chat_id, message)

    def _check_text(self, params: dict) -> str:
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        chat_id_of(params)
        text = visible_text(str(params.get("text", "")), params.get("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > TEXT_LIMIT:
            raise bad_request("message is too long")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "x").encode()
                if not button.get("text") or not 1 <= len(data) <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
        return text

    async def _api_getMe(self, params: dict) -> dict:
        return self.bot

    async def _api_getUpdates(self, params: dict) -> list[dict]:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:  # confirms every update below it
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self.updates and not self._closing and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        return self.updates[:limit]

    async def _api_sendMessage(self, params: dict) -> dict:
        if self.fail_next:
            raise self.fail_next.pop(0)
        text = self._check_text(params)
        if chat_id_of(params) in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        reply = params.get("reply_parameters")
        if reply and (chat_id_of(params), reply.get("message_id")) not in self._messages:
            if not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        return self._sent_message(params, text)

    async def _api_editMessageText(self, params: dict) -> dict:
        if "chat_id" not in params:  # an inline message: this bot sends none
            raise bad_request("MESSAGE_ID_INVALID")
        text = self._check_text(params)
        key = (chat_id_of(params), str(params.get("message_id", 0)))
        key = (key[0], int(key[1]) if key[1].lstrip("-").isdigit() else 0)
        message = self._messages.get(key)
        if message is None or message["from"]["id"] != self.bot["id"]:
            raise bad_request("message to edit not found")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        if message["text"] == text and message.get("reply_markup") == params.get("reply_markup"):
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        message["text"] = text
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _api_editMessageReplyMarkup(self, params: dict) -> dict:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self._messages.get(key)
        if message is None or message["from"]["id"] != self.bot["id"]:
            raise bad_request("message to edit not found")
        markup = params.get("reply_markup") or None
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if not button.get("text") or not 1 <= len(button.get("callback_data", "x").encode()) <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
        if message.get("reply_markup") == markup:
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _api_sendPhoto(self, params: dict) -> dict:
        """An uploaded photo (multipart): a real image within Telegram's size rules, a caption within 1024."""
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        photo = params.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = params.get(photo.removeprefix("attach://"))
        if not isinstance(photo, web.FileField):
            raise bad_request("this fake takes uploaded photos only (multipart/form-data), not file ids or URLs")
        data = photo.file.read()
        params["photo"] = data  # recorded as bytes, for tests to read
        if len(data) > PHOTO_MAX_BYTES:
            raise bad_request("file is too big")
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                width, height = image.size
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        caption = visible_text(str(params.get("caption", "")), params.get("parse_mode"))
        if utf16_len(caption) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        reply = params.get("reply_parameters")
        if reply and (int(params["chat_id"]), int(reply["message_id"])) not in self._messages:
            if not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        message = self._sent_message(params, "")
        del message["text"]
        message["photo"] = [{"file_id": f"photo{message['message_id']}", "file_unique_id": f"u{len(data)}",
                             "width": width, "height": height, "file_size": len(data)}]
        if caption:
            message["caption"] = caption
        return message

    async def _api_sendChatAction(self, params: dict) -> bool:
        if self.fail_chat_action:
            raise ApiError(500, "Internal Server Error")
        chat_id_of(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _api_answerCallbackQuery(self, params: dict) -> bool:
        if params.get("callback_query_id") not in self._callbacks:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text", ""))) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callbacks.discard(params["callback_query_id"])
        return True

    async def _api_answerInlineQuery(self, params: dict) -> bool:
        """Strict like Telegram: a known query answered once, at most 50 results with unique 1-64 byte ids,
        an article's title and a message text within the limits, a non-negative integer cache_time."""
        if params.get("inline_query_id") not in self._inline:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > INLINE_RESULTS_LIMIT:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or not all(1 <= len(i.encode()) <= INLINE_ID_BYTES for i in ids):
            raise bad_request("RESULT_ID_INVALID" if len(set(ids)) == len(ids) else "RESULT_ID_DUPLICATE")
        for result in results:
            if result.get("type") not in _INLINE_TYPES:
                raise bad_request("RESULT_TYPE_INVALID")
            if result["type"] == "article":
                content = result.get("input_message_content") or {}
                if not str(result.get("title", "")).strip():
                    raise bad_request("RESULT_TITLE_EMPTY")
                text = visible_text(str(content.get("message_text", "")), content.get("parse_mode"))
                if not text.strip():
                    raise bad_request("MESSAGE_EMPTY")
                if utf16_len(text) > TEXT_LIMIT:
                    raise bad_request("MESSAGE_TOO_LONG")
                if "url" in result and not str(result["url"]).startswith(("http://", "https://")):
                    raise bad_request("RESULT_URL_INVALID")
        cache = params.get("cache_time", 300)
        if not str(cache).isdigit():
            raise bad_request("cache_time must be a non-negative integer")
        self._inline.discard(params["inline_query_id"])
        return True

    async def _api_setMyCommands(self, params: dict) -> bool:
        commands = params.get("commands") or []
        for c in commands:
            valid_name = re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", ""))
            if not valid_name or not 1 <= len(c.get("description", "")) <= 256:
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands = commands
        return True

    async def _api_setWebhook(self, params: dict) -> bool:
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        self.webhook = {"url": params["url"], "secret_token": secret}
        return True

    async def _api_deleteWebhook(self, params: dict) -> bool:
        self.webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.updates.clear()
        return True
