"""A grid worker on /m: sees their tasks, accepts, arrives, closes with a note and a photo."""
from aiohttp import FormData
from sqlmodel import select

from models import Assignment, AuditLog, MediaFile, Ticket
from models.store import session
from tests.mobile.conftest import PNG, form_token, hazard, pick


def holder(engine, ticket_id: int) -> str:
    with session(engine) as db:
        return db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id, Assignment.active,
                                                          Assignment.role == "primary")).one()


def status(engine, ticket_id: int) -> str:
    with session(engine) as db:
        return db.get(Ticket, ticket_id).status


async def act(client, ticket_id: int, action: str, note: str = "", token: str | None = None):
    token = token or await form_token(client, f"/m/t/{ticket_id}")
    return await client.post(f"/m/t/{ticket_id}/act", data={"csrf": token, "action": action, "note": note})


async def test_it_sends_a_stranger_to_the_demo_picker_and_back(client, world):
    receipt = hazard(world)
    first = await client.get(f"/m/t/{receipt.ticket_id}", allow_redirects=False)
    assert first.status == 303 and first.headers["Location"].startswith("/m/login?next=")
    picker = await (await client.get(first.headers["Location"])).text()
    assert "李明" in picker and "网格员" in picker and "演示" in picker
    landed = await pick(client, holder(world.engine, receipt.ticket_id))
    assert landed.status == 200 and "我的任务" in await landed.text()


async def test_a_worker_accepts_arrives_and_closes_with_a_photo(client, world, engine):
    receipt = hazard(world)
    worker = holder(engine, receipt.ticket_id)
    await pick(client, worker)
    home = await (await client.get("/m")).text()
    assert receipt.number in home and "待接单" in home and "签收还剩 15分钟" in home

    assert "已签收" in await (await act(client, receipt.ticket_id, "accept")).text()
    assert "已记录到场" in await (await act(client, receipt.ticket_id, "arrive")).text()
    refused = await act(client, receipt.ticket_id, "resolve")
    assert "请写明处理情况" in await refused.text() and status(engine, receipt.ticket_id) == "in_progress"

    token = await form_token(client, f"/m/t/{receipt.ticket_id}")
    form = FormData()
    form.add_field("csrf", token)
    form.add_field("action", "resolve")
    form.add_field("note", "已劝离，电瓶车已移走")
    form.add_field("photo", PNG, filename="scene.png", content_type="image/png")
    page = await (await client.post(f"/m/t/{receipt.ticket_id}/act", data=form)).text()
    assert "已办结" in page and "已附 1 张照片" in page
    with session(engine) as db:
        ticket = db.get(Ticket, receipt.ticket_id)
        photo = db.exec(select(MediaFile)).one()
        steps = db.exec(select(AuditLog.action, AuditLog.actor).where(AuditLog.ticket_id == ticket.id)
                        .order_by(AuditLog.id)).all()
    assert (ticket.status, ticket.resolution) == ("resolved", "已劝离，电瓶车已移走")
    assert ticket.photos[0]["url"] == f"/media/{photo.key}" and photo.ticket_id == ticket.id
    assert (photo.kind, photo.content_type, photo.size, photo.source) == ("photo", "image/png", len(PNG), "m")
    assert steps[-3:] == [("accepted", worker), ("arrived", worker), ("resolved", worker)]
    served = await client.get(f"/media/{photo.key}")
    assert served.status == 200 and served.content_type == "image/png" and await served.read() == PNG
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    world.expect("王阿姨", "已办结：已劝离，电瓶车已移走")


async def test_my_tasks_put_the_overdue_first_with_the_time_left(client, world, engine):
    older = hazard(world)
    worker = holder(engine, older.ticket_id)
    world.advance("20m")  # past the 15-minute acceptance limit of an urgent ticket
    newer = hazard(world, who="李大爷", text="桂花路井盖没了", category="facility_repair", location="桂花路")
    world.dispatcher.reassign_in_grid("wz_zhang", newer.ticket_id, worker)
    await pick(client, worker)
    home = await (await client.get("/m")).text()
    assert home.index(older.number) < home.index(newer.number)
    assert "签收已超时 5分钟" in home and "签收还剩 15分钟" in home


