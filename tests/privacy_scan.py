"""Read a whole store the way someone with a copy of the database would, looking for full phone and ID numbers."""
import json
from collections.abc import Iterable

from sqlalchemy import MetaData, select

from core.privacy import SEALED_KEY, find_numbers

# Random keys and digests no one typed: a run of their digits can look like a number by chance.
SECRETS = {("sharedvalue", "value"), ("member", "password_hash"), ("callbacknonce", "key"),
           ("callbacknonce", "body_sha256"), ("websession", "digest"), ("websession", "password_fp")}
_WIDE = {chr(0xFF10 + d): str(d) for d in range(10)}


def numbers_at_rest(engine, sent: Iterable[str] = ()) -> list[str]:
    """"table.column: what" for every full number kept in clear: each of `sent` (its digits, however spaced) in any
    column, and any number the detector finds in a column that is not a seal or a secret."""
    digits = [d for d in sent]
    found = []
    tables = MetaData()
    tables.reflect(bind=engine)
    with engine.connect() as connection:
        for table in tables.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    text = _readable(value)
                    if text is None:
                        continue
                    flat = "".join(_WIDE.get(c, c) for c in text if c not in " -\u3000")
                    found += [f"{table.name}.{column}: {d}" for d in digits if d in flat]
                    if (table.name, column) in SECRETS or column.endswith("_sealed"):
                        continue
                    found += [f"{table.name}.{column}: {n.digits}" for n in find_numbers(_unsealed(value, text))]
    return found


def _readable(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return None


def _unsealed(value, text: str) -> str:
    """The value without its sealed parts (JSON "sealed" entries), which are ciphertext, not text."""
    if isinstance(value, str) and value.startswith(("{", "[")):
        try:
            value = json.loads(value)
        except ValueError:
            return text
    if isinstance(value, (dict, list)):
        return json.dumps(_drop_seals(value), ensure_ascii=False)
    return text


def _drop_seals(value):
    if isinstance(value, dict):
        return {k: _drop_seals(v) for k, v in value.items() if k != SEALED_KEY}
    if isinstance(value, list):
        return [_drop_seals(v) for v in value]
    return value
