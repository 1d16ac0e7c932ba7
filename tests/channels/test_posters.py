"""扫码报事 posters: one per village and grid, each QR code opening /r with that area chosen; staff only."""
import re

import pytest
from sqlalchemy import update

from models import Member
from models.store import session
from tests.helpers import make_services
from tests.web.conftest import login
from web import console, report
from web.app import build_app
from web.console.passwords import hash_password


@pytest.fixture
async def console_client(aiohttp_client, bot_ctx):
    def client_for(settings):
        services = make_services(settings, bot_ctx.engine, bot_ctx.clock, bot_ctx.classifier)
        services.bot, services.dispatcher = bot_ctx, bot_ctx.dispatcher
        return aiohttp_client(build_app(services, [console.setup, report.setup]))
    with session(bot_ctx.engine) as db:
        db.exec(update(Member).where(Member.id == "zd_wu").values(password_hash=hash_password("pw")))
        db.commit()
    return client_for


async def logged_in(client):
    await login(client, "zd_wu", "pw")
    return client


async def test_a_poster_per_village_and_grid_links_to_the_page_with_it_chosen(console_client, bot_ctx):
    client = await logged_in(await console_client(bot_ctx.settings))
    html = await (await client.get("/console/posters")).text()
    areas = re.findall(r'<p class="area">([^<]+)</p>', html)
    assert areas == ["桂花社区", "桂花社区 · 桂花社区第一网格", "桂花社区 · 桂花社区第二网格", "桂花社区 · 桂花社区第三网格",
                     "柳溪村", "柳溪村 · 柳溪村第一网格", "柳溪村 · 柳溪村第二网格"]
    assert html.count("<h1>扫码报事</h1>") == 7 and html.count('class="segno"') == 7
    base = str(client.make_url("")).rstrip("/")
    assert f"{base}/r?g=gh-2</p>" in html and f"{base}/r?v=liuxi</p>" in html
    assert "未设置 server.public_url" in html
    opened = await (await client.get("/r?g=gh-2")).text()
    assert "来自「桂花社区第二网格」的二维码" in opened


async def test_with_a_public_address_the_codes_use_it_and_one_area_prints_alone(console_client, bot_ctx):
    server = bot_ctx.settings.server.model_copy(update={"public_url": "https://gw.example.gov.cn"})
    client = await logged_in(await console_client(bot_ctx.settings.model_copy(update={"server": server})))
    html = await (await client.get("/console/posters?area=lx-1")).text()
    assert html.count("<h1>扫码报事</h1>") == 1 and "https://gw.example.gov.cn/r?g=lx-1</p>" in html
    assert "未设置 server.public_url" not in html
    assert (await client.get("/console/posters?area=nowhere")).status == 404


async def test_posters_need_a_login(console_client, bot_ctx):
    client = await console_client(bot_ctx.settings)
    response = await client.get("/console/posters", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/console/login")
