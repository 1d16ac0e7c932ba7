"""The privacy key and the store: made once and kept owner-only, refused when it cannot open what the store sealed,
and rows written in clear before 0007_privacy sealed at the next start."""
import logging
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlmodel import select

from core.privacy import Privacy
from core.privacy_key import ENV, KeyProblem
from models import AuditLog, InboxMessage, Outbox, SharedValue, Ticket
from models.sealing import CHECK, NOTE, legacy_rows_waiting, open_store_key, seal_clear_rows
from models.store import session

ROOT = Path(__file__).resolve().parent.parent


def test_the_first_start_makes_a_key_only_its_owner_reads_and_says_to_back_it_up(engine, tmp_path, caplog):
    key_file, privacy = tmp_path / "data" / "privacy.key", Privacy()
    with caplog.at_level(logging.WARNING):
        assert open_store_key(engine, privacy, key_file, {}) is True
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    Fernet(key_file.read_bytes().strip())  # a usable key
    assert [r.message for r in caplog.records if "back it up" in r.message]
    assert privacy.unseal(privacy.seal("13812345678")) == "13812345678"
    again = Privacy()
    assert open_store_key(engine, again, key_file, {}) is False  # the next start reads the same key
    assert again.unseal(privacy.seal("x")) == "x"


def test_a_key_file_others_can_read_is_used_with_a_warning(engine, tmp_path, caplog):
    key_file = tmp_path / "privacy.key"
    key_file.write_bytes(Fernet.generate_key())
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        assert open_store_key(engine, Privacy(), key_file, {}) is False
    assert [r for r in caplog.records if "chmod 600" in r.message]


def test_a_store_with_sealed_numbers_and_no_key_refuses_to_start(engine, tmp_path):
    open_store_key(engine, Privacy(), tmp_path / "privacy.key", {})
    (tmp_path / "privacy.key").unlink()  # lost, or not copied to this machine
    with pytest.raises(KeyProblem, match=r"privacy.key_file .*privacy.key.*missing.*backup"):
        open_store_key(engine, Privacy(), tmp_path / "privacy.key", {})
    assert not (tmp_path / "privacy.key").exists()  # no new key made over the store's


def test_another_key_is_refused_by_name(engine, tmp_path):
    open_store_key(engine, Privacy(), tmp_path / "privacy.key", {})
    with pytest.raises(KeyProblem, match=f"{ENV}: not the key this store"):
        open_store_key(engine, Privacy(), tmp_path / "other.key", {ENV: Fernet.generate_key().decode()})
    (tmp_path / "privacy.key").write_bytes(Fernet.generate_key())
    with pytest.raises(KeyProblem, match="privacy.key_file .* not the key this store"):
        open_store_key(engine, Privacy(), tmp_path / "privacy.key", {})


def test_the_environments_key_wins_and_a_malformed_key_is_named(engine, tmp_path):
    key = Fernet.generate_key()
    privacy = Privacy()
    assert open_store_key(engine, privacy, tmp_path / "unused.key", {ENV: key.decode()}) is False
    assert not (tmp_path / "unused.key").exists()
    assert Privacy(key).unseal(privacy.seal("x")) == "x"
    (tmp_path / "bad.key").write_text("hunter2\n")
    with pytest.raises(KeyProblem, match=r"privacy.key_file \(.*bad.key\): not a key"):
        open_store_key(engine, Privacy(), tmp_path / "bad.key", {})


