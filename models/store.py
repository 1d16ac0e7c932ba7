"""Open the database: SQLite (WAL, one instance: one process, or one serving and one processing) or PostgreSQL
(several instances)."""
import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

ROOT = Path(__file__).resolve().parent.parent
BUSY_TIMEOUT_S = 30  # a SQLite statement waits this long for a lock held elsewhere
PROMPT_RETRY_S = 0.0005  # a prompt engine's tries for the write lock (_sqlite_begin_promptly)


class StoreLocked(RuntimeError):
    """Another process already serves this SQLite file."""


def normalise_url(url: str) -> str:
    """Make relative SQLite paths relative to the project; use psycopg 3 for PostgreSQL."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_absolute():
            path = ROOT / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(parsed.set(database=str(path)))
    return url


def make_engine(url: str, prompt: bool = False, **kwargs) -> Engine:
    """An engine with the pragmas each backend needs.

    `prompt` (SQLite): its write transactions ask for the file's write lock every PROMPT_RETRY_S while another
    process holds it (server.processing: separate's serving process, beside the processing one).
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_promptly if prompt else _sqlite_begin_immediate)
        return engine
    engine = create_engine(url, **({"pool_size": 10, "max_overflow": 20} | kwargs))
    event.listen(engine, "checkin", _idle_from)
    event.listen(engine, "checkout", _idle_ping(engine.dialect))
    return engine


# A connection back in the pool for longer than this is pinged before it is lent again. SQLAlchemy's
# pool_pre_ping pinged on every checkout: a round trip per transaction, several per message. One in
# steady use is not: if the server went away meanwhile, the error is a disconnect, which drops every
# pooled connection at once (the callback answers non-200 and WeChat retries; the worker's next round
# takes fresh ones). Monotonic time here is the pool's own bookkeeping, not the service's clock.
IDLE_PING_S = 5.0


def _idle_from(_dbapi_conn, record) -> None:
    record.info["idle_from"] = time.monotonic()


def _idle_ping(dialect):
    def ping_if_idle(dbapi_conn, record, _proxy) -> None:
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from < IDLE_PING_S:
            return  # new, or in steady use
        try:
            dialect.do_ping(dbapi_conn)
        except Exception as error:  # dead: the pool throws it away and lends a fresh one
            raise DisconnectionError(str(error)) from error
    return ping_if_idle


def make_reader(engine: Engine) -> Engine:
    """An engine for what only reads (console, API, /healthz), beside `engine` which writes.

    On SQLite its transactions start deferred and the connection is query-only: a read takes no
    write lock, so it reads the last commit while a write is in progress instead of queueing
    behind it (and holding up the writes queued after it). PostgreSQL's readers never wait for
    writers: there the writing engine serves.
    """
    if not is_sqlite(engine) or engine.url.database in (None, "", ":memory:"):
        return engine
    reader = create_engine(engine.url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S})
    event.listen(reader, "connect", _sqlite_reader_pragmas)
    event.listen(reader, "begin", _sqlite_begin_deferred)
    return reader


def _sqlite_reader_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA query_only=ON")  # a write through the reader is a bug: fail it loudly
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _sqlite_begin_deferred(connection) -> None:
    # A read snapshot from the first SELECT on; in WAL mode it never waits for the writer.
    connection.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy, not the driver, open transactions (see _sqlite_begin_immediate).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Take the write lock at BEGIN: a deferred transaction that reads and then writes can
    # fail at once with "database is locked" in WAL mode; an immediate one waits its turn.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_promptly(connection) -> None:
    # SQLite's busy handler sleeps 1, 2, 5, 10 ... up to 100 ms between its tries for a lock another process
    # holds, and that process's next transaction often takes the lock again meanwhile: behind the processing
    # process's stream of short transactions a serving process's insert waited hundreds of milliseconds. Tried
    # every PROMPT_RETRY_S instead, the lock is taken within that of its release, ahead of the other's sleepers.
    # The transaction's statements keep the busy timeout (the write lock is held by then).
    driver = connection.connection.driver_connection
    give_up = time.monotonic() + BUSY_TIMEOUT_S
    driver.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > give_up:
                    raise
            time.sleep(PROMPT_RETRY_S)
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded engine."""
    return engine.dialect.name == "sqlite"


def lock_single_instance(engine: Engine):
    """Hold an exclusive lock beside the SQLite file; raise StoreLocked if another process has it."""
    database = engine.url.database
    if not is_sqlite(engine) or database in (None, "", ":memory:"):
        return None
    lock_path = Path(database + ".lock")
    handle = open(lock_path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StoreLocked(
            f"{database} is in use by another GridWhistle process; SQLite serves one instance. "
            "Stop the other one, or use PostgreSQL (GRIDWHISTLE_DATABASE_URL) to run several.") from None
    handle.seek(0), handle.truncate(), handle.write(str(os.getpid())), handle.flush()
    return handle


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


STARTUP_LOCK = 0x6777_0001  # any constant shared by every instance: "gw" + 1


@contextmanager
def startup_lock(engine: Engine):
    """Processes starting together on one store take turns at migrating and syncing config.

    On PostgreSQL a session-level advisory lock held on its own connection; on a SQLite file an
    exclusive lock on a file beside it (server.processing: separate forks two processes on one file,
    and lock_single_instance's lock is their parent's).
    """
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
        return
    database = engine.url.database
    if database in (None, "", ":memory:"):
        yield
        return
    with open(database + ".start.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed, also by a process that dies
        yield


@contextmanager
def _advisory_lock(engine: Engine):
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK})
            connection.commit()


def ping(engine: Engine) -> bool:
    """True when the database answers."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not alive" for /healthz
        return False


def session(engine: Engine) -> Session:
    """A session that keeps loaded objects usable after commit."""
    return Session(engine, expire_on_commit=False)


@contextmanager
def one_statement(engine: Engine) -> Iterator[Connection]:
    """A connection for work that is one statement, which needs no transaction around it. On PostgreSQL it
    runs in autocommit, its own transaction: one round trip instead of BEGIN, it, and COMMIT (or ROLLBACK),
    a few of which every message paid. Elsewhere (SQLite's autocommit path costs more) in a transaction."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield connection


@contextmanager
def one_read(engine: Engine) -> Iterator[Session]:
    """A session for one SELECT (one_statement); on SQLite the ordinary session, which costs less there."""
    if engine.dialect.name != "postgresql":
        with session(engine) as db:
            yield db
        return
    with one_statement(engine) as connection, Session(connection, expire_on_commit=False) as db:
        yield db
