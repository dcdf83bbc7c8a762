"""Typed spans: numbers, dates, places, quoted names, "X nào" phrases; `extract` picks one."""

from __future__ import annotations

import re

from bot.core.spans.base import Span, capitalised_runs, finder, is_capitalised, person_in_question
from bot.core.spans.kinds import DATE, NAMED, NUMBER, PERSON, PLACE, ROLE, WHICH
from bot.core.spans.lexicon import FOLDED_STOPWORDS, LOWER_IN_NAMES, VI_STOPWORDS
from bot.core.spans.nearby import anchor_bonus
from bot.core.spans.people import person_spans, role_span
from index.text import fold, tokens

NUMBER_RE = re.compile(
    r"(?:(?:hơn|khoảng|gần|trên|dưới|tới|đến|gần như|chừng|xấp xỉ|tổng cộng|tổng số|chỉ|ít nhất|tối đa)\s+)?"
    r"\d+(?:[.,]\d+)*(?:\s*%)?"
    r"(?:\s+(?:triệu|tỷ|tỉ|nghìn|ngàn|trăm|vạn|chục))*"
    r"(?:\s*(?:đồng|USD|VNĐ|VND|đô la|euro|yên|km2|km|m2|m|ha|héc-ta|kg|tấn|lít|người|phần trăm)\b"
    # a price per unit: "85,5 triệu đồng/lượng", "2.400 USD/tấn"
    r"(?:\s*/\s*(?:lượng|chỉ|kg|tấn|lít|m2|tháng|năm|ngày|người|thùng|ounce|thùng|con|cái|chiếc)\b)?)?",
    re.IGNORECASE,
)
DATE_RE = re.compile(
    r"(?:(?:ngày|hôm)\s+)?\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}"
    r"|(?:ngày\s+)?\d{1,2}\s+tháng\s+\d{1,2}(?:\s*(?:năm|,)\s*\d{4})?"
    r"|tháng\s+\d{1,2}\s*(?:năm\s+|/)\d{4}"
    r"|năm\s+\d{4}(?:\s*[-–]\s*\d{4})?"
    r"|\b(?:1[5-9]|20)\d{2}\s*[-–]\s*(?:1[5-9]|20)\d{2}\b"
    r"|\b(?:1[5-9]|20)\d{2}\b"
    # a day and month ("sáng 2-5", "ngày 30/4", "(2-5)"): dates, never two numbers
    r"|(?:ngày\s+)?\b(?:[12]?\d|3[01])\s*[-/]\s*(?:0?[1-9]|1[0-2])\b(?![-/.]\d)",
    re.IGNORECASE,
)
_CLOCK = r"\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?(?!\w)"
_DAYPART = r"(?:rạng sáng|sáng|trưa|chiều|tối|đêm|khuya)"
_DAY_MONTH = r"(?:ngày\s+)?\d{1,2}\s*[-/]\s*\d{1,2}(?:\s*[-/]\s*\d{2,4})?"
# Whole time expressions: a clock range, a clock time, a quarter, a part of a day with its date,
# the start or end of a period, a month or year range ("từ 7 giờ 30 đến 21 giờ", "quý IV năm 2025",
# "sáng 18-11", "cuối năm nay", "từ tháng 3 đến tháng 6").
TIME_RE = re.compile(
    rf"(?:từ\s+)?{_CLOCK}(?:\s+{_DAYPART})?\s*(?:đến|tới|-|–)\s*{_CLOCK}(?:\s+{_DAYPART})?"
    rf"|{_CLOCK}(?:\s+{_DAYPART})?(?:\s+(?:hôm nay|ngày mai|hằng ngày|mỗi ngày|{_DAY_MONTH}))?"
    r"|quý\s+(?:[IV]{1,3}|[1-4])(?:\s*(?:năm\s+|/)\d{4}|\s+năm\s+(?:nay|sau|tới))?"
    rf"|{_DAYPART}\s+(?:nay|mai|qua|hôm qua|{_DAY_MONTH})"
    r"|(?:đầu|cuối|giữa)\s+(?:năm|tháng|quý|tuần)(?:\s+(?:nay|này|sau|tới|trước|\d{1,4}(?:\s+năm\s+\d{4})?))?"
    r"|(?:từ\s+)?(?:tháng|năm)\s+\d{1,4}(?:\s*(?:năm\s+|/)\d{4})?\s*(?:đến|tới|-|–)\s*(?:tháng|năm)\s+\d{1,4}(?:\s*(?:năm\s+|/)\d{4})?"
    rf"|(?:trước|sau|đến|từ|chậm nhất là|muộn nhất là)\s+(?:ngày\s+)?{_DAY_MONTH}",
    re.IGNORECASE,
)
QUOTED_RE = re.compile(r"[“\"«]([^”\"»]{3,200})[”\"»]")
_PLACE = re.compile(r"\b(?:tại|ở|trên địa bàn|thuộc)\s+((?:[^\s,.;:]+\s*){1,8})", re.IGNORECASE)


