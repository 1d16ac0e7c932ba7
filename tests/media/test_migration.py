"""0008_media on a store in use: every photo kept before gets a row, its bytes stay where they were."""
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import select

from models import MediaFile
from models.store import make_engine, session
from tests.conftest import pg_admin, private_schema

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(params=["sqlite", "postgres"])
def empty_engine(request, tmp_path):
    """An empty database (no schema yet) on each engine."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    admin = pg_admin()
    with private_schema(admin) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()
    admin.dispose()


def upgrade(engine, revision: str, down: bool = False) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_photos_kept_before_get_a_row_each_and_keep_their_addresses(empty_engine):
    upgrade(empty_engine, "0007_privacy")
    with empty_engine.begin() as db:
        db.execute(text("INSERT INTO photo (id, content_type, size, data, uploaded_by, ticket_id, created_at) "
                        "VALUES (:id, 'image/png', 3, :data, 'wg_li', 7, '2026-11-01 02:00:00+00')"),
                   {"id": "ab" * 16, "data": b"png"})
        db.execute(text("INSERT INTO webreport (id, key, device, address, text, place, phone, photos, ticket_id) "
                        "VALUES (1, 'r1', 'd', 'a', 't', '', '', '[]', 9)"))
        for key, report in (("w" * 32, 1), ("k" * 32, 0)):  # a 随手拍 photo, and a 微信客服 image (no report)
            db.execute(text("INSERT INTO reportphoto (key, report_id, content_type, size, data) "
                            "VALUES (:key, :report, 'image/jpeg', 4, :data)"), {"key": key, "report": report,
                                                                                  "data": b"jpeg"})
    upgrade(empty_engine, "0008_media")
    with session(empty_engine) as db:
        rows = {r.key: r for r in db.exec(select(MediaFile)).all()}
    assert {k: (r.url, r.source, r.sender, r.ticket_id, r.kind, r.size) for k, r in rows.items()} == {
        "ab" * 16: ("/m/photos/" + "ab" * 16, "legacy_m", "wg_li", 7, "photo", 3),
        "w" * 32: ("/r/photo/" + "w" * 32, "legacy_r", "", 9, "photo", 4),
        "k" * 32: ("/r/photo/" + "k" * 32, "legacy_r", "", None, "photo", 4),
    }
    assert rows["ab" * 16].created_at is not None and rows["w" * 32].expired_at is None
    upgrade(empty_engine, "0007_privacy", down=True)
    with empty_engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM photo")).scalar() == 1  # the bytes were never moved
