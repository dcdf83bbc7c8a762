"""Follows and the push outbox in the question log's database (schema: bot/questionlog/schema.py).

Synchronous SQLAlchemy Core; callers run it off the event loop. Chats are stored as the question
log stores them (salted HMAC of platform and chat id) plus the address to send to.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.followers.match import topic_key
from bot.questionlog import db
from bot.questionlog.schema import follows, pushed_articles, pushes

QUEUED, SENT, DROPPED = "queued", "sent", "dropped"


@dataclass(frozen=True)
class Follower:
    platform: str
    chat_hash: str
    address: str
    topic: str


@dataclass(frozen=True)
class Push:
    id: int
    platform: str
    chat_hash: str
    address: str
    body: str


class FollowStore:
    def __init__(self, engine: Engine, salt: bytes) -> None:
        self.engine, self._salt = engine, salt

    @classmethod
    def open(cls, url: str) -> "FollowStore":
        """The store at a database URL, migrated to head (the question log's migrations)."""
        engine = db.make_engine(url)
        db.migrate(engine)
        return cls(engine, db.installation_salt(engine))

    def hash(self, platform: str, chat: object) -> str:
        """The question log's salted hash of a chat: the same chat, the same hash in both tables."""
        return hmac.new(self._salt, f"{platform}:{chat}".encode(), hashlib.sha256).hexdigest()

    # --- subscriptions ---------------------------------------------------------------------------

    def follow(self, platform: str, chat: object, topic: str, cap: int) -> str:
        """"added", "exists" or "full" (the chat follows `cap` topics already)."""
        chat_hash = self.hash(platform, chat)
        with self.engine.begin() as connection:
            mine = follows.c.platform == platform, follows.c.chat_hash == chat_hash
            if connection.scalar(select(func.count()).where(*mine, follows.c.topic_key == topic_key(topic))):
                return "exists"
            if connection.scalar(select(func.count()).where(*mine)) >= cap:
                return "full"
            try:
                connection.execute(insert(follows).values(platform=platform, chat_hash=chat_hash, address=str(chat),
                                                          topic=topic, topic_key=topic_key(topic), created_at=db.now()))
            except IntegrityError:  # the same follow from a second replica at the same moment
                return "exists"
        return "added"

    def unfollow(self, platform: str, chat: object, topic: str) -> bool:
        """Delete the row; False when the chat did not follow it."""
        with self.engine.begin() as connection:
            gone = connection.execute(delete(follows).where(
                follows.c.platform == platform, follows.c.chat_hash == self.hash(platform, chat),
                follows.c.topic_key == topic_key(topic))).rowcount
        return bool(gone)

    def topics(self, platform: str, chat: object) -> list[str]:
        with self.engine.connect() as connection:
            mine = follows.c.platform == platform, follows.c.chat_hash == self.hash(platform, chat)
            return list(connection.scalars(select(follows.c.topic).where(*mine).order_by(follows.c.id)))

    def followers(self) -> list[Follower]:
        with self.engine.connect() as connection:
            columns = follows.c.platform, follows.c.chat_hash, follows.c.address, follows.c.topic
            return [Follower(*row) for row in connection.execute(select(*columns))]

    def counts(self) -> list[tuple[str, int]]:
        """(topic as most typed, followers) per topic, most followed first: the editors' report."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(follows.c.topic_key, func.min(follows.c.topic), func.count())
                                      .group_by(follows.c.topic_key).order_by(func.count().desc()))
            return [(topic, n) for _, topic, n in rows]

    def drop_chat(self, platform: str, chat_hash: str) -> int:
        """A chat that blocked the bot: every follow deleted, its queued pushes dropped."""
        with self.engine.begin() as connection:
            connection.execute(update(pushes).where(pushes.c.platform == platform, pushes.c.chat_hash == chat_hash,
                                                    pushes.c.state == QUEUED).values(state=DROPPED))
            return connection.execute(delete(follows).where(follows.c.platform == platform,
                                                            follows.c.chat_hash == chat_hash)).rowcount

    # --- the outbox ------------------------------------------------------------------------------

    def enqueue(self, platform: str, chat_hash: str, address: str, articles: list[str], body_for) -> int | None:
        """Queue one push for these articles unless every one was pushed to the chat already; `body_for(new
        articles)` makes its text. The claim on each article and the row are one transaction."""
        with self.engine.begin() as connection:
            done = set(connection.scalars(select(pushed_articles.c.article_id).where(
                pushed_articles.c.platform == platform, pushed_articles.c.chat_hash == chat_hash,
                pushed_articles.c.article_id.in_(articles))))
            fresh = [a for a in articles if a not in done]
            if not fresh:
                return None
            push_id = connection.execute(insert(pushes).values(
                platform=platform, chat_hash=chat_hash, address=address, body=body_for(fresh), state=QUEUED,
                created_at=db.now())).inserted_primary_key[0]
            connection.execute(insert(pushed_articles), [
                {"platform": platform, "chat_hash": chat_hash, "article_id": a, "push_id": push_id} for a in fresh])
        return push_id

    def due(self, platform: str, limit: int = 100) -> list[Push]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(pushes.c.id, pushes.c.platform, pushes.c.chat_hash, pushes.c.address,
                                             pushes.c.body).where(pushes.c.platform == platform,
                                                                  pushes.c.state == QUEUED)
                                      .order_by(pushes.c.id).limit(limit))
            return [Push(*row) for row in rows]

    def mark(self, push_id: int, state: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(pushes).where(pushes.c.id == push_id)
                               .values(state=state, sent_at=db.now() if state == SENT else None))

    def sent_since(self, platform: str, chat_hash: str, since: datetime) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).where(
                pushes.c.platform == platform, pushes.c.chat_hash == chat_hash, pushes.c.state == SENT,
                pushes.c.sent_at >= since)) or 0

    def sent_last_hour(self, platform: str, chat_hash: str) -> int:
        return self.sent_since(platform, chat_hash, db.now() - timedelta(hours=1))