# Numbers written as words ("ba vòng", "hàng vạn người"); "năm" only when no year follows.
NUMBER_WORDS_RE = re.compile(
    r"\b(?:hàng|vài|một|hai|ba|bốn|tư|năm(?!\s*\d)|sáu|bảy|tám|chín|mười)"
    r"(?:\s+(?:mươi|mốt|lăm|trăm|nghìn|ngàn|vạn|triệu|tỷ|một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín))*\b",
    re.IGNORECASE,
)
# The counted noun stops at these ("bao nhiêu tiền ở các nước": "ở" is not counted).
_NOT_COUNTED = {"o", "tai", "trong", "tren", "duoi", "vao", "cua", "cho", "de", "nam", "thang", "ngay", "la"}


def _counted_end(sentence: str, end: int, question: str) -> int:
    """'bao nhiêu trường hợp' → extend the number over the counted noun when the sentence repeats it."""
    counted = re.search(r"(?:bao nhieu|may)((?:\s+\w+){1,4})", fold(question))
    if not counted:
        return end
    following = fold(sentence[end:])
    for word in counted.group(1).split():
        step = re.match(r"\s+" + re.escape(word) + r"\b", following)
        if not step or word in _NOT_COUNTED or word in FOLDED_STOPWORDS:
            break
        end += step.end()
        following = following[step.end() :]
    return end


def _inside_token(sentence: str, m: re.Match) -> bool:
    """A number that is a piece of "2-5", "10/3", "CS-1" or "F-5B": never a number on its own."""
    digit = m.start() + re.search(r"\d", m.group()).start()
    return bool(
        re.search(r"(?:\d\s?[-/]|\w-?)$", sentence[max(0, digit - 2) : digit])
        or re.match(r"\s?[-/]\d|[^\W\d]", sentence[m.end() :])
    )


@finder
def number_spans(sentence: str, question: str) -> list[Span]:
    spans = []
    dates = [(m.start(), m.end()) for m in DATE_RE.finditer(sentence)]
    for m in NUMBER_RE.finditer(sentence):
        if any(a <= m.start() and m.end() <= b for a, b in dates) and not re.search(r"%|triệu|tỷ|nghìn", m.group()):
            continue
        if _inside_token(sentence, m):
            continue
        end = _counted_end(sentence, m.start() + len(m.group().strip()), question)
        spans.append(Span(m.start(), end, sentence[m.start() : end], 1.0 + anchor_bonus(sentence, m.start(), m.end(), question)))
    for m in NUMBER_WORDS_RE.finditer(sentence):
        end = _counted_end(sentence, m.end(), question)
        # A bare word number is weak evidence ("một" is also "a"): only with the counted noun.
        if end > m.end():
            spans.append(Span(m.start(), end, sentence[m.start() : end], 0.8 + anchor_bonus(sentence, m.start(), m.end(), question)))
    return spans


@finder
def date_spans(sentence: str, question: str) -> list[Span]:
    wants_year = "nam nao" in fold(question) or "what year" in fold(question)
    spans = []
    for m in TIME_RE.finditer(sentence):
        text = m.group().strip()
        spans.append(Span(m.start(), m.start() + len(text), text, 1.1 + anchor_bonus(sentence, m.start(), m.end(), question)))
    for m in DATE_RE.finditer(sentence):
        text = m.group().strip()
        score = 1.0 + anchor_bonus(sentence, m.start(), m.end(), question)
        if wants_year and re.search(r"\d{4}", text):
            score += 0.3
        spans.append(Span(m.start(), m.start() + len(text), text, score))
    return spans


@finder
def place_spans(sentence: str, question: str) -> list[Span]:
    asked = set(tokens(question))
    spans = []
    for m in _PLACE.finditer(sentence):
        text = m.group(1).strip()
        words = text.split()
        # Keep the capitalised place name, or the phrase up to the clause end.
        if words and is_capitalised(words[0]):
            end = 1
            while end < len(words) and (is_capitalised(words[end]) or fold(words[end]) in LOWER_IN_NAMES):
                end += 1
            text = " ".join(words[:end])
        new = [w for w in tokens(text) if w not in asked]
        if not new:
            continue
        spans.append(Span(m.start(1), m.start(1) + len(text), text, 1.0 + (0.5 if is_capitalised(text) else 0)))
    return spans


@finder
def named_spans(sentence: str, question: str) -> list[Span]:
    """Quoted names ('nghị quyết về “...”'), for 'tên là gì' questions."""
    spans = []
    for m in QUOTED_RE.finditer(sentence):
        text = m.group(1).strip()
        if len(text.split()) <= 20:
            spans.append(Span(m.start(1), m.start(1) + len(text), text, 1.0 + anchor_bonus(sentence, m.start(), m.end(), question)))
    return spans


