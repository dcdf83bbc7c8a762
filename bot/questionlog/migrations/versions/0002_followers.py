"""Topics to follow: follows, the pushes outbox, pushed_articles (bot/followers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("chat_hash", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("topic_key", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("platform", "chat_hash", "topic_key", name="one_follow_per_chat_and_topic"),
    )
    op.create_index("ix_follows_chat_hash", "follows", ["chat_hash"])
    op.create_index("ix_follows_topic_key", "follows", ["topic_key"])
    op.create_table(
        "pushes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("chat_hash", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_pushes_chat_hash", "pushes", ["chat_hash"])
    op.create_index("ix_pushes_state", "pushes", ["state"])
    op.create_index("ix_pushes_sent_at", "pushes", ["sent_at"])
    op.create_table(
        "pushed_articles",
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("chat_hash", sa.String(64), nullable=False),
        sa.Column("article_id", sa.String(200), nullable=False),
        sa.Column("push_id", sa.Integer, sa.ForeignKey("pushes.id", ondelete="CASCADE"), nullable=False),
        sa.UniqueConstraint("platform", "chat_hash", "article_id", name="one_push_per_chat_and_article"),
    )


def downgrade() -> None:
    op.drop_table("pushed_articles")
    op.drop_index("ix_pushes_sent_at", "pushes")
    op.drop_index("ix_pushes_state", "pushes")
    op.drop_index("ix_pushes_chat_hash", "pushes")
    op.drop_table("pushes")
    op.drop_index("ix_follows_topic_key", "follows")
    op.drop_index("ix_follows_chat_hash", "follows")
    op.drop_table("follows")
