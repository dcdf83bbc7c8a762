"""Hypothesis strategies for what a hostile public sends a chat bot: texts, Telegram updates, Zalo
updates, and raw webhook bodies.

Texts: any Unicode (lone surrogates too, which JSON can carry), zero-width and direction marks,
combining marks piled up, emoji sequences, Vietnamese, commands and mentions, empty, blank, and
100 kB. Updates: Telegram's shape with optional fields left out, edited messages, channel posts,
stickers, photos, voice, service messages, unknown update types, entities pointing anywhere,
replies to the bot, and button presses with forged, replayed or foreign callback data. Zalo's
shape with any field missing or of the wrong type, unknown events, and whatever JSON at all.
Webhook bodies: those as JSON, and bytes that are not JSON, not UTF-8, or nested beyond reason.
"""

from __future__ import annotations

import json
import re

from hypothesis import strategies as st

BOT_ID = 123456  # FakeTelegram's default token is 123456:…
BOT_USERNAME = "hoibao_test_bot"
ANONYMOUS_ADMIN = 1087968824
USERS = list(range(1, 9))  # a few regulars hit the rate limit; others are new each time
QUESTION = "Bí thư Đảng ủy phường Phước Mỹ là ai?"

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
DIRECTION = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
COMBINING = "\u0300\u0301\u0303\u0309\u0323\u0342\u0363\u036f\u20dd\u0489"
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇻🇳", "❤️", "🧑🏿‍🚀", "1️⃣", "\U0001FAE0"]
SCRIPTS = ["Tiếng Việt có dấu", "tieng viet khong dau", "עברית", "العربية", "中文字符", "ไทย", "Ελληνικά", "𝕳𝖔𝖎"]


def piled(base: str, marks: int) -> str:
    return base + "".join(COMBINING[i % len(COMBINING)] for i in range(marks))


_pieces = st.one_of(
    st.text(max_size=40),  # any code point but lone surrogates
    st.text(st.characters(categories=["Cs", "Co", "Cn", "Cc", "Cf", "Zl", "Zp"]), max_size=8),
    st.text(st.sampled_from(ZERO_WIDTH + DIRECTION), min_size=1, max_size=12),
    st.builds(piled, st.sampled_from(["a", "ệ", "ư", "😀", " ", ""]), st.integers(1, 400)),
    st.sampled_from(EMOJI),
    st.sampled_from(SCRIPTS),
    st.sampled_from([QUESTION, "bi thu dang uy phuong phuoc my la ai", "Còn phường An Hải Tây thì sao?"]),
    st.sampled_from(["👍", "👎", "đúng", "sai rồi", "Dung", " sai! "]),  # feedback right after an answer (Zalo)
    st.sampled_from(["/start", "/help", "/sources", "/ask", "/ask ", "/reindex", "/stats", "/", "//", "/start@other_bot",
                     f"/ask@{BOT_USERNAME} ", f"@{BOT_USERNAME}", f"@{BOT_USERNAME.upper()} ", "@Hỏi Báo ",
                     "Hỏi Báo ơi, ", "hoi bao: ", "<b>", "</i>", "&amp;", "&nbsp;", "<a href='x'>", "\n", "\t"]),
)


