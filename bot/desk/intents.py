"""What a reader asks for besides an answer: a summary, the latest news, a topic to follow.

"Tóm tắt bài này", "tóm tắt bài về giá xăng", "/tomtat"; "có tin gì mới?", "tin mới nhất về giao
thông", "/tinmoi y tế"; "theo dõi giá xăng", "bỏ theo dõi giá xăng", "/theodoi", "/huytheodoi",
"/dangtheodoi". Rule words are matched with their diacritics when the message has any (folding
would read "tin mới" into "tín mơi"); an unaccented message is matched folded. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datetime import datetime

from bot.desk.dates import window
from index.text import fold, has_diacritics, nfc

SUMMARY, LATEST, FOLLOW, UNFOLLOW, FOLLOWING = "summary", "latest", "follow", "unfollow", "following"
COMMANDS = {"tomtat": SUMMARY, "tinmoi": LATEST, "theodoi": FOLLOW, "huytheodoi": UNFOLLOW, "dangtheodoi": FOLLOWING}


@dataclass(frozen=True)
class Intent:
    kind: str
    topic: str = ""  # what follows: an article's name or subject, a news topic ("" = the current one / all)


_LEADS = {
    SUMMARY: [r"(?:hãy |bạn |làm ơn )?tóm tắt(?: giúp| cho)?(?: mình| tôi| em)?(?: nội dung)?"],
    UNFOLLOW: [r"(?:bỏ|hủy|huỷ|ngừng|thôi) theo dõi"],
    FOLLOW: [r"(?:cho (?:mình|tôi|em) )?(?:đăng ký )?theo dõi(?: tin| chủ đề)?(?: về)?"],
    FOLLOWING: [r"(?:mình|tôi|em|bạn)? ?(?:đang theo dõi (?:gì|những gì|chủ đề nào)|danh sách theo dõi)"],
    LATEST: [r"(?:có )?tin (?:gì |tức gì )?mới(?: nhất)?(?: không| chưa)?(?: về| liên quan đến)?",
             r"có tin (?:gì|tức gì)(?: mới)?(?: về)?",
             r"tin tức mới(?: nhất)?(?: về)?"],
}
# A "topic" holding one of these is a question after all: "Theo dõi sức khỏe trẻ thế nào?".
_QUESTION_WORDS = ("ai", "gì", "nào", "bao nhiêu", "thế nào", "ra sao", "đâu", "mấy", "sao", "không")
_ARTICLE_WORDS = r"^(?:(?:của |cho )?(?:bài|bài báo|bài viết)(?: này| đó| vừa rồi)?(?: về| nói về)?)\s*"
_TRAILING = r"[\s?.!]*(?:(?:không|nhé|nha|với|đi|giúp mình|giúp tôi)[\s?.!]*)*$"


def _pattern(kind: str, folded: bool) -> re.Pattern[str]:
    body = "|".join(fold(p) if folded else p for p in _LEADS[kind])
    return re.compile(rf"^\s*(?:{body})(?=\W|$)", re.IGNORECASE)


_COMPILED = {(kind, folded): _pattern(kind, folded) for kind in _LEADS for folded in (False, True)}


def _rest(text: str, end: int) -> str:
    return re.sub(_TRAILING, "", text[end:]).strip(" :,-–")


def intent_of(text: str) -> Intent | None:
    """The reader's request in `text` (a command or a phrase), or None for an ordinary question."""
    text = nfc(text).strip()
    command = re.match(r"^/(\w+)(?:@\w+)?(?:\s+(.*))?$", text, re.DOTALL)
    if command:
        kind = COMMANDS.get(command.group(1).lower())
        return Intent(kind, _topic(kind, (command.group(2) or "").strip())) if kind else None
    days = window(text, datetime.now())  # only its words matter here: "hôm qua có tin gì…" opens with them
    if days and fold(text).startswith(fold(days.words)):
        text = text[len(days.words):].lstrip(" ,")
    folded = not has_diacritics(text)
    probe = fold(text) if folded else text
    for kind in (UNFOLLOW, FOLLOWING, FOLLOW, SUMMARY, LATEST):
        match = _COMPILED[(kind, folded)].match(probe)
        if match:
            # Offsets of the folded text are the original's: folding keeps one character per character.
            topic = _topic(kind, _rest(text, match.end()))
            return None if _asks(topic) else Intent(kind, topic)
    return None


def _asks(topic: str) -> bool:
    """Whether a phrase's "topic" is really the rest of a question (matched with its diacritics when it has any)."""
    folded = not has_diacritics(topic)
    words = f" {' '.join((fold(topic) if folded else topic.lower()).replace('?', ' ').split())} "
    return any(f" {fold(w) if folded else w} " in words for w in _QUESTION_WORDS)


def _topic(kind: str, rest: str) -> str:
    if kind == SUMMARY:
        match = re.match(_ARTICLE_WORDS, rest, re.IGNORECASE) or re.match(fold(_ARTICLE_WORDS), fold(rest))
        rest = rest[match.end():] if match else rest
    return rest.strip(" ?.!:,")
