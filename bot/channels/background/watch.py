"""The watched seeds folder: a file added, changed or removed there is indexed within seconds and swapped in.

HOIBAO_WATCH_SEEDS (on by default in the bots and `make run`). watchfiles (the OS's file events,
through a kept Rust library) reports changes in batches after a short quiet spell, so a copy of
many files is one build. A batch is compared with the index being served (each changed file's
content hash against the manifest): what `hoibao add`, a refresh or the publish hook already
indexed costs nothing more; anything else is one incremental `AnswerService.reindex` and one
`articles_indexed` event. Hidden files (editors' swap files, the atomic writes' `.part` files) and
anything but .txt/.md are not articles and are ignored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from bot.service import AnswerService, ArticlesIndexed
from bot.settings import Settings
from index.corpus import ARTICLE_SUFFIXES, UnreadableArticle, read_article
from index.errors import HoibaoError

log = logging.getLogger(__name__)
DEBOUNCE_MS = 300  # quiet time that ends a batch: a copy of many files is one build
STEP_MS = 50


def is_article_file(path: Path, seeds_dir: Path) -> bool:
    return path.parent == seeds_dir and not path.name.startswith(".") and path.suffix.lower() in ARTICLE_SUFFIXES


def differs(service: AnswerService, seeds_dir: Path, names: set[str]) -> tuple[list[str], list[str]]:
    """Of `names`, those whose file is not what the served index holds: (added or changed, removed)."""
    served = {meta.source: meta.hash for meta in service.catalog()}
    changed, removed = [], []
    for name in sorted(names):
        path = seeds_dir / name
        if not path.is_file():
            if name in served:
                removed.append(name)
            continue
        try:
            digest = read_article(path).content_hash
        except (UnreadableArticle, OSError):
            digest = ""  # a build lists it as skipped
        if served.get(name) != digest:
            changed.append(name)
    return changed, removed


def index_changes(service: AnswerService, seeds_dir: Path, names: set[str]) -> ArticlesIndexed | None:
    """One batch of changed names: rebuild and swap when the index does not hold them yet (worker thread)."""
    while service.rebuilding:  # a refresh or the hook wrote these files and is indexing them already
        time.sleep(0.1)
    changed, removed = differs(service, seeds_dir, names)
    if not (changed or removed):
        return None
    report = service.reindex(wait=True)
    log.info("seeds folder: %d added or changed, %d removed; %s", len(changed), len(removed),
             report.summary().splitlines()[0])
    served = {meta.source for meta in service.catalog()}
    event = ArticlesIndexed(tuple(n for n in changed if n in served), removed=tuple(removed), via="watch")
    service.articles_indexed(event)
    return event


async def run(settings: Settings, service: AnswerService, stop: asyncio.Event) -> None:
    """Watch the seeds folder until `stop`; never raises (a failed build logs one line, the old index answers)."""
    if not settings.watch_seeds:
        return
    from watchfiles import awatch

    seeds_dir = Path(settings.seeds_dir).resolve()
    if not seeds_dir.is_dir():
        log.warning("not watching %s: it is not a folder (HOIBAO_SEEDS_DIR)", seeds_dir)
        return
    log.debug("watching %s for articles (HOIBAO_WATCH_SEEDS)", seeds_dir)  # quiet: a failing start stays one line
    try:
        # What changed while no one watched (the bot was down) is the first batch.
        everything = {p.name for p in seeds_dir.iterdir() if is_article_file(p, seeds_dir)}
        await _index(service, seeds_dir, everything | {meta.source for meta in service.catalog()})
        async for changes in awatch(seeds_dir, stop_event=stop, debounce=DEBOUNCE_MS, step=STEP_MS, recursive=False,
                                    watch_filter=lambda _, path: is_article_file(Path(path), seeds_dir)):
            await _index(service, seeds_dir, {Path(path).name for _, path in changes})
    except Exception as exc:  # noqa: BLE001 — an unwatchable folder must not stop the bots
        log.warning("stopped watching %s: %s: %s", seeds_dir, type(exc).__name__, exc)


async def _index(service: AnswerService, seeds_dir: Path, names: set[str]) -> None:
    try:
        await asyncio.to_thread(index_changes, service, seeds_dir, names)
    except Exception as exc:  # noqa: BLE001 — the bots keep answering from the previous index
        log.warning("seeds folder changed but the index was not rebuilt, the previous one keeps answering: %s",
                    exc if isinstance(exc, HoibaoError) else f"{type(exc).__name__}: {exc}")
