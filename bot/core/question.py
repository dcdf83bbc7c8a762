"""A question, analysed once: what it asks for, its content terms, its names, its language.

Every later step (retrieval, sentence choice, the found decision, span
extraction) reads this value instead of folding and re-parsing the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.extract import question_content, question_kind
from bot.core.spans.expect import T_OTHER, Expected, expected
from index.text import bigrams, fold, has_diacritics, lower_words, tokens, words

# Capitalised for emphasis or by habit, not names.
_NAME_EXCEPTIONS = {"ai", "khi", "bao", "o", "tai", "the", "nhu", "i"}
_ENGLISH_WORDS = re.compile(r"\b(who|what|when|where|which|how|is|are|the|of)\b")


@dataclass(frozen=True)
class Question:
    text: str  # as the reader wrote it
    searched: str  # after merging a follow-up into the previous question
    kind: str  # person, role, number, date, place, named, which, other
    accented: bool  # written with diacritics: match terms with their accents
    language: str  # "vi" or "en", of the question as searched
    terms: tuple[str, ...]  # content syllables and bigrams, in the question's own accenting
    names: tuple[str, ...]  # folded capitalised words after the first (proper names)
    expects: Expected = Expected(T_OTHER)  # the type of phrase it asks for (bot.core.spans.expect)

    @property
    def english(self) -> bool:
        return self.language == "en"


def looks_english(question: str) -> bool:
    return bool(_ENGLISH_WORDS.search(question.lower())) and not has_diacritics(question)


def match_tokens(text: str, exact: bool) -> list[str]:
    """Lower-case syllables, accents kept when the question has them ('đô' ≠ 'do')."""
    return lower_words(text) if exact else tokens(text)


# Words that point back at the conversation's subject ("bệnh này", "ở đó", "ông ấy"): never
# content to match, and the mark of a follow-up. Unaccented, most of them are also other
# words ("day" is dây, "ho" is hồ), so only the unambiguous phrases count there.
_DEICTICS = frozenset("này đó đây ấy nó họ kia nọ".split())
_DEICTIC_PHRASES = re.compile(r"\b(o day|o do|noi day|noi do|ong ay|ba ay|anh ay|chi ay|benh nay|nuoc nay|tinh nay|"
                              r"thanh pho nay|cong trinh nay|du an nay|chien dich nay|vu nay|viec nay)\b")
_FEW_TERMS = 2


def query_terms(question: str) -> tuple[str, ...]:
    """Content syllables and the bigrams between them, in the question's own accenting."""
    content = set(question_content(question)) - _DEICTICS
    toks = match_tokens(question, has_diacritics(question))
    keep = [t in content for t in toks]
    pairs = [b for b, k1, k2 in zip(bigrams(toks), keep, keep[1:]) if k1 and k2]
    return tuple(dict.fromkeys([t for t, k in zip(toks, keep) if k] + pairs))


def proper_terms(question: str) -> tuple[str, ...]:
    """Folded capitalised words after the first: the names a question keeps."""
    return tuple(fold(w) for w in words(question)[1:] if w[:1].isupper())


def leans_on_context(question: Question) -> bool:
    """A question with weak anchors: a deictic ("ở đây", "bệnh này", "ông ấy") or few content words.

    Such a question is about the conversation's current article unless it names something else.
    """
    words = set(match_tokens(question.text, question.accented))
    if question.accented and words & _DEICTICS:
        return True
    if _DEICTIC_PHRASES.search(" ".join(tokens(question.text))):
        return True
    return sum(1 for t in question.terms if "_" not in t) <= _FEW_TERMS


def analyse(text: str, searched: str | None = None) -> Question:
    """The question value for `text`; `searched` is its follow-up-resolved form (default: itself)."""
    searched = text if searched is None else searched
    kind = question_kind(searched)
    return Question(
        text=text,
        searched=searched,
        kind=kind,
        accented=has_diacritics(searched),
        language="en" if looks_english(searched) else "vi",
        terms=query_terms(searched),
        names=proper_terms(searched),
        expects=expected(searched, kind),
    )


def required_names(question: Question) -> tuple[str, ...]:
    """The names a cited paragraph must contain ('Việt Nam' in a question about Vietnam's coach)."""
    return tuple(n for n in question.names if n not in _NAME_EXCEPTIONS)
