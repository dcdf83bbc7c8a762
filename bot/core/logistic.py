"""A logistic regression stored as data: named, standardised inputs, coefficients, a version.

The sentence and phrase models are files of this shape (bot/core/models/*.json), fitted by
scripts under benchmarks/ with scikit-learn and read here with numpy only. Loading
checks the input names and their version against the code's, so a model fitted for
other inputs is refused with the command that refits it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.errors import HoibaoError


class ModelFileError(HoibaoError):
    def __init__(self, path: Path, detail: str, refit: str) -> None:
        super().__init__(f"The model {path} cannot be used ({detail}). Refit it with: {refit}")


@dataclass(frozen=True)
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    extra: dict = field(default_factory=dict, compare=False)  # cuts and the figures it was fitted with

    def probability(self, x: np.ndarray) -> float:
        z = float(np.dot((x - self.mean) / self.scale, self.coef) + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def to_json(self, names: tuple[str, ...], version: int) -> dict:
        return {"version": version, "inputs": list(names), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, **self.extra}


def fitted(x: np.ndarray, y: np.ndarray, c: float = 0.5, extra: dict | None = None) -> Logistic:
    """Fit on standardised rows (scikit-learn, needed only here)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=c, max_iter=3000).fit((x - mean) / scale, y)
    return Logistic(mean, scale, clf.coef_[0], float(clf.intercept_[0]), extra or {})


def load(path: Path, names: tuple[str, ...], version: int, refit: str) -> Logistic:
    try:
        data = json.loads(path.read_text("utf-8"))
        if data["version"] != version or list(data["inputs"]) != list(names):
            raise ModelFileError(path, f"fitted for inputs version {data['version']}, this code computes {version}", refit)
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (len(names),) or not np.all(np.isfinite(a)) for a in arrays) or np.any(arrays[1] <= 0):
            raise ModelFileError(path, f"mean, scale and coef must be {len(names)} finite numbers (scale > 0)", refit)
        extra = {k: v for k, v in data.items() if k not in ("version", "inputs", "mean", "scale", "coef", "intercept")}
        return Logistic(*arrays, float(data["intercept"]), extra)
    except ModelFileError:
        raise
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(path, f"{type(exc).__name__}: {str(exc)[:120]}", refit) from None
