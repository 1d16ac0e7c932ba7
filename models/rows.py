"""Row helpers that must behave the same on SQLite and PostgreSQL."""
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_ignore(db: Session, model: type[SQLModel], values: dict, conflict: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if the row was inserted.

    A plain INSERT that hits a UNIQUE constraint aborts the whole transaction on
    PostgreSQL; this keeps the transaction usable, which exactly-once writes rely on.
    """
    dialect = sqlite if db.get_bind().dialect.name == "sqlite" else postgresql
    key = next(iter(model.__table__.primary_key.columns))
    statement = (dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
                 .returning(key))
    # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
    return db.exec(statement).first() is not None
