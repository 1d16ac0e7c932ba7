"""Shared fixtures: settings, a fake clock, and a migrated store on SQLite and PostgreSQL."""
import os
import shutil
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from core.clock import FakeClock
from core.config_load import load_settings
from models.store import make_engine, migrate
from models.sync import sync_directory

PG_URL = os.environ.get("GRIDWHISTLE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# CI sets this so that "PostgreSQL is not there" fails instead of skipping.
REQUIRE_PG = os.environ.get("GRIDWHISTLE_REQUIRE_PG") == "1"


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture
def clock():
    """Tuesday 2026-11-24 10:00 in Shanghai: a working day, inside working hours."""
    return FakeClock("2026-11-24T10:00:00+08:00")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, settings):
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    sync_directory(engine, settings)
    engine.dispose()
    return path


def pg_admin():
    """An engine on the `test` database; skips the test without PostgreSQL (fails it in CI)."""
    try:
        admin = make_engine(PG_URL)
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no PostgreSQL"
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (GRIDWHISTLE_REQUIRE_PG=1) but not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    return admin


@contextmanager
def private_schema(admin, url: str = PG_URL):
    """A new empty schema, dropped afterwards; yields the URL that puts it first on the search path."""
    schema = f"gw_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(scope="session")
def pg_schema_url(settings):
    """A private schema in the `test` database, migrated once per session."""
    admin = pg_admin()
    with private_schema(admin) as url:
        engine = make_engine(url)
        migrate(engine)
        sync_directory(engine, settings)
        engine.dispose()
        yield url
    admin.dispose()


DIRECTORY_TABLES = {"grid", "member", "alembic_version"}


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path, settings):
    """A migrated database holding the demo community's grids and members, and nothing else."""
    if request.param == "sqlite":
        path = tmp_path / "gw.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = make_engine(request.getfixturevalue("pg_schema_url"))
        empty_pg(engine)
    yield engine
    engine.dispose()


def empty_pg(engine):
    with engine.begin() as conn:
        names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
        business = [n for n in names if n not in DIRECTORY_TABLES]
        if business:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in business) + " RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def gazetteer(settings):
    """The demo community's places for triage."""
    from core.gazetteer import gazetteer_entries
    from nlp.gazetteer import Gazetteer
    return Gazetteer.from_entries(gazetteer_entries(settings))


@pytest.fixture(scope="session")
def classifier(gazetteer):
    """One warmed-up classifier with the repository's model, shared by the session."""
    from nlp.classifier import Classifier
    return Classifier.load(gazetteer=gazetteer).warm_up()


class SimulatedCrash(BaseException):
    """Raised where the service would die with SIGKILL: a BaseException, so no `except Exception` catches it."""


@pytest.fixture
def crash_at(monkeypatch):
    """Arm a named crash point (core/faults.py) to raise SimulatedCrash in this process instead of killing it."""
    from core import faults

    def arm(point: str, count: int = 1) -> None:
        assert point in faults.POINTS
        monkeypatch.setattr(faults, "_plan", {point: count})

    def die() -> None:
        faults._plan = {}  # the process that "restarts" runs without the crash point, as after a real kill
        raise SimulatedCrash()
    monkeypatch.setattr(faults, "_die", die)
    return arm
