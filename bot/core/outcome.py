"""The three outcomes of a question, and how a probability maps onto them."""

from __future__ import annotations

from typing import Protocol

ANSWERED, UNSURE, NOT_FOUND = "answered", "unsure", "not_found"


class Cuts(Protocol):
    answer_from: float
    unsure_from: float


def status_for(probability: float, cuts: Cuts, offset: float = 0.0) -> str:
    """answered at or above `answer_from`, unsure at or above `unsure_from`, else not found.

    `offset` (HOIBAO_FOUND_THRESHOLD) moves both cut points: > 0 answers less often.
    """
    if probability >= cuts.answer_from + offset:
        return ANSWERED
    if probability >= cuts.unsure_from + offset:
        return UNSURE
    return NOT_FOUND
