"""Issue #12's demo rows tried as an attacker on the network would, one test per row, against `python run.py serve`.

The production-like config is tests/reliability/service.py's write_config: WeChat credentials set and no
demo block. The demo config is config.yaml as `make run` serves it (without its seeded month, for speed).
"""
import asyncio
import json
import os
import subprocess
import sys

import aiohttp
import pytest
import yaml
from sqlmodel import select

from core.clock import SystemClock
from core.config_load import load_settings
from models import AuditLog, Member, Outbox, Ticket
from models.store import make_engine, migrate, session
from models.sync import sync_directory
from tests.bot.test_demo_and_sweep import PHONE, real_rows
from tests.dispatch.conftest import World
from tests.helpers import free_port
from tests.reliability.browser import Browser
from tests.reliability.service import ROOT, Service, fake, write_config, write_demo_config  # noqa: F401 - fixture
from web.console.passwords import DEMO_PASSWORD, hash_password, verify

# What worked before, with {id} a real ticket: close it as the 所长, accept it, hand it to the police.
ATTACKS = [("GET", "/demo", None), ("GET", "/demo/api/feed", None), ("GET", "/demo/api/updates?after=0", None),
           ("GET", "/demo/api/kf/feed", None),
           ("POST", "/demo/api/staff", {"member": "sz_chen", "text": "办结 {id} 已处理完毕"}),
           ("POST", "/demo/api/staff", {"member": "wg_li", "button": "accept:{id}"}),
           ("POST", "/demo/api/staff", {"member": "wg_li", "text": "转警 {id} 有人打架"}),
           ("POST", "/demo/api/say", {"resident": "王阿姨", "text": "桂花苑3栋楼道有人给电瓶车充电"}),
           ("POST", "/demo/api/clock", {"step": "1d"})]


def store(folder, config=None):
    """A migrated SQLite store holding the directory (of `config`, or config.yaml's); returns (url, engine)."""
    url = f"sqlite:///{folder / 'gw.db'}"
    engine = make_engine(url)
    migrate(engine)
    sync_directory(engine, load_settings(config, env={}) if config else load_settings(env={}))
    return url, engine


