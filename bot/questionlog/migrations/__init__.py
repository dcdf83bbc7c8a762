"""Alembic's scripts for the question log, run by `bot.questionlog.db.migrate` (no alembic.ini)."""
