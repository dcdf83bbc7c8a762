"""Run the configured chat bots in one event loop (`hoibao telegram`, `hoibao zalo`, `hoibao run`).

Stopping (SIGTERM, Ctrl-C): every bot stops taking updates and finishes those it has, for at most
HOIBAO_DRAIN_SECONDS (a bot past it counts the answers it did not send in one log line); then the
shutdown hooks run (the question log is flushed there); then the process ends, within the drain
plus 5 seconds, even when a thread (an index rebuild) is still busy.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.channels import credentials
from bot.channels.background import hooks as publish_hook
from bot.channels.background import index_follow, refresh as refresh_task, watch
from bot.channels.credentials import Platform
from bot.channels.runtime import until_stopped
from bot.followers.service import Followers
from bot.questionlog.writer import QuestionLog
from bot.service import AnswerService
from bot.settings import Settings

log = logging.getLogger("hoibao.channels")

Server = Callable[..., Awaitable[None]]  # (settings, service, stop, questions=…)
# Called once the bots have drained, with the seconds it may take; may return an awaitable.
# The question log's `close(timeout)` is one (serve_all adds it itself).
ShutdownHook = Callable[[float], object]
HOOKS_SECONDS = 2.0  # what the shutdown hooks may take together
LATE_SECONDS = 1.5  # past the drain, how long a stopping task (the refresh) may take before it is cut
THREADS_SECONDS = 1.0  # how long the exit waits for worker threads still busy (an answer, a rebuild)


def _server(platform: Platform) -> Server:
    """The platform's `serve`, imported only when that platform runs (PTB is a large import)."""
    if platform is credentials.TELEGRAM:
        from bot.channels.telegram import app as telegram, errors as telegram_errors

        return telegram_errors.translated(telegram.serve)
    from bot.channels.zalo import app as zalo

    return zalo.serve


async def serve_all(settings: Settings, service: AnswerService, platforms: list[Platform],
                    stop: asyncio.Event | None = None, on_shutdown: Sequence[ShutdownHook] = ()) -> None:
    """The bots side by side, sharing one answer service and one stop event.

    When one bot fails, the others are stopped cleanly and the failure is raised. The question log
    (HOIBAO_DATABASE_URL) is shared by the bots; once every bot has stopped (drained), it is
    flushed and then each of `on_shutdown` is called, with the seconds left for them. Beside the
    bots, the background refresh of the followed sources (bot.channels.background.refresh), the publish
    hook (bot.channels.background.hooks, while HOIBAO_PUBLISH_SECRET is set) and the seeds watcher
    (bot.channels.background.watch, HOIBAO_WATCH_SEEDS). Each tells `service.articles_indexed` what it indexed.
    """
    credentials.check(settings, platforms)
    questions = QuestionLog.from_settings(settings)
    followers = await asyncio.to_thread(Followers.from_settings, settings, service)  # topics to follow
    if followers is not None:
        followers.listen(service)
    async with until_stopped(stop) as stop:
        tasks = [asyncio.create_task(_server(p)(settings, service, stop, questions=questions, followers=followers),
                                     name=p.name) for p in platforms]
        tasks.append(asyncio.create_task(refresh_task.run(settings, service, stop, followers), name="refresh"))
        tasks.append(asyncio.create_task(index_follow.run(settings, service, stop), name="index-follow"))
        # Seconds from publish to answer: the signed publish hook (and WebSub), the watched seeds folder.
        tasks.append(asyncio.create_task(publish_hook.run(settings, service, stop), name="publish-hook"))
        tasks.append(asyncio.create_task(watch.run(settings, service, stop), name="watch-seeds"))
        try:
            await asyncio.gather(*tasks)
        finally:
            stop.set()
            # The bots drain within HOIBAO_DRAIN_SECONDS; a refresh still fetching or building by then
            # is cut (its thread is left behind: see `leave_busy_threads`).
            _, late = await asyncio.wait(tasks, timeout=settings.drain_seconds + LATE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            hooks = [*([lambda left: asyncio.to_thread(questions.close, left)] if questions else []), *on_shutdown]
            await run_hooks(hooks, HOOKS_SECONDS)


async def run_hooks(hooks: Sequence[ShutdownHook], seconds: float,
                    clock: Callable[[], float] = time.monotonic) -> None:
    """Each hook with the time left of `seconds`; one failing or late is logged and the next still runs."""
    deadline = clock() + seconds
    for hook in hooks:
        left = max(0.1, deadline - clock())
        try:
            result = hook(left)
            if inspect.isawaitable(result):
                await asyncio.wait_for(result, left)
        except TimeoutError:
            log.warning("shutdown: %s did not finish within %.1f s", getattr(hook, "__qualname__", hook), left)
        except Exception as exc:  # noqa: BLE001 (the process is ending: say so, run the rest)
            log.error("shutdown: %s failed: %s", getattr(hook, "__qualname__", hook), type(exc).__name__,
                      exc_info=exc)


def run(settings: Settings, platforms: list[Platform], make_service: Callable[[], AnswerService],
        on_shutdown: Sequence[ShutdownHook] = ()) -> None:
    """Check the tokens and webhook secrets, then make the service (slow: it may build the index) and serve
    until Ctrl-C or SIGTERM; `on_shutdown` as in `serve_all`."""
    credentials.check(settings, platforms)
    service = make_service()
    # asyncio.run would wait, without end, for the threads still answering (or rebuilding the
    # index) after the drain gave up on them: this loop's executor is left, then waited for briefly.
    executor = ThreadPoolExecutor(thread_name_prefix="hoibao")
    loop = asyncio.new_event_loop()
    loop.set_default_executor(executor)
    try:
        loop.run_until_complete(serve_all(settings, service, platforms, on_shutdown=on_shutdown))
    finally:
        try:
            _cancel_remaining(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()  # shuts the executor down without waiting
    leave_busy_threads(executor, THREADS_SECONDS)


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def leave_busy_threads(executor: ThreadPoolExecutor, seconds: float) -> None:
    """Wait up to `seconds` for the executor's threads; if some are still busy, end the process now.

    Python would otherwise wait for them at exit (an index rebuild takes minutes). What they were
    doing is safe to cut: a rebuild publishes a new index only when it is complete.
    """
    deadline = time.monotonic() + seconds
    threads = list(getattr(executor, "_threads", ()))
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    busy = [t for t in threads if t.is_alive()]
    if not busy:
        return
    log.warning("shutdown: %d worker thread(s) still busy (an answer or an index rebuild); exiting without "
                "them", len(busy))
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)