def serve_exit(config, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python run.py serve` to its end (a refused config ends it at once)."""
    return subprocess.run([sys.executable, "run.py", "serve", "--config", str(config)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "GRIDWHISTLE_PORT": str(free_port()), **(env or {})})


async def log_in(base: str, member: str, password: str) -> int:
    """The login form filled in as a person would (its token included): 302 in, 401 refused."""
    async with Browser(base) as browser:
        return (await browser.login(member, password))[0]


async def test_a_production_config_has_no_demo_and_its_routes_change_no_ticket(tmp_path, fake):
    url, engine = store(tmp_path)
    config = write_config(tmp_path, url, str(fake.server.make_url("/")))
    receipt = World(load_settings(config, env={}), engine, SystemClock()).report(
        "张大爷", "锦绣花园12栋路灯坏了", category="facility_repair", kind="non_police", location="锦绣花园12栋",
        grid_id="gh-2-b")
    service = await asyncio.to_thread(Service(config, free_port(), tmp_path / "service.log").start)
    statuses = []
    async with aiohttp.ClientSession() as http:
        for method, path, body in ATTACKS:
            payload = json.loads(json.dumps(body).replace("{id}", str(receipt.ticket_id))) if body else None
            async with http.request(method, service.base + path, json=payload, allow_redirects=False) as response:
                statuses.append(response.status)
        async with http.post(f"{service.base}/m/login", data={"member": "sz_chen", "next": "/m"},
                             allow_redirects=False) as picker:
            statuses.append(picker.status)
    await asyncio.to_thread(service.stop)
    assert statuses == [404] * (len(ATTACKS) + 1)
    with session(engine) as db:
        ticket = db.get(Ticket, receipt.ticket_id)
        acted = db.exec(select(AuditLog).where(AuditLog.actor.in_(["sz_chen", "wg_li"]))).all()
    assert (ticket.status, ticket.resolution, acted) == ("dispatched", None, [])


@pytest.mark.parametrize("where,credential", [("env", {"GRIDWHISTLE_WORK_SECRET": "s3cret"}),
                                               ("env", {"GRIDWHISTLE_KF_AES_KEY": "k" * 43}),
                                               ("file", {"mp": {"token": "t"}}),
                                               ("file", {"robot": {"secret": "s"}})])
def test_the_demo_beside_any_wechat_credential_does_not_start(tmp_path, where, credential):
    wechat = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))["wechat"]
    if where == "file":
        for part, keys in credential.items():
            wechat[part] |= keys
    config = write_demo_config(tmp_path, f"sqlite:///{tmp_path / 'gw.db'}", wechat=wechat)
    out = serve_exit(config, credential if where == "env" else None)
    assert out.returncode == 2
    assert "demo.enabled: the demo has no login and must not run with WeChat credentials" in out.stderr
    assert not (tmp_path / "gw.db").exists()  # refused before touching any store


async def test_the_demo_on_every_interface_does_not_start_unless_public(tmp_path):
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    out = serve_exit(write_demo_config(tmp_path, url, server={"host": "0.0.0.0"}))
    assert out.returncode == 2
    assert "demo.enabled: the demo has no login and listens on loopback only, but server.host is '0.0.0.0'" in out.stderr
    public = write_demo_config(tmp_path, url, server={"host": "0.0.0.0"}, demo={"public": True})
    service = await asyncio.to_thread(Service(public, free_port(), tmp_path / "service.log").start)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{service.base}/demo") as page:
            shown = page.status
    await asyncio.to_thread(service.stop)
    assert shown == 200  # asked for on purpose


async def test_the_demo_feed_over_a_store_that_served_a_deployment_shows_only_the_demo(tmp_path):
    url, engine = store(tmp_path)
    real_rows(engine, SystemClock())  # an OA resident's report, a member's message, pushes that went over WeChat
    service = await asyncio.to_thread(Service(write_demo_config(tmp_path, url), free_port(),
                                              tmp_path / "service.log").start)
    async with aiohttp.ClientSession() as http:
        said = await (await http.post(f"{service.base}/demo/api/say",
                                      json={"resident": "王阿姨", "text": "桂花苑3栋路灯坏了 我电话13900001111"})).json()
        await http.post(f"{service.base}/demo/api/staff", json={"member": "wg_li", "text": "收到 我的电话13900002102"})
        await http.post(f"{service.base}/demo/api/kf/say", json={"resident": "周大爷", "text": "井盖没了 电话13900002222"})
        bodies = {path: json.dumps(await (await http.get(service.base + path)).json(), ensure_ascii=False)
                  for path in ("/demo/api/feed", "/demo/api/updates?after=0", "/demo/api/kf/feed")}
    await asyncio.to_thread(service.stop)
    assert said["reply"].startswith("已受理")
    for path, body in bodies.items():
        assert "【真实】" not in body and PHONE.findall(body) == [], path
    assert "139****1111" in bodies["/demo/api/feed"] and "王阿姨" in bodies["/demo/api/updates?after=0"]


async def test_after_a_demo_run_the_demo_password_opens_nothing(tmp_path, fake):
    url, engine = store(tmp_path)
    demo = Service(write_demo_config(tmp_path, url), free_port(), tmp_path / "demo.log")
    await asyncio.to_thread(demo.start)
    assert await log_in(demo.base, "wg_li", DEMO_PASSWORD) == 302
    await asyncio.to_thread(demo.stop)
    with session(engine) as db:
        assert set(db.exec(select(Member.password_hash)).all()) == {""}  # never written
        for member in ("wg_li", "sz_lin", "zb_sun"):  # what an earlier version's demo left behind
            row = db.get(Member, member)
            row.password_hash = hash_password(DEMO_PASSWORD)
            db.add(row)
        db.commit()
    log = tmp_path / "service.log"
    deployed = Service(write_config(tmp_path, url, str(fake.server.make_url("/"))), free_port(), log)
    await asyncio.to_thread(deployed.start)
    refused = [await log_in(deployed.base, m, DEMO_PASSWORD) for m in ("wg_li", "sz_lin", "zb_sun", "sz_chen")]
    await asyncio.to_thread(deployed.stop)
    assert refused == [401] * 4
    with session(engine) as db:
        assert not [h for h in db.exec(select(Member.password_hash)).all() if h and verify(h, DEMO_PASSWORD)]
    [warning] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
                 if "members without a password_hash" in line]
    assert {"wg_li", "sz_lin", "zb_sun", "sz_chen"} <= set(warning["members"])


async def test_a_production_start_seeds_nothing_and_pushes_nothing(tmp_path, fake):
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    # duties due at this hour would be pushed, rightly: they are not the demo's, so none are configured here
    service = Service(write_config(tmp_path, url, str(fake.server.make_url("/")), duties=[]), free_port(),
                      tmp_path / "service.log")
    await asyncio.to_thread(service.start)
    await asyncio.sleep(3)  # several ticks: a digest or ranking due now would have gone
    await asyncio.to_thread(service.stop)
    engine = make_engine(url)
    with session(engine) as db:
        tickets, pushes = db.exec(select(Ticket)).all(), db.exec(select(Outbox)).all()
    engine.dispose()
    assert (tickets, pushes, fake.requests) == ([], [], [])
