"""A 网格长 on /m sees the grid's tickets and reassigns within it; 两天必见面 visits from the phone."""
from datetime import timedelta

from sqlmodel import select

from duties.register import sync_register
from models import Visit, WatchedPerson
from models.store import session
from tests.mobile.conftest import form_token, hazard, pick
from tests.mobile.test_worker import holder


async def test_a_grid_leader_sees_the_grid_and_reassigns_within_it(client, world, engine):
    receipt = hazard(world)
    before = holder(engine, receipt.ticket_id)
    target = "wg_wangfang" if before != "wg_wangfang" else "wg_liutao"
    await pick(client, "wz_zhang")
    board = await (await client.get("/m/grid")).text()
    assert receipt.number in board and "本网格未办结" in board
    page = await (await client.get(f"/m/t/{receipt.ticket_id}")).text()
    assert 'id="reassign"' in page and "王芳" in page and "陈静" not in page  # only the grid's workers
    token = await form_token(client, f"/m/t/{receipt.ticket_id}")
    moved = await client.post(f"/m/t/{receipt.ticket_id}/reassign",
                              data={"csrf": token, "member": target, "note": "离得近"})
    assert "已改派给" in await moved.text()
    assert holder(engine, receipt.ticket_id) == target
    assert "张强改派给" in world.expect(target, "【新工单】")  # the hand-over's story on the new card
    assert "离得近" in world.expect(before, "【工单已移交】")  # and the worker it left is told
    outside = await client.post(f"/m/t/{receipt.ticket_id}/reassign", data={"csrf": token, "member": "wg_chenjing"})
    assert "只能改派给本网格的网格员" in await outside.text()
    assert holder(engine, receipt.ticket_id) == target


async def test_another_grids_leader_gets_no_grid_tab_for_it_and_cannot_reassign(client, world, engine):
    receipt = hazard(world)
    await pick(client, "wz_zhou")  # 第二网格's leader
    assert receipt.number not in await (await client.get("/m/grid")).text()
    token = await form_token(client, "/m/grid")
    refused = await client.post(f"/m/t/{receipt.ticket_id}/reassign", data={"csrf": token, "member": "wg_chenjing"})
    assert refused.status == 404  # the flash lands on a page the leader may not read
    assert "不在您负责的网格" in await refused.text()
    await pick(client, "wg_li")
    assert (await client.get("/m/grid", allow_redirects=False)).status == 302  # workers have no grid tab


async def test_a_leader_takes_over_a_ticket_nobody_accepted_once_alerted(client, world, engine):
    receipt = hazard(world)
    await pick(client, "wz_zhang")
    assert 'id="take_over"' not in await (await client.get(f"/m/t/{receipt.ticket_id}")).text()  # not alerted yet
    world.advance("16m")  # past 签收: the leader was alerted with a 接手 button
    page = await (await client.get(f"/m/t/{receipt.ticket_id}")).text()
    assert 'id="take_over"' in page
    token = await form_token(client, f"/m/t/{receipt.ticket_id}")
    taken = await client.post(f"/m/t/{receipt.ticket_id}/act", data={"csrf": token, "action": "take_over"})
    assert "已签收" in await taken.text()
    assert holder(engine, receipt.ticket_id) == "wz_zhang"


async def test_a_worker_records_a_visit_with_a_note(client, world, engine, settings, clock):
    sync_register(engine, settings, clock.now() - timedelta(days=2, hours=3))
    await pick(client, "wg_li")
    home = await (await client.get("/m")).text()
    assert "两天必见面：1 位老人" in home
    page = await (await client.get("/m/visits")).text()
    assert "王秀英" in page and "已超期 3小时" in page and "周德贵" not in page  # another worker's
    token = await form_token(client, "/m/visits")
    done = await (await client.post("/m/visits/w-wang", data={"csrf": token, "note": "身体挺好，血压正常"})).text()
    assert "已记录与王秀英见面" in done and "还剩 2天" in done
    with session(engine) as db:
        visit = db.exec(select(Visit)).one()
        person = db.get(WatchedPerson, "w-wang")
    assert (visit.member_id, visit.note) == ("wg_li", "身体挺好，血压正常")
    assert person.last_seen_by == "wg_li"
    missing = await client.post("/m/visits/nobody", data={"csrf": token})
    assert "名单里没有这个人" in await missing.text()
