"""The phrase model: data in bot/models/phrase.json, a logistic regression over `phrase.SIGNALS`.

Its probability is `span_confidence`; `state_from` is the cut above which the answer
line states the phrase, chosen for precision on corpora the model was not fitted on
(benchmarks/fit_phrase.py). Below it the answer line is the decisive sentence.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.spans.phrase import PHRASE_VERSION, SIGNALS
from index.errors import HoibaoError

MODEL_FILE = Path(__file__).resolve().parents[1] / "models" / "phrase.json"
REFIT = "python benchmarks/fit_phrase.py --write"


class PhraseModelError(HoibaoError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"The phrase model {path} cannot be used ({detail}). Refit it with: {REFIT}")


@dataclass(frozen=True)
class PhraseModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    state_from: float  # span_confidence at and above which the phrase is the answer line

    def probability(self, signals: np.ndarray) -> float:
        z = float(np.dot((signals - self.mean) / self.scale, self.coef) + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self, extra: dict | None = None) -> dict:
        return {"version": PHRASE_VERSION, "signals": list(SIGNALS), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept,
                "state_from": self.state_from, **(extra or {})}


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> PhraseModel:
    try:
        data = json.loads(path.read_text("utf-8"))
        if data["version"] != PHRASE_VERSION or list(data["signals"]) != list(SIGNALS):
            raise PhraseModelError(path, f"fitted for signals version {data['version']}, this code computes {PHRASE_VERSION}")
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (len(SIGNALS),) or not np.all(np.isfinite(a)) for a in arrays) or np.any(arrays[1] <= 0):
            raise PhraseModelError(path, f"mean, scale and coef must be {len(SIGNALS)} finite numbers (scale > 0)")
        cut = float(data["state_from"])
        if not 0.0 <= cut <= 1.0:
            raise PhraseModelError(path, "state_from must be within 0..1")
        return PhraseModel(*arrays, float(data["intercept"]), cut)
    except PhraseModelError:
        raise
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise PhraseModelError(path, f"{type(exc).__name__}: {str(exc)[:120]}") from None
