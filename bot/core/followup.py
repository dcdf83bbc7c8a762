"""Follow-up questions: "Còn phường X thì sao?" rewritten from the chat's previous question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.extract import OTHER, question_content, question_kind
from index.text import Rule, fold

_ELLIPSIS_START = re.compile(r"^(?:thế còn|vậy còn|còn|the con|vay con|con|and|what about|how about)\s+", re.I)
# The same openings, matched as the reader wrote them: with accents, "Con đường nào…" is not "Còn …".
_OPENS_ELLIPSIS = Rule(r"^(?:thế còn|vậy còn|còn|and|what about|how about) ")
_ENDS_ELLIPSIS = Rule(r"\b(?:thì sao|ra sao)$")
_ELLIPSIS_END = re.compile(r"\s*(?:thì sao|thi sao|thế nào|the nao|ra sao|nữa|nua|thì|thi)?\s*[?.!]*\s*$", re.I)
# Words where the asking part of a question begins ("... là ai", "... có bao nhiêu").
_PREDICATE_STARTS = {fold(w) for w in "là ai gì bao mấy nào khi ở tại đâu có được đã sẽ đang giữ thì làm sinh nằm".split()}


@dataclass(frozen=True)
class Turn:
    """One earlier question of a chat: as searched (follow-ups resolved) and the article its answer cited."""

    question: str
    article: str | None = None


History = Sequence["Turn | str"]  # plain strings: earlier questions without their article


def questions_of(history: History) -> list[str]:
    return [t.question if isinstance(t, Turn) else t for t in history]


def current_article(history: History) -> str | None:
    """The article the chat is about: the one its latest answered turn cited."""
    for turn in reversed(history):
        if isinstance(turn, Turn) and turn.article:
            return turn.article
    return None


def is_followup(question: str) -> bool:
    """Short or elliptical ("Còn phường X thì sao?") questions lean on the previous one."""
    if _OPENS_ELLIPSIS.search(question) or _ENDS_ELLIPSIS.search(question):
        return True
    return question_kind(question) == OTHER and len(question_content(question)) <= 2


def resolve_followup(question: str, history: History) -> str:
    """Rewrite an elliptical question using the previous one; others pass unchanged.

    "Còn phường B thì sao?" after "Chủ tịch UBND phường A là ai?" becomes
    "Chủ tịch UBND phường B là ai?": the new phrase replaces the previous
    question's phrase that starts with the same word (phường, ông, quận...).
    """
    if not history or not is_followup(question):
        return question
    previous = questions_of(history)[-1]
    opening = _ELLIPSIS_START if _OPENS_ELLIPSIS.search(question) else re.compile("(?!)")
    core = _ELLIPSIS_END.sub("", opening.sub("", question.strip())).strip()
    if not core:
        return previous
    core_words = core.split()
    prev_words = previous.split()
    for i, word in enumerate(prev_words):
        if fold(word) != fold(core_words[0]):
            continue
        # The previous phrase runs from the shared word to where the question part starts.
        j = i + 1
        while j < len(prev_words) and fold(prev_words[j]).strip("?.,!") not in _PREDICATE_STARTS:
            j += 1
        # Keep the previous question's own spelling of the shared word.
        return " ".join(prev_words[: i + 1] + core_words[1:] + prev_words[j:])
    if core[:1].isupper():
        # A bare name: swap it for the previous question's last proper noun run.
        for i in range(len(prev_words) - 1, 0, -1):
            if prev_words[i][:1].isupper():
                j = i
                while j > 1 and prev_words[j - 1][:1].isupper():
                    j -= 1
                return " ".join(prev_words[:j] + [core] + prev_words[i + 1 :])
    return f"{previous} {core}"
