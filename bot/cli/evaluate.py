"""`hoibao eval`: every path checked first (one line naming the option), then the evaluation run."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.settings import Settings


def evaluate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.files import readable_file, writable_folder
    from bot.evaluate.run import run_eval
    from bot.evaluate.sets import SQUAD, load_questions, load_squad

    for given in filter(None, (args.file, args.other)):
        readable_file(Path(given), f"{SQUAD}, or a .jsonl of questions for --other")
    load_squad(Path(args.file))  # a file of another format is said now, before the model loads
    if args.other:
        load_questions(Path(args.other))
    writable_folder(Path(args.cache_dir), "--cache-dir")
    other = Path(args.other) if args.other else None
    return run_eval(Path(args.file), settings, Path(args.cache_dir), limit=args.limit, as_json=args.json, other=other,
                    llm=args.llm, given_article=args.given_article)