def _write_clear(engine):
    """Rows as a version before 0007_privacy wrote them: full numbers in clear, nothing sealed."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO inboxmessage (msg_key, channel, sender, msg_type, content, payload, status, "
                          "attempts) VALUES ('mp:1', 'mp', 'oWang', 'text', '我电话13812345678 桂花苑路灯坏了', "
                          "'{}', 'done', 1)"))
        conn.execute(text("INSERT INTO ticket (number, status, urgency, text, triage, policy, route, cycle, photos) "
                          "VALUES ('GW-1', 'dispatched', 'normal', '我电话13812345678 桂花苑路灯坏了', '{}', '{}', "
                          "'grid', 0, '[]')"))
        conn.execute(text("INSERT INTO outbox (idem_key, channel, recipient, msg_type, payload, status, attempts, "
                          "ambiguous) VALUES ('k1', 'resident', '1', 'text', "
                          "'{\"text\": \"网格员李明（13900002102）会联系您\"}', 'pending', 0, false)"))
        conn.execute(text("INSERT INTO auditlog (actor, action, note, data) VALUES ('wg_li', 'resolved', "
                          "'已联系车主13912345678', '{}')"))
        conn.execute(text("INSERT INTO sharedvalue (key, value) VALUES (:key, 'x')"), {"key": NOTE})


def test_rows_written_in_clear_before_the_migration_are_sealed_once(engine):
    _write_clear(engine)
    privacy = Privacy.ephemeral()
    assert legacy_rows_waiting(engine)
    assert seal_clear_rows(engine, privacy) == 4
    with session(engine) as db:
        inbox = db.exec(select(InboxMessage)).one()
        ticket = db.exec(select(Ticket)).one()
        queued = db.exec(select(Outbox)).one()
        note = db.exec(select(AuditLog)).one()
    assert inbox.content == ticket.text == "我电话138****5678 桂花苑路灯坏了"
    assert privacy.unseal(inbox.content_sealed) == privacy.unseal(ticket.text_sealed) == "我电话13812345678 桂花苑路灯坏了"
    assert queued.payload["text"] == "网格员李明（139****2102）会联系您"
    assert privacy.text_of(queued.payload) == "网格员李明（13900002102）会联系您"  # still delivered as meant
    assert note.note == "已联系车主139****5678"
    assert not legacy_rows_waiting(engine)
    assert seal_clear_rows(engine, privacy) == 0  # a second pass finds nothing to do


def test_the_migration_leaves_a_used_store_a_note_for_the_first_start(tmp_path):
    from alembic import command
    from alembic.config import Config

    from models.store import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0006_escalation_notices")
    with engine.begin() as connection:  # a store in use: a message in the inbox
        connection.execute(text("INSERT INTO inboxmessage (msg_key, channel, sender, msg_type, content, payload, "
                                "status, attempts) VALUES ('mp:1', 'mp', 'o', 'text', '电话13812345678', '{}', 'new', 0)"))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0007_privacy")
    assert legacy_rows_waiting(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0006_escalation_notices")
    with session(engine) as db:
        assert db.get(SharedValue, NOTE) is None
    engine.dispose()


def _config(tmp_path: Path, database: Path) -> Path:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["database"]["url"] = f"sqlite:///{database}"
    raw["geo"]["boundaries_file"] = str(ROOT / raw["geo"]["boundaries_file"])
    raw["demo"] = {"enabled": True, "seed_history": False}  # as `make run` has it: no WeChat credentials
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_run_py_makes_the_key_beside_the_config_and_refuses_to_serve_without_it(tmp_path):
    config = _config(tmp_path, tmp_path / "gw.db")
    sealed = _run("seal", "--config", str(config))
    assert sealed.returncode == 0, sealed.stderr
    assert (tmp_path / "data" / "privacy.key").exists() and "back it up" in sealed.stderr
    (tmp_path / "data" / "privacy.key").rename(tmp_path / "elsewhere.key")
    refused = _run("serve", "--config", str(config))
    assert refused.returncode == 2
    assert "privacy.key_file" in refused.stderr and "backup" in refused.stderr
    assert not (tmp_path / "data" / "privacy.key").exists()


def test_the_check_value_is_sealed_not_clear(engine, tmp_path):
    open_store_key(engine, Privacy(), tmp_path / "privacy.key", {})
    with session(engine) as db:
        assert db.get(SharedValue, CHECK).value.startswith("gAAAAA")  # a Fernet token


def test_the_scan_finds_a_number_left_in_clear(engine):
    from tests.privacy_scan import numbers_at_rest

    _write_clear(engine)
    assert sorted(numbers_at_rest(engine)) == ["auditlog.note: 13912345678", "inboxmessage.content: 13812345678",
                                               "outbox.payload: 13900002102", "ticket.text: 13812345678"]
    assert numbers_at_rest(engine, sent=["13912345678"]).count("auditlog.note: 13912345678") == 2  # both ways
    seal_clear_rows(engine, Privacy.ephemeral())
    assert numbers_at_rest(engine, sent=["13812345678", "13900002102", "13912345678"]) == []


def test_a_fresh_store_has_nothing_waiting_to_be_sealed(engine):
    assert not legacy_rows_waiting(engine)