@finder
def which_spans(sentence: str, question: str) -> list[Span]:
    """'Ban nào tham mưu ...?' → the words in the sentence between 'Ban' and 'tham mưu'."""
    folded_q = " ".join(tokens(question))
    m = re.search(r"(\w+) nao\b(.*)", folded_q)
    if not m:
        return []
    head, rest = m.group(1), m.group(2).split()
    folded_s = fold(sentence)
    spans = []
    for hm in re.finditer(rf"\b{re.escape(head)}\b", folded_s):
        start = hm.start()
        if not sentence[start].isupper():
            continue
        end = None
        if rest:
            follow = " ".join(rest[:2])
            at = folded_s.find(follow, hm.end())
            if 0 <= at - hm.end() <= 60:
                end = at
        if end is None:
            runs = [r for r in capitalised_runs(sentence) if r[0] == start]
            if not runs:
                continue
            end = runs[0][1]
            while True:
                nxt = re.match(r"\s+(\w+)", sentence[end:])
                if nxt and fold(nxt.group(1)) in LOWER_IN_NAMES:
                    end += nxt.end()
                else:
                    break
        text = sentence[start:end].strip(" ,")
        if 1 < len(text.split()) <= 12:
            spans.append(Span(start, start + len(text), text, 2.0))
    return spans


# First words of an organisation's name ("Công ty CP Xây dựng …", "Liên danh …", "Ban Quản lý dự án …").
_ORG_START = re.compile(
    r"\b(?:Liên danh|Tổng công ty|Công ty|Tập đoàn|Ngân hàng|Bệnh viện|Trường|Sở|Ban|Bộ|UBND|Ủy ban|Uỷ ban|Viện|"
    r"Trung tâm|Hội|Hiệp hội|Cục|Tổng cục|Chi cục|Quỹ|Câu lạc bộ|CLB|Đài|Báo|Nhà xuất bản|Tòa án|Toà án|"
    r"Viện kiểm sát|Công an|Đoàn|Học viện|Đại học|Văn phòng|Kho bạc|Cảng vụ|Hãng|Nhà máy)\b"
)
_ORG_WORD = re.compile(r"\s+(\w+(?:[.&-]\w+)*)")


@finder
def organisation_spans(sentence: str, question: str) -> list[Span]:
    """Names of companies, agencies, teams: the head word, then capitalised words (one lower-case
    syllable may follow each, "Xây dựng"); two joined by "và" when both are organisations (a consortium).

    A name that runs on in lower case ("Ban Quản lý dự án giao thông thành phố") is kept to its
    clause's end when that is near; a word the question has ("trúng thầu") always ends it.
    """
    asked = set(tokens(question))
    spans = []
    for m in _ORG_START.finditer(sentence):
        if spans and m.start() < spans[-1].end:
            continue
        end = last_capital = m.end()
        lower_run = 0
        while (w := _ORG_WORD.match(sentence, end)):
            word = w.group(1)
            if fold(word) in asked and not word[:1].isupper():
                break
            if word[:1].isupper() or word[:1].isdigit():
                lower_run, last_capital = 0, w.end()
            elif fold(word) == "va" and _ORG_START.match(sentence, w.end() + 1):
                lower_run = 0
            elif lower_run == 0 and word.lower() not in VI_STOPWORDS:  # accented: "lực" is not "lúc"
                lower_run = 1
            else:
                clause = re.match(r"[^,;:.()“”\"]*", sentence[last_capital:])
                if lower_run and word.lower() not in VI_STOPWORDS and len(clause.group().split()) <= _ORG_TAIL:
                    last_capital += len(clause.group().rstrip())
                break
            end = w.end()
        text = sentence[m.start() : last_capital]
        if len(text.split()) >= 2:
            spans.append(Span(m.start(), last_capital, text, 1.5 + anchor_bonus(sentence, m.start(), last_capital, question)))
    return spans


_ORG_TAIL = 8  # lower-case words an organisation's name may run on to its clause's end


FINDERS = {
    PERSON: person_spans,
    NUMBER: number_spans,
    DATE: date_spans,
    PLACE: place_spans,
    NAMED: named_spans,
    WHICH: which_spans,  # organisations too: the span weights know that source
}


def extract(sentence: str, question: str, kind: str) -> Span | None:
    """The best short answer of `kind` in `sentence`, or None."""
    if kind == ROLE:
        person = person_in_question(question)
        return role_span(sentence, person) if person else None
    finder = FINDERS.get(kind)
    if finder is None:
        return None
    spans = finder(sentence, question)
    if kind == NAMED and not spans:
        spans = which_spans(sentence, question)
    return max(spans, key=lambda s: s.score, default=None)
