"""The answer line: a short phrase when the phrase model is sure of it, the decisive sentence otherwise.

A reader told "Trả lời: 7" when the article says "từ 7 giờ 30 đến 21 giờ" stops
trusting every answer. So the phrase is stated only when it is of the type the
question asks for, a whole constituent, and its `span_confidence` clears the cut
fitted for precision on corpora the model never saw; otherwise the reader gets
the sentence that holds the answer, with that phrase (if any) marked in it. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.spans import phrase

if TYPE_CHECKING:
    from bot.core.question import Question
    from bot.core.spans.phrase_model import PhraseModel

PHRASE, SENTENCE = "phrase", "sentence"


@dataclass(frozen=True)
class AnswerLine:
    text: str | None
    form: str  # PHRASE or SENTENCE ("" when there is no line)
    span_confidence: float
    highlight: tuple[int, int] | None  # the phrase inside a sentence line


def answer_line(sentence: str, question: "Question", passage: float, coverage: float, missing: float,
                model: "PhraseModel") -> AnswerLine:
    """The line stated above the quoted paragraph, for an answered question."""
    choice = phrase.choose(sentence, question.searched, question.kind, passage, coverage, missing)
    if choice.phrase is None:
        return AnswerLine(sentence, SENTENCE, 0.0, None)
    confidence = model.probability(choice.signals)
    if confidence >= model.state_from:
        return AnswerLine(choice.phrase.text, PHRASE, confidence, None)
    return AnswerLine(sentence, SENTENCE, confidence, (choice.phrase.start, choice.phrase.end))
