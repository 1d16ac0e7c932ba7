"""Empty stores for a run: a temp SQLite file or a private PostgreSQL schema, and their removal."""
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import text

from models.store import make_engine

PG_URL = os.environ.get("GRIDWHISTLE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = ("sqlite", "postgresql")


def fresh_url(kind: str) -> str:
    """The URL of an empty store of this kind (a new file, or a new schema on the search path)."""
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='gw-bench-')}/bench.db"
    schema = f"gw_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def fresh_engine(kind: str):
    """An engine on an empty store."""
    return make_engine(fresh_url(kind))


def drop(engine) -> None:
    """Remove what the run used: the PostgreSQL schema, or the temp folder of the SQLite file."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            schema = c.execute(text("SELECT current_schema()")).scalar()
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()
    folder = Path(engine.url.database or "").parent
    if engine.dialect.name == "sqlite" and folder.name.startswith("gw-bench-"):
        shutil.rmtree(folder, ignore_errors=True)


def postgres_version() -> str:
    """The server's version, or why there is none."""
    try:
        engine = make_engine(PG_URL)
        with engine.connect() as c:
            version = c.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return version.split()[0]
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"unreachable ({exc.__class__.__name__})"
