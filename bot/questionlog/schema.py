"""The question log's tables, in SQLAlchemy Core: the one description the writer, the
migrations and the editors' report share.

Readers are never stored as themselves: chat and user are salted SHA-256 hashes
(the salt made once per installation, never logged), so an editor can count
repeat askers without learning who they are. `question` is NULL when
HOIBAO_LOG_QUESTIONS is off; every other column is kept.
"""

from __future__ import annotations

from sqlalchemy import (Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, SmallInteger, String,
                        Table, Text, UniqueConstraint)

metadata = MetaData()

# One row per question answered (or refused) on any channel.
questions = Table(
    "questions", metadata,
    Column("id", String(32), primary_key=True),  # uuid4 hex; also the key feedback buttons carry
    Column("asked_at", DateTime(timezone=True), nullable=False, index=True),  # UTC
    Column("channel", String(16), nullable=False),  # telegram, zalo, console, ask
    Column("chat_hash", String(64), nullable=False),
    Column("user_hash", String(64), nullable=False),
    Column("question", Text, nullable=True),  # NULL when HOIBAO_LOG_QUESTIONS=false
    Column("outcome", String(16), nullable=False, index=True),  # answered / unsure / not_found / refused
    Column("confidence", Float, nullable=True),
    Column("article_id", String(200), nullable=True),  # the cited article (seeds file name)
    Column("article_title", Text, nullable=True),
    Column("paragraph", Integer, nullable=True),  # the cited paragraph's number in its article
    Column("latency_ms", Float, nullable=False),
    Column("written", Boolean, nullable=False, default=False),  # a checked written answer was sent (docs/llm.md)
    Column("fallback", String(32), nullable=True),  # why the extractive answer was sent instead, when the LLM is on
)

# One row per reader per answer: a second tap by the same reader changes nothing.
feedback = Table(
    "feedback", metadata,
    Column("question_id", String(32), ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_hash", String(64), nullable=False),
    Column("value", SmallInteger, nullable=False),  # +1 👍, -1 👎
    Column("given_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("question_id", "user_hash", name="one_feedback_per_reader"),
)

# Installation facts: the hashing salt (generated once), the last retention purge.
installation = Table(
    "installation", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

OUTCOMES = ("answered", "unsure", "not_found", "refused")

# Topics to follow (bot/followers): one row per chat and topic; unfollowing deletes it. The chat is
# stored hashed as everywhere here, plus `address`, what the platform needs to send to it (its chat id).
follows = Table(
    "follows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),  # telegram, zalo
    Column("chat_hash", String(64), nullable=False, index=True),
    Column("address", String(64), nullable=False),
    Column("topic", Text, nullable=False),  # as the reader typed it (NFC)
    Column("topic_key", String(200), nullable=False, index=True),  # folded, single-spaced
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "chat_hash", "topic_key", name="one_follow_per_chat_and_topic"),
)

# The push outbox: one message per chat per notification (a digest when several articles match).
# Queued rows survive a restart; a row is marked sent once the platform took it.
pushes = Table(
    "pushes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("chat_hash", String(64), nullable=False, index=True),
    Column("address", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("state", String(16), nullable=False, index=True),  # queued, sent, dropped
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True, index=True),
)

# Which article was pushed to which chat: an article is pushed to a chat once, whatever happens.
pushed_articles = Table(
    "pushed_articles", metadata,
    Column("platform", String(16), nullable=False),
    Column("chat_hash", String(64), nullable=False),
    Column("article_id", String(200), nullable=False),
    Column("push_id", Integer, ForeignKey("pushes.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("platform", "chat_hash", "article_id", name="one_push_per_chat_and_article"),
)
