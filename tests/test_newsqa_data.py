"""The invented news QA set (benchmarks/newsqa) is sound and loads into `hoibao eval`; no models."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

from bot.evaluate.metrics import contains_answer
from bot.evaluate.sets import load_squad
from index.text import has_diacritics

ROOT = Path(__file__).resolve().parents[1]
NEWSQA = ROOT / "benchmarks" / "newsqa"
DATASET = NEWSQA / "newsqa_vi.json"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"newsqa_{name}", NEWSQA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _module("check")
build = _module("build")


def _dataset() -> dict:
    return json.loads(DATASET.read_text("utf-8"))


def test_the_file_passes_its_check():
    assert check.problems(_dataset()) == []


def test_the_file_is_what_the_sources_build():
    assert build.build() == _dataset(), "run: python benchmarks/newsqa/build.py"


def test_the_set_is_as_large_and_varied_as_promised():
    tally = check.counts(_dataset())
    assert tally["articles"] >= 32
    assert tally["answerable"] >= 320
    assert tally["impossible"] >= 35
    for kind in check.TYPES:
        assert tally[f"type:{kind}"] >= 5, kind
    clauses = sum(tally[f"type:{k}"] for k in ("description", "reason", "manner", "list"))
    assert 0.12 <= clauses / tally["answerable"] <= 0.25


def test_the_check_catches_a_shifted_span_and_a_repeated_id():
    broken = _dataset()
    qas = [qa for entry in broken["data"] for para in entry["paragraphs"] for qa in para["qas"]]
    answerable = [qa for qa in qas if not qa["is_impossible"]]
    answerable[0]["answers"][0]["answer_start"] += 1
    answerable[1]["id"] = answerable[2]["id"]
    found = check.problems(broken)
    assert any(answerable[0]["id"] in line and "not at offset" in line for line in found)
    assert any("duplicate id" in line for line in found)


def test_the_check_catches_a_span_cutting_a_word():
    broken = copy.deepcopy(_dataset())
    para = broken["data"][0]["paragraphs"][0]
    qa = next(qa for qa in para["qas"] if not qa["is_impossible"])
    answer = qa["answers"][0]
    answer["text"] = answer["text"][1:]
    answer["answer_start"] += 1
    assert any("cuts a word" in line for line in check.problems(broken))


def test_hoibao_eval_reads_every_question_with_its_gold_in_its_paragraph():
    eval_set = load_squad(DATASET)
    tally = check.counts(_dataset())
    assert len(eval_set.questions) == tally["questions"], "question texts must be unique"
    assert len(eval_set.articles) == tally["paragraphs"]
    assert sum(1 for q in eval_set.questions if not q.answers) == tally["impossible"]
    texts = [a.paragraphs[0].text for a in eval_set.articles]
    for q in eval_set.questions:
        if q.answers:
            assert any(contains_answer(t, q.answers) for t in texts), q.question


def test_some_questions_are_typed_without_diacritics():
    questions = [qa["question"] for e in _dataset()["data"] for p in e["paragraphs"] for qa in p["qas"]]
    assert sum(not has_diacritics(q) for q in questions) >= 30
