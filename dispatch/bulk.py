"""Multi-row writes for the ticker's hot path: a few statements per batch, not several per row."""
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_ignore_many(db: Session, model: type[SQLModel], rows: list[dict[str, Any]], conflict: list[str],
                       returning: list[str] | None = None) -> list[tuple[Any, ...]]:
    """INSERT ... ON CONFLICT DO NOTHING for many rows; return `returning` columns of the rows inserted.

    Like models.rows.insert_ignore, it keeps a PostgreSQL transaction usable when a row exists.
    """
    if not rows:
        return []
    dialect = sqlite if db.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).on_conflict_do_nothing(index_elements=conflict)
    db.flush()
    # executemany: SQLAlchemy batches the rows into multi-row INSERTs ("insertmanyvalues")
    # from one cached compiled statement, which is much cheaper than compiling .values(rows).
    if not returning:
        db.connection().execute(statement, rows)
        return []
    statement = statement.returning(*(model.__table__.c[c] for c in returning))
    return [tuple(r) for r in db.connection().execute(statement, rows)]


def insert_many(db: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """A plain multi-row INSERT."""
    if rows:
        db.flush()
        db.connection().execute(insert(model), rows)
