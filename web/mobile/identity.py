"""Who holds the phone: the /m session, the demo's member picker, and WeCom's sign-in."""
import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from aiohttp import web
from sqlmodel import select

from bot.outbound.tokens import TokenCache
from bot.outbound.wechat_api import ApiError
from models import Member
from models.sessions import close_session, find_session, open_session
from models.store import session
from web.console import auth
from web.console.context import CONSOLE
from web.console.viewer import Viewer, viewer_for
from web.cookies import form_token, new_token, same_token, set_cookie
from web.forwarded import client_address, is_https
from web.mobile import session as cookies
from web.mobile import wecom
from web.mobile.context import MOBILE, Mobile

log = logging.getLogger(__name__)
LOGIN = "/m/login"


@dataclass(frozen=True)
class Person:
    """The member using /m, what they may see (the console's scope rules) and the grids they lead."""

    id: str
    name: str
    roles: tuple[str, ...]
    csrf: str
    viewer: Viewer
    leads: dict[str, tuple[str, ...]]  # grid id → its workers, for a 网格长


async def current(request: web.Request) -> Person:
    """The signed-in member; otherwise off to the sign-in, coming back here afterwards."""
    mobile = request.app[MOBILE]
    session_id = request.cookies.get(cookies.COOKIE, "")
    person = await asyncio.to_thread(_person, mobile, session_id) if session_id else None
    if person is None:
        target = request.path_qs if request.method == "GET" else "/m"
        raise web.HTTPSeeOther(f"{LOGIN}?{urlencode({'next': target})}")
    return person


def _person(mobile: Mobile, session_id: str) -> Person | None:
    settings = mobile.services.settings
    found = find_session(mobile.services.engine, cookies.KIND, session_id, mobile.services.clock.now())
    with session(mobile.services.engine) as db:
        member = db.get(Member, found.member_id) if found else None
    if member is None or not member.active:
        return None
    leads = {g.id: tuple(g.workers) for _v, g in settings.grids() if g.leader == member.id}
    csrf = form_token("form", session_id)
    return Person(member.id, member.name, tuple(member.roles), csrf, viewer_for(member, settings, csrf), leads)


def check_form(person: Person, form) -> None:
    """Refuse a post that does not carry this session's token."""
    if not same_token(form.get("csrf"), person.csrf):
        raise web.HTTPForbidden(text="表单已过期，请返回刷新后重试")


async def login_page(request: web.Request) -> web.Response:
    """Demo: pick who you are. Otherwise: off to WeCom, which says who you are."""
    mobile = request.app[MOBILE]
    target = safe_next(request.query.get("next", ""))
    token = request.cookies.get(cookies.PRE_COOKIE) or new_token()
    if mobile.demo:
        members = await asyncio.to_thread(_members, mobile)
        response = mobile.render("login.html", groups=_by_role(members), next=target, csrf=token)
        _set_pre(request, response, token)
        return response
    if not wecom.configured(mobile.services.settings):
        return mobile.render("error.html", status=503, message="企业微信应用尚未配置，暂时无法登录。")
    token = new_token()  # a fresh OAuth state each time
    redirect = f"{_origin(request)}/m/auth?{urlencode({'next': target})}"
    found = web.HTTPFound(wecom.authorize_url(mobile.services.settings, redirect, token))
    _set_pre(request, found, token)
    raise found


def _set_pre(request: web.Request, response: web.StreamResponse, token: str) -> None:
    set_cookie(request, response, cookies.PRE_COOKIE, token, max_age=900, path="/m")


async def pick(request: web.Request) -> web.Response:
    """POST /m/login in demo mode: sign in as the member picked."""
    mobile = request.app[MOBILE]
    if not mobile.demo:
        raise web.HTTPNotFound(text="仅演示模式可选择身份")
    form = await request.post()
    if not same_token(form.get("csrf"), request.cookies.get(cookies.PRE_COOKIE, "")):
        raise web.HTTPForbidden(text="表单已过期，请返回刷新后重试")
    member = await asyncio.to_thread(_member, mobile, Member.id == str(form.get("member", ""))[:64])
    if member is None:
        return mobile.render("error.html", status=400, message="没有这个成员，请重新选择。")
    return await _signed_in(request, mobile, member, str(form.get("next", "")))


