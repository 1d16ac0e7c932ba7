"""The console's and the API's attacks of issue #12, one test per row, against the real `python run.py serve`.

One service for the module (SQLite, WeChat keys set, demo off, every member with a password). Each
test comes from an address of its own on loopback (127.0.0.N), so one test's lockouts do not touch
another's; 127.0.0.1 is the configured trusted proxy.
"""
import asyncio
import time

import aiohttp
import pytest
import yaml
from sqlmodel import select

from models import Assignment, Ticket
from models.store import make_engine, session
from tests.bot import wechat
from tests.helpers import free_port
from tests.reliability.browser import Browser
from tests.reliability.service import Service, write_config
from web.console.passwords import hash_password
from web.console.sessions import COOKIE, PRE_COOKIE

PASSWORD, API_TOKEN = "correct horse", "attack-test-token"
PER_ADDRESS = 10
FLOOD = 400  # logins: on two cores they keep the hashing threads busy for longer than /healthz's 10 s allowance


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    config = write_config(folder, f"sqlite:///{folder / 'gw.db'}", f"http://127.0.0.1:{free_port()}")  # no WeChat there
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    password_hash = hash_password(PASSWORD)
    for member in data["members"]:
        member["password_hash"] = password_hash
    data["server"]["trusted_proxies"] = ["127.0.0.1"]
    data["login"] = {"per_address": PER_ADDRESS}
    data["api"]["tokens"] = [API_TOKEN]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    service = Service(config, free_port(), folder / "service.log").start()
    service.engine = make_engine(f"sqlite:///{folder / 'gw.db'}")
    yield service
    service.stop()
    service.engine.dispose()


@pytest.fixture(scope="module")
def reported(served):
    """桂花社区第一网格's report of 王阿姨 (oWangAyi) through the Official Account, then her photo from elsewhere."""
    ticket_id = asyncio.run(_report(served))
    return ticket_id


async def _report(service) -> int:
    now = int(time.time())
    text = wechat.text_xml("oWangAyi", "桂花苑3栋楼道有人给电瓶车充电", 880001, now)
    image = (f"<xml><ToUserName>gh_demo</ToUserName><FromUserName>oWangAyi</FromUserName><CreateTime>{now}</CreateTime>"
             "<MsgType>image</MsgType><PicUrl><![CDATA[//evil.example/x.png]]></PicUrl><MediaId>m1</MediaId>"
             "<MsgId>880002</MsgId></xml>")
    async with aiohttp.ClientSession() as http:
        for n, xml in enumerate((text, image)):
            query, body = wechat.mp_safe(xml, now, nonce=f"88000{n}")
            async with http.post(service.base + "/wechat/mp", params=query, data=body) as response:
                assert response.status == 200
            for _ in range(100):
                with session(service.engine) as db:
                    ticket = db.exec(select(Ticket)).first()
                if ticket is not None and (n == 0 or ticket.photos):
                    break
                await asyncio.sleep(0.1)
    assert ticket.grid_id == "gh-1" and [p["url"] for p in ticket.photos] == ["//evil.example/x.png"]
    return ticket.id


async def test_five_wrong_passwords_lock_the_account_and_the_right_sixth_gets_429(served):
    async with Browser(served.base, "127.0.0.2") as browser:
        answers = [(await browser.login("wg_li", f"guess {n}"))[0] for n in range(5)]
        status, html, response = await browser.login("wg_li", PASSWORD)
    assert answers == [401] * 4 + [429]
    assert status == 429 and "登录失败次数过多" in html and int(response.headers["Retry-After"]) > 800
    assert COOKIE not in response.cookies


async def test_one_address_gets_a_bounded_number_of_tries_across_accounts(served):
    async with Browser(served.base, "127.0.0.3") as browser:
        answers = [(await browser.login(f"nobody{n}", "guess"))[0] for n in range(PER_ADDRESS)]
        status, html, _ = await browser.login("sz_lin", PASSWORD)
        spoofed, _, _ = await browser.login("sz_lin", PASSWORD, **{"X-Forwarded-For": "198.51.100.77"})
    assert answers == [401] * (PER_ADDRESS - 1) + [429]
    assert status == 429 and "您所在的网络" in html and spoofed == 429  # the header counts only from the proxy


