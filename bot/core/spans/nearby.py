"""How close a candidate span sits to the question's own words in the sentence."""

from __future__ import annotations

from bot.core.spans.kinds import question_content
from index.text import fold, tokens


def anchor_bonus(sentence: str, start: int, end: int, question: str) -> float:
    """Reward spans that sit where the question's own words put the gap."""
    q = tokens(question)
    before = tokens(sentence[max(0, start - 40) : start])[-3:]
    after = tokens(sentence[end : end + 40])[:3]
    qset = {fold(w) for w in question_content(question)}
    near = sum(1 for w in before + after if w in qset)
    return 0.3 * near + (0.5 if before and before[-1] in q and before[-1] in qset else 0.0)
