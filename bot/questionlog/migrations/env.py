"""Alembic's environment for the question log.

`bot.questionlog.db.migrate` hands the connection in (`config.attributes`); without one
(a developer running Alembic's API by hand), HOIBAO_DATABASE_URL is used.
"""

from __future__ import annotations

from alembic import context

from bot.questionlog.schema import metadata

config = context.config


def run(connection) -> None:
    # render_as_batch: SQLite alters a table by copying it, which batch mode does for later revisions.
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("the question log's migrations run online only (bot.questionlog.db.migrate)")

given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    from bot.questionlog.db import make_engine
    from bot.settings import load_settings

    with make_engine(load_settings().database_url).begin() as connection:
        run(connection)
