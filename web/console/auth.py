"""Log in, log out, and find who is asking: pages redirect to the login, data answers 401.

The login form carries a token that must match a cookie set with the form (double submit), so
another site cannot log a browser in as someone else. Failed passwords are counted per account
and per address in the store (models/login_guard.py); a locked account or address is answered
429 without its password being checked. Passwords are checked on their own threads
(services.hashing): a flood of logins waits there, not in front of the pages or the ticker.
"""
import asyncio
import math
from urllib.parse import quote, urlsplit

from aiohttp import web

from core.pools import PoolBusy
from models import Member
from models.login_guard import Lock, forget_failures, lock_in_force, note_failure
from models.sessions import close_session, find_session, open_session
from models.store import session
from web.console import passwords, sessions
from web.console.context import CONSOLE, Console
from web.console.viewer import Viewer, viewer_for
from web.cookies import form_token, new_token, same_token, set_cookie
from web.forwarded import client_address

LOGIN = "/console/login"
PRE_LIFETIME = 3600  # seconds a login form stays usable


async def current(request: web.Request, *, page: bool = True) -> Viewer:
    """The logged-in viewer; otherwise a redirect to the login (pages) or 401 (data and downloads)."""
    console = request.app[CONSOLE]
    session_id = request.cookies.get(sessions.COOKIE, "")
    viewer = await asyncio.to_thread(_viewer, console, session_id) if session_id else None
    if viewer is None:
        if page and request.method == "GET":
            raise web.HTTPFound(f"{LOGIN}?next={quote(request.path_qs)}")
        raise web.HTTPUnauthorized(text="请先登录 / login required", headers={"WWW-Authenticate": "Cookie"})
    return viewer


def _viewer(console: Console, session_id: str) -> Viewer | None:
    services = console.services
    found = find_session(services.reader, sessions.KIND, session_id, services.clock.now())
    if found is None:
        return None
    with session(services.reader) as db:
        member = db.get(Member, found.member_id)
    if member is None or not member.active or not member.password_hash \
            or sessions.fingerprint(member.password_hash) != found.password_fp:
        return None
    return viewer_for(member, services.settings, form_token("csrf", session_id))


async def login_page(request: web.Request) -> web.Response:
    """The login form."""
    return _form(request, next=_safe_next(request.query.get("next", "")))


async def login(request: web.Request) -> web.Response:
    """Check the form's token, the locks, then the password; on success open a session and go where the person was going."""
    console = request.app[CONSOLE]
    services = console.services
    form = await request.post()
    member_id, password = str(form.get("member", "")).strip()[:64], str(form.get("password", ""))[:256]
    target = _safe_next(str(form.get("next", "")))
    if not same_token(form.get("csrf"), request.cookies.get(sessions.PRE_COOKIE, "")):
        return _form(request, status=403, error="登录页面已过期，请重新输入账号和密码。", next=target, member_id=member_id)
    address, now = client_address(request), services.clock.now()
    lock = await asyncio.to_thread(lock_in_force, services.reader, member_id, address, now)
    if lock is not None:
        return _locked(request, lock, target, member_id)
    stored = await asyncio.to_thread(_stored_hash, console, member_id)
    try:
        right = await services.hashing.run(passwords.verify, stored, password)
    except PoolBusy:
        response = _form(request, status=503, error="登录的人太多，请稍等几秒再试。", next=target, member_id=member_id)
        response.headers["Retry-After"] = "5"
        return response
    if not right:
        lock = await asyncio.to_thread(note_failure, services.engine, services.settings.login, member_id, address, now)
        if lock is not None:
            return _locked(request, lock, target, member_id)
        return _form(request, status=401, error="账号或密码不正确", next=target, member_id=member_id)
    session_id = await asyncio.to_thread(_open, console, member_id, stored, address)
    response = web.HTTPFound(target)
    set_cookie(request, response, sessions.COOKIE, session_id, max_age=int(sessions.LIFETIME.total_seconds()), path="/")
    response.del_cookie(sessions.PRE_COOKIE, path=LOGIN)
    raise response


def _stored_hash(console: Console, member_id: str) -> str:
    """The member's hash, or "" (which never matches) for no such member or one no longer active."""
    with session(console.services.reader) as db:
        member = db.get(Member, member_id) if member_id else None
    return member.password_hash if member is not None and member.active else ""


def _open(console: Console, member_id: str, password_hash: str, address: str) -> str:
    services = console.services
    forget_failures(services.engine, member_id)
    return open_session(services.engine, sessions.KIND, member_id, services.clock.now(), sessions.LIFETIME,
                        password_fp=sessions.fingerprint(password_hash), address=address)


def _locked(request: web.Request, lock: Lock, target: str, member_id: str) -> web.Response:
    now = request.app[CONSOLE].services.clock.now()
    seconds = max(1, math.ceil((lock.until - now).total_seconds()))
    who = "该账号" if lock.scope == "account" else "您所在的网络"
    error = f"{who}登录失败次数过多，已暂时锁定，请 {math.ceil(seconds / 60)} 分钟后再试。如需立即解锁，请联系所领导。"
    response = _form(request, status=429, error=error, next=target, member_id=member_id)
    response.headers["Retry-After"] = str(seconds)
    return response


def _form(request: web.Request, *, status: int = 200, error: str = "", next: str = "/console/board",
          member_id: str = "") -> web.Response:
    """The login form with its token, the same token set in a cookie beside it."""
    given = request.cookies.get(sessions.PRE_COOKIE, "")
    token = given if len(given) == 32 and given.isalnum() else new_token()  # kept: two open tabs both work
    response = request.app[CONSOLE].render("login.html", status=status, error=error, next=next, member_id=member_id,
                                           csrf=token)
    set_cookie(request, response, sessions.PRE_COOKIE, token, max_age=PRE_LIFETIME, path=LOGIN)
    return response


async def logout(request: web.Request) -> web.Response:
    """End the session in the store (the cookie opens nothing after this, wherever it was copied)."""
    response = web.HTTPFound(LOGIN)
    response.del_cookie(sessions.COOKIE, path="/")
    try:
        viewer = await current(request, page=False)
    except web.HTTPUnauthorized:
        raise response from None  # no session to end
    check_csrf(viewer, await request.post())
    await asyncio.to_thread(close_session, request.app[CONSOLE].services.engine, request.cookies[sessions.COOKIE])
    raise response


def check_csrf(viewer: Viewer, form) -> None:
    """Refuse a form that does not carry this session's token."""
    if not same_token(form.get("csrf"), viewer.csrf):
        raise web.HTTPForbidden(text="表单已过期，请刷新页面后重试")


def _safe_next(target: str) -> str:
    """Only paths on this site: never an absolute URL to somewhere else."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console") or target.startswith("//"):
        return "/console/board"
    return target
