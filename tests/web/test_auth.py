"""Logging in and out; nothing is readable without a session."""
import pytest

from tests.web.conftest import hazard, login
from web.console import sessions

PAGES = ["/console", "/console/board", "/console/tickets/1", "/console/stats", "/console/assessment"]
DATA = ["/console/board/live", "/console/ledger.csv", "/console/ledger.xlsx"]


@pytest.mark.parametrize("path", PAGES)
async def test_it_sends_pages_to_the_login_without_a_session(client, world, path):
    hazard(world)
    response = await client.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/console/login")


@pytest.mark.parametrize("path", DATA)
async def test_it_answers_401_to_data_and_downloads_without_a_session(client, path):
    assert (await client.get(path, allow_redirects=False)).status == 401


async def test_it_refuses_actions_without_a_session(client, world):
    receipt = hazard(world)  # tests/test_wiring.py checks every route of the app as run.py builds it
    assert (await client.post(f"/console/tickets/{receipt.ticket_id}/action", data={"action": "press"})).status == 401


async def test_it_logs_in_with_the_right_password_only(client):
    wrong = await login(client, "sz_chen", "guess")
    assert wrong.status == 401 and "账号或密码不正确" in await wrong.text()
    assert (await login(client, "nobody")).status == 401
    ok = await login(client, "sz_chen")
    assert ok.status == 302 and ok.headers["Location"] == "/console/board"
    cookie = ok.cookies[sessions.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    board = await client.get("/console/board")
    assert board.status == 200 and "陈所长" in await board.text()


async def test_it_never_redirects_off_site_after_login(client):
    response = await client.post("/console/login", data={"member": "sz_chen", "password": "correct horse",
                                                         "next": "//evil.example/x"}, allow_redirects=False)
    assert response.headers["Location"] == "/console/board"


async def test_a_tampered_or_expired_cookie_is_no_session(client, clock):
    await login(client, "sz_chen")
    value = client.session.cookie_jar.filter_cookies(client.make_url("/"))[sessions.COOKIE].value
    jar, here = client.session.cookie_jar, client.make_url("/")
    jar.clear()
    jar.update_cookies({sessions.COOKIE: value[:-2] + "00"}, here)
    assert (await client.get("/console/board", allow_redirects=False)).status == 302
    jar.clear()
    jar.update_cookies({sessions.COOKIE: value}, here)
    assert (await client.get("/console/board", allow_redirects=False)).status == 200
    clock.advance("13h")
    assert (await client.get("/console/board", allow_redirects=False)).status == 302


async def test_a_new_password_ends_old_sessions_and_logout_ends_this_one(client, engine):
    from models import Member
    from models.store import session
    from web.console.passwords import hash_password

    await login(client, "sz_chen")
    assert (await client.get("/console/board", allow_redirects=False)).status == 200
    await client.post("/console/logout", allow_redirects=False)
    assert (await client.get("/console/board", allow_redirects=False)).status == 302
    await login(client, "sz_chen")
    with session(engine) as db:
        member = db.get(Member, "sz_chen")
        member.password_hash = hash_password("another one")
        db.add(member)
        db.commit()
    assert (await client.get("/console/board", allow_redirects=False)).status == 302
