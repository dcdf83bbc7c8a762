"""The checkable facts of a text: URLs, e-mail addresses, handles, phone numbers, dates, numbers
(in digits or in words) and names (capitalised, or lower-case after a family name). Pure.

`Facts.of(text)` reads one text; `Facts.missing(other)` lists what a claim holds that a cited
paragraph does not. Each kind is compared in the form that makes two spellings of one fact equal
("0912.345.678" and "0912 345 678"; "ngày 15 tháng 3" and "15/3/2024"; "mười hai" and "12") and
two facts different ("1.200" is not "200").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.llm.words import HONORIFICS, LOWER_SURNAMES, MIDDLE_NAMES, NAME_STOPS, number_runs
from index.text import fold, lower_words, nfc, split_sentences, tokens, words

_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'\])]+|\b(?:[a-z0-9][a-z0-9-]*\.)+"
                  r"(?:com|net|org|vn|info|io|xyz|top|ly|me|co|app|site|online|link|click|shop|biz|cc|tk)"
                  r"\b(?:/[^\s<>\"'\])]*)?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]*[A-Za-z0-9_]")
_PHONE = re.compile(r"(?<![\w.,/-])\+?\d[\d .-]{7,16}\d(?![\w]|[.,/-]\d)")
_DATES = (  # (pattern on folded text, group order as day, month, year)
    (re.compile(r"(?<![\d.,/:-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])"), (3, 2, 1)),
    (re.compile(r"(?<![\d.,/:-])(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}))?(?![\d]|[.,/:-]\d)"), (1, 2, 3)),
    (re.compile(r"\bngay (\d{1,2}) thang (\d{1,2})(?:(?: nam |/)(\d{4}))?\b"), (1, 2, 3)),
    (re.compile(r"\bthang (\d{1,2})(?: nam |/)(\d{4})\b"), (0, 1, 2)),
)
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*")


def _url_key(url: str) -> str:
    url = url.lower().rstrip(".,;:!?…")
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url)
    return url.rstrip("/")


def _phone_key(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if digits.startswith("84") and len(digits) >= 11 else digits


def _is_phone(digits: str) -> bool:
    return (digits.startswith("0") and 10 <= len(digits) <= 11) or \
        (digits.startswith(("1800", "1900")) and 8 <= len(digits) <= 10)


def names(text: str) -> list[str]:
    """Runs of capitalised words, without a sentence's capitalised first word when it stands alone."""
    found = []
    for sentence in split_sentences(text):
        run: list[str] = []
        for position, word in enumerate(words(sentence) + [""]):
            if word[:1].isupper():
                run.append(word)
                continue
            if position - len(run) == 0 and run:
                run = run[1:]  # "Theo [1], ..." / "Ông Nguyễn Văn A ..." → "Nguyễn Văn A"
            if run:
                found.append(" ".join(run))
            run = []
    return found


def lower_names(text: str) -> list[str]:
    """Names written lower-case: a family name (nguyễn, trần…) and up to two more words, folded."""
    found = []
    found_words = words(text)
    for i, word in enumerate(found_words):
        if word not in LOWER_SURNAMES:  # lower-case as written: "Nguyễn" is a capitalised name already
            continue
        following = found_words[i + 1] if i + 1 < len(found_words) else ""
        if following not in MIDDLE_NAMES and (not i or found_words[i - 1].lower() not in HONORIFICS):
            continue
        run = [word]
        for following in found_words[i + 1:i + 3]:
            if not following.islower() or following in NAME_STOPS:
                break
            run.append(following)
        if len(run) > 1:
            found.append(fold(" ".join(run)))
    return found


