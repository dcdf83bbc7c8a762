"""The written conversations (benchmarks/conversations) are well-formed; no embedding, fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.corpus import read_article
from index.text import fold

ROOT = Path(__file__).resolve().parents[1]
CONVERSATIONS = ROOT / "benchmarks" / "conversations" / "conversations.jsonl"
ARTICLES = ROOT / "benchmarks" / "conversations" / "articles"


def _conversations() -> list[dict]:
    return [json.loads(line) for line in CONVERSATIONS.read_text("utf-8").splitlines() if line.strip()]


def _article_text(name: str) -> str:
    article = read_article(ARTICLES / name)
    return "\n".join([article.title] + [p.text for p in article.paragraphs])


def test_articles_parse_with_enough_paragraphs():
    files = sorted(ARTICLES.glob("*.txt"))
    assert len(files) == 8
    for path in files:
        article = read_article(path)
        assert 6 <= len(article.paragraphs) <= 10, path.name
        assert article.author and article.date, path.name


def test_conversations_are_well_formed():
    conversations = _conversations()
    assert len(conversations) >= 24
    ids = [c["id"] for c in conversations]
    assert len(ids) == len(set(ids)), "conversation ids must be unique"
    for conv in conversations:
        assert len(conv["turns"]) >= 4, conv["id"]
        for turn in conv["turns"]:
            assert set(turn) == {"q", "article", "answer"}, conv["id"]
            assert turn["q"].strip(), conv["id"]
            assert (ARTICLES / turn["article"]).is_file(), f"{conv['id']}: no article {turn['article']}"
            assert turn["answer"] is None or (isinstance(turn["answer"], list) and turn["answer"]), conv["id"]


def test_some_conversations_change_article():
    switching = [c for c in _conversations() if len({t["article"] for t in c["turns"]}) > 1]
    assert len(switching) >= len(_conversations()) // 5


@pytest.mark.parametrize("conv", _conversations(), ids=lambda c: c["id"])
def test_every_gold_answer_is_in_its_article(conv):
    for turn in conv["turns"]:
        text = fold(_article_text(turn["article"]))
        for answer in turn["answer"] or []:
            assert fold(answer) in text, f"{conv['id']}: {answer!r} not in {turn['article']}"
