"""Waiting in tests for something another task or thread does: bounded, and failing with what was awaited.

A wait without a deadline hangs the suite when the behaviour breaks; a bare TimeoutError says
nothing about what never happened. These say it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def until(condition: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    """Poll `condition` on the event loop until it holds; the test fails after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"waited {timeout:g} s for {what}"
        await asyncio.sleep(0.01)


async def notified(changed: asyncio.Condition, condition: Callable[[], object], what: str, timeout: float) -> None:
    """Wait for `condition` each time `changed` is notified (the fake servers' calls); fails after `timeout`."""
    try:
        async with changed:
            await asyncio.wait_for(changed.wait_for(condition), timeout)
    except TimeoutError:
        raise AssertionError(f"waited {timeout:g} s for {what}") from None


def until_sync(condition: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    """The same from a plain thread (a test waiting on a background writer)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout:g} s for {what}"
        time.sleep(0.005)
