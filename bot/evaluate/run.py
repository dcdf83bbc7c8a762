"""`hoibao eval`: retrieval and answer quality on a SQuAD-format file (what is counted: `metrics`)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.evaluate.metrics import AnswerScores, RetrievalReport, first_right
from bot.evaluate.sets import EvalQuestion, EvalSet, load_questions, load_squad
from bot.service import AnswerService, embedder_from_settings
from index.backend import Location
from index.embed import Embedder
from index.text import fold




















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




def run_eval(
    path: Path, settings, cache_dir: Path, limit: int | None = None, as_json: bool = False,
    other: Path | None = None, llm: bool = False, given_article: bool = False,
) -> int:
    """Index the file's paragraphs, then score retrieval and answers; prints tables (or JSON).

    `llm`: also score written answers (bot.evaluate.written) for the questions as written and `other`'s.
    """
    if llm:
        from bot.evaluate.written import require_model

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
        from bot.evaluate.written import score_written

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
