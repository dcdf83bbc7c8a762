"""Check newsqa_vi.json and print its counts; exit 1 with one line per problem.

    python benchmarks/newsqa/check.py [path]

Checks: SQuAD v2 shape, NFC text, unique ids and question texts (`hoibao
eval` merges questions by text), each span found verbatim at its offset and
cut at word boundaries, a known answer type, 6–12 paragraphs per article.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "newsqa_vi.json"
TYPES = ("person", "role", "organisation", "place", "time", "number",
         "description", "reason", "manner", "list")


def _nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def _span_problem(context: str, answer: dict) -> str | None:
    text, start = answer.get("text", ""), answer.get("answer_start", -1)
    if not text or text != text.strip():
        return f"empty or padded span {text!r}"
    if context[start:start + len(text)] != text:
        return f"span {text!r} not at offset {start}"
    before = context[start - 1] if start > 0 else " "
    after = context[start + len(text)] if start + len(text) < len(context) else " "
    if before.isalnum() or after.isalnum():
        return f"span {text!r} cuts a word"
    return None


def problems(dataset: dict) -> list[str]:
    """Every defect found, one line each (empty: the file is sound)."""
    found: list[str] = []
    if not dataset.get("version"):
        found.append("no version")
    ids: set[str] = set()
    questions: set[str] = set()
    for entry in dataset.get("data", []):
        title = entry.get("title", "")
        paragraphs = entry.get("paragraphs", [])
        if not title or not _nfc(title):
            found.append(f"article {title!r}: missing or non-NFC title")
        if not 6 <= len(paragraphs) <= 12:
            found.append(f"article {title!r}: {len(paragraphs)} paragraphs, want 6-12")
        for para in paragraphs:
            context = para.get("context", "")
            if not context or not _nfc(context):
                found.append(f"article {title!r}: empty or non-NFC paragraph")
            for qa in para.get("qas", []):
                qid, question = qa.get("id", ""), qa.get("question", "")
                if not qid or qid in ids:
                    found.append(f"{qid!r}: missing or duplicate id")
                ids.add(qid)
                if not question or not _nfc(question) or question in questions:
                    found.append(f"{qid}: empty, non-NFC or repeated question {question!r}")
                questions.add(question)
                if qa.get("is_impossible") is True:
                    if qa.get("answers"):
                        found.append(f"{qid}: impossible but has answers")
                    continue
                if qa.get("is_impossible") is not False or len(qa.get("answers", [])) != 1:
                    found.append(f"{qid}: want is_impossible false and exactly one answer")
                    continue
                if qa.get("answer_type") not in TYPES:
                    found.append(f"{qid}: unknown answer_type {qa.get('answer_type')!r}")
                if problem := _span_problem(context, qa["answers"][0]):
                    found.append(f"{qid}: {problem}")
    return found


def counts(dataset: dict) -> Counter:
    """Articles, paragraphs, questions, impossible ones and answerable ones by type."""
    tally: Counter = Counter()
    for entry in dataset["data"]:
        tally["articles"] += 1
        for para in entry["paragraphs"]:
            tally["paragraphs"] += 1
            for qa in para["qas"]:
                tally["questions"] += 1
                if qa["is_impossible"]:
                    tally["impossible"] += 1
                else:
                    tally["answerable"] += 1
                    tally[f"type:{qa['answer_type']}"] += 1
    return tally


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT
    try:
        dataset = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    found = problems(dataset)
    for line in found:
        print(f"problem: {line}", file=sys.stderr)
    for key, value in sorted(counts(dataset).items()):
        print(f"{key:20} {value}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
