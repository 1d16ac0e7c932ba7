"""The duty desk's triage page: 疑似报事 with one-click 立案/忽略, corrections, and how often the model agrees."""
import asyncio
from urllib.parse import urlencode

from aiohttp import web

from web.console import triage_desk
from web.console.auth import check_csrf, current
from web.console.context import CONSOLE


async def suspects(request: web.Request) -> web.Response:
    """GET /console/suspects: the open 疑似报事, newest first, and the agreement with recent corrections."""
    viewer = await current(request)
    console = request.app[CONSOLE]
    if not viewer.may_act:
        return console.render("error.html", status=403, viewer=viewer,
                              message="只有所领导、值班民警和网格指导员可以查看疑似报事。")
    rows, agree, count = await asyncio.to_thread(triage_desk.load, console.services)
    return console.render("suspects.html", viewer=viewer, nav="suspects", rows=rows, agree=agree, count=count,
                          flash=request.query.get("msg", "")[:200], ok=request.query.get("ok") == "1")


async def decide(request: web.Request) -> web.Response:
    """POST /console/suspects/{id}: decision=file (立案) or ignore (忽略)."""
    viewer = await _acting(request)
    form = await request.post()
    check_csrf(viewer, form)
    raw, decision = request.match_info["id"], str(form.get("decision", ""))
    if not raw.isdigit() or decision not in ("file", "ignore"):
        raise web.HTTPBadRequest(text="不支持的操作")
    services = request.app[CONSOLE].services
    message = await asyncio.to_thread(triage_desk.decide, services, int(raw), viewer.id, decision == "file")
    query = urlencode({"ok": "1" if message else "0", "msg": message or "该条已由他人处理"})
    raise web.HTTPSeeOther(f"/console/suspects?{query}")


async def correct(request: web.Request) -> web.Response:
    """POST /console/tickets/{id}/correct: the right labels (not a report / category / urgency / place)."""
    viewer = await _acting(request)
    form = await request.post()
    check_csrf(viewer, form)
    raw = request.match_info["id"]
    is_report = form.get("is_report") != "no"
    category, urgency = str(form.get("category", "")), str(form.get("urgency", ""))
    allowed = triage_desk.CORRECTABLE
    if not raw.isdigit() or (is_report and (category not in allowed["category_names"]
                                            or urgency not in allowed["urgency_names"])):
        raise web.HTTPBadRequest(text="请选择类别和紧急程度")
    labels = {"is_report": is_report, "category": category, "urgency": urgency,
              "location": str(form.get("location", "")).strip()[:100] or None}
    done = await asyncio.to_thread(triage_desk.correct, request.app[CONSOLE].services, viewer, int(raw), labels)
    if not done:
        raise web.HTTPNotFound(text="没有这个工单，或不在您的查看范围内。")
    query = urlencode({"ok": "1", "msg": "已记录分拣纠正，下次训练会学到"})
    raise web.HTTPSeeOther(f"/console/tickets/{raw}?{query}")


async def _acting(request: web.Request):
    viewer = await current(request, page=False)
    if not viewer.may_act:
        raise web.HTTPForbidden(text="只有所领导、值班民警和网格指导员可以处理")
    return viewer
