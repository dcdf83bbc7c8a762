"""What type of phrase a question expects, and whether a phrase is of that type and whole.

A short answer is shown only when it is the kind of thing asked for ("bao nhiêu mét"
wants a number with its unit, "khi nào" a time expression, "nhà thầu nào" an
organisation) and a whole constituent: never one syllable of a name, a number
without the unit written after it, or the tail of a clause. Pure functions over
strings; the rules are Vietnamese grammar, never any article's content. Rule words
are matched as the reader wrote them (index.text.Rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.spans.base import Span
from bot.core.spans.kinds import DATE, NAMED, NUMBER, PERSON, PLACE, ROLE
from bot.core.spans.lexicon import INSTITUTION_WORDS, PLACE_NAMES, SURNAMES, TITLE_HEADS
from bot.core.spans.typed import (
    DATE_RE, NUMBER_WORDS_RE, date_spans, extract, named_spans, number_spans, organisation_spans, person_spans,
    place_spans, which_spans,
)
from index.text import Rule, fold, rule_text

# Expected types: finer than the question kinds where the answer's shape differs.
T_PERSON, T_ROLE, T_ORG, T_NUMBER, T_TIME, T_PLACE, T_CLAUSE, T_NAMED, T_OTHER = (
    "person", "role", "organisation", "number", "time", "place", "clause", "named", "other",
)
TYPES = (T_PERSON, T_ROLE, T_ORG, T_NUMBER, T_TIME, T_PLACE, T_CLAUSE, T_NAMED, T_OTHER)

_TIME_ASKED = Rule(r"\b(mấy giờ|giờ nào|khi nào|bao giờ|lúc nào|thời hạn|hạn chót|thời gian nào|thời điểm nào|"
                   r"ngày nào|tháng nào|năm nào|quý nào|hôm nào|dịp nào|when|what time|what year)\b")
_CLOCK_ASKED = Rule(r"\b(mấy giờ|giờ nào|what time)\b")
_ORG_HEADS = ("nhà thầu|công ty|đơn vị|cơ quan|tổ chức|doanh nghiệp|tập đoàn|liên danh|ngân hàng|bệnh viện|"
              "trường|câu lạc bộ|clb|đội bóng|hãng|nhà tài trợ|chủ đầu tư|nhà sản xuất|sở|bộ|ban|viện|quỹ|"
              "hiệp hội|trung tâm|tòa án|toà án|viện kiểm sát|cơ sở|nhà xuất bản|báo|đài|which company|which organi[sz]ation")
_ORG_ASKED = Rule(rf"\b({_ORG_HEADS})( \w+){{0,2}} nào\b|\b({_ORG_HEADS}) gì\b"
                  r"|\b(chủ đầu tư|nhà thầu|đơn vị thi công|nhà tài trợ) (là|của \w+( \w+){0,4} là) (ai|đơn vị nào)\b")
# Questions answered by a clause or a list, not by their first noun.
_CLAUSE_ASKED = Rule(r"\b(vì sao|tại sao|vì lý do gì|vì lí do gì|lý do|lí do|nguyên nhân|như thế nào|thế nào|ra sao|"
                     r"bằng cách nào|cách nào|làm gì|làm những gì|điều gì|những gì|việc gì|những ai|những trường hợp|"
                     r"gồm những|bao gồm|nhằm mục đích gì|mục đích gì|để làm gì|why|how)\b")
_COUNTED = Rule(r"\b(?:bao nhiêu|mấy|how many|how much)((?: \w+){1,2})")
# Units a number must carry when the question names them ("bao nhiêu mét" → "640 mét").
_MEASURES = {
    "mét": r"mét|m\b|km|cây số", "m": r"mét|m\b", "km": r"km|ki-lô-mét|cây số", "ha": r"ha\b|héc-ta|hecta",
    "tấn": r"tấn", "kg": r"kg|ki-lô-gam|ký", "lít": r"lít", "tiền": r"đồng|usd|vnđ|vnd|đô la|euro|yên|triệu|tỷ|tỉ",
    "đồng": r"đồng|triệu|tỷ|tỉ", "phần trăm": r"%|phần trăm", "tuổi": r"tuổi", "giờ": r"giờ|tiếng",
    "phút": r"phút", "ngày": r"ngày", "tháng": r"tháng", "năm": r"năm", "km2": r"km2|km²", "m2": r"m2|m²",
}
_TIME_WORDS = re.compile(
    r"\b(?:giờ|phút|sáng|trưa|chiều|tối|đêm|rạng sáng|ngày|tháng|năm|quý|tuần|hôm|mai|nay|qua|"
    r"đầu|cuối|giữa|trước|sau|thứ|chủ nhật|dịp|mùa|thế kỷ|thập niên|giai đoạn|xuân|hè|thu|đông)\b|\d{4}|\d{1,2}\s*[-/]\s*\d{1,2}|\d\s*h\b",
    re.IGNORECASE,
)
_PLACE_HEADS = re.compile(r"\b(?:phường|xã|quận|huyện|tỉnh|thành phố|thị xã|thị trấn|đường|phố|ngõ|hẻm|sông|núi|"
                          r"biển|đảo|vịnh|cầu|chợ|khu|làng|thôn|ấp|bản|trụ sở|số \d+)\b", re.IGNORECASE)
_ORG_WORDS = re.compile(rf"\b(?:{_ORG_HEADS}|ubnd|hđnd|ủy ban|uỷ ban|tổng công ty|tổng cục|cục|vụ|hội|đảng ủy|đảng uỷ|"
                        r"công an|bộ chỉ huy|tnhh|cp|jsc|corporation|company|group)\b", re.IGNORECASE)
_FOLDED_TITLES = tuple(sorted(TITLE_HEADS, key=len, reverse=True))
# One pattern for every title: a title word starting a word of the text.
_TITLE_RE = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(h) for h in _FOLDED_TITLES) + r")\b")
# A phrase never starts or ends on these: they join a constituent to the clause around it.
_BAD_EDGE = frozenset("và của thì mà là rằng với cho nhưng hoặc hay để những các một được bị đã đang sẽ cũng vẫn "
                      "như nên nếu khi tại ở từ đến theo về bởi do vì".split())
_BAD_START = _BAD_EDGE - {"những", "các", "một", "từ", "khi", "theo", "do", "đến"}
_BAD_END = _BAD_EDGE | frozenset("thấy rất này kia ấy đó".split())
_WORD = re.compile(r"\w+(?:[.,/:-]\w+)*")
# After a number, text that belongs to it: a decimal or clock part, a unit, a scale word.
_NUMBER_GOES_ON = re.compile(r"^\s*(?:[.,:/-]\s?\d|giờ|phút|h\b|%|triệu|tỷ|tỉ|nghìn|ngàn|trăm|đồng|usd|mét|m\b|km|ha\b|"
                             r"tấn|kg|lít|tuổi|người|ca\b|trường hợp|quý\b|tháng|năm\s+\d)", re.IGNORECASE)
_NUMBER_CAME_BEFORE = re.compile(r"(?:\d\s*(?:giờ|h|[.,:/-]))\s*$|(?:quý|tháng|năm|ngày)\s*$", re.IGNORECASE)


# Last words of a place ("Philippines", "Nội"): a capitalised word after one may start a name.
_PLACE_WORDS = frozenset(p.split()[-1] for p in PLACE_NAMES)


def _after_title(before: str) -> bool:
    folded = fold(before[-40:]).split()
    return any(" ".join(folded[-k:]) in _FOLDED_TITLES for k in (1, 2, 3, 4))


@dataclass(frozen=True)
class Expected:
    type: str
    unit: str = ""  # for numbers: what is counted or measured ("mét", "tiền", "trường hợp")


@lru_cache(maxsize=1024)
def expected(question: str, kind: str) -> Expected:
    """The type of phrase `question` (of `kind`, bot.core.spans.kinds) asks for."""
    if kind == DATE or _TIME_ASKED.search(question):
        return Expected(T_TIME, "giờ" if _CLOCK_ASKED.search(question) else "")
    if kind == NUMBER:
        counted = _COUNTED.search(question)
        return Expected(T_NUMBER, counted.group(1).strip() if counted else "")
    if _ORG_ASKED.search(question):
        return Expected(T_ORG)
    if kind == ROLE:
        return Expected(T_ROLE)
    if _CLAUSE_ASKED.search(question):
        return Expected(T_CLAUSE)
    if kind == PERSON or (kind == NAMED and _names_a_role(question)):
        return Expected(T_PERSON)  # "Bí thư phường X tên là gì?" asks for a name
    if kind == PLACE:
        return Expected(T_PLACE)
    return Expected(T_NAMED if kind == NAMED else T_OTHER)


def _names_a_role(question: str) -> bool:
    folded = " ".join(rule_text(fold(question)).split())
    return bool(_TITLE_RE.search(folded))


def agrees(text: str, want: Expected) -> bool:
    """Whether `text` is the kind of phrase `want` asks for."""
    words = _WORD.findall(text)
    if not words:
        return False
    digits = any(ch.isdigit() for ch in text)
    lowered = text.lower()
    if want.type == T_NUMBER:
        if not digits and not NUMBER_WORDS_RE.search(lowered):
            return False
        if DATE_RE.fullmatch(text.strip()) and not re.search(r"%|triệu|tỷ|nghìn", lowered):
            return False  # "18-11" is a date, not an amount
        unit = _MEASURES.get(fold(want.unit.split()[0]) if want.unit else "", None) or _MEASURES.get(
            want.unit.split()[0] if want.unit else "", None)
        return unit is None or bool(re.search(unit, lowered))
    if want.type == T_TIME:
        # "7" is not a time; "7 giờ 30", "quý IV năm 2025", "sáng 18-11", "cuối năm nay" are.
        if want.unit == "giờ" and not re.search(r"\d\s*(?:giờ|h\b|:\d)", lowered):
            return False  # "mấy giờ" wants a clock time, not "ngày 20-11"
        return bool(_TIME_WORDS.search(text)) and not re.fullmatch(r"\s*\d+\s*", text)
    if want.type == T_ORG:
        # A company, agency or team: its head word, an acronym, or a capitalised name that is not a place.
        if _ORG_WORDS.search(text) or _acronym(words[0]):
            return True
        return _capitalised(words) and not digits and fold(text) not in PLACE_NAMES and not _PLACE_HEADS.search(text)
    if want.type == T_PERSON:
        return (not digits and 1 <= len(words) <= 6 and _capitalised(words)
                and not _ORG_WORDS.search(text) and not _PLACE_HEADS.search(text))
    if want.type == T_ROLE:
        return bool(_TITLE_RE.search(fold(text)))
    if want.type == T_PLACE:
        return not re.fullmatch(r"[\d\s.,%-]+", text) and (_capitalised(words[:1]) or bool(_PLACE_HEADS.search(text)))
    if want.type == T_CLAUSE:
        return len(words) >= 3
    return True


def _capitalised(words: list[str]) -> bool:
    return all(w[:1].isupper() or w[:1].isdigit() for w in words)


def _acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def whole(sentence: str, start: int, end: int) -> bool:
    """Whether `sentence[start:end]` is a whole constituent: no cut name, number, unit or clause edge."""
    text = sentence[start:end]
    words = _WORD.findall(text)
    if not words:
        return False
    if len(words) == 1 and not (any(ch.isdigit() for ch in words[0]) or words[0][:1].isupper()):
        return False  # one syllable is an answer only as a number or a name
    first, last = words[0].lower(), words[-1].lower()
    if first in _BAD_START or last in _BAD_END:
        return False
    before, after = sentence[:start], sentence[end:]
    if text[-1:].isdigit() and _NUMBER_GOES_ON.match(after):
        return False  # "7" of "7 giờ 30", "720" of "720 tỷ đồng"
    if text[:1].isdigit() and _NUMBER_CAME_BEFORE.search(before):
        return False  # "30 đến 21 giờ" of "từ 7 giờ 30 đến 21 giờ"
    following = re.match(r" (\w+)", after)
    if words[-1][:1].isupper() and following and following.group(1)[:1].isupper():
        return False  # a name cut before its last syllables
    preceding = re.search(r"(\w+) $", before)
    if (words[0][:1].isupper() and preceding and preceding.group(1)[:1].isupper() and start > 0
            and fold(words[0]) not in SURNAMES and words[0] not in INSTITUTION_WORDS
            and fold(preceding.group(1)) not in _PLACE_WORDS and not _after_title(before)):
        return False  # … or after its first ("Tổng thống Philippines Rodrigo Duterte" starts a name)
    if "," in text and len(_WORD.findall(text.rsplit(",", 1)[1])) <= 2 and not re.search(r"\d,\d", text):
        return False  # "860 mét, tổng": a list's last item is more than a fragment
    return text.count("(") == text.count(")") and text.count("“") == text.count("”") and text.count('"') % 2 == 0


_FINDERS = {
    T_TIME: (date_spans,), T_NUMBER: (number_spans,), T_PERSON: (person_spans,),
    T_ORG: (organisation_spans, which_spans), T_PLACE: (place_spans,), T_NAMED: (named_spans, which_spans),
}


def typed_phrase(sentence: str, question: str, kind: str, want: Expected) -> Span | None:
    """The best whole phrase of the expected type in `sentence` by the typed finders' own scores, or None.

    For types without a finder of their own (clauses, roles, open questions) the kind's
    extractor decides, as before.
    """
    finders = _FINDERS.get(want.type, ())
    if not finders:
        span = extract(sentence, question, kind)
        return span if span and agrees(span.text, want) else None
    spans = [s for f in finders for s in f(sentence, question)
             if agrees(s.text, want) and whole(sentence, s.start, s.end)]
    return max(spans, key=lambda s: s.score, default=None)
