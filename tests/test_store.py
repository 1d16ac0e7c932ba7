"""The store: migrations on both engines, the directory sync, SQLite's single-instance, start and write locks."""
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from models import Grid, Member, Outbox, store
from models.store import StoreLocked, lock_single_instance, make_engine, migrate, session, startup_lock
from tests.conftest import pg_admin

ROOT = Path(__file__).resolve().parent.parent


def test_it_holds_the_grid_hierarchy_and_members(engine):
    with session(engine) as db:
        micro = db.get(Grid, "gh-2-a")
        assert (micro.level, micro.parent_id, micro.village_id) == ("micro", "gh-2", "guihua")
        assert db.get(Grid, "gh-2").parent_id == "guihua"
        li = db.get(Member, "wg_li")
        assert (li.name, li.grid_id, li.roles) == ("李明", "gh-1", ["grid_worker"])
        assert len(db.exec(select(Grid).where(Grid.level == "grid")).all()) == 5


def test_it_refuses_a_second_outbox_row_with_the_same_key(engine):
    from sqlalchemy.exc import IntegrityError
    with session(engine) as db:
        db.add(Outbox(idem_key="k1", channel="demo", recipient="wg_li"))
        db.commit()
        db.add(Outbox(idem_key="k1", channel="demo", recipient="wg_li"))
        with pytest.raises(IntegrityError):
            db.commit()


def test_migrations_are_idempotent_and_end_at_the_head_with_the_models_schema(engine):
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    migrate(engine)  # the fixture's store is migrated already: a second run changes nothing
    migrate(engine)
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    scripts = ScriptDirectory.from_config(config)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == (scripts.get_current_head(),)
    assert schema_differences(engine) == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_second_process_on_the_same_sqlite_file_refuses_to_start(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    holder = lock_single_instance(engine)
    assert holder is not None
    with pytest.raises(StoreLocked):
        lock_single_instance(engine)
    code = ("from models.store import make_engine, lock_single_instance, StoreLocked\n"
            f"e = make_engine('sqlite:///{tmp_path / 'one.db'}')\n"
            "try:\n    lock_single_instance(e)\nexcept StoreLocked as x:\n    print('LOCKED', x)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "LOCKED" in out.stdout and "another GridWhistle process" in out.stdout
    holder.close()



def _drop_pooled_connection(engine) -> None:
    """The server ends the one connection in the pool, as a restart or an outage would."""
    with engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = pg_admin()
    with admin.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_processes_starting_on_one_sqlite_file_take_turns(tmp_path):
    engine, order = make_engine(f"sqlite:///{tmp_path}/gw.db"), []

    def second() -> None:
        with startup_lock(engine):
            order.append("second")
    with startup_lock(engine):
        late = threading.Thread(target=second)
        late.start()
        time.sleep(0.2)
        order.append("first")
    late.join(5)
    assert order == ["first", "second"]


def test_a_prompt_engine_waits_for_the_write_lock_and_keeps_the_busy_timeout(tmp_path):
    url = f"sqlite:///{tmp_path}/gw.db"
    holder, prompt = make_engine(url), make_engine(url, prompt=True)
    with holder.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    held = holder.connect()
    held.begin()  # BEGIN IMMEDIATE: the write lock, as the processing process holds it
    started = time.monotonic()
    threading.Timer(0.2, held.commit).start()
    with prompt.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == store.BUSY_TIMEOUT_S * 1000
    assert time.monotonic() - started >= 0.19  # it waited its turn rather than failing
    held.close()


def test_a_pooled_postgresql_connection_idle_long_enough_is_pinged_and_replaced_unseen(monkeypatch, pg_schema_url):
    engine = make_engine(pg_schema_url, pool_size=1, max_overflow=0)
    _drop_pooled_connection(engine)
    monkeypatch.setattr(store, "IDLE_PING_S", 0.0)  # every connection back in the pool counts as idle
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()


def test_a_pooled_postgresql_connection_in_steady_use_is_not_pinged_and_a_dead_one_fails_once(monkeypatch,
                                                                                             pg_schema_url):
    engine = make_engine(pg_schema_url, pool_size=1, max_overflow=0)
    _drop_pooled_connection(engine)
    monkeypatch.setattr(store, "IDLE_PING_S", 1e9)  # never idle long enough: no round trip before lending it
    with pytest.raises(OperationalError), engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    with engine.connect() as conn:  # the disconnect emptied the pool: the next one is fresh
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()

def schema_differences(engine) -> list:
    """What the migrated database lacks or has beyond the models (tables, columns, indexes, constraints)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return [d for d in compare_metadata(context, SQLModel.metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]