@dataclass(frozen=True)
class Facts:
    urls: frozenset[str]
    emails: frozenset[str]
    handles: frozenset[str]
    phones: frozenset[str]
    dates: tuple[tuple[int | None, int, int | None], ...]
    numbers: tuple[str, ...]  # digits as written (dates and phones taken out)
    values: frozenset[float]  # every number's value, words included ("mười hai" → 12)
    word_numbers: tuple[float, ...]  # numbers written in words
    names: tuple[str, ...]
    lower: tuple[str, ...]
    folded: str  # the text's folded tokens, space-joined, padded

    @classmethod
    def of(cls, text: str) -> "Facts":
        text = nfc(text)
        urls = {_url_key(u) for u in _URL.findall(text)}
        emails = {e.lower() for e in _EMAIL.findall(text)}
        rest = _EMAIL.sub(" ", _URL.sub(" ", text))
        handles = {h.lower() for h in _HANDLE.findall(rest)}
        phones = set()
        for match in _PHONE.finditer(rest):
            if _is_phone(key := _phone_key(match.group())):
                phones.add(key)
                rest = rest.replace(match.group(), " ", 1)
        folded = fold(rest)
        dates = []
        for pattern, order in _DATES:
            for match in pattern.finditer(folded):
                parts = [None] + list(match.groups())
                day, month, year = (parts[k] if k else None for k in order)
                if 1 <= int(month) <= 12 and (day is None or 1 <= int(day) <= 31):
                    dates.append((int(day) if day else None, int(month), int(year) if year else None))
                    folded = folded.replace(match.group(), " ", 1)
        numbers = tuple(_NUMBER.findall(folded))
        runs = number_runs(lower_words(text))
        values = {v for n in numbers if (v := _value(n)) is not None} | set(runs)
        values |= {float(y) for _, _, y in dates if y}
        return cls(frozenset(urls), frozenset(emails), frozenset(handles), frozenset(phones), tuple(dates), numbers,
                   frozenset(values), tuple(runs), tuple(names(_HANDLE.sub(" ", rest))), tuple(lower_names(rest)),
                   f" {' '.join(tokens(text))} ")

    @property
    def any(self) -> bool:
        """Whether the text holds any fact at all (a sentence of only "1/1/1990 Mỹ" does)."""
        return bool(self.urls or self.emails or self.handles or self.phones or self.dates or self.numbers
                    or self.word_numbers or self.names or self.lower)

    def missing(self, source: "Facts", source_text: str) -> list[str]:
        """What this claim holds that `source` (a cited paragraph) does not, as short descriptions."""
        gaps = [f"url {u}" for u in self.urls if u not in source.urls]
        gaps += [f"email {e}" for e in self.emails if e not in source.emails]
        gaps += [f"handle {h}" for h in self.handles if h not in source.handles]
        gaps += [f"phone {p}" for p in self.phones if p not in source.phones]
        gaps += [f"date {d}" for d in self.dates if not any(_same_date(d, s, source.values) for s in source.dates)]
        gaps += [f"number {n}" for n in self.numbers if not _has_number(n, source_text, source)]
        gaps += [f"number {v:g}" for v in self.word_numbers if v not in source.values]
        gaps += [f"name {n}" for n in self.names if f" {' '.join(tokens(n))} " not in source.folded]
        gaps += [f"name {n}" for n in self.lower if f" {n} " not in source.folded]
        return gaps


def _value(number: str) -> float | None:
    """A plain integer, or one with Vietnamese thousands dots ("1.200"); None when ambiguous."""
    if number.isdigit():
        return float(number)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        return float(number.replace(".", ""))
    if re.fullmatch(r"\d+,\d+", number):
        return float(number.replace(",", "."))
    return None


def _same_date(claim: tuple, source: tuple, values: frozenset[float]) -> bool:
    """The claim's day and month are the source's; its year too, or one the paragraph writes elsewhere
    ("ngày 30/6" with "năm 2026" in another sentence). A date without a year gains none."""
    (d1, m1, y1), (d2, m2, y2) = claim, source
    return m1 == m2 and (d1 is None or d1 == d2) and (y1 is None or y1 == y2 or float(y1) in values)


def _has_number(number: str, text: str, source: Facts) -> bool:
    """Whole in the text ("200" is not in "1.200" nor "2001", "19" is in "Covid-19"), or, a plain
    number, equal to one the paragraph writes in words or as a date's year."""
    if re.search(rf"(?<!\d)(?<!\d[.,/:-]){re.escape(number)}(?!\d|[.,/:-]\d)", fold(nfc(text))):
        return True
    return number.isdigit() and float(number) in source.values
