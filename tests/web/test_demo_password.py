"""The demo password: accepted at login in demo mode only, for members without a hash, and never stored."""
import logging

from sqlalchemy import update
from sqlmodel import select

from models import Member
from models.store import session
from models.sync import sync_directory
from tests.helpers import make_services, with_demo
from tests.web.conftest import login
from web import console
from web.app import build_app
from web.console import passwords

DEMO = passwords.DEMO_PASSWORD


def no_hashes(engine, **but):
    with session(engine) as db:
        db.exec(update(Member).values(password_hash=""))
        for member_id, stored in but.items():
            db.exec(update(Member).where(Member.id == member_id).values(password_hash=stored))
        db.commit()


async def console_client(aiohttp_client, settings, engine, clock, demo: bool):
    services = make_services(with_demo(settings, enabled=demo), engine, clock)
    return await aiohttp_client(build_app(services, [console.setup]))


async def test_in_demo_mode_a_member_without_a_hash_logs_in_with_the_demo_password(aiohttp_client, settings,
                                                                                    engine, clock):
    no_hashes(engine, sz_chen=passwords.hash_password("his own"))
    client = await console_client(aiohttp_client, settings, engine, clock, demo=True)
    assert (await login(client, "wg_li", DEMO)).status == 302
    board = await client.get("/console/board", allow_redirects=False)
    assert board.status == 200 and "李明" in await board.text()
    assert (await login(client, "sz_chen", DEMO)).status == 401  # a hash of one's own is the only password
    assert (await login(client, "sz_chen", "his own")).status == 302
    with session(engine) as db:
        assert db.get(Member, "wg_li").password_hash == ""


async def test_outside_demo_mode_the_demo_password_opens_nothing(aiohttp_client, settings, engine, clock):
    no_hashes(engine)
    demo = await console_client(aiohttp_client, settings, engine, clock, demo=True)
    assert (await login(demo, "wg_li", DEMO)).status == 302
    cookie = demo.session.cookie_jar.filter_cookies(demo.make_url("/"))
    client = await console_client(aiohttp_client, settings, engine, clock, demo=False)
    assert (await login(client, "wg_li", DEMO)).status == 401
    client.session.cookie_jar.update_cookies(cookie, client.make_url("/"))  # a session the demo gave
    assert (await client.get("/console/board", allow_redirects=False)).status == 302


def test_at_start_outside_demo_mode_demo_hashes_go_and_one_warning_lists_who_cannot_log_in(settings, engine, caplog):
    no_hashes(engine, wg_li=passwords.hash_password(DEMO), sz_chen=passwords.hash_password("his own"))
    assert passwords.check_stored(engine, with_demo(settings)) == []  # the demo: nothing to say
    with caplog.at_level(logging.WARNING, logger="web.console.passwords"):
        without = passwords.check_stored(engine, with_demo(settings, enabled=False))
    active = [m.id for m in settings.members]
    assert without == sorted(set(active) - {"sz_chen"}) and "wg_li" in without
    [cleared, warning] = caplog.records
    assert cleared.members == ["wg_li"] and warning.members == without
    with session(engine) as db:
        assert db.get(Member, "wg_li").password_hash == ""


def test_config_yaml_is_the_only_source_of_stored_hashes(settings, engine):
    no_hashes(engine, wg_li="$argon2id$v=19$m=65536,t=3,p=4$left$behind")
    listed = settings.model_copy(update={"members": [
        m.model_copy(update={"password_hash": "$argon2id$from-config"}) if m.id == "sz_chen" else m
        for m in settings.members]})
    sync_directory(engine, listed)
    with session(engine) as db:
        stored = dict(db.exec(select(Member.id, Member.password_hash)).all())
    assert stored["wg_li"] == "" and stored["sz_chen"] == "$argon2id$from-config"
