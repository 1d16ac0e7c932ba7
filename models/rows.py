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
    # Executed on the connection (Core), not through the ORM's bulk-insert machinery: it is
    # on the escalation hot path, and the ORM adds a millisecond per row for nothing here.
    db.flush()
    return db.connection().execute(statement).first() is not None


def claim_rows(engine, model, due, claimer_values: dict, order_by, batch: int) -> list[int]:
    """Mark up to `batch` rows matching `due` as claimed and return their ids.

    The UPDATE opens the transaction, so SQLite takes its write lock before reading;
    on PostgreSQL the chosen rows are locked with SKIP LOCKED, so instances claim
    disjoint rows instead of waiting for each other.
    """
    from sqlalchemy import select, update

    from models.store import session

    key = next(iter(model.__table__.primary_key.columns))
    pick = select(key).where(due).order_by(order_by).limit(batch)
    if engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    statement = update(model).where(key.in_(pick.scalar_subquery())).values(**claimer_values).returning(key)
    with session(engine) as db:
        ids = list(db.exec(statement).scalars())
        db.commit()
    return ids
