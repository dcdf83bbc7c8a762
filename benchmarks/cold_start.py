"""Cold start: how long a fresh `hoibao` process takes, and how much memory it peaks at.

Each run is a new interpreter (nothing cached in the process; the OS file cache is warm after the
first run, as on a server that answers often). Reports the median and the worst of several runs:

- `hoibao --help`: the price of every command before it does anything (target ≤ 0.15 s);
- `hoibao ask "…" --index-dir var/index`: one answer from the seed index (targets ≤ 0.4 s, ≤ 100 MB);
- the import time of `bot.cli` alone, and what `hoibao ask` spends importing, by package
  (`python -X importtime`, which slows imports down: compare these with each other, not with walls).

    .venv/bin/python benchmarks/cold_start.py [--runs 7] [--checkout DIR] [--index-dir var/index]

`--checkout` measures another working tree (an older commit, say) with this interpreter: it runs
`python -m bot` there, so that tree's code is the one imported. Run on a quiet machine, with
OMP_NUM_THREADS=1 (set here) so the embedder's threads don't fight over two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUESTION = "Ai là bí thư?"  # any question: the cost measured is the start, not the answer


def run_once(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"cold_start: {' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024  # Linux reports kilobytes


def measure(cmd: list[str], cwd: Path, env: dict, runs: int) -> dict:
    run_once(cmd, cwd, env)  # warms the OS file cache; not counted
    samples = [run_once(cmd, cwd, env) for _ in range(runs)]
    walls = [w for w, _ in samples]
    rss = [r for _, r in samples]
    return {"wall_median_s": round(statistics.median(walls), 3), "wall_max_s": round(max(walls), 3),
            "rss_median_mb": round(statistics.median(rss), 1), "rss_max_mb": round(max(rss), 1)}


def _importtime(cmd: list[str], cwd: Path, env: dict) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) of every import `cmd` made, from `python -X importtime`."""
    out = subprocess.run([sys.executable, "-X", "importtime", *cmd], cwd=cwd, env=env, capture_output=True,
                         text=True, check=True).stderr
    rows = [re.match(r"import time:\s+(\d+) \|\s+(\d+) \| *(\S+)", line) for line in out.splitlines()]
    return [(int(m[1]), int(m[2]), m[3]) for m in rows if m]


def import_time(cwd: Path, env: dict, runs: int, ask: list[str]) -> dict:
    """Median cumulative import time of bot.cli; what `hoibao ask` spends importing, by top-level package."""
    totals, spent = [], []
    for _ in range(runs):
        rows = _importtime(["-c", "import bot.cli"], cwd, env)
        totals.append(next(cum for _, cum, name in rows if name == "bot.cli"))
        by_package: dict[str, int] = {}
        for own, _, name in _importtime(["-m", "bot", *ask], cwd, env):
            by_package[name.split(".")[0]] = by_package.get(name.split(".")[0], 0) + own
        spent.append(by_package)
    packages = {name for run in spent for name in run}
    median = {name: statistics.median(run.get(name, 0) for run in spent) for name in packages}
    top = sorted(median.items(), key=lambda kv: -kv[1])[:8]
    return {"bot_cli_ms": round(statistics.median(totals) / 1000, 1),
            "ask_imports_ms": round(sum(median.values()) / 1000, 1),
            "ask_costliest_ms": {name: round(us / 1000, 1) for name, us in top}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--index-dir", default="var/index")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    cwd = args.checkout.resolve()
    index_dir = Path(args.index_dir) if Path(args.index_dir).is_absolute() else cwd / args.index_dir
    if not (index_dir / "current" / "manifest.json").is_file():
        raise SystemExit(f"cold_start: no index at {index_dir}; build it with `hoibao index build --index-dir {index_dir}`")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(cwd)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    hoibao = [sys.executable, "-m", "bot"]
    ask = ["ask", QUESTION, "--index-dir", str(index_dir)]
    figures = {
        "checkout": str(cwd),
        "runs": args.runs,
        "help": measure(hoibao + ["--help"], cwd, env, args.runs),
        "ask": measure(hoibao + ask, cwd, env, args.runs),
        "import": import_time(cwd, env, min(args.runs, 3), ask),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
