"""The short-answer API the rest of the bot uses; the rules live in `bot.core.spans`."""

from __future__ import annotations

from bot.core.spans.base import Span, capitalised_runs, is_capitalised, person_in_question
from bot.core.spans.kinds import (
    DATE, NAMED, NUMBER, OTHER, PERSON, PLACE, ROLE, WHICH, question_content, question_kind,
)
from bot.core.spans.lexicon import SURNAMES
from bot.core.spans.people import person_spans, role_span
from bot.core.spans.short import short_answer
from bot.core.spans.typed import date_spans, extract, named_spans, number_spans, place_spans, which_spans

__all__ = [
    "DATE", "NAMED", "NUMBER", "OTHER", "PERSON", "PLACE", "ROLE", "WHICH", "SURNAMES", "Span",
    "capitalised_runs", "date_spans", "extract", "is_capitalised", "named_spans", "number_spans",
    "person_in_question", "person_spans", "place_spans", "question_content", "question_kind",
    "role_span", "short_answer", "which_spans",
]
