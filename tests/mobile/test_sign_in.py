"""Outside demo mode /m signs people in through WeCom (OAuth2 snsapi_base); the picker is gone."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fakes.wechat_server import fake  # noqa: F401 - fixture
from tests.mobile.conftest import app_for, hazard
from web.mobile.session import COOKIE, PRE_COOKIE


@pytest.fixture
async def wecom_client(aiohttp_client, fake, settings, engine, clock, world):
    w = settings.wechat
    live = settings.model_copy(update={
        "demo": settings.demo.model_copy(update={"enabled": False}),
        "wechat": w.model_copy(update={"work": w.work.model_copy(update={
            "corp_id": "wwcorp", "secret": "s", "agent_id": 1000002,
            "api_base_url": str(fake.server.make_url("/"))})})})
    return await aiohttp_client(app_for(live, engine, clock, world))


async def start(client, next_path: str = "/m"):
    """Open /m: the page sends the phone to WeCom; return WeCom's query and the state cookie."""
    first = await client.get(next_path, allow_redirects=False)
    assert first.status == 303
    to_wecom = await client.get(first.headers["Location"], allow_redirects=False)
    assert to_wecom.status == 302
    url = urlsplit(to_wecom.headers["Location"])
    assert (url.scheme, url.netloc, url.path, url.fragment) == ("https", "open.weixin.qq.com",
                                                                "/connect/oauth2/authorize", "wechat_redirect")
    return {k: v[0] for k, v in parse_qs(url.query).items()}


async def test_wecom_says_who_it_is_and_the_task_page_opens(wecom_client, fake, world):
    receipt = hazard(world)
    query = await start(wecom_client, f"/m/t/{receipt.ticket_id}")
    assert (query["appid"], query["scope"], query["agentid"], query["response_type"]) == \
           ("wwcorp", "snsapi_base", "1000002", "code")
    back = urlsplit(query["redirect_uri"])
    assert back.path == "/m/auth" and parse_qs(back.query)["next"] == [f"/m/t/{receipt.ticket_id}"]
    fake.sign_in_codes["CODE1"] = "LiMing"  # 李明's WeCom userid in config.yaml
    landed = await wecom_client.get(f"{back.path}?{back.query}&code=CODE1&state={query['state']}")
    assert landed.status == 200 and receipt.number in await landed.text()
    assert "李明" in await landed.text()
    assert fake.token_calls == 1


async def test_a_code_for_someone_not_on_the_staff_list_is_refused(wecom_client, fake):
    query = await start(wecom_client)
    fake.sign_in_codes["CODE2"] = "Stranger"
    refused = await wecom_client.get(f"/m/auth?code=CODE2&state={query['state']}")
    assert refused.status == 403 and "未登记为网格哨成员" in await refused.text()
    query = await start(wecom_client)
    fake.sign_in_codes["CODE3"] = "openid:oAbc"  # a WeChat user outside the corp
    assert (await wecom_client.get(f"/m/auth?code=CODE3&state={query['state']}")).status == 403
    assert COOKIE not in {c.key for c in wecom_client.session.cookie_jar}


async def test_a_wrong_state_or_a_used_code_starts_nothing(wecom_client, fake):
    query = await start(wecom_client)
    fake.sign_in_codes["CODE4"] = "LiMing"
    forged = await wecom_client.get("/m/auth?code=CODE4&state=forged")
    assert forged.status == 403 and "登录已过期" in await forged.text()
    assert "CODE4" in fake.sign_in_codes  # never even asked WeCom
    assert (await wecom_client.get(f"/m/auth?code=CODE4&state={query['state']}")).status == 200
    wecom_client.session.cookie_jar.clear()
    again = await start(wecom_client)
    stale = await wecom_client.get(f"/m/auth?code=CODE4&state={again['state']}")
    assert stale.status == 502 and "稍后重试" in await stale.text()


async def test_the_member_picker_works_only_in_demo_mode(wecom_client):
    page = await wecom_client.get("/m/login", allow_redirects=False)
    token = wecom_client.session.cookie_jar.filter_cookies(page.url).get(PRE_COOKIE)
    assert token is not None
    picked = await wecom_client.post("/m/login", data={"csrf": token.value, "member": "sz_chen"},
                                     allow_redirects=False)
    assert picked.status == 404
    assert (await wecom_client.get("/m/photos/" + "a" * 32)).status == 401


async def test_an_expired_token_is_renewed_once_and_the_sign_in_goes_through(wecom_client, fake):
    query = await start(wecom_client)
    fake.sign_in_codes["CODE5"] = "LiMing"
    assert (await wecom_client.get(f"/m/auth?code=CODE5&state={query['state']}")).status == 200
    fake.expire_tokens()  # the token kept in the store is now refused (42001)
    wecom_client.session.cookie_jar.clear()
    again = await start(wecom_client)
    fake.sign_in_codes["CODE6"] = "LiMing"
    landed = await wecom_client.get(f"/m/auth?code=CODE6&state={again['state']}")
    assert landed.status == 200 and "李明" in await landed.text()
    assert fake.token_calls == 2
