"""Keys kept in the store, one per database, so that every instance signs and checks alike."""
import secrets

from sqlalchemy.engine import Engine
from sqlmodel import select

from models.outbox import SharedValue
from models.rows import insert_ignore
from models.store import session


def shared_key(engine: Engine, name: str) -> bytes:
    """The key called `name`: made at random by the first instance that asks, read by the others."""
    with session(engine) as db:
        insert_ignore(db, SharedValue, dict(key=name, value=secrets.token_hex(32)), ["key"])
        db.commit()
        return bytes.fromhex(db.exec(select(SharedValue.value).where(SharedValue.key == name)).one())
