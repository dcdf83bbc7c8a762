"""The question log: questions, feedback, installation (as in bot/questionlog/schema.py at its start).

Revision ID: 0001
Revises:
Create Date: 2025-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_hash", sa.String(64), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("question", sa.Text, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("article_id", sa.String(200), nullable=True),
        sa.Column("article_title", sa.Text, nullable=True),
        sa.Column("paragraph", sa.Integer, nullable=True),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("written", sa.Boolean, nullable=False),
        sa.Column("fallback", sa.String(32), nullable=True),
    )
    op.create_index("ix_questions_asked_at", "questions", ["asked_at"])
    op.create_index("ix_questions_outcome", "questions", ["outcome"])
    op.create_table(
        "feedback",
        sa.Column("question_id", sa.String(32), sa.ForeignKey("questions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("value", sa.SmallInteger, nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("question_id", "user_hash", name="one_feedback_per_reader"),
    )
    op.create_index("ix_feedback_question_id", "feedback", ["question_id"])
    op.create_table(
        "installation",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("installation")
    op.drop_index("ix_feedback_question_id", "feedback")
    op.drop_table("feedback")
    op.drop_index("ix_questions_outcome", "questions")
    op.drop_index("ix_questions_asked_at", "questions")
    op.drop_table("questions")
