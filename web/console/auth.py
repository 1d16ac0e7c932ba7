"""Log in, log out, and find who is asking: pages redirect to the login, data answers 401."""
import asyncio
from urllib.parse import quote, urlsplit

from aiohttp import web

from models import Member
from models.store import session
from web.console import passwords, sessions
from web.console.context import CONSOLE
from web.console.viewer import Viewer, viewer_for

LOGIN = "/console/login"


async def current(request: web.Request, *, page: bool = True) -> Viewer:
    """The logged-in viewer; otherwise a redirect to the login (pages) or 401 (data and downloads)."""
    console = request.app[CONSOLE]
    cookie = request.cookies.get(sessions.COOKIE, "")
    viewer = await asyncio.to_thread(_viewer, console, cookie) if cookie else None
    if viewer is None:
        if page and request.method == "GET":
            raise web.HTTPFound(f"{LOGIN}?next={quote(request.path_qs)}")
        raise web.HTTPUnauthorized(text="请先登录 / login required", headers={"WWW-Authenticate": "Cookie"})
    return viewer


def _viewer(console, cookie: str) -> Viewer | None:
    services = console.services
    secret = console.secret()
    found = sessions.read(secret, cookie, services.clock.now())
    if found is None:
        return None
    member_id, version = found
    with session(services.reader) as db:
        member = db.get(Member, member_id)
    stored = passwords.login_hash(member, services.settings.demo.enabled) if member is not None else ""
    if member is None or not member.active or not stored or sessions.fingerprint(stored) != version:
        return None
    return viewer_for(member, services.settings, sessions.csrf_token(secret, cookie))


async def login_page(request: web.Request) -> web.Response:
    """The login form."""
    return request.app[CONSOLE].render("login.html", error="", next=_safe_next(request.query.get("next", "")),
                                       member_id="")


async def login(request: web.Request) -> web.Response:
    """Check the password; on success set the session cookie and go where the person was going."""
    console = request.app[CONSOLE]
    form = await request.post()
    member_id, password = str(form.get("member", "")).strip()[:64], str(form.get("password", ""))[:256]
    target = _safe_next(str(form.get("next", "")))
    cookie = await asyncio.to_thread(_check, console, member_id, password)
    if cookie is None:
        return console.render("login.html", status=401, error="账号或密码不正确", next=target, member_id=member_id)
    response = web.HTTPFound(target)
    response.set_cookie(sessions.COOKIE, cookie, max_age=int(sessions.LIFETIME.total_seconds()), httponly=True,
                        samesite="Lax", path="/", secure=request.secure)
    raise response


def _check(console, member_id: str, password: str) -> str | None:
    with session(console.services.reader) as db:
        member = db.get(Member, member_id) if member_id else None
    demo = console.services.settings.demo.enabled
    stored = passwords.login_hash(member, demo) if member is not None and member.active else ""
    if not passwords.verify(stored, password):
        return None
    return sessions.issue(console.secret(), member.id, stored, console.services.clock.now())


async def logout(request: web.Request) -> web.Response:
    """Forget the session cookie."""
    response = web.HTTPFound(LOGIN)
    response.del_cookie(sessions.COOKIE, path="/")
    raise response


def check_csrf(viewer: Viewer, form) -> None:
    """Refuse a form that does not carry this session's token."""
    if not viewer.csrf or form.get("csrf") != viewer.csrf:
        raise web.HTTPForbidden(text="表单已过期，请刷新页面后重试")


def _safe_next(target: str) -> str:
    """Only paths on this site: never an absolute URL to somewhere else."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console") or target.startswith("//"):
        return "/console/board"
    return target
