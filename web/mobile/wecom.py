"""WeCom's web sign-in (OAuth2 snsapi_base): where to send the phone, and the code → userid exchange.

WeCom's browser opens the authorize URL, WeCom sends the phone back to our redirect with a
one-time `code`, and `auth/getuserinfo` (on `wechat.work.api_base_url`, so tests use a fake)
answers the member's `userid`. The access_token is the one the sender uses, shared in the store.
"""
from urllib.parse import urlencode

from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from bot.outbound.wechat_api import call

AUTHORIZE = "https://open.weixin.qq.com/connect/oauth2/authorize"


def configured(settings) -> bool:
    """The app's corp id, agent id and secret are set: sign-in through WeCom can work."""
    work = settings.wechat.work
    return bool(work.corp_id and work.secret and work.agent_id)


def authorize_url(settings, redirect_uri: str, state: str) -> str:
    """The address that asks WeCom who is holding the phone, silently (snsapi_base)."""
    work = settings.wechat.work
    query = urlencode({"appid": work.corp_id, "redirect_uri": redirect_uri, "response_type": "code",
                       "scope": "snsapi_base", "state": state, "agentid": work.agent_id})
    return f"{AUTHORIZE}?{query}#wechat_redirect"


async def userid_for(settings, http, tokens: TokenCache, code: str) -> str | None:
    """The member's WeCom userid for a sign-in code; None for someone outside the corp. Raises ApiError."""
    transports = Transports(settings, http, tokens)
    url = transports.work.base_url.rstrip("/") + "/cgi-bin/auth/getuserinfo"
    body = await transports.token_retry(
        transports.work, lambda token: call(http, "GET", url, params={"access_token": token, "code": code}))
    # Members come back as `userid` (older API versions: `UserId`); others as openid/external_userid.
    return body.get("userid") or body.get("UserId") or None
