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
