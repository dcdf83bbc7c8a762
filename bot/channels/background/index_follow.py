"""Bot replicas follow the index: every HOIBAO_INDEX_FOLLOW_SECONDS, serve the build made current elsewhere.

Several bots can share one index: a FAISS volume where the `index` service swaps the `current`
symlink, or a Qdrant cluster where it flips the alias. Each bot asks cheaply which build is current
(`AnswerService.current_build`, behind `index.backend.Location`, so nothing here knows the backend)
and, when that changed, loads it with `AnswerService.reload`: the swap /reindex makes, without the
build, so a read-only replica follows too. Loading runs in a worker thread while questions are
answered from the old index.

A build that fails to load (damaged, another embedder) or a store that cannot be reached logs one
line, not one per check, and the old index keeps answering; the next new build is tried again.
HOIBAO_INDEX_FOLLOW_SECONDS=0 turns the task off.
"""

from __future__ import annotations

import asyncio
import logging

from bot.service import AnswerService, ReindexBusy
from bot.settings import Settings
from index.errors import HoibaoError

log = logging.getLogger(__name__)


class Follower:
    """One check at a time (`step`), remembering the failure it already logged."""

    def __init__(self, service: AnswerService) -> None:
        self.service = service
        self._logged = ""  # which failure was logged last (build and error kind); cleared by a success

    def step(self) -> bool:
        """Load the current build if it is not the one served; True when it was swapped in. Never raises."""
        try:
            build = self.service.current_build()
        except Exception as exc:  # noqa: BLE001 — a store out of reach: the loaded index still answers
            self._warn_once("?", exc, "could not check which index build is current")
            return False
        if build is None or build == self.service.serving_build:
            self._logged = ""
            return False
        try:
            self.service.reload()
        except ReindexBusy:
            return False  # a /reindex is loading the current build anyway
        except Exception as exc:  # noqa: BLE001 — the old index keeps answering
            self._warn_once(build, exc, f"could not load the new index build {build}")
            return False
        self._logged = ""
        log.info("now serving index build %s", self.service.serving_build)
        return True

    def _warn_once(self, build: str, exc: Exception, what: str) -> None:
        """One line per build and kind of failure, not one per check."""
        key = f"{build}|{type(exc).__name__}"
        if key != self._logged:
            self._logged = key
            log.warning("%s, the previous one keeps answering: %s", what,
                        exc if isinstance(exc, HoibaoError) else f"{type(exc).__name__}: {exc}")


async def run(settings: Settings, service: AnswerService, stop: asyncio.Event) -> None:
    """Check every HOIBAO_INDEX_FOLLOW_SECONDS until `stop`; never raises."""
    seconds = settings.index_follow_seconds
    if seconds <= 0:
        return
    follower = Follower(service)
    while True:
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
            return
        except asyncio.TimeoutError:
            pass
        await asyncio.to_thread(follower.step)
