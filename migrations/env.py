"""Alembic environment: runs on the connection handed in by models.store.migrate."""
from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from core.config_load import load_settings
        from models.store import make_engine

        engine = make_engine(load_settings().database.url)
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