async def test_return_and_transfer_need_a_reason_and_go_through_dispatch(client, world, engine):
    receipt = hazard(world)
    await pick(client, holder(engine, receipt.ticket_id))
    assert "请写明转警原因" in await (await act(client, receipt.ticket_id, "transfer_police", " ")).text()
    assert "请写明退单原因" in await (await act(client, receipt.ticket_id, "return")).text()
    assert status(engine, receipt.ticket_id) == "dispatched"
    page = await (await act(client, receipt.ticket_id, "transfer_police", "有人持刀")).text()
    assert "已转警" in page
    world.expect("mj_zhao", "【新工单】")


async def test_another_worker_neither_sees_nor_moves_the_task(client, world, engine):
    receipt = hazard(world)
    await pick(client, "wg_chenjing")  # 第二网格
    assert (await client.get(f"/m/t/{receipt.ticket_id}")).status == 404
    token = await form_token(client)
    page = await (await act(client, receipt.ticket_id, "accept", token=token)).text()
    assert "不是派给您的工单" in page and status(engine, receipt.ticket_id) == "dispatched"


async def test_forms_need_the_session_token(client, world, engine):
    receipt = hazard(world)
    await pick(client, holder(engine, receipt.ticket_id))
    forged = await client.post(f"/m/t/{receipt.ticket_id}/act", data={"action": "accept"}, allow_redirects=False)
    assert forged.status == 403 and status(engine, receipt.ticket_id) == "dispatched"
    form = FormData()
    form.add_field("action", "photo")
    form.add_field("photo", PNG, filename="x.png", content_type="image/png")
    assert (await client.post(f"/m/t/{receipt.ticket_id}/act", data=form)).status == 403
    with session(engine) as db:
        assert db.exec(select(MediaFile)).all() == []


async def test_only_pictures_are_taken_and_bad_input_is_explained(client, world, engine):
    receipt = hazard(world)
    await pick(client, holder(engine, receipt.ticket_id))
    await act(client, receipt.ticket_id, "accept")
    token = await form_token(client, f"/m/t/{receipt.ticket_id}")
    form = FormData()
    form.add_field("csrf", token)
    form.add_field("action", "resolve")
    form.add_field("note", "已处理")
    form.add_field("photo", b"<svg onload=alert(1)>", filename="x.svg", content_type="image/svg+xml")
    page = await (await client.post(f"/m/t/{receipt.ticket_id}/act", data=form)).text()
    assert "只能上传照片" in page and status(engine, receipt.ticket_id) == "accepted"
    long_note = await act(client, receipt.ticket_id, "resolve", "很" * 501)
    assert "说明过长（501 字）" in await long_note.text()
    assert (await client.get("/m/t/abc")).status == 404
    assert (await client.get("/m/photos/" + "0" * 32)).status == 404


async def test_closing_needs_an_acceptance_first_even_from_the_page(client, world, engine):
    receipt = hazard(world)
    await pick(client, holder(engine, receipt.ticket_id))
    page = await (await client.get(f"/m/t/{receipt.ticket_id}")).text()
    assert 'id="accept"' in page and 'id="resolve"' not in page  # 办结 is offered once accepted
    refused = await (await act(client, receipt.ticket_id, "resolve", "已劝离")).text()
    assert "尚未签收，不能办结" in refused and status(engine, receipt.ticket_id) == "dispatched"


async def test_a_page_left_open_after_a_reassignment_says_who_holds_the_task_now(client, world, engine):
    receipt = hazard(world)
    before = holder(engine, receipt.ticket_id)
    target = "wg_wangfang" if before != "wg_wangfang" else "wg_liutao"
    await pick(client, before)
    token = await form_token(client, f"/m/t/{receipt.ticket_id}")  # the page as it was before the 改派
    assert world.dispatcher.reassign_in_grid("wz_zhang", receipt.ticket_id, target, "离得近").ok
    name = {"wg_wangfang": "王芳", "wg_liutao": "刘涛"}[target]
    page = await (await act(client, receipt.ticket_id, "accept", token=token)).text()
    assert f"已不由您承办（现由{name}承办）" in page
    assert holder(engine, receipt.ticket_id) == target and status(engine, receipt.ticket_id) == "dispatched"
    assert f"张强改派给{name}：离得近" in world.expect(before, "【工单已移交】")
