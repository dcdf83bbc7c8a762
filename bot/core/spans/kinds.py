"""What a question asks for (its kind) and its content terms."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.spans.base import person_in_question
from bot.core.spans.lexicon import FOLDED_PERSON_HEADS, FOLDED_STOPWORDS, HONORIFICS, PERSON_HEADS, VI_STOPWORDS
from index.text import Rule, fold, has_diacritics, lower_words, nfc, rule_text, tokens

PERSON, ROLE, NUMBER, DATE, PLACE, NAMED, WHICH, OTHER = (
    "person", "role", "number", "date", "place", "named", "which", "other",
)

# Folded question phrases, most specific first.
ROLE_PATTERN = r"\b(giu|dam nhiem|nam giu|la) (chuc vu|chuc danh|cuong vi|vi tri|chuc) (gi|nao)\b|\bchuc (vu |danh )?(gi|nao)\b|\bwhat (position|role|title)\b"
DATE_PATTERN = r"\b(may gio|gio nao|khi nao|bao gio|luc nao|ngay nao|thang nao|nam nao|thoi gian nao|thoi diem nao|when|what year|which year)\b"
_KIND_PATTERNS: list[tuple[str, str]] = [
    (ROLE, ROLE_PATTERN),
    (DATE, DATE_PATTERN),
    (NUMBER, r"\b(bao nhieu|how many|how much)\b"),
    (PLACE, r"\b(o dau|tai dau|noi nao|dia diem nao|dia phuong nao|o cho nao|where)\b"),
    (PERSON, r"\b(la ai|ai la|ai da|ai duoc|ai se|ai dang|nguoi nao|vi nao|ho ten|who)\b|^ai\b|"
             r"\b(do|cho|boi|cua|voi|giup|thuoc ve|gap|la con|la vo|la chong) ai\b"),
    (NAMED, r"\b(ten (la )?gi|co ten|goi la gi|la gi|what is the name)\b"),
    (WHICH, r"\b\w+ nao\b"),
]


_ORG_TYPE_ASKED = Rule(r"\b(nhà thầu|đơn vị|cơ quan|tổ chức|doanh nghiệp|nhà tài trợ|hãng|đơn vị thi công|nhà sản xuất) nào\b")


# The question is analysed again for every candidate span of every sentence; it is pure, so cache it.
@lru_cache(maxsize=1024)
def question_kind(question: str) -> str:
    """What the question asks for: person, role, number, date, place, named, which, other."""
    folded = " ".join(tokens(question))
    person = person_in_question(question)
    if person and re.search(r"\b(la ai|la gi|lam gi|who is)\b", folded):
        # "Ông X là ai?" asks X's title; "Vợ của X là ai?" asks for another person.
        opening = " ".join(w for w in tokens(question) if w not in HONORIFICS)
        # … and so does "Who is X?": English puts the asking words first.
        if re.sub(r"^(who (is|was) )", "", opening).startswith(fold(person)):
            return ROLE
    lowered = nfc(question).lower()
    # "mấy" asks how many; folded it would also match "máy" (machine).
    if re.search(r"\bmấy\b", lowered) or (not has_diacritics(question) and re.search(r"\bmay\b", folded)):
        if not re.search(DATE_PATTERN, folded):
            return NUMBER
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, folded):
            if kind == NAMED and re.search(r"\b(nguoi|ong|ba|anh|chi|vi|co ay|cau be|co gai)\b.*\bten\b", folded):
                return PERSON
            return kind
    return PERSON if is_person_phrase(question) else OTHER


def is_person_phrase(question: str) -> bool:
    """A message with no question word that names a title or a relation ("giám đốc sở y tế", "vợ của X")."""
    words = lower_words(question)
    if not has_diacritics(question):
        words = [fold(w) for w in words]
    # Accented, "đầu" (head) is not "đâu" (where).
    if set(words) & {"gì", "nào", "đâu", "sao", "bao", "mấy", "gi", "nao", "what", "which", "how"}:
        return False
    heads = PERSON_HEADS if has_diacritics(question) else FOLDED_PERSON_HEADS
    return any(" ".join(words[:n]) in heads for n in (1, 2, 3, 4))


@lru_cache(maxsize=1024)
def question_content(question: str) -> tuple[str, ...]:
    """Lower-case syllables of the question minus function words and the asking phrase.

    Accented questions keep their accents (matched against accented text);
    unaccented ones come back folded.
    """
    words = lower_words(question)
    exact = has_diacritics(question)
    # Drop the role-asking phrase ("giữ chức vụ gì"): it is never in the answer.
    folded = [fold(w) for w in words]
    role = re.search(ROLE_PATTERN, " ".join(folded))
    if role:
        before = len(" ".join(folded)[: role.start()].split())
        words = words[:before] + words[before + len(role.group().split()) :]
    # … and the type an organisation question names ("nhà thầu nào"): the answer names the
    # organisation ("Liên danh Công ty …"), not the word for its type.
    if typed := _ORG_TYPE_ASKED.search(question):
        before = len(rule_text(question)[: typed.start()].split())
        words = words[:before] + words[before + len(typed.group(1).split()) :]
    if exact:
        return tuple(w for w in words if w not in VI_STOPWORDS)
    return tuple(fold(w) for w in words if fold(w) not in FOLDED_STOPWORDS)
