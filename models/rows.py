"""Row helpers that must behave the same on SQLite and PostgreSQL."""
import functools

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_ignore(db: Session, model: type[SQLModel], values: dict, conflict: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if the row was inserted.

    A plain INSERT that hits a UNIQUE constraint aborts the whole transaction on
    PostgreSQL; this keeps the transaction usable, which exactly-once writes rely on.
    """
    return inserted_id(db, model, values, conflict) is not None


def inserted_id(db: Session, model: type[SQLModel], values: dict, conflict: list[str]):
    """insert_ignore, giving the new row's primary key (None if the row was there already)."""
    statement = _insert_ignore(db.get_bind().dialect.name, model, tuple(conflict))
    # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
    # Core on the table, the statement built once and the values bound at execution: every message
    # stores through here several times, and building an ORM insert cost more than running it.
    db.flush()
    return db.connection().execute(statement, values).scalar()


@functools.cache
def _insert_ignore(dialect_name: str, model: type[SQLModel], conflict: tuple[str, ...]):
    dialect = sqlite if dialect_name == "sqlite" else postgresql
    table = model.__table__
    key = next(iter(table.primary_key.columns))
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(conflict)).returning(key)


def claim_rows(engine, model, due, claimer_values: dict, order_by, batch: int) -> list[int]:
    """Mark up to `batch` rows matching `due` as claimed and return their ids; `order_by` one column or a tuple.

    The UPDATE opens the transaction, so SQLite takes its write lock before reading;
    on PostgreSQL the chosen rows are locked with SKIP LOCKED, so instances claim
    disjoint rows instead of waiting for each other.
    """
    from sqlalchemy import select, update

    from models.store import session

    key = next(iter(model.__table__.primary_key.columns))
    pick = select(key).where(due).order_by(*(order_by if isinstance(order_by, tuple) else (order_by,))).limit(batch)
    if engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    statement = update(model).where(key.in_(pick.scalar_subquery())).values(**claimer_values).returning(key)
    with session(engine) as db:
        ids = list(db.exec(statement).scalars())
        db.commit()
    return ids
