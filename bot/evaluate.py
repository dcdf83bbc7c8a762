"""`hoibao eval`: retrieval and answer quality on a SQuAD-format file.

A retrieval counts as right when the retrieved paragraph contains a gold
answer span (folded), not only when it is the paragraph the question was
written on: in many sets consecutive windows of one article overlap.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.cli_files import json_of
from bot.outcome import ANSWERED, NOT_FOUND, UNSURE
from bot.service import AnswerService, embedder_from_settings
from index.backend import Location
from index.corpus import Article, Paragraph
from index.embed import Embedder
from index.errors import HoibaoError
from index.text import content_hash, fold, nfc, tokens


@dataclass
class EvalQuestion:
    question: str
    answers: list[str]  # empty: the corpus does not hold the answer
    article: frozenset[str] = frozenset()  # the paragraphs of the article it was asked about (its entry)


@dataclass
class EvalSet:
    articles: list[Article]
    questions: list[EvalQuestion]


def load_squad(path: Path) -> EvalSet:
    """Paragraphs become one-paragraph articles; questions are merged by text.

    A question marked impossible on one paragraph may be answered by another,
    so a question is unanswerable only when no paragraph answers it.
    """
    try:
        return _squad(path, json_of(path, SQUAD))
    except (KeyError, TypeError, AttributeError, IndexError):
        raise HoibaoError(f"{path} is JSON but not in SQuAD format; give {SQUAD}.") from None


SQUAD = 'a SQuAD-format .json ({"data": [{"title", "paragraphs": [{"context", "qas": [{"question", "answers"}]}]}]})'


def _squad(path: Path, document: object) -> EvalSet:
    data = document["data"]
    articles: list[Article] = []
    answers: dict[str, list[str]] = {}
    asked_of: dict[str, frozenset[str]] = {}
    for a_i, entry in enumerate(data):
        title = nfc(entry.get("title") or f"Bài {a_i + 1}")
        entry_ids = frozenset(f"a{a_i:04d}p{p_i:03d}" for p_i in range(len(entry["paragraphs"])))
        for p_i, para in enumerate(entry["paragraphs"]):
            aid = f"a{a_i:04d}p{p_i:03d}"
            paragraph = Paragraph(aid, title, path.name, 1, nfc(para["context"]))
            articles.append(Article(aid, path.name, title, [paragraph], content_hash=content_hash(paragraph.text)))
            for qa in para["qas"]:
                text = nfc(qa["question"]).strip()
                gold = answers.setdefault(text, [])
                asked_of.setdefault(text, entry_ids)
                if not qa.get("is_impossible"):
                    gold.extend(nfc(x["text"]) for x in qa["answers"] if x["text"] not in gold)
    return EvalSet(articles, [EvalQuestion(q, a, asked_of[q]) for q, a in answers.items()])


def contains_answer(text: str, answers: list[str]) -> bool:
    folded = fold(text)
    return any(fold(a) in folded for a in answers if a.strip())


@dataclass
class RetrievalScores:
    """The rank of the first right paragraph for each question (None: not in the top 10)."""

    ranks: list[int | None] = field(default_factory=list)

    def add(self, rank: int | None) -> None:
        self.ranks.append(rank)

    def row(self) -> dict[str, float]:
        n = max(len(self.ranks), 1)
        found = [r for r in self.ranks if r is not None]
        return {
            "recall@1": sum(r == 1 for r in found) / n,
            "recall@5": sum(r <= 5 for r in found) / n,
            "mrr@10": sum(1 / r for r in found if r <= 10) / n,
        }


def first_right(texts: list[str], answers: list[str]) -> int | None:
    """The rank (1-based, top 10) of the first text holding a gold answer."""
    for rank, text in enumerate(texts[:10], start=1):
        if contains_answer(text, answers):
            return rank
    return None


@dataclass
class RetrievalReport:
    methods: dict[str, RetrievalScores] = field(default_factory=dict)

    def score(self, method: str, rank: int | None) -> None:
        self.methods.setdefault(method, RetrievalScores()).add(rank)


def evaluate_retrieval(service: AnswerService, questions: list[EvalQuestion]) -> RetrievalReport:
    """Recall@1/@5 and MRR@10 of hybrid, BM25-only and dense-only, as written and unaccented."""
    report = RetrievalReport()
    for q in questions:
        if not q.answers:
            continue
        for variant, text in (("as written", q.question), ("unaccented", fold(q.question))):
            for method, ranked in service.retrieval(text).items():
                report.score(f"{method} / {variant}", first_right([p.text for p in ranked], q.answers))
    return report


def build_eval_index(eval_set: EvalSet, cache_dir: Path, embedder: Embedder, progress: bool = True,
                     location: Location | None = None) -> Path:
    """Index the set's paragraphs under `cache_dir` (or `location`); unchanged paragraphs reuse their vectors."""
    location = location or Location(cache_dir)
    location.build(cache_dir, embedder, articles=eval_set.articles, progress=progress)
    return cache_dir


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())[:40]


