"""The phrase model: data in bot/core/models/phrase.json, a logistic regression over `phrase.SIGNALS`.

Its probability is `span_confidence`; `state_from` is the cut above which the answer
line states the phrase, chosen for precision on corpora the model was not fitted on
(benchmarks/fit_phrase.py). Below it the answer line is the decisive sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.core import logistic
from bot.core.spans.phrase import PHRASE_VERSION, SIGNALS

MODEL_FILE = Path(__file__).resolve().parents[1] / "models" / "phrase.json"
REFIT = "make calibrate (benchmarks/fit_phrase.py)"


@dataclass(frozen=True)
class PhraseModel:
    weights: logistic.Logistic
    state_from: float  # span_confidence at and above which the phrase is the answer line

    def probability(self, signals: np.ndarray) -> float:
        return self.weights.probability(signals)

    def to_json(self, extra: dict | None = None) -> dict:
        return {**self.weights.to_json(SIGNALS, PHRASE_VERSION), "state_from": self.state_from, **(extra or {})}


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> PhraseModel:
    weights = logistic.load(path, SIGNALS, PHRASE_VERSION, REFIT)
    cut = weights.extra.get("state_from")
    if not isinstance(cut, (int, float)) or not 0.0 <= cut <= 1.0:
        raise logistic.ModelFileError(path, "state_from must be a number within 0..1", REFIT)
    return PhraseModel(weights, float(cut))
