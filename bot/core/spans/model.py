"""The span ranker's weights: data in bot/core/models/spans.json, checked against the feature names, scored with numpy."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.core.spans.features import FEATURES
from index.errors import HoibaoError

WEIGHTS = Path(__file__).resolve().parents[1] / "models" / "spans.json"
REFIT = "python benchmarks/span_quality.py --dump var/spans.jsonl && python benchmarks/fit_spans.py var/spans.jsonl --fit-on mlqa --write"


class SpanModelError(HoibaoError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"The span model {path} is unusable ({reason}); refit it with `{REFIT}`.")


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS) -> np.ndarray:
    """The weight vector, in the order of `FEATURES`."""
    try:
        data = json.loads(path.read_text("utf-8"))
        names, weights = data["features"], data["weights"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise SpanModelError(path, str(err)) from err
    if list(names) != list(FEATURES) or len(weights) != len(FEATURES):
        raise SpanModelError(path, "its features are not the code's")
    return np.asarray(weights, dtype=float)


def scores(matrix: np.ndarray, path: Path = WEIGHTS) -> np.ndarray:
    return matrix @ load(path)