def _repeat(piece: str, size: int) -> str:
    piece = piece or "a"
    return (piece * (size // len(piece) + 1))[:size]


_words = st.lists(_pieces, min_size=1, max_size=8).map("".join)
texts = st.one_of(  # one_of picks its branches evenly: the repeated one weighs more
    _words, _words, _words, _words, _words, _words,
    st.sampled_from(["", " ", "\n\n", "\u200b", "\u3000", ZERO_WIDTH, DIRECTION]),
    # 1 kB around the question length limit, and 100 kB.
    st.builds(_repeat, st.lists(_pieces, min_size=1, max_size=3).map("".join), st.sampled_from([999, 1000, 1001, 4097, 100_000])),
)


def kind_of(reply: str) -> str:
    """Which of the bot's own replies `reply` is (for the fuzz statistics)."""
    from bot import messages

    known = {messages.EMPTY: "empty question", messages.SYMBOLS_ONLY: "symbols only", messages.NOT_TEXT: "not text",
             messages.APOLOGY: "APOLOGY", messages.NOT_ALLOWED: "not allowed", messages.ADMIN_ONLY: "admin only",
             messages.too_long(1000): "too long"}
    if reply in known:
        return known[reply]
    if reply.startswith("Bạn hỏi nhanh quá"):
        return "rate limited"
    if reply.startswith("Xin chào"):
        return "/start"
    if reply.startswith("Các bài báo"):
        return "/sources"
    if reply.startswith(("Xin lỗi, các bài báo", "Mình không tìm thấy")) or "không nói về" in reply:
        return "not found"
    return "other (/help…)"


# ---------------------------------------------------------------- Telegram


def _user(user_id: int, is_bot: bool = False) -> dict:
    return {"id": user_id, "is_bot": is_bot, "first_name": "Người dùng"}


_regulars = st.sampled_from(USERS).map(_user)
_newcomers = st.integers(10_000, 2**40).map(_user)  # a new rate-limit window, a new history
users = st.one_of(
    _regulars, _regulars, _regulars, _newcomers, _newcomers, _newcomers, _newcomers,
    st.sampled_from([_user(BOT_ID, True), _user(ANONYMOUS_ADMIN, True)])  # the bot itself, anonymous admins
    | st.integers(1, 2**31).map(lambda i: _user(i, True)),  # another bot
)


@st.composite
def tg_chats(draw) -> dict:
    kind = draw(st.sampled_from(["private"] * 4 + ["group", "supergroup", "channel"]))
    if kind == "private":
        return {"id": draw(st.sampled_from(USERS) | st.integers(1, 2**40)), "type": "private", "first_name": "A"}
    return {"id": draw(st.integers(-(2**40), -1)), "type": kind, "title": draw(st.text(max_size=20))}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@st.composite
def tg_entities(draw, text: str) -> list[dict]:
    """Entities as Telegram computes them (bot_command at 0, mentions), plus some pointing anywhere."""
    length = _utf16(text)
    entities = []
    if text.startswith("/") and draw(st.booleans()):
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16(text.split()[0])})
    if draw(st.booleans()):  # the mentions Telegram finds
        entities += [{"type": "mention", "offset": _utf16(text[: m.start()]), "length": _utf16(m.group())}
                     for m in re.finditer(r"@\w+", text)]
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["mention", "text_mention", "bot_command", "url", "bold", "hashtag"]))
        entity = {"type": kind, "offset": draw(st.integers(0, length + 5)), "length": draw(st.integers(0, length + 5))}
        if kind == "text_mention":
            entity["user"] = draw(users)
        entities.append(entity)
    return entities


MEDIA = {
    "sticker": {"file_id": "s", "file_unique_id": "us", "type": "regular", "width": 512, "height": 512,
                "is_animated": False, "is_video": False},
    "photo": [{"file_id": "p", "file_unique_id": "up", "width": 90, "height": 90}],
    "voice": {"file_id": "v", "file_unique_id": "uv", "duration": 3},
    "document": {"file_id": "d", "file_unique_id": "ud", "file_name": "a.pdf"},
    "location": {"latitude": 16.05, "longitude": 108.2},
    "contact": {"phone_number": "+84", "first_name": "A"},
    "dice": {"emoji": "🎲", "value": 3},
    "new_chat_members": [_user(BOT_ID, True)],
    "left_chat_member": _user(5),
    "new_chat_title": "Nhóm",
    "pinned_message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}},
}


@st.composite
def tg_messages(draw, depth: int = 0) -> dict:
    chat = draw(tg_chats())
    message: dict = {"message_id": draw(st.integers(1, 2**31 - 1)), "date": draw(st.integers(0, 2**31 - 1)),
                     "chat": chat}
    if draw(st.integers(0, 9)):  # channel posts and some service messages have no sender
        message["from"] = draw(users)
    if chat["type"] != "private" and draw(st.booleans()):
        message["sender_chat"] = {"id": chat["id"], "type": chat["type"], "title": "x"}
    kind = draw(st.sampled_from(["text"] * 3 * len(MEDIA) + ["caption"] + list(MEDIA)))
    if kind == "text":
        message["text"] = draw(texts)
        entities = draw(tg_entities(message["text"]))
        if entities:
            message["entities"] = entities
    else:
        if kind == "caption":
            message["photo"], message["caption"] = MEDIA["photo"], draw(texts)
        else:
            message[kind] = MEDIA[kind]
    if depth == 0 and draw(st.integers(0, 4)) == 0:
        replied = draw(tg_messages(depth=1))
        if draw(st.booleans()):
            replied["from"] = _user(BOT_ID, True)  # a reply to the bot: addressed in a group
        message["reply_to_message"] = replied
    if draw(st.integers(0, 9)) == 0:  # a keyboard of the bot's, or someone's, on a message
        message["reply_markup"] = {"inline_keyboard": [[{"text": "x", "callback_data": draw(callback_data())}]]}
    return message


