"""The push outbox drained within a platform's limits, resumable across restarts.

Limits (counted here, before the platform would refuse): Telegram allows about 30 messages a second
to different chats and 20 a minute to one group; a private chat gets at most one a second. Zalo's
Bot API documents no figure we could find, so its rate is a setting (HOIBAO_FOLLOW_ZALO_PER_SECOND).
A row is marked sent only after the platform took it, and a stop (SIGTERM) ends the loop between two
messages: what is queued when the bot stops goes out after the restart, and nothing goes twice
(a kill -9 between the send and its mark could repeat that one message).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.followers.store import DROPPED, SENT, FollowStore, Push

log = logging.getLogger("hoibao.followers")

POLL_SECONDS = 5.0  # how often the outbox is looked at when nobody wakes the sender


class Blocked(Exception):
    """The chat blocked the bot (Telegram 403, Zalo's equivalent): unsubscribe it."""


@dataclass(frozen=True)
class Limits:
    per_second: float  # to all chats together
    group_per_minute: float = 20.0  # to one group chat
    chat_per_second: float = 1.0  # to one private chat
    per_chat_hour: int = 6  # the hourly cap per chat (HOIBAO_FOLLOW_MAX_PER_HOUR)


def is_group(address: str) -> bool:
    """Telegram group and channel ids are negative."""
    return address.startswith("-")


class Sender:
    """Drains one platform's queued pushes with `send(address, text)` (raises Blocked for a 403)."""

    def __init__(self, platform: str, store: FollowStore, send: Callable[[str, str], Awaitable[None]],
                 limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.platform, self.store, self.send, self.limits, self.clock = platform, store, send, limits, clock
        self.wake = asyncio.Event()
        self._next_any = 0.0
        self._next_chat: dict[str, float] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: drain, then wait to be woken (`wake`) or POLL_SECONDS."""
        while not stop.is_set():
            try:
                await self.drain(stop)
            except Exception as exc:  # noqa: BLE001 (a database or network failure: the rows stay queued)
                log.warning("push sender (%s): %s: %s", self.platform, type(exc).__name__, exc)
            self.wake.clear()
            waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())}
            _, pending = await asyncio.wait(waiters, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    async def drain(self, stop: asyncio.Event) -> int:
        """Send every due push the limits allow now; the number sent."""
        sent = 0
        for push in await asyncio.to_thread(self.store.due, self.platform, 500):
            if stop.is_set():
                break
            if await asyncio.to_thread(self.store.sent_last_hour, self.platform, push.chat_hash) \
                    >= self.limits.per_chat_hour:
                continue  # stays queued: it goes when the hour allows
            await self._pace(push.address)
            if await self._send(push):
                sent += 1
        return sent

    async def _send(self, push: Push) -> bool:
        try:
            await self.send(push.address, push.body)
        except Blocked:
            gone = await asyncio.to_thread(self.store.drop_chat, self.platform, push.chat_hash)
            log.info("push: a %s chat blocked the bot; %d follow(s) removed", self.platform, gone)
            await asyncio.to_thread(self.store.mark, push.id, DROPPED)
            return False
        await asyncio.to_thread(self.store.mark, push.id, SENT)
        return True

    async def _pace(self, address: str) -> None:
        """Wait until both the overall rate and this chat's allow one more message."""
        gap = 60.0 / self.limits.group_per_minute if is_group(address) else 1.0 / self.limits.chat_per_second
        now = self.clock()
        at = max(now, self._next_any, self._next_chat.get(address, 0.0))
        if at > now:
            await asyncio.sleep(at - now)
        self._next_any = at + 1.0 / self.limits.per_second
        self._next_chat[address] = at + gap
