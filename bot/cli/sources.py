"""`hoibao add`, `hoibao sources add|list|remove` and `hoibao refresh`: the commands over ingest's crawler."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time

from bot.crawl.refresh import fetcher_from_settings, rebuild_from, refresh_once
from bot.settings import Settings
from index.errors import HoibaoError


def add(settings: Settings, args: argparse.Namespace) -> int:
    """Article pages into the seeds folder, one line per URL, then one incremental build if any changed."""
    from ingest.add import add_urls
    from ingest.fetch import make_client

    with make_client(settings.user_agent, settings.fetch_timeout_seconds, settings.allow_private_addresses) as client:
        report = add_urls(args.urls, settings.seeds_dir, client, settings.fetch_max_bytes, rebuild=rebuild_from(settings),
                          on_outcome=lambda outcome: print(outcome.line(), flush=True), prune=settings.prune_xpath,
                          allowed_hosts=tuple(settings.allowed_hosts))
    print(report.summary())
    if report.build is not None:
        print(report.build.summary())
    return report.exit_code


def sources_add(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.follow import SourceRefused, add_source
    from ingest.state import CrawlState

    failed = 0
    with CrawlState(settings.index_dir) as state, fetcher_from_settings(settings) as fetcher:
        for url in args.urls:
            try:
                for added in add_source(state, fetcher, url, tuple(settings.allowed_hosts)):
                    print(added.line(), flush=True)
            except SourceRefused as exc:
                print(f"hoibao: {exc}", file=sys.stderr, flush=True)
                failed += 1
    if failed < len(args.urls):
        print("Tải bài: hoibao refresh --once (hoặc để bot tự làm mới mỗi HOIBAO_REFRESH_MINUTES phút).")
    return 2 if failed else 0


def sources_list(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.follow import source_lines
    from ingest.state import CrawlState, state_path

    lines = []
    if state_path(settings.index_dir).is_file():
        with CrawlState(settings.index_dir) as state:
            lines = source_lines(state)
    print("\n".join(lines) if lines else "Chưa theo dõi nguồn nào. Thêm: hoibao sources add URL")
    return 0


def sources_remove(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.follow import SourceRefused, remove_source
    from ingest.state import CrawlState

    code = 0
    with CrawlState(settings.index_dir) as state:
        for url in args.urls:
            try:
                print("\n".join(remove_source(state, url)))
            except SourceRefused as exc:
                print(f"hoibao: {exc}", file=sys.stderr)
                code = 2
    return code


def _print_outcome(outcome) -> None:
    from ingest.add import UNCHANGED

    if outcome.status != UNCHANGED:  # counted in the summary; a line each would bury the news
        print(outcome.line(), flush=True)


def _one_run(settings: Settings, fetcher, recheck: bool) -> int:
    report = refresh_once(settings, fetcher, recheck=recheck, progress=sys.stderr.isatty(), rebuild=rebuild_from(settings),
                          on_outcome=_print_outcome)
    print(report.summary(), flush=True)
    if report.build is not None:
        print(report.build.summary(), flush=True)
    if report.build_error:
        print(f"hoibao: the index was not rebuilt, the previous one keeps answering "
              f"(the next refresh tries again): {report.build_error}", file=sys.stderr)
    all_sources_failed = report.sources and report.sources_failed == report.sources
    return 2 if report.build_error or all_sources_failed else 0


def _recheck_urls(settings: Settings, urls: list[str]) -> int:
    """`hoibao refresh URL…`: just these articles, now, then one rebuild if any changed."""
    from ingest.recheck import recheck
    from ingest.state import CrawlState

    with fetcher_from_settings(settings) as fetcher, CrawlState(settings.index_dir) as state:
        report = recheck(state, fetcher, settings.seeds_dir, urls, prune=settings.prune_xpath,
                         rebuild=rebuild_from(settings), on_outcome=lambda outcome: print(outcome.line(), flush=True))
    print(report.summary(), flush=True)
    if report.build is not None:
        print(report.build.summary(), flush=True)
    if report.build_error:
        print(f"hoibao: the index was not rebuilt, the previous one keeps answering: {report.build_error}",
              file=sys.stderr)
    return 2 if report.build_error else report.exit_code


@contextlib.contextmanager
def _publish_hook(settings: Settings, serve: bool):
    """Scheduled `hoibao refresh` serves the publish hook too (HOIBAO_PUBLISH_SECRET): compose's crawler is
    the one process that writes, and the read-only bots follow its builds."""
    if not serve or settings.publish_secret is None:
        yield
        return
    import asyncio
    import threading

    from bot.channels.background import hooks
    from bot.crawl.publish import BuildOnly

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(hooks.run(settings, BuildOnly(settings), stop),),
                              name="publish-hook", daemon=True)
    thread.start()
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(5)


def refresh(settings: Settings, args: argparse.Namespace) -> int:
    """Once (--once), or every HOIBAO_REFRESH_MINUTES until Ctrl-C; --recheck applies to the first run.
    With URLs: just those, once."""
    if args.urls:
        return _recheck_urls(settings, args.urls)
    minutes = settings.refresh_minutes
    if not args.once and minutes <= 0:
        raise HoibaoError("HOIBAO_REFRESH_MINUTES=0 turns scheduled refreshes off; run hoibao refresh --once.")
    recheck = args.recheck
    with fetcher_from_settings(settings) as fetcher, _publish_hook(settings, serve=not args.once):
        while True:
            try:
                code = _one_run(settings, fetcher, recheck)
            except HoibaoError as exc:
                if args.once:
                    raise
                print(f"hoibao: {exc}", file=sys.stderr, flush=True)
                code = 2
            if args.once:
                return code
            recheck = False
            print(f"Lần làm mới sau: {minutes:g} phút nữa (Ctrl-C để dừng).", file=sys.stderr, flush=True)
            time.sleep(minutes * 60)