class Known:
    """Stands for real button data, or one of the bot's messages with buttons, resolved by the test
    when it sends the update (strategies must not depend on what the bot did before)."""

    def __init__(self, index: int, suffix: str | None = None) -> None:
        self.index, self.suffix = index, suffix

    def __repr__(self) -> str:
        return f"Known({self.index}, {self.suffix!r})"


def resolve(value: object, known: list[str], messages: list[dict]) -> object:
    """`value` with every `Known` replaced: in "data" by real button data (its first half, with
    `suffix`, when one is given), elsewhere by a message the bot sent; without either, forged data."""
    if isinstance(value, dict):
        return {k: (_known(v, known, messages, k in ("data", "callback_data")) if isinstance(v, Known)
                    else resolve(v, known, messages)) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, known, messages) for v in value]
    return value


def _known(value: Known, known: list[str], messages: list[dict], data: bool) -> object:
    if data:
        if not known:
            return "0" * 64
        real = known[value.index % len(known)]
        return real if value.suffix is None else real[:32] + value.suffix
    if not messages:
        return {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private", "first_name": "A"}}
    return messages[value.index % len(messages)]


def callback_data() -> st.SearchStrategy:
    """Forged data of any kind, and real data pressed again, by anyone, anywhere."""
    forged = st.one_of(
        st.text(max_size=64),
        st.text(st.sampled_from("0123456789abcdef"), min_size=64, max_size=64),  # PTB's uuid+uuid shape
        st.sampled_from(["more:1", "more:99", "0" * 64, "🙂", "x" * 200, "", "fb:up:1", "fb:down:-1", "None",
                         "rate:1", "👍", "👎"]),
    )
    real = st.builds(Known, st.integers(0, 49))
    foreign = st.builds(Known, st.integers(0, 49), st.text("0123456789abcdef", min_size=32, max_size=32))
    return st.one_of(forged, real, foreign)


@st.composite
def tg_callbacks(draw) -> dict:
    """A button press: on one of the bot's messages or a made-up one, with any data, or none."""
    message = draw(st.builds(Known, st.integers(0, 49)) | tg_messages(1))
    query: dict = {"id": f"cb{draw(st.integers(0, 2**62))}", "from": draw(users),
                   "chat_instance": str(draw(st.integers())), "message": message}
    what = draw(st.integers(0, 9))
    if what < 8:
        query["data"] = draw(callback_data())
    elif what == 8:
        query["game_short_name"] = "game"
    if draw(st.integers(0, 9)) == 0:  # pressed in an inline message: no message at all
        del query["message"]
        query["inline_message_id"] = draw(st.text(min_size=1, max_size=20))
    return query


@st.composite
def tg_updates(draw) -> dict:
    """One update as Telegram would send it, of any kind."""
    kind = draw(st.sampled_from(["message"] * 8 + ["edited_message", "channel_post", "edited_channel_post",
                                                    "callback_query", "callback_query", "callback_query",
                                                    "inline_query", "my_chat_member", "unknown"]))
    update: dict = {"update_id": draw(st.integers(1, 2**31 - 1))}
    if kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        message = draw(tg_messages())
        if kind.startswith("edited"):
            message["edit_date"] = message["date"] + 1
        update[kind] = message
    elif kind == "callback_query":
        update[kind] = draw(tg_callbacks())
    elif kind == "inline_query":
        update[kind] = {"id": "iq", "from": draw(users), "query": draw(texts), "offset": ""}
    elif kind == "my_chat_member":
        chat, user = draw(tg_chats()), draw(users)
        member = {"status": "member", "user": _user(BOT_ID, True)}
        update[kind] = {"chat": chat, "from": user, "date": 0, "old_chat_member": member,
                        "new_chat_member": {**member, "status": "kicked", "until_date": 0}}
    else:  # a type newer than this python-telegram-bot
        update[draw(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=20))] = draw(json_values)
    return update


