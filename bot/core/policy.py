"""How the answer pipeline weighs and decides: one typed value, built from settings and passed in.

Nothing tunes the pipeline by assigning module globals: `hoibao eval` and the
calibration script build a policy (or copy one with `dataclasses.replace`) and
answer through the same `AnswerService` the chat channels use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core import answerability
from bot.core import sentence_model
from bot.core.spans import phrase_model

if TYPE_CHECKING:
    from bot.core.answerability import AnswerModel
    from bot.core.logistic import Logistic
    from bot.core.spans.phrase_model import PhraseModel
    from bot.settings import Settings


@dataclass(frozen=True)
class AnswerPolicy:
    top_k: int = 5  # citations per answer
    sentence_pool: int = 5  # paragraphs whose sentences compete for the answer
    # Which sentence is decisive: the sentence model (bot/core/models/sentences.json, bot.core.sentence_model).
    sentence_model: "Logistic" = field(default_factory=sentence_model.load, compare=False, repr=False)
    # The hand-set rule of earlier versions (fitted by a grid search, since removed), still the
    # decision for English questions (no training data) and the baseline the learned
    # model is reported against: answered when the best sentence covers enough of the
    # question's IDF-weighted content terms, or when the dense match is strong and
    # some terms match.
    min_coverage: float = 0.6
    min_dense: float = 0.88
    min_coverage_with_dense: float = 0.2
    # Every proper name the question writes with a capital must appear in the cited
    # paragraph or its title: a paragraph about another country's coach does not
    # answer a question about Vietnam's.
    require_names: bool = True
    found_threshold: float = 0.0  # HOIBAO_FOUND_THRESHOLD, added to the model's cut points: >0 refuses more often
    # The learned answerability model (bot/core/models/answerability.json unless a file is named).
    model: "AnswerModel" = field(default_factory=answerability.load, compare=False, repr=False)
    # The phrase model (bot/core/models/phrase.json): when the answer line may be a short phrase.
    phrase_model: "PhraseModel" = field(default_factory=phrase_model.load, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: "Settings") -> "AnswerPolicy":
        model = answerability.load(Path(settings.answer_model)) if settings.answer_model else answerability.load()
        return cls(top_k=settings.top_k, found_threshold=settings.found_threshold, model=model)
