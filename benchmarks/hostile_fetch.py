"""Peak memory and time of each hostile case (tests/hostile_site.py), one fresh process per case.

    .venv/bin/python benchmarks/hostile_fetch.py [--timeout 3] [--max-bytes 5000000]

The hostile site runs in this process; each case runs in a child Python that imports the
fetcher, fetches one URL the way `hoibao add` does (ingest.fetch.fetch) or polls one source the
way `hoibao refresh` does (ingest.refresh.refresh, with its default caps), and reports its own
peak RSS (ru_maxrss), the time taken and the outcome. "baseline" fetches an ordinary article:
the difference is what the case itself cost. Writes benchmarks/results/hostile_fetch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile_site import Hostile, gzip_bomb  # noqa: E402

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
url, mode, timeout, max_bytes = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
started = time.monotonic()
if mode == "add":
    from ingest.add import add_urls
    from ingest.fetch import make_client
    with tempfile.TemporaryDirectory() as seeds, make_client("hoibao-bench/1", timeout, allow_private=True) as client:
        report = add_urls([url], Path(seeds), client, max_bytes, rebuild=lambda: None)
    outcome = report.outcomes[0]
    result = f"{outcome.status}: {outcome.reason or outcome.title}"
else:
    from ingest.follow import add_source
    from ingest.polite import PoliteFetcher
    from ingest.refresh import refresh
    from ingest.state import CrawlState
    with tempfile.TemporaryDirectory() as tmp, CrawlState(Path(tmp) / "index") as state, \
            PoliteFetcher("hoibao-bench/1", timeout_seconds=timeout, max_bytes=max_bytes, default_delay=0,
                          allow_private=True) as fetcher:
        (Path(tmp) / "seeds").mkdir()
        add_source(state, fetcher, url)
        report = refresh(state, fetcher, Path(tmp) / "seeds", rebuild=lambda: None)
        result = report.summary() + f" · {state.article_count()} rows"
print(json.dumps({"seconds": round(time.monotonic() - started, 2), "peak_rss_mb":
                  round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "outcome": result}))
"""

CASES = (("baseline (ordinary article)", "/article.html", "add"), ("gzip bomb, 1 GiB in 1 MB", "/bomb/gzip", "add"),
         ("double gzip, 1 GiB in 1,827 B", "/bomb/gzip-gzip", "add"), ("slow headers", "/slow/headers", "add"),
         ("slow body", "/slow/body", "add"), ("redirect to 127.0.0.2", "/redirect/other-site", "add"),
         ("redirect to localhost", "/redirect/localhost", "add"), ("mathtext title", "/mathtext.html", "add"),
         ("sitemap of 60,000 (refresh)", "/sitemap-60000.xml", "refresh"),
         ("feed to other hosts (refresh)", "/feed/elsewhere.xml", "refresh"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--max-bytes", type=int, default=5_000_000)
    args = parser.parse_args()
    gzip_bomb()
    site = Hostile(drip=0.2).start()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    results = []
    try:
        for name, path, mode in CASES:
            run = subprocess.run([sys.executable, "-c", CHILD, site.base + path, mode, str(args.timeout),
                                  str(args.max_bytes)], capture_output=True, text=True, env=env, timeout=300)
            if run.returncode:
                raise SystemExit(f"{name}: the child failed:\n{run.stderr[-2000:]}")
            results.append({"case": name, **json.loads(run.stdout.splitlines()[-1])})
    finally:
        site.stop()
    print(f"deadline {args.timeout:g} s per URL, cap {args.max_bytes / 1e6:g} MB decoded; {os.cpu_count()} cores")
    print(f"{'case':<32}{'peak RSS MB':>12}{'seconds':>9}  outcome")
    for r in results:
        print(f"{r['case']:<32}{r['peak_rss_mb']:>12}{r['seconds']:>9}  {r['outcome'][:110]}")
    out = ROOT / "benchmarks/results/hostile_fetch.json"
    out.write_text(json.dumps({"timeout_s": args.timeout, "max_bytes": args.max_bytes, "cases": results},
                              ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
