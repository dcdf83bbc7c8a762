"""`hoibao sources add|list|remove` and `hoibao refresh`: the commands over ingest's crawler."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time

from bot.settings import Settings
from index.errors import HoibaoError


def _settings(args: argparse.Namespace) -> Settings:
    from bot.cli.main import _settings as settings_of  # the command line's one validated Settings

    return settings_of(args)


def fetcher_from_settings(settings: Settings):
    from ingest.polite import PoliteFetcher

    return PoliteFetcher(settings.user_agent, timeout_seconds=settings.fetch_timeout_seconds,
                         max_bytes=settings.fetch_max_bytes, default_delay=settings.crawl_delay_seconds,
                         allow_private=settings.allow_private_addresses)


def cmd_sources_add(args: argparse.Namespace) -> int:
    from ingest.follow import SourceRefused, add_source
    from ingest.state import CrawlState

    settings = _settings(args)
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


def cmd_sources_list(args: argparse.Namespace) -> int:
    from ingest.follow import source_lines
    from ingest.state import CrawlState, state_path

    settings = _settings(args)
    lines = []
    if state_path(settings.index_dir).is_file():
        with CrawlState(settings.index_dir) as state:
            lines = source_lines(state)
    print("\n".join(lines) if lines else "Chưa theo dõi nguồn nào. Thêm: hoibao sources add URL")
    return 0


def cmd_sources_remove(args: argparse.Namespace) -> int:
    from ingest.follow import SourceRefused, remove_source
    from ingest.state import CrawlState

    settings = _settings(args)
    code = 0
    with CrawlState(settings.index_dir) as state:
        for url in args.urls:
            try:
                print("\n".join(remove_source(state, url)))
            except SourceRefused as exc:
                print(f"hoibao: {exc}", file=sys.stderr)
                code = 2
    return code


def refresh_once(settings: Settings, fetcher, rebuild, *, recheck: bool = False, progress: bool = False,
                 on_outcome=lambda outcome: None, should_stop=lambda: False):
    """One refresh of every source under the refresh lock; the RefreshReport. Shared with the bots' task."""
    from ingest.admit import Limits
    from ingest.refresh import refresh, refresh_lock
    from ingest.state import CrawlState

    with refresh_lock(settings.index_dir), CrawlState(settings.index_dir) as state:
        if not state.sources():
            raise HoibaoError("Chưa theo dõi nguồn nào: hoibao sources add URL (RSS/Atom, sitemap hoặc trang chủ).")
        return refresh(state, fetcher, settings.seeds_dir, rebuild, recheck=recheck,
                       max_articles=settings.refresh_max_articles, prune=settings.prune_xpath,
                       on_outcome=on_outcome, progress=progress, should_stop=should_stop,
                       limits=Limits.from_settings(settings))


def _print_outcome(outcome) -> None:
    from ingest.add import UNCHANGED

    if outcome.status != UNCHANGED:  # counted in the summary; a line each would bury the news
        print(outcome.line(), flush=True)


def _one_run(settings: Settings, fetcher, recheck: bool) -> int:
    from bot.service import build_from_settings, embedder_from_settings

    report = refresh_once(settings, fetcher, recheck=recheck, progress=sys.stderr.isatty(),
                          rebuild=lambda: build_from_settings(settings, embedder_from_settings(settings), progress=False),
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
    from bot.service import build_from_settings, embedder_from_settings
    from ingest.recheck import recheck
    from ingest.state import CrawlState

    with fetcher_from_settings(settings) as fetcher, CrawlState(settings.index_dir) as state:
        report = recheck(state, fetcher, settings.seeds_dir, urls, prune=settings.prune_xpath,
                         rebuild=lambda: build_from_settings(settings, embedder_from_settings(settings), progress=False),
                         on_outcome=lambda outcome: print(outcome.line(), flush=True))
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


def cmd_refresh(args: argparse.Namespace) -> int:
    """Once (--once), or every HOIBAO_REFRESH_MINUTES until Ctrl-C; --recheck applies to the first run.
    With URLs: just those, once."""
    settings = _settings(args)
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