async def test_a_login_flood_does_not_stall_the_ticker(served):
    health: list[tuple[int, dict]] = []
    flooding = True

    async def watch():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            while flooding:
                async with http.get(served.base + "/healthz") as response:
                    health.append((response.status, await response.json()))
                await asyncio.sleep(0.3)

    async with Browser(served.base) as proxy:  # the trusted proxy, passing on many clients' logins
        token, gate = await proxy.token(), asyncio.Semaphore(40)

        async def one(n: int) -> int:
            async with gate:
                form = {"member": f"flood{n}", "password": "guess", "csrf": token}
                return (await proxy.post("/console/login", form, **{"X-Forwarded-For": f"203.0.113.{n % 250}"}))[0]
        watcher = asyncio.ensure_future(watch())
        answers = await asyncio.gather(*(one(n) for n in range(FLOOD)))
        flooding = False
        await watcher
    assert set(answers) <= {401, 503} and answers.count(401) >= 2  # 503: more than the hashing pool takes
    assert len(health) >= 3 and all(h == (200, {"status": "ok", "store": "ok", "ticker": "ok"}) for h in health)


async def test_a_saved_session_cookie_opens_nothing_after_logout(served):
    async with Browser(served.base, "127.0.0.4") as browser:
        assert (await browser.login("sz_chen", PASSWORD))[0] == 302
        saved = browser.cookie(COOKIE)
        assert (await browser.post("/console/logout", {"csrf": await browser.token("/console/board")}))[0] == 302
        browser.http.cookie_jar.update_cookies({COOKIE: saved})
        status, _, response = await browser.get("/console/board")
    assert status == 302 and response.headers["Location"].startswith("/console/login")


async def test_login_and_logout_without_the_form_token_are_refused(served):
    async with Browser(served.base, "127.0.0.5") as browser:
        await browser.token()  # the login page's cookie is there; the form below does not carry its twin
        refused, html, _ = await browser.post("/console/login", {"member": "zd_wu", "password": PASSWORD})
        assert refused == 403 and "登录页面已过期" in html and browser.cookie(COOKIE) is None
        assert (await browser.login("zd_wu", PASSWORD))[0] == 302
        assert (await browser.post("/console/logout", {}))[0] == 403
        assert (await browser.get("/console/board"))[0] == 200  # still logged in


async def test_cookies_are_secure_only_when_a_trusted_proxy_says_https(served):
    https = {"X-Forwarded-Proto": "https"}
    async with Browser(served.base, "127.0.0.6", **https) as stranger, Browser(served.base, **https) as proxy:
        _, _, direct = await stranger.get("/console/login")
        _, _, proxied = await proxy.get("/console/login")
        token = proxied.cookies[PRE_COOKIE].value
        form = {"member": "mj_zhao", "password": PASSWORD, "csrf": token}
        logged = await proxy.post("/console/login", form, Cookie=f"{PRE_COOKIE}={token}")
    assert not direct.cookies[PRE_COOKIE]["secure"] and proxied.cookies[PRE_COOKIE]["secure"]
    assert logged[0] == 302 and logged[2].cookies[COOKIE]["secure"]


async def test_odd_ids_and_far_dates_are_404_and_400_not_500(served, reported):
    bearer = {"Authorization": f"Bearer {API_TOKEN}"}
    async with Browser(served.base, "127.0.0.7") as browser:
        assert (await browser.login("zb_sun", PASSWORD))[0] == 302
        for raw in ("²", "99999999999999999999999"):
            assert (await browser.get(f"/api/tickets/{raw}", headers=bearer))[0] == 404
            assert (await browser.get(f"/console/tickets/{raw}"))[0] == 404
        status, text, _ = await browser.get("/console/board?date_to=9999-12-31")
        assert status == 400 and "日期超出范围" in text
        assert (await browser.get(f"/api/tickets/{reported}", headers=bearer))[0] == 200


async def test_a_picture_address_from_elsewhere_is_not_shown_as_an_image(served, reported):
    async with Browser(served.base, "127.0.0.8") as browser:
        await browser.login("sz_chen", PASSWORD)
        status, html, _ = await browser.get(f"/console/tickets/{reported}")
    assert status == 200 and '<img src="//evil' not in html and 'href="//evil' not in html
    assert "<code>//evil.example/x.png</code>" in html


async def test_a_link_cannot_put_words_in_the_banner(served, reported):
    async with Browser(served.base, "127.0.0.9") as browser:
        await browser.login("sz_chen", PASSWORD)
        _, html, _ = await browser.get(f"/console/tickets/{reported}?ok=1&msg=所长已批准结案请勿再办")
    assert "所长已批准结案" not in html and 'id="flash"' not in html


async def test_reassigning_to_someone_outside_the_tickets_village_is_refused(served, reported):
    async with Browser(served.base, "127.0.0.10") as browser:
        await browser.login("sz_chen", PASSWORD)
        token = await browser.token(f"/console/tickets/{reported}")
        form = {"action": "reassign", "member": "wg_tangli", "note": "柳溪村的网格员", "csrf": token}
        status, text, _ = await browser.post(f"/console/tickets/{reported}/action", form)
    assert status == 403 and "只能改派给本工单所在社区" in text
    with session(served.engine) as db:
        holders = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == reported, Assignment.active)).all()
    assert "wg_tangli" not in holders and holders
