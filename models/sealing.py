"""The store and the privacy key: the key must open what the store has sealed, and rows written in clear get sealed.

At start (inside the start-up lock, after migrating) `open_store_key` reads the key, makes one if
there is none and the store has never sealed anything, and refuses a missing or different key when it
has (KeyProblem: run.py exits 2). `seal_clear_rows` is the data half of migration 0007_privacy: every
masked column (MaskedText, MaskedJSON) of every table, rewritten masked, its original sealed beside it
where the table keeps one (`<column>_sealed`).
"""
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from core.privacy import Privacy, SealBroken
from core.privacy_key import ENV, KeyProblem, create_key_file, read_key
from models.columns import SEALED_KEY, MaskedJSON, MaskedText, masked_json
from models.outbox import SharedValue
from models.rows import insert_ignore
from models.store import session

log = logging.getLogger(__name__)
CHECK = "privacy.check"  # a value sealed with the key the store uses: proves a key right or wrong
NOTE = "privacy.unsealed"  # left by migration 0007_privacy: rows from before it wait to be sealed
PROOF = "gridwhistle"
BATCH = 500


def open_store_key(engine: Engine, privacy: Privacy, key_file: Path, env: Mapping[str, str]) -> bool:
    """Give `privacy` the store's key; True if it was made just now. KeyProblem if it is missing or wrong."""
    source = read_key(key_file, env)
    with session(engine) as db:
        check = db.get(SharedValue, CHECK)
    created = source.key is None
    if source.key is None:
        if check is not None:
            raise KeyProblem(f"{source.where}: missing, but this store holds numbers sealed with a key. Restore the "
                             f"key file from its backup (or set {ENV}); a new key could not open them.")
        key = create_key_file(source.path or key_file)
    else:
        key = source.key
    privacy.use_key(key)
    if check is None:
        with session(engine) as db:
            insert_ignore(db, SharedValue, dict(key=CHECK, value=privacy.seal(PROOF)), ["key"])
            db.commit()
            check = db.get(SharedValue, CHECK)  # another instance may have written it first
    try:
        opens = privacy.unseal(check.value) == PROOF
    except SealBroken:
        opens = False
    if not opens:
        raise KeyProblem(f"{source.where}: not the key this store's numbers were sealed with. Use that key (from "
                         f"its backup); starting with another would show nothing but masked numbers.")
    if created:
        log.warning("privacy key created: back it up apart from the database; without it the full phone and ID "
                    "numbers in the store cannot be shown again", extra={"key_file": str(source.path or key_file)})
    return created


def legacy_rows_waiting(engine: Engine) -> bool:
    """Migration 0007_privacy left rows written in clear to be sealed."""
    with session(engine) as db:
        return db.get(SharedValue, NOTE) is not None


def seal_clear_rows(engine: Engine, privacy: Privacy) -> int:
    """Mask every masked column's full numbers, sealing the original where a `_sealed` column waits; rows changed."""
    changed = 0
    for table in SQLModel.metadata.sorted_tables:
        columns = [c.name for c in table.columns if isinstance(c.type, (MaskedText, MaskedJSON))]
        if columns:
            changed += _seal_table(engine, privacy, table, columns)
    with session(engine) as db:
        note = db.get(SharedValue, NOTE)
        if note is not None:
            db.delete(note)
        db.commit()
    if changed:
        log.info("rows written in clear are sealed now", extra={"rows": changed})
    return changed


def _seal_table(engine: Engine, privacy: Privacy, table: Table, columns: list[str]) -> int:
    key = next(iter(table.primary_key.columns))
    sealed = [c for c in columns if f"{c}_sealed" in table.columns]
    read = [key, *(table.c[c] for c in columns), *(table.c[f"{c}_sealed"] for c in sealed)]
    changed, after = 0, None
    while True:
        with session(engine) as db:
            query = select(*read).order_by(key).limit(BATCH)
            rows = db.connection().execute(query if after is None else query.where(key > after)).mappings().all()
            for row in rows:
                values = _new_values(privacy, table, columns, row)
                if values:
                    db.connection().execute(update(table).where(key == row[key.name]).values(**values))
                    changed += 1
            db.commit()
        if len(rows) < BATCH:
            return changed
        after = rows[-1][key.name]


def _new_values(privacy: Privacy, table: Table, columns: list[str], row: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in columns:
        value = row[name]
        if isinstance(table.c[name].type, MaskedJSON):
            new = masked_json(value)
            if isinstance(value, dict) and isinstance(value.get("text"), str) and SEALED_KEY not in value:
                sealed = privacy.split(value["text"])[1]
                if sealed:
                    new[SEALED_KEY] = sealed  # a message still to deliver keeps its full text
            if new != value:
                values[name] = new
        elif isinstance(value, str):
            masked, sealed = privacy.split(value)
            if sealed and f"{name}_sealed" in table.columns and row[f"{name}_sealed"] is None:
                values |= {name: masked, f"{name}_sealed": sealed}
            elif masked != value:
                values[name] = masked
    return values
