"""Build newsqa_vi.json (SQuAD v2) from the hand-written sources in src/.

A source file holds articles in a plain form that is easy to write and review:

    === Title of the article
    slug: short-ascii-name
    topic: construction
    P: first paragraph (the sapo)
    P: next paragraph
    Q 2 time: Question about paragraph 2? || exact answer span
    Q 3 number: A question whose answer occurs twice? || span ##2
    X 4: An on-topic question that no article answers?

`Q n type` ties a question to paragraph n (1-based); the span's offset is
found here, so nobody counts characters by hand. `##k` picks the k-th
occurrence. `X n` is an impossible question, attached to paragraph n.

    python benchmarks/newsqa/build.py        # writes benchmarks/newsqa/newsqa_vi.json
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
OUTPUT = HERE / "newsqa_vi.json"
VERSION = "newsqa_vi-1.0"
QUESTION = re.compile(r"^Q (\d+) (\w+): (.+?) \|\| (.+?)(?: ##(\d+))?$")
IMPOSSIBLE = re.compile(r"^X (\d+): (.+)$")


class SourceError(ValueError):
    pass


def _offset(context: str, span: str, nth: int) -> int:
    start = -1
    for _ in range(nth):
        start = context.find(span, start + 1)
        if start < 0:
            raise SourceError(f"span not in paragraph: {span!r}")
    return start


def _article(lines: list[str], where: str) -> dict:
    title = lines[0][4:].strip()
    entry = {"title": title, "slug": "", "topic": "", "paragraphs": []}
    questions: list[tuple[int, dict]] = []
    for line in lines[1:]:
        if line.startswith("slug: "):
            entry["slug"] = line[6:].strip()
        elif line.startswith("topic: "):
            entry["topic"] = line[7:].strip()
        elif line.startswith("P: "):
            entry["paragraphs"].append({"context": line[3:].strip(), "qas": []})
        elif m := QUESTION.match(line):
            questions.append((int(m[1]), {"question": m[3].strip(), "answer_type": m[2],
                                           "span": m[4].strip(), "nth": int(m[5] or 1)}))
        elif m := IMPOSSIBLE.match(line):
            questions.append((int(m[1]), {"question": m[2].strip(), "answer_type": None}))
        elif line.strip():
            raise SourceError(f"{where}: cannot read line {line!r}")
    if not entry["slug"]:
        raise SourceError(f"{where}: article {title!r} has no slug")
    n = 0
    for para_no, q in questions:
        if not 1 <= para_no <= len(entry["paragraphs"]):
            raise SourceError(f"{where}/{entry['slug']}: no paragraph {para_no}")
        para = entry["paragraphs"][para_no - 1]
        n += 1
        qa = {"id": f"{entry['slug']}-q{n:02d}", "question": q["question"]}
        if q["answer_type"] is None:
            qa.update(answers=[], is_impossible=True)
        else:
            try:
                start = _offset(para["context"], q["span"], q["nth"])
            except SourceError as exc:
                raise SourceError(f"{where}/{qa['id']}: {exc}") from None
            qa.update(answers=[{"text": q["span"], "answer_start": start}], is_impossible=False,
                      answer_type=q["answer_type"])
        para["qas"].append(qa)
    return entry


def build(sources: Path = SOURCES) -> dict:
    data = []
    for path in sorted(sources.glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text("utf-8"))
        blocks = re.split(r"(?m)^(?==== )", text)
        data.extend(_article(b.splitlines(), path.name) for b in blocks if b.startswith("=== "))
    return {"version": VERSION, "data": data}


def main() -> int:
    try:
        dataset = build()
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    OUTPUT.write_text(json.dumps(dataset, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {OUTPUT.relative_to(HERE.parents[1])}: {len(dataset['data'])} articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
