"""Login throttling: an account after 5 failures, an address after its bound; audited, listed, lifted; the hashing pool."""
import asyncio
import threading

from sqlmodel import select

from core.config_access import Login
from core.pools import BoundedPool
from models import AuditLog, Escalation, LoginFailure
from models.store import session
from tests.web.conftest import hazard, login
from web import console
from web.app import build_app
from web.console import sessions

FLOOD = 12  # logins at once, more than the hashing pool's one thread can take


async def client_for(aiohttp_client, services, **changes):
    """The console on these services with config changed (login limits, server keys)."""
    login_rules = services.settings.login.model_copy(update=changes.pop("login", {}))
    server = services.settings.server.model_copy(update=changes.pop("server", {}))
    services.settings = services.settings.model_copy(update={"login": login_rules, "server": server})
    return await aiohttp_client(build_app(services, [console.setup]))


def lockouts(engine) -> list[AuditLog]:
    with session(engine) as db:
        return list(db.exec(select(AuditLog).where(AuditLog.action == "login_locked")).all())


async def test_five_failures_lock_the_account_for_15_minutes_the_right_password_included(client, engine, clock):
    answers = [(await login(client, "sz_chen", f"guess {n}")).status for n in range(5)]
    assert answers == [401, 401, 401, 401, 429]  # the fifth failure locks, and says so
    right = await login(client, "sz_chen")
    assert right.status == 429 and "登录失败次数过多" in await right.text() and "15 分钟" in await right.text()
    assert int(right.headers["Retry-After"]) == 900 and sessions.COOKIE not in right.cookies
    [row] = lockouts(engine)
    assert (row.actor, row.data["scope"], row.data["key"], row.data["failures"]) == ("system", "account", "sz_chen", 5)
    assert (await login(client, "zd_wu")).status == 302  # another account from the same address is not locked
    clock.advance("14m")
    assert (await login(client, "sz_chen")).status == 429
    clock.advance("1m")
    assert (await login(client, "sz_chen")).status == 302
    with session(engine) as db:  # the right password starts the count again
        assert db.exec(select(LoginFailure).where(LoginFailure.account == "sz_chen")).all() == []


async def test_failures_outside_the_window_do_not_add_up(client, clock):
    for n in range(4):
        assert (await login(client, "sz_chen", f"guess {n}")).status == 401
    clock.advance("16m")
    assert (await login(client, "sz_chen", "guess again")).status == 401
    assert (await login(client, "sz_chen")).status == 302


async def test_an_address_is_locked_after_its_bound_whichever_accounts_it_tries(aiohttp_client, services, engine):
    client = await client_for(aiohttp_client, services, login={"per_address": 3})
    for member in ("sz_chen", "zd_wu"):
        assert (await login(client, member, "guess")).status == 401
    third = await login(client, "wg_li", "guess")
    assert third.status == 429 and "您所在的网络" in await third.text()
    assert (await login(client, "sz_lin")).status == 429  # right password, locked address
    # X-Forwarded-For from a peer that is not a trusted proxy changes nothing
    assert (await login(client, "sz_lin", X_Forwarded_For="203.0.113.9")).status == 429
    assert [r.data["scope"] for r in lockouts(engine)] == ["address"]


async def test_behind_a_trusted_proxy_each_client_address_counts_for_itself(aiohttp_client, services):
    client = await client_for(aiohttp_client, services, login={"per_address": 2}, server={"trusted_proxies": ["127.0.0.1"]})
    for _ in range(2):
        await login(client, "zd_wu", "guess", X_Forwarded_For="203.0.113.9")
    assert (await login(client, "sz_chen", X_Forwarded_For="203.0.113.9")).status == 429
    assert (await login(client, "sz_chen", X_Forwarded_For="198.51.100.7")).status == 302


async def test_supervisors_see_the_lockouts_and_may_lift_one(client, engine):
    for n in range(5):
        await login(client, "wg_li", f"guess {n}")
    assert (await login(client, "zd_wu")).status == 302  # 网格指导员: not the station's view
    assert (await client.get("/console/security")).status == 403
    await login(client, "sz_chen")
    page = await client.get("/console/security")
    html = await page.text()
    assert page.status == 200 and "账号 wg_li（李明）" in html and "登录失败 5 次，锁定 15 分钟" in html
    token = html.split('name="csrf" value="')[1].split('"')[0]
    lifted = await client.post("/console/security/unlock", data={"csrf": token, "scope": "account", "key": "wg_li"})
    assert "已解除锁定" in await lifted.text()
    with session(engine) as db:
        [unlocked] = db.exec(select(AuditLog).where(AuditLog.action == "login_unlocked")).all()
    assert (unlocked.actor, unlocked.data) == ("sz_chen", {"scope": "account", "key": "wg_li"})
    assert (await login(client, "wg_li")).status == 302


async def test_logins_past_the_hashing_pools_line_are_asked_to_retry(client, services):
    services.hashing = BoundedPool("argon2-test", threads=1, waiting=0)
    release = threading.Event()
    blocker = asyncio.ensure_future(services.hashing.run(release.wait, 10))
    await asyncio.sleep(0)
    try:
        busy = await login(client, "sz_chen")
        assert busy.status == 503 and busy.headers["Retry-After"] == "5" and "登录的人太多" in await busy.text()
    finally:
        release.set()
        await blocker
    assert (await login(client, "sz_chen")).status == 302
    services.hashing.shutdown()


async def test_deadlines_fire_while_a_login_flood_waits_for_the_hashing_threads(aiohttp_client, services, world, engine, clock):
    client = await client_for(aiohttp_client, services, login={"per_address": 1000, "max_failures": 1000})
    services.hashing = BoundedPool("argon2-test", threads=1, waiting=100)
    services.ticker.add_step("deadlines", world.dispatcher.tick)
    receipt = hazard(world, urgency="urgent")  # its 网格长 is alerted 15 minutes after dispatch without 签收
    release = threading.Event()
    stuck = asyncio.ensure_future(services.hashing.run(release.wait, 30))  # the one hashing thread, taken
    flood = [asyncio.ensure_future(login(client, "sz_chen", f"guess {n}")) for n in range(FLOOD)]
    try:
        for _ in range(200):  # until every login waits for the hashing thread
            await asyncio.sleep(0.05)
            if services.hashing.admitted == FLOOD + 1:
                break
        clock.advance("16m")
        await services.ticker.cycle()  # the ticker's own thread: the flood does not hold it up
        assert services.ticker.alive() and not any(f.done() for f in flood)
        with session(engine) as db:
            assert db.exec(select(Escalation).where(Escalation.ticket_id == receipt.ticket_id)).all()
    finally:
        release.set()
        await stuck
    assert [(await f).status for f in flood] == [401] * FLOOD
    services.hashing.shutdown()


def test_the_default_rules_are_five_in_fifteen_minutes():
    rules = Login()
    assert (rules.max_failures, rules.window.total_seconds(), rules.lockout.total_seconds()) == (5, 900, 900)
