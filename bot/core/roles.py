"""Questions that name a role the way readers do, rewritten the way articles do.

Readers ask "Người đứng đầu Đảng ủy phường X là ai?" or just type "bí thư phường X";
articles write "Bí thư Đảng ủy phường X Nguyễn Văn A". `rewrites` turns the first
kind into the article's wording, one rewrite per title the body usually has
(Vietnamese administrative usage, never any article's content), and the second
into a question. The answerer ranks each rewrite and keeps the most answerable.
"""

from __future__ import annotations

import re

from bot.core.spans.kinds import is_person_phrase
from bot.core.spans.lexicon import TITLE_HEADS
from bot.core.spans.people import person_spans
from index.text import Rule, fold, has_diacritics, rule_text, words

# Paraphrases of "the head of": the word an article would never use for the role itself.
_HEAD = Rule(r"\b(người đứng đầu|người lãnh đạo|lãnh đạo cao nhất|lãnh đạo|đứng đầu|người phụ trách|phụ trách|"
             r"thủ trưởng|sếp|người cầm quyền)\b")
# The body after the paraphrase → the titles its head usually holds, most usual first.
_TITLES = (
    (Rule(r"^(đảng ủy|đảng uỷ|đảng bộ|quận ủy|quận uỷ|huyện ủy|huyện uỷ|thành ủy|thành uỷ|tỉnh ủy|tỉnh uỷ|thị ủy|thị uỷ|chi bộ)\b"), ("bí thư",)),
    (Rule(r"^(ubnd|ủy ban|uỷ ban|chính quyền|hđnd|hội đồng nhân dân)\b"), ("chủ tịch",)),
    (Rule(r"^(phường|xã|quận|huyện|thị xã|thị trấn|tỉnh|thành phố|tp)\b"), ("bí thư", "chủ tịch")),
    (Rule(r"^(sở|công ty|tổng công ty|bệnh viện|trung tâm|ngân hàng|cảng|nhà máy|ban quản lý|công an|kho bạc|đài|cục)\b"), ("giám đốc", "cục trưởng")),
    (Rule(r"^(trường|đại học|học viện)\b"), ("hiệu trưởng", "giám đốc")),
    (Rule(r"^(bộ)\b"), ("bộ trưởng",)),
    (Rule(r"^(tòa án|toà án)\b"), ("chánh án",)),
    (Rule(r"^(viện kiểm sát|viện)\b"), ("viện trưởng",)),
    (Rule(r"^(ban|phòng|đoàn|hội|câu lạc bộ|clb|đội)\b"), ("trưởng", "chủ tịch")),
    (Rule(r"^(tập đoàn|doanh nghiệp|hãng)\b"), ("chủ tịch", "tổng giám đốc")),
)
_TITLE_HEADS = sorted((h for h in TITLE_HEADS if h not in ("cuu", "nguyen", "lanh dao")), key=len, reverse=True)
_ASKS = re.compile(r"\b(ai|gì|gi|nào|nao|đâu|dau|sao|bao|mấy|may|là|la|who|what)\b")


def rewrites(question: str) -> list[str]:
    """The question in the article's wording, one per likely title; [] when it needs none."""
    head = _HEAD.search(question)
    written = words(question)  # the words of rule_text(question), as written
    if head:
        text = rule_text(question)
        at = len(text[: head.start()].split())
        n = len(head.group().split())
        rest = " ".join(written[at + n :])
        before = written[:at] if [w.lower() for w in written[:at]] not in (["ai"], ["who"]) else []  # "Ai phụ trách …"
        for body, titles in _TITLES:
            if body.search(rest):
                return [_question(before + [t if has_diacritics(question) else fold(t)] + written[at + n :]) for t in titles]
        return []
    if is_person_phrase(question) and not _ASKS.search(rule_text(question)):
        return [_question(written)]  # "bí thư phường X": who holds that title
    return []


def _question(words: list[str]) -> str:
    """A question made of `words`: "… là ai?" unless it already asks."""
    if [w.lower() for w in words[-2:]] not in (["là", "ai"], ["la", "ai"]):
        words = [*words, *(("là", "ai") if has_diacritics(" ".join(words)) else ("la", "ai"))]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "?"


def asked_title(question: str) -> str | None:
    """The title a question asks the holder of ("bí thư" in "Bí thư phường X là ai?"), folded."""
    folded = " ".join(rule_text(fold(question)).split())
    for head in _TITLE_HEADS:
        if re.search(rf"(?:^|\s){re.escape(head)}\b", folded):
            return head
    return None


def sole_holder(title: str, paragraph: str) -> str | None:
    """The one person the paragraph names right after `title` (folded), or None when none or several."""
    folded = fold(paragraph)
    names = set()
    for m in re.finditer(rf"(?:^|\W){re.escape(title)}\b", folded):
        after = paragraph[m.end() : m.end() + 120]
        spans = person_spans(after, title)
        if spans:
            names.add(spans[0].text)
    return names.pop() if len(names) == 1 else None
