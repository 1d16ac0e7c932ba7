"""Logging in and out; nothing is readable without a session; sessions live in the store."""
import pytest
from sqlmodel import select

from models import Member, WebSession
from models.store import session
from models.sync import sync_directory
from tests.web.conftest import hazard, login, login_token
from web.console import sessions
from web.console.passwords import hash_password

PAGES = ["/console", "/console/board", "/console/tickets/1", "/console/stats", "/console/assessment",
         "/console/security"]
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


async def test_it_logs_in_with_the_right_password_only(client, engine):
    wrong = await login(client, "sz_chen", "guess")
    assert wrong.status == 401 and "账号或密码不正确" in await wrong.text()
    assert (await login(client, "nobody")).status == 401
    ok = await login(client, "sz_chen")
    assert ok.status == 302 and ok.headers["Location"] == "/console/board"
    cookie = ok.cookies[sessions.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    board = await client.get("/console/board")
    assert board.status == 200 and "陈所长" in await board.text()
    with session(engine) as db:  # the cookie is only the id: the store keeps a digest of it, not the id
        [row] = db.exec(select(WebSession).where(WebSession.member_id == "sz_chen")).all()
    assert cookie.value not in (row.digest, row.password_fp) and len(cookie.value) >= 43


async def test_a_login_without_the_forms_token_is_refused(client):
    await login_token(client)  # the cookie is there, the form does not carry it
    response = await client.post("/console/login", data={"member": "sz_chen", "password": "correct horse"},
                                 allow_redirects=False)
    assert response.status == 403 and "登录页面已过期" in await response.text()
    client.session.cookie_jar.clear()  # a token of its own, without the cookie the login page set
    forged = await client.post("/console/login", data={"member": "sz_chen", "password": "correct horse",
                                                       "csrf": "0" * 32}, allow_redirects=False)
    assert forged.status == 403 and sessions.COOKIE not in forged.cookies


async def test_it_never_redirects_off_site_after_login(client):
    response = await client.post("/console/login", data={"member": "sz_chen", "password": "correct horse",
                                                         "next": "//evil.example/x", "csrf": await login_token(client)},
                                 allow_redirects=False)
    assert response.headers["Location"] == "/console/board"


async def test_a_made_up_or_expired_session_is_no_session(client, clock):
    await login(client, "sz_chen")
    value = client.session.cookie_jar.filter_cookies(client.make_url("/"))[sessions.COOKIE].value
    jar, here = client.session.cookie_jar, client.make_url("/")
    jar.clear()
    jar.update_cookies({sessions.COOKIE: value[:-2] + ("AA" if value[-2:] != "AA" else "BB")}, here)
    assert (await client.get("/console/board", allow_redirects=False)).status == 302
    jar.clear()
    jar.update_cookies({sessions.COOKIE: value}, here)
    assert (await client.get("/console/board", allow_redirects=False)).status == 200
    clock.advance("13h")
    assert (await client.get("/console/board", allow_redirects=False)).status == 302


async def test_logout_needs_the_token_and_ends_the_session_even_for_a_saved_cookie(client):
    await login(client, "sz_chen")
    saved = client.session.cookie_jar.filter_cookies(client.make_url("/"))[sessions.COOKIE].value
    refused = await client.post("/console/logout", allow_redirects=False)
    assert refused.status == 403 and (await client.get("/console/board", allow_redirects=False)).status == 200
    page = await (await client.get("/console/board")).text()
    token = page.split('action="/console/logout">')[1].split('value="')[1].split('"')[0]
    out = await client.post("/console/logout", data={"csrf": token}, allow_redirects=False)
    assert out.status == 302 and out.headers["Location"] == "/console/login"
    client.session.cookie_jar.update_cookies({sessions.COOKIE: saved}, client.make_url("/"))
    assert (await client.get("/console/board", allow_redirects=False)).status == 302


async def test_a_new_password_or_leaving_the_config_ends_the_members_sessions(client, engine, settings):
    await login(client, "sz_chen")
    assert (await client.get("/console/board", allow_redirects=False)).status == 200
    with session(engine) as db:  # changed in the store directly: the session knew the old hash
        member = db.get(Member, "sz_chen")
        member.password_hash = hash_password("another one")
        db.add(member)
        db.commit()
    assert (await client.get("/console/board", allow_redirects=False)).status == 302
    await login(client, "sz_chen", "another one")
    assert (await client.get("/console/board", allow_redirects=False)).status == 200
    changed = settings.model_copy(update={"members": [m.model_copy(update={"password_hash": hash_password("third")})
                                                      if m.id == "sz_chen" else m for m in settings.members]})
    sync_directory(engine, changed)  # config.yaml says a new hash: the rows go
    with session(engine) as db:
        assert db.exec(select(WebSession).where(WebSession.member_id == "sz_chen")).all() == []
    assert (await client.get("/console/board", allow_redirects=False)).status == 302
