"""What every benchmark script computes the same way (imported as `timing`: scripts run from this folder)."""

from __future__ import annotations


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank, no interpolation."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
