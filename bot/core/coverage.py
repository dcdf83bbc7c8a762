"""How much of a question a text holds: its terms, IDF-weighted, matched with accents when it has them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.core.question import match_tokens
from index.text import bigrams, fold, has_diacritics, tokens


class Terms:
    """The terms a text holds, to look a question's terms up in.

    In an accented question a term with diacritics must match exactly ("đô" is not
    "do"); a term typed without them ("An Hai Tay" in "Bí thư phường An Hai Tay là
    ai?", as a follow-up or a name often is) matches the text folded.
    """

    def __init__(self, text: str, exact: bool) -> None:
        folded = tokens(text)
        self.folded = set(folded) | set(bigrams(folded))
        accented = match_tokens(text, True) if exact else []
        self.exact = set(accented) | set(bigrams(accented))
        self.accents = exact

    def __contains__(self, term: str) -> bool:
        if self.accents and has_diacritics(term):
            return term in self.exact
        return fold(term) in self.folded


@lru_cache(maxsize=8192)
def terms_of(text: str, exact: bool) -> Terms:
    """`Terms(text, exact)`, remembered: the same paragraphs and sentences come back question after question."""
    return Terms(text, exact)


def coverage(terms: Sequence[str], weights: dict[str, float], sentence: str, exact: bool) -> float:
    """Share of the question's IDF-weighted terms that the sentence contains."""
    return share(terms, weights, terms_of(sentence, exact)) if terms else 0.0


def share(terms: Sequence[str], weights: dict[str, float], present: Terms, context: Terms | None = None) -> float:
    """Share of the weighted `terms` in `present`; with `context`, of those it lacks, the share `context` has."""
    total = sum(weights[t] for t in terms)
    if not total:
        return 0.0
    if context is None:
        return sum(weights[t] for t in terms if t in present) / total
    return sum(weights[t] for t in terms if t not in present and t in context) / total
