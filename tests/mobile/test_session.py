"""The /m session lives in the store: 换人 ends it for every copy of the cookie, leaving the staff list too;
odd ids and foreign picture addresses on the task page."""
from sqlalchemy import update

from models import Member, Ticket
from models.store import session
from models.sync import sync_directory
from tests.mobile.conftest import app_for, form_token, hazard, pick
from web.mobile.session import COOKIE, PRE_COOKIE


def saved_cookie(client) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/m"))[COOKIE].value


async def test_signing_out_ends_the_session_even_for_a_saved_copy_of_the_cookie(client, world):
    await pick(client, "wg_li")
    saved = saved_cookie(client)
    assert len(saved) >= 43 and (await client.get("/m", allow_redirects=False)).status == 200
    out = await client.post("/m/logout", data={"csrf": await form_token(client)}, allow_redirects=False)
    assert out.status == 303
    client.session.cookie_jar.update_cookies({COOKIE: saved}, client.make_url("/m"))
    assert (await client.get("/m", allow_redirects=False)).status == 303


async def test_a_member_taken_off_the_staff_list_is_signed_out(client, engine, settings):
    await pick(client, "wg_li")
    assert (await client.get("/m", allow_redirects=False)).status == 200
    sync_directory(engine, settings.model_copy(update={"members": [m for m in settings.members if m.id != "wg_li"]}))
    try:
        assert (await client.get("/m", allow_redirects=False)).status == 303
    finally:
        sync_directory(engine, settings)
        with session(engine) as db:
            assert db.get(Member, "wg_li").active


async def test_cookies_are_secure_only_when_a_trusted_proxy_says_https(aiohttp_client, settings, engine, clock, world):
    proto = {"X-Forwarded-Proto": "https"}
    plain = await aiohttp_client(app_for(settings, engine, clock, world))
    page = await plain.get("/m/login", headers=proto)
    assert not page.cookies[PRE_COOKIE]["secure"]  # anyone can send the header: not believed
    server = settings.server.model_copy(update={"trusted_proxies": ["127.0.0.0/8"]})
    trusting = settings.model_copy(update={"server": server})
    proxied = await aiohttp_client(app_for(trusting, engine, clock, world))
    page = await proxied.get("/m/login", headers=proto)
    assert page.cookies[PRE_COOKIE]["secure"]
    token = page.cookies[PRE_COOKIE].value
    signed = await proxied.post("/m/login", data={"csrf": token, "member": "wg_li", "next": "/m"}, allow_redirects=False,
                                headers=proto | {"Cookie": f"{PRE_COOKIE}={token}"})  # the jar keeps Secure ones for https
    assert signed.status == 303 and signed.cookies[COOKIE]["secure"]


async def test_odd_ids_are_404_and_foreign_pictures_are_not_loaded(client, world, engine):
    receipt = hazard(world)
    with session(engine) as db:
        db.exec(update(Ticket).where(Ticket.id == receipt.ticket_id).values(
            photos=[{"url": "//evil.example/x.png"}, {"url": "https://mmbiz.qpic.cn/mmbiz_jpg/a/0"}]))
        db.commit()
    await pick(client, "wg_li")
    for raw in ("²", "99999999999999999999999"):
        assert (await client.get(f"/m/t/{raw}")).status == 404
        assert (await client.post(f"/m/t/{raw}/act", data={"action": "accept"})).status == 404
    html = await (await client.get(f"/m/t/{receipt.ticket_id}")).text()
    assert '<img src="https://mmbiz.qpic.cn/mmbiz_jpg/a/0"' in html and '<img src="//evil' not in html
    assert "<code>//evil.example/x.png</code>" in html