# ---------------------------------------------------------------- answers


def f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 over folded syllables."""
    p, g = tokens(prediction), tokens(gold)
    common = sum((Counter(p) & Counter(g)).values())
    if not p or not g or not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


@dataclass
class AnswerScores:
    """Counts of outcomes and answer quality over a question set (`row` turns them into shares)."""

    answerable: int = 0
    answered: int = 0
    unsure: int = 0
    unsure_right: int = 0
    accurate: int = 0
    exact: int = 0
    f1_sum: float = 0.0
    cited_right: int = 0
    unanswerable: int = 0
    not_answered: int = 0
    said_not_found: int = 0
    stated_wrong: int = 0  # answered, and the answer line shares no word with any gold answer
    line_holds: int = 0  # answered, and the answer line holds a gold answer
    phrases: int = 0  # answered with a short phrase (answer_form "phrase")
    phrase_exact: int = 0

    def add(self, q: EvalQuestion, answer) -> None:
        if not q.answers:
            self.unanswerable += 1
            self.not_answered += answer.status != ANSWERED
            self.said_not_found += answer.status == NOT_FOUND
            return
        self.answerable += 1
        cited_right = bool(answer.citations) and contains_answer(answer.citations[0].paragraph.text, q.answers)
        if answer.status == UNSURE:
            self.unsure += 1
            self.unsure_right += cited_right
        if answer.status != ANSWERED:
            return
        self.answered += 1
        text = answer.answer or ""
        self.accurate += contains_answer(text, q.answers)
        self.exact += any(fold(text).strip() == fold(a).strip() for a in q.answers)
        self.f1_sum += max(f1(text, a) for a in q.answers)
        self.cited_right += cited_right
        words = set(tokens(text))
        self.stated_wrong += not any(words & set(tokens(a)) for a in q.answers)
        self.line_holds += contains_answer(text, q.answers)
        if getattr(answer, "answer_form", "phrase") == "phrase":
            self.phrases += 1
            self.phrase_exact += any(fold(text).strip() == fold(a).strip() for a in q.answers)

    def row(self) -> dict[str, float]:
        n = max(self.answerable, 1)
        return {
            "answered": self.answered / n,
            "unsure": self.unsure / n,
            "not found": (self.answerable - self.answered - self.unsure) / n,
            "answered or unsure, right passage": (self.cited_right + self.unsure_right) / n,
            "answer accuracy": self.accurate / n,
            "exact match": self.exact / n,
            "F1": self.f1_sum / n,
            "F1 when answered": self.f1_sum / max(self.answered, 1),
            "cited paragraph holds answer": self.cited_right / n,
            "not answered (unanswerable)": self.not_answered / max(self.unanswerable, 1),
            "not found (unanswerable)": self.said_not_found / max(self.unanswerable, 1),
            "stated wrong (of answered)": self.stated_wrong / max(self.answered, 1),
            "answer line holds gold (of answered)": self.line_holds / max(self.answered, 1),
            "phrase (of answered)": self.phrases / max(self.answered, 1),
            "exact match among phrases": self.phrase_exact / max(self.phrases, 1),
        }


def _print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    if not rows:
        return
    columns = list(next(iter(rows.values())))
    widths = [max(10, len(c) + 2) for c in columns]
    width = max(len(k) for k in rows) + 2
    print(" " * width + "".join(f"{c:>{w}}" for c, w in zip(columns, widths)))
    for name, values in rows.items():
        print(f"{name:<{width}}" + "".join(f"{values[c]:>{w}.3f}" for c, w in zip(columns, widths)))


def load_questions(path: Path) -> list[str]:
    """Questions of a SQuAD file, or of a JSON-lines file with a "q" (or "question") field."""
    if path.suffix == ".jsonl":
        try:
            rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
            return [nfc(r.get("q") or r["question"]) for r in rows]
        except (ValueError, KeyError, TypeError, AttributeError):  # JSONDecodeError and UnicodeDecodeError too
            raise HoibaoError(f'{path} is not JSON lines with a "q" (or "question") field per line.') from None
    return [q.question for q in load_squad(path).questions]


def run_eval(
    path: Path, settings, cache_dir: Path, limit: int | None = None, as_json: bool = False,
    other: Path | None = None, llm: bool = False, given_article: bool = False,
) -> int:
    """Index the file's paragraphs, then score retrieval and answers; prints tables (or JSON).

    `llm`: also score written answers (bot.evaluate_llm) for the questions as written and `other`'s.
    """
    if llm:
        from bot.evaluate_llm import require_model

        require_model(settings)
    eval_set = load_squad(path)
    questions = eval_set.questions[:limit] if limit else eval_set.questions
    embedder = embedder_from_settings(settings)
    # The evaluation index beside the bot's: its own directory, or (Qdrant) its own alias.
    eval_settings = settings.model_copy(update={
        "index_dir": cache_dir, "qdrant_collection": f"{settings.qdrant_collection}_eval_{_slug(path.stem)}"})
    build_eval_index(eval_set, cache_dir, embedder, progress=not as_json, location=Location.from_settings(eval_settings))
    # The same service the bot answers with, over the evaluation index.
    answerer = AnswerService(eval_settings, embedder)
    retrieval = evaluate_retrieval(answerer, questions)
    answers = {"as written": AnswerScores(), "unaccented": AnswerScores()}
    decided: dict[str, list] = {"as written": []}  # (question, answer) pairs, for --llm
    for q in questions:
        decided["as written"].append((q, answerer.answer(q.question)))
        answers["as written"].add(*decided["as written"][-1])
        answers["unaccented"].add(q, answerer.answer(fold(q.question)))
    if given_article:
        # The reading-comprehension setting: each question asked of its own article only.
        answers["given the article"] = AnswerScores()
        for q in questions:
            answers["given the article"].add(q, answerer.answer(q.question, articles=q.article or None))
    if other is not None:
        # Questions about another corpus: none of them should be answered from this one.
        name = "questions from " + other.name
        answers[name], decided[name] = AnswerScores(), []
        for text in load_questions(other):
            decided[name].append((EvalQuestion(text, []), answerer.answer(text)))
            answers[name].add(*decided[name][-1])
    n_answerable = sum(1 for q in questions if q.answers)
    result = {
        "file": str(path),
        "paragraphs": len(eval_set.articles),
        "questions": len(questions),
        "answerable": n_answerable,
        "unanswerable": len(questions) - n_answerable,
        "embedder": embedder.id,
        "retrieval": {k: v.row() for k, v in retrieval.methods.items()},
        "answers": {k: v.row() for k, v in answers.items()},
    }
    if llm:
        from bot.evaluate_llm import score_written

        result["written"] = score_written(settings, decided, progress=not as_json)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{path.name}: {len(eval_set.articles)} paragraphs, {len(questions)} distinct questions "
        f"({n_answerable} answerable, {len(questions) - n_answerable} with no answer in any paragraph); {embedder.id}"
    )
    _print_table("Retrieval (paragraph containing the gold answer)", result["retrieval"])
    variants = result["answers"]
    metrics = list(next(iter(variants.values())))
    _print_table("Answers (shares of answerable questions, except where marked; one column per question set)",
                 {m: {v: values[m] for v, values in variants.items()} for m in metrics})
    if llm:
        written = result["written"]["sets"]
        _print_table(f"Written answers by {settings.llm_model or 'the model'} (prompt {result['written']['prompt']}; "
                     "compare with the answers above; fallback and 'written sent' are shares of all questions)",
                     {m: {v: values[m] for v, values in written.items()} for m in next(iter(written.values()))})
    return 0
