"""Topics to follow as the channels and the refresh see them: commands, and `notify_followers`.

`notify_followers(new_article_ids)` is the one entry point for "these articles were just indexed":
the bots' refresh calls it today (bot/channels/background/refresh.py); a publish hook or a watcher calls
the same. It matches every followed topic against the new articles, queues one message per chat
(a digest when several articles match at once) and wakes the senders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from sqlalchemy.exc import SQLAlchemyError

from bot import messages
from bot.desk.intents import FOLLOW, FOLLOWING, UNFOLLOW, Intent
from bot.followers import message
from bot.followers.match import DENSE_CUTS, MAX_TOPIC_CHARS, matching_paragraph, topic_key
from bot.followers.sender import Limits, Sender
from bot.followers.store import FollowStore

log = logging.getLogger("hoibao.followers")


class Followers:
    def __init__(self, store: FollowStore, service, max_topics: int = 10) -> None:
        self.store, self.service, self.max_topics = store, service, max_topics
        self.senders: dict[str, Sender] = {}
        self._wakers: list[Callable[[], None]] = []

    @classmethod
    def from_settings(cls, settings, service) -> "Followers | None":
        """Over the question log's database; None when it is off or cannot be opened (said once)."""
        from bot.questionlog import db

        if not db.enabled(settings.database_url):
            return None
        try:
            store = FollowStore.open(settings.database_url)
        except Exception as exc:  # noqa: BLE001 (any driver's failure: the bots answer without follows)
            log.warning("topics to follow are off: the database %s cannot be opened (%s)",
                        db.describe(settings.database_url), type(exc).__name__)
            return None
        return cls(store, service, settings.follow_max_topics)

    def sender(self, platform: str, send, limits: Limits) -> Sender:
        """The outbox sender of one platform (the channel runs it); woken by `notify_followers`."""
        sender = Sender(platform, self.store, send, limits)
        self.senders[platform] = sender
        return sender

    def on_queued(self, wake: Callable[[], None]) -> None:
        """`wake()` is called (from any thread) after pushes were queued."""
        self._wakers.append(wake)

    # --- commands --------------------------------------------------------------------------------

    def command(self, platform: str, chat: object, intent: Intent) -> str:
        """The reply to /theodoi, /huytheodoi, /dangtheodoi (or "theo dõi …" / "bỏ theo dõi …")."""
        try:
            return self._command(platform, chat, intent)
        except SQLAlchemyError as exc:  # the database is down: say so, keep answering questions
            log.warning("topics to follow: the database cannot be reached (%s)", type(exc).__name__)
            return messages.FOLLOW_UNAVAILABLE

    def _command(self, platform: str, chat: object, intent: Intent) -> str:
        topic = " ".join(intent.topic.split())
        if intent.kind == FOLLOWING or (intent.kind in (FOLLOW, UNFOLLOW) and not topic):
            return messages.following(self.store.topics(platform, chat), intent.kind)
        if len(topic) > MAX_TOPIC_CHARS or not topic_key(topic):
            return messages.FOLLOW_TOPIC_BAD
        if intent.kind == UNFOLLOW:
            return messages.unfollowed(topic, self.store.unfollow(platform, chat, topic))
        return messages.followed(topic, self.store.follow(platform, chat, topic, self.max_topics), self.max_topics)

    # --- new articles ----------------------------------------------------------------------------

    def listen(self, service) -> None:
        """Tell followers about what the publish hook, WebSub and the watched folder index, as the
        background refresh does (it calls `notify_followers` itself, with only the new articles)."""
        service.on_articles_indexed(lambda event: self.notify_followers(event.articles) if event.via != "refresh" else 0)

    def notify_followers(self, new_article_ids: Iterable[str]) -> int:
        """Queue the pushes for articles just indexed; the number of messages queued. Thread-safe, sync."""
        found = self._matches(list(new_article_ids))
        if not found:
            return 0
        by_chat: dict[tuple[str, str, str], list[tuple[str, message.Match]]] = {}
        for follower in self.store.followers():
            for match in found.get(topic_key(follower.topic), []):
                by_chat.setdefault((follower.platform, follower.chat_hash, follower.address), []).append(
                    (follower.topic, match))
        queued = 0
        for (platform, chat_hash, address), items in by_chat.items():
            matches = {m.article: (t, m) for t, m in items}  # one article matching two topics: once

            def body(fresh: list[str], matches=matches) -> str:
                chosen = [matches[a] for a in fresh]
                if len(chosen) == 1:
                    return message.one(*chosen[0])
                return message.digest(sorted({t for t, _ in chosen}), [m for _, m in chosen])

            if self.store.enqueue(platform, chat_hash, address, list(matches), body) is not None:
                queued += 1
        log.info("followers: %d new article(s), %d message(s) queued", len(found), queued)
        for wake in self._wakers:
            wake()
        return queued

    def _matches(self, articles: list[str]) -> dict[str, list[message.Match]]:
        """topic key → the new articles matching it (with the paragraph that matched): the topic's phrase
        in the article, or a dense score above the embedder's calibrated cut (bot.followers.match)."""
        topics = {topic_key(f.topic): f.topic for f in self.store.followers()}
        known = {a: (self.service.article(a), self.service.paragraphs(a)) for a in articles}
        known = {a: (meta, paragraphs) for a, (meta, paragraphs) in known.items() if meta and paragraphs}
        cut = DENSE_CUTS.get(self.service.embedder_id)
        found: dict[str, list[message.Match]] = {}
        for key, topic in topics.items():
            dense = self.service.topic_scores(topic, frozenset(known)) if cut is not None and known else {}
            for article, (meta, paragraphs) in known.items():
                hit = matching_paragraph(topic, meta.title, meta.url, paragraphs)
                score, best = dense.get(article, (0.0, None))
                hit = hit or (best if cut is not None and score >= cut else None)
                if hit is not None:
                    found.setdefault(key, []).append(message.Match(
                        article, meta.title, meta.url, paragraphs[0].text, hit.number, hit.text))
        return found