# ---------------------------------------------------------------- Zalo

ZALO_EVENTS = ["message.text.received"] * 6 + ["message.image.received", "message.sticker.received",
                                               "message.voice.received", "message.unsupported.received",
                                               "message.link.received", "user.followed", "message.", ""]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _either(good: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly the right thing; sometimes missing (None here, dropped by the caller) or anything at all.

    (Hypothesis favours the ends of a range it draws from, hence "good" at both ends.)
    """
    return st.integers(0, 9).flatmap(lambda i: st.just(None) if i == 4 else json_values if i == 5 else good)


ZALO_USERS = [f"u{i}" for i in USERS]


@st.composite
def zalo_updates(draw) -> object:
    if draw(st.integers(0, 19)) == 0:
        return draw(json_values)  # not an update at all
    chat_id = draw(_either(st.integers(0, 9).flatmap(
        lambda i: st.text(min_size=1, max_size=12) if i == 3 else st.integers() if i == 6 else st.sampled_from(ZALO_USERS))))
    chat = {"id": chat_id, "chat_type": draw(_either(st.integers(0, 9).map(lambda i: "GROUP" if i in (4, 5, 6) else "PRIVATE")))}
    sender = {"id": draw(_either(st.integers(0, 9).flatmap(
        lambda i: st.text(max_size=12) if i == 3 else st.integers(0, 2**40).map("n{}".format) if i > 4
        else st.sampled_from(ZALO_USERS)))),
              "display_name": draw(_either(st.text(max_size=20))),
              "is_bot": draw(_either(st.integers(0, 9).map(lambda i: i == 5)))}
    message = {"chat": draw(_either(st.just(chat))), "from": draw(_either(st.just(sender))),
               "message_id": draw(_either(st.text(max_size=10))), "date": draw(_either(st.integers())),
               "text": draw(_either(texts))}
    if draw(st.integers(0, 9)) == 0:
        message.update({"sticker": "s-1", "photo_url": "https://x/y.jpg", "url": draw(st.text(max_size=20))})
    event = st.integers(0, 9).flatmap(lambda i: st.sampled_from(ZALO_EVENTS[6:]) if i in (3, 4)
                                      else st.text(max_size=30) if i == 5 else st.just(ZALO_EVENTS[0]))
    update = {"event_name": draw(_either(event)),
              "message": draw(_either(st.just({k: v for k, v in message.items() if v is not None})))}
    return {k: v for k, v in update.items() if v is not None}


# ---------------------------------------------------------------- webhook bodies


def _dumps(value: object) -> bytes:
    """JSON as a platform sends it (\\ud800 escapes carry lone surrogates); no real buttons here."""
    return json.dumps(resolve(value, [], []), ensure_ascii=True).encode()


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _slots(value: object) -> list[tuple[object, object]]:
    """Every (container, key or index) inside a JSON value."""
    found: list[tuple[object, object]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += [(value, key), *_slots(item)]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += [(value, index), *_slots(item)]
    return found


@st.composite
def mutated(draw, updates: st.SearchStrategy) -> object:
    """An update with one to three fields removed or replaced by a value of any type."""
    value = resolve(draw(updates), [], [])
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(value)
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        if isinstance(container, dict) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(json_values)  # type: ignore[index]
    return value


def bodies(updates: st.SearchStrategy) -> st.SearchStrategy[bytes]:
    """What may arrive on a webhook: updates as JSON, with fields missing or of the wrong type, or
    anything else."""
    return st.one_of(
        updates.map(_dumps), updates.map(_dumps), mutated(updates).map(_dumps), mutated(updates).map(_dumps),
        st.builds(lambda u: {"ok": True, "result": u}, updates).map(_dumps),  # Zalo's envelope
        json_values.map(_dumps),
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from([b"", b"{", b"null", b"[]", b'{"update_id":', b"\xff\xfe{\x00}\x00", b'{"a":NaN}',
                         b'{"update_id": 1e999}', _nested(100_000), b'{"a":' * 50_000]),
        updates.map(_dumps).map(lambda b: b[: max(1, len(b) // 2)]),  # cut short
    )
