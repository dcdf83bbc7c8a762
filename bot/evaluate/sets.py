"""Question sets for `hoibao eval`: SQuAD files (paragraphs become one-paragraph articles) and lists of questions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.corpus import Article, Paragraph
from index.errors import HoibaoError
from index.text import content_hash, nfc


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


def load_questions(path: Path) -> list[str]:
    """Questions of a SQuAD file, or of a JSON-lines file with a "q" (or "question") field."""
    if path.suffix == ".jsonl":
        try:
            rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
            return [nfc(r.get("q") or r["question"]) for r in rows]
        except (ValueError, KeyError, TypeError, AttributeError):  # JSONDecodeError and UnicodeDecodeError too
            raise HoibaoError(f'{path} is not JSON lines with a "q" (or "question") field per line.') from None
    return [q.question for q in load_squad(path).questions]


def json_of(path: Path, what: str) -> object:
    """The JSON document in `path`; one line when it is not UTF-8 JSON."""
    try:
        return json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise HoibaoError(f"{path} is not UTF-8 text; give {what}.") from None
    except json.JSONDecodeError as exc:
        raise HoibaoError(f"{path} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                          f"give {what}.") from None
