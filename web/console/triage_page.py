"""The duty desk's triage page: 疑似报事 with one-click 立案/忽略, corrections, and how often the model agrees."""
import asyncio

from aiohttp import web

from web.console import triage_desk
from web.console.auth import check_csrf, current
from web.console.banners import banner
from web.console.context import CONSOLE
from web.ids import parse_id


async def suspects(request: web.Request) -> web.Response:
    """GET /console/suspects: the open 疑似报事, newest first, and the agreement with recent corrections."""
    viewer = await current(request)
    console = request.app[CONSOLE]
    if not viewer.may_act:
        return console.render("error.html", status=403, viewer=viewer,
                              message="只有所领导、值班民警和网格指导员可以查看疑似报事。")
    rows, agree, count = await asyncio.to_thread(triage_desk.load, console.services)
    return console.render("suspects.html", viewer=viewer, nav="suspects", rows=rows, agree=agree, count=count,
                          **banner(request.query))


async def decide(request: web.Request) -> web.Response:
    """POST /console/suspects/{id}: decision=file (立案) or ignore (忽略)."""
    viewer = await _acting(request)
    form = await request.post()
    check_csrf(viewer, form)
    suspect_id, decision = parse_id(request.match_info["id"]), str(form.get("decision", ""))
    if suspect_id is None:
        raise web.HTTPNotFound(text="没有这条疑似报事")
    if decision not in ("file", "ignore"):
        raise web.HTTPBadRequest(text="不支持的操作")
    services = request.app[CONSOLE].services
    message = await asyncio.to_thread(triage_desk.decide, services, suspect_id, viewer.id, decision == "file")
    code = {triage_desk.FILED: "filed", triage_desk.IGNORED: "ignored"}.get(message or "", "decided_already")
    raise web.HTTPSeeOther(f"/console/suspects?msg={code}")


async def correct(request: web.Request) -> web.Response:
    """POST /console/tickets/{id}/correct: the right labels (not a report / category / urgency / place)."""
    viewer = await _acting(request)
    form = await request.post()
    check_csrf(viewer, form)
    ticket_id = parse_id(request.match_info["id"])
    is_report = form.get("is_report") != "no"
    category, urgency = str(form.get("category", "")), str(form.get("urgency", ""))
    allowed = triage_desk.CORRECTABLE
    if ticket_id is None:
        raise web.HTTPNotFound(text="没有这个工单，或不在您的查看范围内。")
    if is_report and (category not in allowed["category_names"] or urgency not in allowed["urgency_names"]):
        raise web.HTTPBadRequest(text="请选择类别和紧急程度")
    labels = {"is_report": is_report, "category": category, "urgency": urgency,
              "location": str(form.get("location", "")).strip()[:100] or None}
    done = await asyncio.to_thread(triage_desk.correct, request.app[CONSOLE].services, viewer, ticket_id, labels)
    if not done:
        raise web.HTTPNotFound(text="没有这个工单，或不在您的查看范围内。")
    raise web.HTTPSeeOther(f"/console/tickets/{ticket_id}?msg=corrected")


async def _acting(request: web.Request):
    viewer = await current(request, page=False)
    if not viewer.may_act:
        raise web.HTTPForbidden(text="只有所领导、值班民警和网格指导员可以处理")
    return viewer