async def oauth_return(request: web.Request) -> web.Response:
    """GET /m/auth?code=…&state=…: WeCom has said who this is; start their session."""
    mobile = request.app[MOBILE]
    if mobile.demo or not wecom.configured(mobile.services.settings):
        raise web.HTTPFound(LOGIN)
    state, code = request.query.get("state", ""), request.query.get("code", "")[:512]
    if not code or not state or state != request.cookies.get(cookies.PRE_COOKIE):
        return mobile.render("error.html", status=403, message="登录已过期，请从企业微信重新打开。")
    try:
        userid = await wecom.userid_for(mobile.services.settings, _http(request.app),
                                        TokenCache(mobile.services.engine, mobile.services.clock), code)
    except ApiError as error:
        log.warning("wecom sign-in failed", extra={"errcode": error.errcode, "errmsg": error.errmsg})
        return mobile.render("error.html", status=502, message="企业微信暂时无法确认您的身份，请稍后重试。")
    member = await asyncio.to_thread(_member, mobile, Member.wechat_id == userid) if userid else None
    if member is None:
        log.warning("wecom sign-in by a non-member", extra={"userid": userid})
        return mobile.render("error.html", status=403, message="您的企业微信账号未登记为网格哨成员，请联系所里管理员。")
    return await _signed_in(request, mobile, member, request.query.get("next", ""))


async def logout(request: web.Request) -> web.Response:
    """End the session (demo: pick someone else)."""
    person = await current(request)
    check_form(person, await request.post())
    await asyncio.to_thread(close_session, request.app[MOBILE].services.engine, request.cookies[cookies.COOKIE])
    response = web.HTTPSeeOther(LOGIN)
    response.del_cookie(cookies.COOKIE, path="/m")
    raise response


async def _signed_in(request: web.Request, mobile: Mobile, member: Member, target: str):
    services = mobile.services
    session_id = await asyncio.to_thread(open_session, services.engine, cookies.KIND, member.id, services.clock.now(),
                                         cookies.LIFETIME, address=client_address(request))
    response = web.HTTPSeeOther(safe_next(target))
    set_cookie(request, response, cookies.COOKIE, session_id, max_age=int(cookies.LIFETIME.total_seconds()), path="/m")
    response.del_cookie(cookies.PRE_COOKIE, path="/m")
    raise response


def _member(mobile: Mobile, where) -> Member | None:
    with session(mobile.services.engine) as db:
        return db.exec(select(Member).where(where, Member.active)).first()


def _members(mobile: Mobile) -> list[Member]:
    with session(mobile.services.engine) as db:
        return list(db.exec(select(Member).where(Member.active)).all())


def _by_role(members: list[Member]) -> list[tuple[str, list[Member]]]:
    """Members under their first role, workers first: the picker is mostly for them."""
    order = ["grid_worker", "grid_leader", "officer", "duty_officer", "instructor", "supervisor"]
    groups: dict[str, list[Member]] = {}
    for m in sorted(members, key=lambda m: m.id):
        groups.setdefault(m.roles[0] if m.roles else "", []).append(m)
    return sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else len(order))


def _http(app: web.Application):
    mobile = app[MOBILE]
    if mobile.http is None:
        import aiohttp
        mobile.http = aiohttp.ClientSession()
    return mobile.http


def _origin(request: web.Request) -> str:
    """Where WeCom sends the phone back: server.public_url when set, else the address the phone asked."""
    configured = request.app[MOBILE].services.settings.server.public_url.rstrip("/")
    return configured or f"{'https' if is_https(request) else 'http'}://{request.host}"


def safe_next(target: str) -> str:
    """Only pages of /m: never an address elsewhere."""
    if not target.startswith("/m") or target.startswith("//") or "\\" in target or (target[2:3] not in ("", "/", "?")):
        return "/m"
    return quote(target, safe="/?=&%-_.~")


async def signed_in_anywhere(request: web.Request) -> bool:
    """A /m session or a console session (photos show on both)."""
    mobile = request.app[MOBILE]
    session_id = request.cookies.get(cookies.COOKIE, "")
    if session_id and await asyncio.to_thread(_person, mobile, session_id) is not None:
        return True
    if CONSOLE not in request.app:  # the console may not be mounted (tests of /m alone)
        return False
    try:
        await auth.current(request, page=False)
    except web.HTTPException:
        return False
    return True
