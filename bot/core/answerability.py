"""The answerability model: data, not code. Loaded from JSON, scored with numpy.

The file holds a logistic regression over `bot.core.signals.FEATURES` (standardised),
the two cut points that split its probability into answered / unsure /
not found, the feature names and the feature version it was fitted with, and
the figures it scored when fitted. scikit-learn is needed only to refit it
(`make calibrate`), never to answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.core.logistic import Logistic
from bot.core.signals import FEATURE_VERSION, FEATURES
from index.errors import HoibaoError

MODEL_FILE = Path(__file__).resolve().parent / "models" / "answerability.json"
REFIT = "make calibrate (benchmarks/fit_answerability.py)"


class AnswerModelError(HoibaoError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"The answer model {path} cannot be used ({detail}). Refit it with: {REFIT}")


@dataclass(frozen=True)
class AnswerModel:
    weights: Logistic  # over FEATURES, standardised
    answer_from: float  # probability at and above which the bot answers
    unsure_from: float  # … at and above which it shows the closest passage, unsure

    def probability(self, features: np.ndarray) -> float:
        return self.weights.probability(features)

    def to_json(self, extra: dict | None = None) -> dict:
        w = self.weights
        return {
            "feature_version": FEATURE_VERSION,
            "features": list(FEATURES),
            "mean": w.mean.tolist(),
            "scale": w.scale.tolist(),
            "coef": w.coef.tolist(),
            "intercept": w.intercept,
            "thresholds": {"answer": self.answer_from, "unsure": self.unsure_from},
            **(extra or {}),
        }


def parse(data: dict, path: Path) -> AnswerModel:
    """An AnswerModel from its JSON; AnswerModelError naming the file when it does not fit this code."""
    try:
        if data["feature_version"] != FEATURE_VERSION or list(data["features"]) != list(FEATURES):
            raise AnswerModelError(path, f"fitted for feature version {data['feature_version']}, "
                                         f"this code computes version {FEATURE_VERSION}")
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (len(FEATURES),) or not np.all(np.isfinite(a)) for a in arrays) or np.any(arrays[1] <= 0):
            raise AnswerModelError(path, f"mean, scale and coef must be {len(FEATURES)} finite numbers (scale > 0)")
        answer_from, unsure_from = float(data["thresholds"]["answer"]), float(data["thresholds"]["unsure"])
        if not 0.0 <= unsure_from <= answer_from <= 1.0:
            raise AnswerModelError(path, "thresholds must satisfy 0 <= unsure <= answer <= 1")
        return AnswerModel(Logistic(*arrays, float(data["intercept"])), answer_from, unsure_from)
    except (KeyError, TypeError, ValueError) as exc:
        raise AnswerModelError(path, f"{type(exc).__name__}: {exc}") from None


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> AnswerModel:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise AnswerModelError(path, f"{type(exc).__name__}: {str(exc)[:120]}") from None
    if not isinstance(data, dict):
        raise AnswerModelError(path, "not a JSON object")
    return parse(data, path)
