"""The report's figures, from the logged questions of a period: pure functions, no database, no drawing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.questionlog.schema import OUTCOMES
from bot.report.data import Asked, Period
from bot.report.grouping import Grouped, Similarity, group

# How each outcome is named to editors (charts, tables, the text summary).
LABELS = {"answered": "Đã trả lời", "unsure": "Chưa chắc", "not_found": "Không tìm thấy", "refused": "Từ chối"}
NOT_STORED = "(không lưu nội dung)"
# Outcomes that show the reader a cited passage to judge, so feedback can be asked of them: the
# feedback rate's denominator. A refusal or "not found" has nothing to thumb up or down.
JUDGED = ("answered", "unsure")
# Why the extractive answer was sent instead of a written one (bot/llm), one line each for editors.
FALLBACKS = {
    "not_answerable": "Mô hình không được hỏi: phần trả lời trích dẫn đã quyết định trước (câu trả lời chưa chắc).",
    "busy": "Mô hình đang bận với các câu hỏi khác, nên gửi ngay đoạn trích dẫn.",
    "timeout": "Mô hình không trả lời kịp trong thời gian chờ.",
    "error": "Lỗi khi gọi mô hình (mạng, máy chủ).",
    "empty": "Mô hình trả về câu trả lời trống.",
    "too_long": "Câu trả lời của mô hình quá dài.",
    "unsupported_fact": "Câu viết có tên, số, ngày, đường dẫn, email, tài khoản hay số điện thoại không có trong đoạn được trích.",
    "bad_citation": "Câu viết không trích dẫn, hoặc trích một đoạn không được đưa cho mô hình.",
    "follows_instruction": "Câu viết làm theo lời dặn nằm trong bài (văn bản nhắm vào mô hình), hoặc chép đường dẫn của nó.",
    "unsupported_claim": "Câu viết nói điều mà đoạn được trích không nói (ít từ chung với đoạn).",
    "negation_mismatch": "Câu viết đảo nghĩa phủ định so với đoạn được trích (không/chưa…).",
    "role_swap": "Câu viết gán cho một người vai trò hay hành động của người khác trong đoạn.",
}
UNKNOWN_FALLBACK = "Lý do khác, báo cáo chưa mô tả (xem nhật ký của bot)."


@dataclass
class Day:
    day: date
    counts: dict[str, int]  # outcome -> questions, every outcome present

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Cited:
    """An article (paragraph None) or one of its paragraphs, and how often answers cited it."""

    article_id: str
    title: str
    paragraph: int | None
    count: int
    answered: int  # of which outcome "answered" (the rest "unsure")


@dataclass
class Feedback:
    answers: int  # questions whose outcome is in JUDGED
    with_feedback: int  # of those, answers at least one reader rated
    up: int
    down: int
    downvoted: list[Asked]  # answers with a 👎, most 👎 first

    @property
    def rate(self) -> float | None:
        return self.with_feedback / self.answers if self.answers else None


@dataclass
class Written:
    """Written answers over the answered and unsure questions asked while a language model was on."""

    asked: int  # answered and unsure questions with the model on
    written: int  # of those, questions that got a checked written answer
    fallbacks: list[tuple[str, int]]  # reason -> questions, most frequent first


@dataclass
class Report:
    period: Period
    made_at: datetime
    total: int
    outcomes: dict[str, int]  # every outcome present, in OUTCOMES order
    days: list[Day]
    most_asked: Grouped  # all but refused questions
    not_found: Grouped
    unsure: Grouped
    articles: list[Cited]
    paragraphs: list[Cited]
    feedback: Feedback
    grouping: str  # how near-duplicates were grouped (and why not by meaning, when not)
    written: Written | None = None  # None when no question of the period had the model on
    follows: tuple[tuple[str, int], ...] = ()  # (topic, followers) now, most followed first (bot/followers)


def per_day(asked: list[Asked], period: Period) -> list[Day]:
    """Every day of the period, empty ones included, with its questions by outcome."""
    counts = Counter((a.local_day, a.outcome) for a in asked)
    outcomes = _outcomes(asked)
    return [Day(d, {o: counts[(d, o)] for o in outcomes}) for d in period.dates]


def _outcomes(asked: list[Asked]) -> list[str]:
    """The known outcomes in order, then any other the log holds (a newer writer's), so none is dropped."""
    return list(OUTCOMES) + sorted({a.outcome for a in asked} - set(OUTCOMES))


def by_outcome(asked: list[Asked]) -> dict[str, int]:
    counts = Counter(a.outcome for a in asked)
    return {o: counts[o] for o in _outcomes(asked)}


def cited(asked: list[Asked], paragraphs: bool = False) -> list[Cited]:
    """Articles (or paragraphs) by how often answers cited them, most cited first."""
    counts: Counter = Counter()
    answered: Counter = Counter()
    titles: dict[str, str] = {}
    for a in asked:
        if not a.article_id:
            continue
        key = (a.article_id, a.paragraph if paragraphs else None)
        counts[key] += 1
        answered[key] += a.outcome == "answered"
        if a.article_title:
            titles[a.article_id] = a.article_title  # the latest title wins (articles get corrected)
    rows = [Cited(article, titles.get(article, article), paragraph, n, answered[(article, paragraph)])
            for (article, paragraph), n in counts.items()]
    rows.sort(key=lambda c: (-c.count, -c.answered, c.title, c.paragraph or 0))
    return rows


def feedback(asked: list[Asked]) -> Feedback:
    judged = [a for a in asked if a.outcome in JUDGED]
    downvoted = sorted((a for a in asked if a.down), key=lambda a: (-a.down, -a.asked_at.timestamp()))
    return Feedback(len(judged), sum(1 for a in judged if a.up or a.down), sum(a.up for a in asked),
                    sum(a.down for a in asked), downvoted)


def written(asked: list[Asked]) -> Written | None:
    """Written answers and fallbacks by reason, or None when the model was off for every question."""
    on = [a for a in asked if a.outcome in JUDGED and (a.written or (a.fallback or "off") != "off")]
    if not on:
        return None
    reasons = Counter(a.fallback for a in on if not a.written and a.fallback)
    return Written(len(on), sum(a.written for a in on), sorted(reasons.items(), key=lambda r: (-r[1], r[0])))


def fallback_reason(reason: str) -> str:
    return FALLBACKS.get(reason, UNKNOWN_FALLBACK)


def summarize(asked: list[Asked], period: Period, similarity: Similarity | None, grouping: str,
              made_at: datetime | None = None) -> Report:
    """The whole report of `period` from its questions; `grouping` is the note on how they were grouped."""
    return Report(
        period=period,
        made_at=made_at or datetime.now(UTC),
        total=len(asked),
        outcomes=by_outcome(asked),
        days=per_day(asked, period),
        most_asked=group((a for a in asked if a.outcome != "refused"), similarity),
        not_found=group((a for a in asked if a.outcome == "not_found"), similarity),
        unsure=group((a for a in asked if a.outcome == "unsure"), similarity),
        articles=cited(asked),
        paragraphs=cited(asked, paragraphs=True),
        feedback=feedback(asked),
        grouping=grouping,
        written=written(asked),
    )


def share(part: int, whole: int) -> str:
    """'42%' (Vietnamese writes the number then %); '–' of nothing."""
    return f"{round(100 * part / whole)}%" if whole else "–"


def question_text(a: Asked) -> str:
    return NOT_STORED if a.question is None else " ".join(a.question.split())
