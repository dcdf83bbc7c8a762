"""`hoibao eval --llm`: written answers scored the way extractive ones are, to compare a model with the default.

The extractive answers are decided first, exactly as without `--llm`; then each
answered question goes to the model through `bot.llm.written.write`, the function
the bot sends with (prompt, caps, check, fallbacks), a few requests at a time.
Per question set:

- what reached the reader: the written answer when sent, else the extractive
  short answer; whether it holds a gold answer and its F1 (as `AnswerScores`
  scores the short answer: a sentence's extra words lower its F1, so "holds
  gold" is the fair comparison with the extractive "answer accuracy");
- the written answers alone, when sent;
- the share of questions that got a written answer, and of each fallback reason
  (they add up to 1 with "written sent");
- on questions the corpus does not answer (`--other`): the share not answered
  (the refusal rate: the model never changes it, the answerability decision comes
  first) and the share that got a written answer anyway;
- the model's time per request (median and 95th percentile).
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.core.answer import Answer
from bot.core.outcome import ANSWERED
from bot.evaluate.metrics import contains_answer, f1
from bot.evaluate.sets import EvalQuestion
from bot.llm import prompt
from bot.llm.check import REASONS as CHECK_REASONS
from bot.llm.client import EMPTY, ERROR, TIMEOUT, TOO_LONG
from bot.llm.written import BUSY, NOT_ANSWERABLE, Written, write
from bot.settings import Settings
from index.errors import HoibaoError

CONCURRENCY = 4  # requests at once during an evaluation (never more than HOIBAO_LLM_MAX_CONCURRENT)
REASONS = (NOT_ANSWERABLE, BUSY, TIMEOUT, ERROR, EMPTY, TOO_LONG, *CHECK_REASONS)


def require_model(settings: Settings) -> None:
    """`--llm` without a model is a mistake worth one line naming the setting."""
    if not settings.llm_base_url:
        raise HoibaoError("--llm needs HOIBAO_LLM_BASE_URL, the model's OpenAI-compatible API root "
                          "(e.g. http://localhost:11434/v1 for Ollama); set it in .env or the environment.")


@dataclass
class WrittenScores:
    """Counts over one question set; `row` turns them into shares."""

    questions: int = 0
    sent: int = 0
    fallbacks: Counter = field(default_factory=Counter)
    answerable: int = 0
    as_sent_accurate: int = 0
    as_sent_f1: float = 0.0
    sent_answerable: int = 0
    written_accurate: int = 0
    written_f1: float = 0.0
    unanswerable: int = 0
    not_answered: int = 0
    sent_unanswerable: int = 0
    model_seconds: list[float] = field(default_factory=list)

    def add(self, q: EvalQuestion, answer: Answer, written: Written) -> None:
        self.questions += 1
        if written.text is not None:
            self.sent += 1
        else:
            self.fallbacks[written.fallback] += 1
        if written.fallback not in (NOT_ANSWERABLE, BUSY):
            self.model_seconds.append(written.model_seconds)
        if not q.answers:
            self.unanswerable += 1
            self.not_answered += answer.status != ANSWERED
            self.sent_unanswerable += written.text is not None
            return
        self.answerable += 1
        if answer.status != ANSWERED:
            return
        shown = written.text or answer.answer or ""
        self.as_sent_accurate += contains_answer(shown, q.answers)
        self.as_sent_f1 += max(f1(shown, a) for a in q.answers)
        if written.text is not None:
            self.sent_answerable += 1
            self.written_accurate += contains_answer(written.text, q.answers)
            self.written_f1 += max(f1(written.text, a) for a in q.answers)

    def row(self) -> dict[str, float]:
        n, seconds = max(self.answerable, 1), sorted(self.model_seconds) or [0.0]
        return {
            "written sent": self.sent / max(self.questions, 1),
            **{f"fallback: {r}": self.fallbacks[r] / max(self.questions, 1) for r in REASONS},
            "answer accuracy (as sent)": self.as_sent_accurate / n,
            "F1 (as sent)": self.as_sent_f1 / n,
            "written holds gold (when sent)": self.written_accurate / max(self.sent_answerable, 1),
            "F1 written (when sent)": self.written_f1 / max(self.sent_answerable, 1),
            "not answered (unanswerable)": self.not_answered / max(self.unanswerable, 1),
            "written sent (unanswerable)": self.sent_unanswerable / max(self.unanswerable, 1),
            "model seconds, median": statistics.median(seconds),
            "model seconds, p95": seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))],
        }


def score_written(settings: Settings, sets: dict[str, Sequence[tuple[EvalQuestion, Answer]]],
                  progress: bool = False) -> dict:
    """Write every answered question of `sets` (a few at a time) and score them; the JSON section `written`."""
    workers = max(1, min(CONCURRENCY, settings.llm_max_concurrent))
    scores: dict[str, WrittenScores] = {}
    with ThreadPoolExecutor(workers, thread_name_prefix="eval-llm") as pool:
        for name, pairs in sets.items():
            scores[name] = WrittenScores()
            results = pool.map(lambda pair: write(pair[1], settings), pairs)
            for n, ((q, answer), written) in enumerate(zip(pairs, results), start=1):
                scores[name].add(q, answer, written)
                if progress and n % 50 == 0:
                    print(f"  written answers, {name}: {n}/{len(pairs)}", file=sys.stderr, flush=True)
    return {"model": settings.llm_model, "prompt": prompt.VERSION, "concurrency": workers,
            "sets": {name: s.row() for name, s in scores.items()}}
